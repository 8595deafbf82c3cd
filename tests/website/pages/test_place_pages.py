"""Workspace, registry and deployment pages: what is deployed, registered and published where."""

from __future__ import annotations

import pytest

from testing.marks import marks_in, marks_site, render, rendered
from testing.site import headers, page_tree, parse_html, rows, section
from catgen.website.pages.context import PageContext
from catgen.website.pages.places import _model_in_stage


def summary(page) -> dict:
    return {dt.text(): dd.text() for dt, dd in zip(page.find_all("dt"), page.find_all("dd"))}


def test_workspace_page_lists_its_deployments(example_site):
    page = page_tree(example_site, "workspaces/ml-prod-weu")
    table = section(page, "Deployed here").find("table")
    assert headers(table) == ["Deployment", "Endpoint", "Model", "Traffic"]
    assert "credit-risk-prod-blue" in [row[0] for row in rows(table)]
    assert summary(page)["Stage"] == "prod"


def test_registry_page_lists_what_is_published_there(example_site):
    page = page_tree(example_site, "registries/contoso-ml")
    published = [li.text() for li in section(page, "Published here").find("ul", cls="cg-refs").find_all("li")]
    assert "model:credit-risk@2" in published


def test_deployment_page_shows_model_workspace_and_stage(example_site):
    page = page_tree(example_site, "deployments/credit-risk-prod-blue")
    fields = summary(page)
    assert fields["Model"] == "model:credit-risk@3" and fields["Workspace"] == "workspace:ml-prod-weu"
    assert fields["Stage"] == "prod"
    assert section(page, "lineage").find("svg").attrs["aria-label"] == "Lineage of deployment:credit-risk-prod-blue"


@pytest.mark.parametrize("deployment, shown", [
    ("credit-risk-prod-green", {"prod": "revoked"}),  # still deploys credit-risk@2, revoked from prod
    ("credit-risk-prod-blue", {"prod": "in force"}),
])
def test_deployment_page_marks_its_model_in_the_workspace_stage(marked_pages, deployment, shown):
    assert marks_in(summary_nodes(render(marked_pages, f"deployments/{deployment}/"))["Model in the stage"]) == shown


def test_a_deployed_model_in_force_in_its_stage_is_a_plain_badge_and_an_unpromoted_one_says_so(tmp_path):
    site = marks_site(tmp_path)
    dev = summary_nodes(render(rendered(site), "deployments/credit-risk-dev/"))["Model in the stage"]
    assert marks_in(dev) == {"dev": "in force"} and dev.find_all("a") == []
    cell = parse_html(_model_in_stage(PageContext(site, "x/"), site.catalog.get("Model", "credit-risk", "1"), "qa"))
    assert cell.find("span", cls="cg-mark-absent").text() == "not promoted to qa" and marks_in(cell) == {}


@pytest.fixture(scope="module")
def marked_pages(tmp_path_factory) -> dict:
    return rendered(marks_site(tmp_path_factory.mktemp("marks")))


def summary_nodes(page) -> dict:
    fields = page.find_all("dl", cls="cg-fields")[1]
    return {dt.text(): dd for dt, dd in zip(fields.find_all("dt"), fields.find_all("dd"))}
