"""``check --base`` from the check state (``checking/warmbase.py``): the full comparison's result, reading less.

In a real git repository: random edits, additions and deletions after the
base commit (some committed on top, some not, some untracked), then the warm
result is compared with ``check_against_base`` over two catalogs opened without
any cache, in every report format.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from catgen.checking.base import check_against_base
from catgen.checking.incremental import check_catalog
from catgen.checking.warmbase import check_against_base_warm
from catgen.load.catalog import open_catalog
from catgen.load.parsing import default_cache_dir

from testing.catalogs import NOW, assert_same_result
from testing.gitrepo import GitRepo

FIELDS = ("spec:\n  ", "metadata:\n  ")
VALUES = ("stage: prod", "model: model:credit-risk@1", "workspace: workspace:ml-prod-weu", "traffic: 70",
          "description: changed", "asset: model:fraud-detector@2", "[")
EDIT = st.tuples(st.sampled_from(["set", "set", "delete", "copy"]), st.integers(0, 1000),
                 st.integers(0, len(VALUES) - 1))


def _apply(catalog: Path, operation: str, file_index: int, value_index: int) -> None:
    present = sorted(p for p in catalog.rglob("*.yaml") if p.name != "policy.yaml")
    target = present[file_index % len(present)]
    if operation == "delete":
        target.unlink()
    elif operation == "copy":
        copy = target.with_name(f"copy-{value_index}.yaml")
        shutil.copy(target, copy if copy != target else target.with_name("copy-again.yaml"))
    else:
        text = target.read_text()
        where = FIELDS[value_index % 2]
        target.write_text(text.replace(where, f"{where}{VALUES[value_index]}\n  ", 1) if where in text else text + "\n")


def _full(catalog: Path, ref: str):
    work = open_catalog(str(catalog), cache=False)
    return check_against_base(work, open_catalog(str(catalog), ref=ref, cache=False), ref, now=NOW)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(committed=st.lists(EDIT, max_size=2), uncommitted=st.lists(EDIT, min_size=1, max_size=3))
def test_the_warm_base_check_is_the_full_comparison_after_random_changes(committed, uncommitted):
    with tempfile.TemporaryDirectory() as folder:
        repo = GitRepo(Path(folder) / "repo")
        base = repo.add_example()
        os.chdir(repo.path)
        check_catalog("catalog", now=NOW)  # the state, as a check before the change leaves it
        for operation in committed:
            _apply(repo.catalog, *operation)
        repo.commit("on top of the base")
        for operation in uncommitted:
            _apply(repo.catalog, *operation)
        warm = check_against_base_warm("catalog", base, now=NOW)
        if warm is not None:
            assert_same_result(warm, _full(repo.catalog, base))


def test_one_changed_deployment_is_compared_without_reading_the_whole_base(tmp_path, monkeypatch):
    repo = GitRepo(tmp_path / "repo")
    base = repo.add_example()
    monkeypatch.chdir(repo.path)
    check_catalog("catalog", now=NOW)
    repo.edit("deployments/credit-risk-dev.yaml", "instance_count: 1", "instance_count: 2")
    repo.edit("models/credit-risk/3.yaml", "path: ", "path: changed-")
    warm = check_against_base_warm("catalog", base, now=NOW)
    assert warm is not None
    assert "CG401" in {f.code for f in warm.findings}
    assert warm.summary()["changes"]["modified"] == 2
    assert_same_result(warm, _full(repo.catalog, base))


def test_a_changed_policy_leaves_it_to_the_full_comparison(tmp_path, monkeypatch):
    repo = GitRepo(tmp_path / "repo")
    base = repo.add_example()
    monkeypatch.chdir(repo.path)
    repo.edit("policy.yaml", "name: prod", "name: production")
    assert check_against_base_warm("catalog", base, now=NOW) is None


def test_git_attributes_leave_it_to_the_full_comparison(tmp_path, monkeypatch):
    """With attributes git may call a file unchanged whose bytes differ from the commit's."""
    repo = GitRepo(tmp_path / "repo")
    (repo.path / ".gitattributes").write_text("*.yaml text eol=crlf\n")
    base = repo.add_example()
    monkeypatch.chdir(repo.path)
    repo.edit("deployments/credit-risk-dev.yaml", "instance_count: 1", "instance_count: 2")
    assert check_against_base_warm("catalog", base, now=NOW) is None
    cache = Path(default_cache_dir())  # left at once: the working tree is judged once, by the full comparison
    assert not cache.exists() or not list(cache.glob("state-*"))
