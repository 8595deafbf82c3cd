"""The job page: its parameters, inputs and metrics side by side with its baseline job's."""

from __future__ import annotations

import pytest

from testing.catalogs import EXAMPLE
from testing.site import headers, page_tree, parse_html, row_nodes, rows, section
from catgen.checking.engine import run_check
from catgen.load.catalog import open_catalog
from catgen.website.pages.context import PageContext
from catgen.website.pages.job import job_comparison
from catgen.website.pages.sections import code_html, commit_url
from catgen.website.sitemodel import SiteModel

JOB = "jobs/train-credit-risk-prod-0912"
BASELINE = "train-credit-risk-dev-0901"


def tables_by_heading(comparison) -> dict:
    """{h3 text: the table after it} in the comparison section."""
    found, heading = {}, None
    for node in comparison.children:
        if getattr(node, "tag", None) == "h3":
            heading = node.text()
        elif getattr(node, "tag", None) == "table" and heading:
            found[heading] = node
    return found


def test_job_page_compares_with_baseline(example_site):
    page = page_tree(example_site, JOB)
    summary = {dt.text(): dd.text() for dt, dd in zip(page.find_all("dt"), page.find_all("dd"))}
    assert summary["Baseline"] == f"job:{BASELINE}"
    assert page.find("h2", id="comparison").text() == "Compared with the baseline"
    tables = tables_by_heading(section(page, "comparison"))
    assert list(tables) == ["Inputs", "Parameters", "Metrics"]
    metrics = tables["Metrics"]
    assert headers(metrics) == ["Name", "train-credit-risk-prod-0912", BASELINE, "Difference"]
    assert ["auc", "0.872", "0.861", "+0.011"] in rows(metrics)
    assert all(row.attrs.get("class") == "cg-diff" for row in row_nodes(metrics))  # every metric moved
    parameters = tables["Parameters"]
    assert all(row[3] == "=" for row in rows(parameters))
    assert not any(row.attrs.get("class") for row in row_nodes(parameters))  # nothing changed, nothing marked
    chart = section(page, "comparison").find("figure", cls="cg-chart").find("svg")
    assert chart.attrs["aria-label"] == f"Metrics vs baseline: 4 metrics, {JOB.split('/')[1]} against {BASELINE}"


def test_job_page_compares_inputs_with_the_baseline():
    """The prod retraining's page shows production data next to the baseline's sample data."""
    site = SiteModel.from_result(run_check(open_catalog(str(EXAMPLE), cache=False)))
    job = site.catalog.get("Job", "train-credit-risk-prod-0912")
    html_text = job_comparison(PageContext(site, f"{JOB}/"), job, site.graph.target(job, "baseline"))
    inputs = tables_by_heading(parse_html(html_text))["Inputs"]
    assert headers(inputs) == ["Input", "train-credit-risk-prod-0912", BASELINE]
    assert rows(inputs) == [["training_data", "data:loans-prod@7 (production)", "data:loans-sample@1 (sample)"]]
    assert row_nodes(inputs)[0].attrs.get("class") == "cg-diff"


def test_job_summary_shows_the_code_commit_and_the_logs(example_site):
    page = page_tree(example_site, JOB)
    fields = {dt.text(): dd for dt, dd in zip(page.find_all("dt"), page.find_all("dd"))}
    commit = fields["Code"].find_all("a")[1]
    assert commit.attrs["href"] == (
        "https://github.com/contoso/credit-ml/commit/6b1f53303a732ccc8c6aae6640399827c15250e3")
    assert commit.text() == "6b1f53303a73"
    assert fields["Logs"].text() == "azureml://experiments/credit-risk/runs/train-credit-risk-prod-0912"
    assert fields["Logs"].find_all("a") == []  # azureml:// is not http(s): text


@pytest.mark.parametrize("repository, commit, expected", [
    ("https://github.com/o/r.git", "abcdef1", "https://github.com/o/r/commit/abcdef1"),
    ("https://gitlab.example.com/g/r/", "abcdef1", "https://gitlab.example.com/g/r/-/commit/abcdef1"),
    ("git@github.com:o/r.git", "abcdef1", None),  # not http(s): the commit stays text
    ("https://github.com/o/r", "main", None),  # not a commit id
    ("javascript:alert(1)//", "abcdef1", None),
])
def test_commit_links_only_for_http_repositories_and_commit_ids(repository, commit, expected):
    assert commit_url(repository, commit) == expected
    cell = parse_html(code_html({"repository": repository, "commit": commit}))
    assert [a.attrs["href"] for a in cell.find_all("a")][1:] == ([expected] if expected else [])
