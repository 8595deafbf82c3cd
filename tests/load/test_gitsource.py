"""``GitSource``: a catalog folder as it is at a git revision, read with git alone, the same way as the disk."""

from __future__ import annotations

import os

import pytest

from catgen.errors import CatalogError
from catgen.load.catalog import open_catalog
from catgen.load.gitsource import GitSource
from catgen.load.sources import DirectorySource

from testing.gitrepo import example_repo


@pytest.fixture
def repo(tmp_path, monkeypatch):
    return example_repo(tmp_path, monkeypatch)


def test_git_source_reads_what_the_working_tree_has(repo):
    base, work = open_catalog("catalog", ref=repo.base, cache=False), open_catalog("catalog", cache=False)
    assert [m.path for m in base.manifests] == [m.path for m in work.manifests]
    assert [m.data for m in base.manifests] == [m.data for m in work.manifests]
    assert base.source.display_root == work.source.display_root == "catalog"


def test_git_source_skips_hidden_and_other_files_and_flags_links(repo):
    (repo.catalog / ".drafts").mkdir()
    (repo.catalog / ".drafts/x.yaml").write_text("kind: Model\n", encoding="utf-8")
    (repo.catalog / ".hidden.yaml").write_text("kind: Model\n", encoding="utf-8")
    (repo.catalog / "README.md").write_text("# catalog\n", encoding="utf-8")
    os.symlink("models/credit-risk/3.yaml", repo.catalog / "link.yaml")
    commit = repo.commit("odd files")
    files = {f.relpath: f for f in GitSource("catalog", commit).files()}
    assert not [p for p in files if p.startswith(".") or p.endswith(".md")]
    assert files["link.yaml"].symlink
    assert files["models/credit-risk/3.yaml"].size == (repo.catalog / "models/credit-risk/3.yaml").stat().st_size
    assert [f.relpath for f in GitSource("catalog", commit).files()] == [f.relpath for f in DirectorySource("catalog").files()]


def test_git_source_errors_are_catalog_errors(repo):
    with pytest.raises(CatalogError, match="names no commit"):
        GitSource("catalog", "nope")
    with pytest.raises(CatalogError, match="does not exist"):
        GitSource("missing", "main")

