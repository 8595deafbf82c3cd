"""The asset page (every version, metrics across versions) and a version's page (placement, lineage)."""

from __future__ import annotations

from testing.marks import PENDING_PROMOTION, marks_site, render, rendered
from testing.site import headers, page_tree, row_nodes, rows, section

VERSION = "models/credit-risk/3"
UPSTREAM = {"job:train-credit-risk-prod-0912", "workspace:ml-prod-weu"}


def test_version_page_links_to_its_lineage(example_site):
    page = page_tree(example_site, VERSION)
    hrefs = {href for _, href in page.links()}
    for target in ("jobs/train-credit-risk-prod-0912/", "data/loans-prod/7/", "environments/lightgbm-py311/2/",
                   "components/credit-risk-pipeline/1/", "deployments/credit-risk-prod-blue/",
                   "deployments/credit-risk-test/"):
        assert f"../../../{target}" in hrefs, target
    for href in hrefs - {None}:  # every relative link resolves to a file of the site
        if "://" in href or href.startswith(("#", "mailto:")):
            continue
        resolved = (example_site / VERSION / href.split("#")[0]).resolve()
        assert resolved.is_file() or (resolved / "index.html").is_file(), href


def test_version_page_lists_lineage_both_ways_under_the_picture(example_site):
    page = page_tree(example_site, VERSION)
    picture = section(page, "lineage").find("div", cls="cg-lineage-svg").find("svg")
    assert picture.attrs["aria-label"] == "Lineage of model:credit-risk@3"
    upstream = section(page, "Upstream").find("table", cls="cg-lineage-up")
    assert headers(upstream) == ["Relation", "Field", "Manifest"]
    assert {row[2] for row in rows(upstream)} >= UPSTREAM
    assert ["trained_by", "spec.job", "job:train-credit-risk-prod-0912"] in rows(upstream)
    downstream = section(page, "Downstream").find("table", cls="cg-lineage-down")
    assert ["deploys", "deployment:credit-risk-prod-blue"] in rows(downstream)
    training = section(page, "training")
    assert training.find("dl").find("dd").text() == "job:train-credit-risk-prod-0912"


def test_version_page_shows_its_promotions_in_order(example_site):
    timeline = section(page_tree(example_site, VERSION), "promotions").find("ol", cls="cg-timeline")
    dates = [li.find("span", cls="cg-date").text() for li in timeline.children if getattr(li, "tag", None) == "li"]
    assert dates == sorted(dates) and len(dates) >= 2


def test_asset_page_lists_versions_with_stages_and_metrics(example_site):
    page = page_tree(example_site, "models/credit-risk")
    versions = section(page, "versions").find("table")
    assert headers(versions) == ["Version", "Created", "Stages", "Home", "Registries", "Deployed as"]
    assert [row[0] for row in rows(versions)] == ["3", "2", "1"]  # newest first
    assert [href for text, href in versions.links() if text in ("1", "2", "3")] == ["3/", "2/", "1/"]
    stages = [row.find_all("td")[2] for row in versions.find("tbody").find_all("tr")]
    assert [[b.text() for b in cell.find_all("span", cls="cg-stage")] for cell in stages][-1] == ["dev", "test"]
    metrics = section(page, "metrics")
    charts = [figure.find("svg").attrs["aria-label"] for figure in metrics.find_all("figure", cls="cg-chart")]
    assert any(label.startswith("auc: 3 of 3 versions have a value") for label in charts)
    table = metrics.find("table", cls="cg-metrics")
    assert headers(table)[:2] == ["Version", "Training job"] and "auc" in headers(table)
    auc = headers(table).index("auc")
    assert [row[auc] for row in rows(table)] == ["0.843", "0.858", "0.872"]


# -- traceability up front ---------------------------------------------------------------------------


def training_fields(page) -> dict:
    fields = section(page, "training").find("dl")
    return {dt.text(): dd for dt, dd in zip(fields.find_all("dt"), fields.find_all("dd"))}


def test_version_page_shows_code_commit_logs_and_data_classification(example_site):
    fields = training_fields(page_tree(example_site, VERSION))
    commit = "6b1f53303a732ccc8c6aae6640399827c15250e3"
    code = fields["Code"].find_all("a")
    assert [(a.text(), a.attrs["href"]) for a in code] == [
        ("https://github.com/contoso/credit-ml", "https://github.com/contoso/credit-ml"),
        (commit[:12], f"https://github.com/contoso/credit-ml/commit/{commit}")]
    assert all(a.attrs["rel"] == "noopener noreferrer nofollow" for a in code)
    logs = fields["Logs"]
    assert logs.text() == "azureml://experiments/credit-risk/runs/train-credit-risk-prod-0912"
    assert logs.find_all("a") == []  # not http(s): stays text
    assert fields["Inputs"].text() == "training_data: data:loans-prod@7 (production)"


def test_version_page_shows_metrics_against_the_baseline_and_the_gates(example_site):
    table = section(page_tree(example_site, VERSION), "version-metrics").find("table", cls="cg-version-metrics")
    assert headers(table) == ["Metric", "This version", "Baseline train-credit-risk-dev-0901", "Difference",
                              "Policy gates"]
    by_name = {row[0]: row for row in rows(table)}
    assert by_name["auc"] == ["auc", "0.872", "0.861", "+0.011",
                              "prod: ≥ 0.85; prod: regression ≤ 0.02 against the baseline"]
    assert by_name["f1"][4] == "—"


def test_a_version_without_a_training_job_has_no_metrics(example_site):
    page = page_tree(example_site, "environments/lightgbm-py311/2")
    assert "version-metrics" not in [h.attrs.get("id") for h in page.find_all("h2")]


def test_version_page_shows_findings_about_it_from_other_files(tmp_path):
    """credit-risk@1's own file is clean; the future prod promotion's gate findings name it (SPEC §7)."""
    page = render(rendered(marks_site(tmp_path)), "models/credit-risk/1/")
    table = section(page, "findings").find("table", cls="cg-findings")
    assert headers(table) == ["Level", "Rule", "Name", "File", "Line", "Message", "Subject"]
    assert {row[1] for row in rows(table)} >= {"CG503", "CG511"}
    assert {row[3] for row in rows(table)} == {f"promotions/{PENDING_PROMOTION}.yaml"}
    first = row_nodes(table)[0].find_all("td")
    assert first[1].find("a").attrs["href"] == f"../../../rules/#{rows(table)[0][1].lower()}"
    assert first[3].find("a").attrs["href"] == f"../../../promotions/{PENDING_PROMOTION}/"
    assert section(page, "findings").find_all("p", cls="cg-ok") == []
