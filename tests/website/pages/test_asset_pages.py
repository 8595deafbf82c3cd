"""The asset page (every version, metrics across versions) and a version's page (placement, lineage)."""

from __future__ import annotations

from testing.site import headers, page_tree, rows, section

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
