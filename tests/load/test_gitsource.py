"""``GitSource``: a catalog folder as it is at a git revision, read with git alone, the same way as the disk."""

from __future__ import annotations

import os

import pytest

from catgen.errors import CatalogError
from catgen.load.catalog import open_catalog
from catgen.load.gitsource import GitSource, catalog_prefix
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
    assert ([f.relpath for f in GitSource("catalog", commit).files()]
            == [f.relpath for f in DirectorySource("catalog").files()])


def test_git_source_errors_are_catalog_errors(repo):
    with pytest.raises(CatalogError, match="names no commit"):
        GitSource("catalog", "nope")
    with pytest.raises(CatalogError, match="does not exist"):
        GitSource("missing", "main")



def test_the_repository_is_the_one_holding_the_current_directory(repo, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.chdir(other)
    with pytest.raises(CatalogError, match="the current directory is not in a git repository"):
        GitSource(str(repo.catalog), repo.base)
    monkeypatch.chdir(repo.path / "catalog/models")  # any folder of the repository will do
    assert GitSource("..", repo.base).prefix == "catalog/"


def test_a_link_above_the_work_tree_is_followed(repo, tmp_path):
    os.symlink(repo.path, tmp_path / "alias")
    source = GitSource(str(tmp_path / "alias/catalog"), repo.base)
    assert (source.prefix, len(source.files())) == ("catalog/", len(DirectorySource("catalog").files()))


def test_catalog_prefix_refuses_links_and_repositories_inside_the_work_tree(repo):
    top = str(repo.path)
    assert catalog_prefix(str(repo.catalog), top, "catalog") == "catalog/"
    assert catalog_prefix(top, top, ".") == ""  # a catalog at the top: its .git is the repository's own
    os.symlink("catalog", repo.path / "linked")
    with pytest.raises(CatalogError, match=r"symbolic link inside the repository \(linked\)"):
        catalog_prefix(str(repo.path / "linked"), top, "linked")
    (repo.catalog / "models/.git").write_text("gitdir: /elsewhere\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"'catalog/models/credit-risk' lies in a git repository of its own "
                                           r"\(catalog/models/\.git\)"):
        catalog_prefix(str(repo.catalog / "models/credit-risk"), top, "catalog/models/credit-risk")
    with pytest.raises(CatalogError, match="is not in the repository that holds the current directory"):
        catalog_prefix(str(repo.path.parent), top, "..")


def test_ambiguity_is_git_own_reading_and_a_full_sha_is_never_ambiguous(repo):
    repo.git("tag", "main", repo.base)
    with pytest.raises(CatalogError, match=r"'main' as more than one ref \(refs/heads/main, refs/tags/main\)"):
        GitSource("catalog", "main")
    with pytest.raises(CatalogError, match="ambiguous"):
        GitSource("catalog", "main~0")  # the name in an expression is read the same way
    repo.git("branch", repo.base, repo.base)  # a branch named like the full sha: git reads the sha
    assert GitSource("catalog", repo.base).commit == repo.base
    assert GitSource("catalog", f"{repo.base}~0").commit == repo.base
    assert GitSource("catalog", "refs/tags/main").commit == repo.base


def test_replace_refs_cannot_swap_the_base(repo):
    repo.edit("policy.yaml", "        approvals: 2\n", "        approvals: 0\n")
    change = repo.commit("looser")
    repo.git("replace", repo.base, change)  # refs/replace/<base> -> the change
    source = GitSource("catalog", repo.base)
    source.files()
    assert b"        approvals: 2\n" in source.read("policy.yaml")


def test_a_link_above_the_work_tree_to_a_link_inside_it_is_refused(repo, tmp_path):
    (repo.path / "catalog").rename(repo.path / "moved")
    os.symlink("moved", repo.path / "catalog")
    os.symlink(repo.path / "catalog", tmp_path / "alias")  # outside: followed, then the link inside is seen
    with pytest.raises(CatalogError, match=r"symbolic link inside the repository \(catalog\)"):
        GitSource(str(tmp_path / "alias"), repo.base)
    os.symlink("loop", tmp_path / "loop")
    with pytest.raises(CatalogError):
        catalog_prefix(str(tmp_path / "loop"), str(repo.path), "loop")


def test_git_source_lists_only_the_paths_asked_for_the_same_way(repo):
    """``check --base`` asks for the changed paths alone: git finds them, the rest of the tree is never parsed."""
    every = {f.relpath: f for f in GitSource("catalog", repo.base).files()}
    asked = {"policy.yaml", "models/credit-risk/3.yaml", "models/not-there/1.yaml", ".hidden.yaml"}
    only = GitSource("catalog", repo.base).files(only=asked)
    assert only == [every[path] for path in sorted(asked) if path in every]
    assert [f.relpath for f in only] == ["models/credit-risk/3.yaml", "policy.yaml"]
    assert GitSource("catalog", repo.base).files(only=set()) == []
    # Too long for git's command line (a hostile change may name many long paths): the whole tree, then filtered.
    long_names = {f"models/{'x' * 2400}/{number}.yaml" for number in range(900)}  # 2.2 MB: over Linux's limit
    assert GitSource("catalog", repo.base).files(only=asked | long_names) == only
