"""The checks page: the check status, then every finding grouped by file, linked to the manifest's page."""

from __future__ import annotations

import pytest

from testing.catalogs import write
from testing.site import build, headers, page_tree, rows, section

FINDING_HEADERS = ["Level", "Rule", "Name", "Line", "Message", "Subject"]


@pytest.fixture(scope="module")
def site_with_findings(tmp_path_factory):
    root = tmp_path_factory.mktemp("findings")
    write(root, "catalog/policy.yaml", "apiVersion: catgen/v1\nkind: Policy\nmetadata: {name: default}\n"
          "spec: {stages: [{name: dev}]}\n")
    write(root, "catalog/models/m/1.yaml", "apiVersion: catgen/v1\nkind: Model\nmetadata: {name: m, version: '1'}\n"
          "spec: {workspace: 'workspace:nowhere', type: custom_model, path: x}\n")
    build(root / "catalog", root / "site")
    return root / "site"


def test_checks_page_of_a_clean_catalog_says_so(example_site):
    page = page_tree(example_site, "checks")
    status = page.find("p", cls="cg-check-status")
    assert status.find("span", cls="cg-level-ok").text() == "passing"
    assert status.text().endswith("— findings by file below") and status.find_all("a") == []
    assert page.find("p", cls="cg-ok").text() == "No findings."
    assert page.find_all("h2", cls="cg-file") == []


def test_checks_page_groups_findings_by_file_with_a_link_to_the_page(site_with_findings):
    page = page_tree(site_with_findings, "checks")
    files = page.find_all("h2", cls="cg-file")
    assert [h.find("code").text() for h in files] == ["models/m/1.yaml"]
    assert files[0].links() == [("model:m@1", "../models/m/1/")]
    table = section(page, files[0].text()).find("table")
    assert headers(table) == FINDING_HEADERS
    found = rows(table)
    assert found and all(row[0] in ("error", "warning") for row in found)
    assert any("workspace:nowhere" in row[4] for row in found)
    assert page.find_all("p", cls="cg-ok") == []


def test_a_manifest_page_shows_the_findings_of_its_file(site_with_findings):
    page = page_tree(site_with_findings, "models/m/1")
    checks = rows(page_tree(site_with_findings, "checks").find("table"))
    table = section(page, "findings").find("table")
    assert headers(table) == FINDING_HEADERS[:3] + ["File"] + FINDING_HEADERS[3:]
    assert rows(table) == [row[:3] + ["this file"] + row[3:] for row in checks]
    summary = {dt.text(): dd for dt, dd in zip(page.find_all("dt"), page.find_all("dd"))}
    assert summary["Check"].links()[0][1] == "#findings"


def test_home_page_shows_the_check_status_with_a_link_to_the_checks(site_with_findings):
    status = section(page_tree(site_with_findings, ""), "Check status").find("p", cls="cg-check-status")
    assert status.find("span", cls="cg-level-error").text() == "error"
    assert status.links() == [("all findings", "checks/")]
