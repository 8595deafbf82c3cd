"""Rebuilding into a catgen site reuses its unchanged pages, and the result equals a fresh build."""

from __future__ import annotations

import shutil

from testing.catalogs import EXAMPLE
from testing.site import build, page_tree, section, site_files


def test_rebuild_reuses_unchanged_pages_and_stays_identical(tmp_path):
    catalog = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, catalog)
    site = tmp_path / "site"
    build(catalog, site)
    stats = build(catalog, site)
    assert stats["reused"] == stats["pages"]
    fresh = tmp_path / "fresh"
    build(catalog, fresh)
    assert site_files(site) == site_files(fresh)
    model = catalog / "models/credit-risk/3.yaml"
    model.write_text(model.read_text().replace("Loan-default classifier", "Loan default classifier"))
    stats = build(catalog, site)
    assert 0 < stats["reused"] < stats["pages"]
    description = page_tree(site, "models/credit-risk/3").find("div", cls="cg-description")
    assert description.text().startswith("Loan default classifier")
    fresh2 = tmp_path / "fresh2"
    build(catalog, fresh2)
    assert site_files(site) == site_files(fresh2)


def test_a_page_is_rebuilt_when_what_it_links_to_changes(tmp_path):
    """The asset page lists versions: a new version changes it, and the rebuilt page shows it."""
    catalog = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, catalog)
    site = tmp_path / "site"
    build(catalog, site)
    shutil.copy(catalog / "models/credit-risk/3.yaml", catalog / "models/credit-risk/4.yaml")
    text = (catalog / "models/credit-risk/4.yaml").read_text()
    (catalog / "models/credit-risk/4.yaml").write_text(text.replace('version: "3"', 'version: "4"'))
    build(catalog, site)
    versions = section(page_tree(site, "models/credit-risk"), "versions").find("table")
    assert [row.find("td").text() for row in versions.find("tbody").find_all("tr")][:2] == ["4", "3"]
