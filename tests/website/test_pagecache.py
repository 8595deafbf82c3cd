"""Rebuilding into a catgen site reuses its unchanged pages, and the result equals a fresh build.

One catalog goes through a series of single-file changes; after each, the
site rebuilt over the previous one is compared with a fresh build of the
same catalog, byte for byte (marker included: it holds the page hashes).
"""

from __future__ import annotations

import os
import shutil

import pytest

from testing.catalogs import EXAMPLE
from testing.site import build, page_tree, section, site_files
from catgen.model import KINDS
from catgen.website.pages.generate import WHOLE_CATALOG_PAGES

RENDERED_BY_MKDOCS = len(WHOLE_CATALOG_PAGES) + len([kind for kind in KINDS if kind != "Policy"])  # the nav's
ANNOUNCE = '{{% extends "base.html" %}}{{% block announce %}}{}{{% endblock %}}'  # a theme override
STORY_NOW = "1727000000"  # SOURCE_DATE_EPOCH: a pending mark shows "now", and both builds must agree on it

# (file, old text, new text): one file changed per step, each step after the ones before it.
EDITS = [
    ("models/credit-risk/3.yaml", "Loan-default classifier", "Loan default classifier"),  # a description
    ("promotions/credit-risk-2-to-test.yaml", "2024-07-22T09:00:00Z", "2099-07-22T09:00:00Z"),  # now pending
    ("deployments/credit-risk-test.yaml", "model:credit-risk@3", "model:credit-risk@2"),  # what serves where
    ("jobs/train-credit-risk-prod-0912.yaml", "data:loans-prod@7", "data:loans-prod@99"),  # a reference to nothing
]
POLICY_EDIT = ("policy.yaml", "approvals: 1", "approvals: 2")  # a gate more: marks and findings change


def _rebuild_equals_fresh(root, name: str) -> dict:
    """Rebuild over the site; compare it with a fresh build of the same catalog; the rebuild's statistics."""
    stats = build(root / "catalog", root / "site")
    fresh = root / f"fresh-{name}"
    build(root / "catalog", fresh)
    assert site_files(root / "site") == site_files(fresh), f"after {name}"
    return stats


def _edit(root, relpath: str, old: str, new: str) -> None:
    path = root / "catalog" / relpath
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", STORY_NOW)
    shutil.copytree(EXAMPLE, tmp_path / "catalog")
    return tmp_path


def test_each_rebuild_after_an_edit_equals_a_fresh_build(catalog):
    (catalog / "mkdocs.yml").write_text("site_name: Rebuilds\ntheme: {name: material, custom_dir: overrides}\n")
    (catalog / "overrides").mkdir()
    (catalog / "overrides/main.html").write_text(ANNOUNCE.format("Maintenance on Friday"))
    first = build(catalog / "catalog", catalog / "site")
    again = build(catalog / "catalog", catalog / "site")
    assert first["reused"] == 0 and again["pages"] == first["pages"]
    assert again["reused"] == again["pages"] - RENDERED_BY_MKDOCS  # every page but those MkDocs renders
    for relpath, old, new in EDITS:
        _edit(catalog, relpath, old, new)
        stats = _rebuild_equals_fresh(catalog, relpath.replace("/", "-"))
        assert 0 < stats["reused"] < stats["pages"], relpath
        assert 0 < stats["rendered"] < 30, relpath  # only the page jobs whose recorded inputs changed
    description = page_tree(catalog / "site", "models/credit-risk/3").find("div", cls="cg-description")
    assert description.text().startswith("Loan default classifier")
    (catalog / "overrides/main.html").write_text(ANNOUNCE.format("Maintenance on Monday"))  # the theme's page
    _rebuild_equals_fresh(catalog, "template")
    assert "Maintenance on Monday" in (catalog / "site/models/credit-risk/3/index.html").read_text()


def test_a_rebuild_after_the_policy_a_new_file_or_a_deleted_one_equals_a_fresh_build(catalog):
    build(catalog / "catalog", catalog / "site")
    before = site_files(catalog / "site")
    _edit(catalog, *POLICY_EDIT)
    _rebuild_equals_fresh(catalog, "policy")
    model = catalog / "catalog/models/credit-risk"
    (model / "4.yaml").write_text((model / "3.yaml").read_text().replace('version: "3"', 'version: "4"'))
    _rebuild_equals_fresh(catalog, "added")
    versions = section(page_tree(catalog / "site", "models/credit-risk"), "versions").find("table")
    assert [row.find("td").text() for row in versions.find("tbody").find_all("tr")][:2] == ["4", "3"]
    (model / "4.yaml").unlink()
    _edit(catalog, POLICY_EDIT[0], POLICY_EDIT[2], POLICY_EDIT[1])
    build(catalog / "catalog", catalog / "site")  # the catalog is the first one again
    assert site_files(catalog / "site") == before
    assert not (catalog / "site/models/credit-risk/4").exists()


def test_an_unchanged_page_stays_in_place_and_a_changed_one_is_replaced(catalog):
    site = catalog / "site"
    build(catalog / "catalog", site)
    unchanged, changed = site / "models/credit-risk/2/index.html", site / "models/credit-risk/3/index.html"
    before = {path: os.stat(path) for path in (unchanged, changed)}
    _edit(catalog, *EDITS[0])
    build(catalog / "catalog", site)
    after = {path: os.stat(path) for path in (unchanged, changed)}
    assert (after[unchanged].st_ino, after[unchanged].st_mtime_ns) == (before[unchanged].st_ino,
                                                                      before[unchanged].st_mtime_ns)
    assert after[changed].st_ino != before[changed].st_ino and "Loan default" in changed.read_text()
    assert os.stat(site / "assets/catgen/catgen.css").st_nlink == 1  # nothing links two sites
