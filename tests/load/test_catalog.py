"""``open_catalog`` and ``Catalog``: the one way to open a catalog (disk or git revision, with or without
the parse cache), identities, resolved references, and ``find`` for references typed by a user."""

from __future__ import annotations

import os
import re

import pytest

from catgen.errors import CatalogError
from catgen.load.catalog import open_catalog
from catgen.load.gitsource import GitSource
from catgen.load.parsing import ParseCache
from catgen.load.sources import DirectorySource
from catgen.model import fold

from testing.catalogs import edit, line_of, write
from testing.gitrepo import example_repo

MODEL_3 = "models/credit-risk/3.yaml"


def cache_files(folder) -> list[str]:
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


# -- the parse cache -----------------------------------------------------------------


def test_cache_true_uses_the_users_cache_folder_and_fills_it(example, tmp_path):
    user_cache = tmp_path / ".catgen-cache"  # CATGEN_CACHE_DIR, set by tests/conftest.py
    first = open_catalog(str(example))
    assert isinstance(first.parse_cache, ParseCache) and first.parse_cache.added == len(first.manifests)
    assert [name for name in cache_files(user_cache) if name.endswith(".marshal")]
    again = open_catalog(str(example))
    assert again.parse_cache.added == 0 and [m.data for m in again.manifests] == [m.data for m in first.manifests]


def test_cache_false_parses_everything_and_writes_nothing(example, tmp_path):
    catalog = open_catalog(str(example), cache=False)
    assert catalog.parse_cache is None and len(catalog.manifests) > 50
    assert cache_files(tmp_path / ".catgen-cache") == []


def test_a_given_parse_cache_is_shared_not_replaced(example, tmp_path):
    shared = ParseCache(str(example), str(tmp_path / "shared"))
    catalog = open_catalog(str(example), cache=shared)
    assert catalog.parse_cache is shared and shared.added == len(catalog.manifests)
    edit(example, MODEL_3, "type: mlflow_model", "type: custom_model")
    open_catalog(str(example), cache=shared)
    assert shared.added == len(catalog.manifests) + 1  # only the edited file was parsed again
    assert cache_files(tmp_path / ".catgen-cache") == []  # the user's cache was never touched


# -- a git revision ------------------------------------------------------------------


def test_ref_reads_the_catalog_as_committed_not_as_edited(tmp_path, monkeypatch):
    repo = example_repo(tmp_path, monkeypatch)
    repo.edit(MODEL_3, "type: mlflow_model", "type: custom_model")
    write(repo.catalog, "workspaces/new.yaml", "apiVersion: catgen/v1\n")
    base = open_catalog("catalog", ref=repo.base, cache=False)
    work = open_catalog("catalog", cache=False)
    assert isinstance(base.source, GitSource) and isinstance(work.source, DirectorySource)
    assert base.get("Model", "credit-risk", "3").spec["type"] == "mlflow_model"
    assert work.get("Model", "credit-risk", "3").spec["type"] == "custom_model"
    assert len(work.manifests) == len(base.manifests) + 1
    assert "workspaces/new.yaml" not in {m.relpath for m in base.manifests}
    assert base.get("Model", "credit-risk", "3").path == "catalog/" + MODEL_3


def test_ref_that_names_no_commit_is_a_catalog_error(tmp_path, monkeypatch):
    example_repo(tmp_path, monkeypatch)
    with pytest.raises(CatalogError, match="names no commit"):
        open_catalog("catalog", ref="no-such-branch", cache=False)


# -- identities, references, find ----------------------------------------------------


def test_references_resolve_to_manifests_and_dangling_ones_to_none(example):
    edit(example, "deployments/credit-risk-dev.yaml", "model:credit-risk@3", "model:credit-risk@9")
    catalog = open_catalog(str(example), cache=False)
    deployment = catalog.get("Deployment", "credit-risk-dev")
    targets = {ref.field: ref.target for ref in deployment.refs}
    assert targets["spec.model"] is None
    assert targets["spec.workspace"] is catalog.get("Workspace", "ml-dev-eus")
    model = catalog.get("Model", "credit-risk", "3")
    job_ref = next(ref for ref in model.refs if ref.field == "spec.job")
    assert job_ref.target.relpath == "jobs/train-credit-risk-prod-0912.yaml"
    assert model.locate(job_ref.path, value=True)[0] == line_of(example / MODEL_3, r"^\s+job: job:")


def test_an_unloadable_file_leaves_the_identity_its_path_implies(example):
    write(example, "models/drafted/1.yaml", "apiVersion: catgen/v1\nkind: [\n")
    catalog = open_catalog(str(example), cache=False)
    assert fold(("Model", "drafted", "1")) in catalog.broken
    assert catalog.get("Model", "drafted", "1") is None


def test_find_returns_the_manifest_a_reference_names(example):
    catalog = open_catalog(str(example), cache=False)
    assert catalog.find("model:credit-risk@3").relpath == MODEL_3
    assert catalog.find("workspace:ml-prod-weu").relpath == "workspaces/ml-prod-weu.yaml"


# The folder is shown as Catalog.display('') gives it ("catalog/" today; "catalog" would read better).
IN_CATALOG = r"names no manifest in catalog/?"


@pytest.mark.parametrize("typed, pattern", [
    ("credit-risk", r"^'credit-risk' is not a reference like model:credit-risk@3 or job:train-0912$"),
    ("widget:x", r"^'widget:x' is not a reference like model:credit-risk@3 or job:train-0912$"),
    ("WORKSPACE:ML-PROD-WEU", r"^'WORKSPACE:ML-PROD-WEU' is not a reference like"),  # kind prefixes are lower case
    ("model:credit-risk@99", rf"^model:credit-risk@99 {IN_CATALOG}$"),  # no near miss: no hint
    ("model:Credit-Risk@3", rf"^model:Credit-Risk@3 {IN_CATALOG}; did you mean model:credit-risk@3\?$"),
    ("workspace:ML-prod-WEU", rf"^workspace:ML-prod-WEU {IN_CATALOG}; did you mean workspace:ml-prod-weu\?$"),
])
def test_find_errors_are_one_line_with_a_near_miss_hint(example, typed, pattern):
    catalog = open_catalog("catalog", cache=False)  # the conftest runs the test from <tmp>, above catalog/
    with pytest.raises(CatalogError) as raised:
        catalog.find(typed)
    assert re.search(pattern, str(raised.value)), str(raised.value)
