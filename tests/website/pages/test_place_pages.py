"""Workspace, registry and deployment pages: what is deployed, registered and published where."""

from __future__ import annotations

from testing.site import headers, page_tree, rows, section


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
