"""A manifest with a value of another type (CG201) still gets its site: every page and data file is made.

Swept whole once (every field of the example catalog, ten other types, 3,772 cases for the pages and
the data files): names that are no text sorted against names, and stages written as lists or mappings
put in sets. These are the shapes that raised.
"""

from __future__ import annotations

import pytest

from catgen.website.datafiles import data_files
from catgen.website.pages.generate import generated_pages
from catgen.website.sitemodel import SiteModel

from testing.catalogs import NOW, edit
from testing.site import parse_html

DEV = "deployments/credit-risk-dev.yaml"


def _every_page_and_data_file(root) -> tuple[SiteModel, dict]:
    site = SiteModel.load(str(root), now=NOW)
    pages = dict(generated_pages(site))
    for _, pieces in data_files(site):
        "".join(pieces)
    return site, pages


@pytest.mark.parametrize("written", ["[a, b]", "{k: v}", "7"])
def test_a_deployment_whose_name_is_no_text_is_listed_last_on_its_model_s_page(example, written):
    edit(example, DEV, "  name: credit-risk-dev\n", f"  name: {written}\n")
    site, pages = _every_page_and_data_file(example)
    deployments = site.deployments_of(site.catalog.get("Model", "credit-risk", "3"))
    assert deployments[-1].relpath == DEV and deployments[-1].name is None
    assert [d.name for d in deployments[:-1]] == sorted(d.name for d in deployments[:-1])
    assert "models/credit-risk/3/" in pages


@pytest.mark.parametrize("written", ["[test, prod]", "{name: test}"])
def test_a_stage_written_as_a_list_or_a_mapping_names_no_stage(example, written):
    edit(example, "promotions/credit-risk-3-to-test.yaml", "  stage: test\n", f"  stage: {written}\n")
    edit(example, "workspaces/ml-test-eus.yaml", "  stage: test\n", f"  stage: {written}\n")
    site, pages = _every_page_and_data_file(example)
    assert all(isinstance(name, str) for name in site.timeline.stage_names())
    marks = site.stage_marks(site.catalog.get("Model", "credit-risk", "3"))
    assert all(isinstance(mark.stage, str) for mark in marks)
    assert "status/" in pages


def test_a_registry_whose_locations_are_text_replicates_to_no_workspace_s_region(example):
    """As CG508 reads it: ``westeurope`` is in the text ``eastus westeurope``, but it names no region."""
    edit(example, "registries/contoso-ml.yaml", "  replication_locations:\n",
         "  replication_locations: eastus westeurope\n  replicated_before:\n")
    _, pages = _every_page_and_data_file(example)
    page = parse_html(pages["workspaces/ml-prod-weu/"][1])
    summary = {dt.text(): dd.text() for dt, dd in zip(page.find_all("dt"), page.find_all("dd"))}
    assert summary["Region"] == "westeurope"
    assert summary["Registries replicating to its region"] == "—"
