"""Every example of every rule runs: the rule fires where its example says, or the catalog checks clean.

The examples are declared next to the rules (``catgen.rules.<family>_examples``,
the format is in ``catgen.rules.example``) and shown on ``docs/rules/<family>.md``.
Each runs on a fresh copy of the example catalog as of ``NOW``. A failing
example must report its rule in the file and at the line it names, and
exactly the other rules it names in ``also``; a passing example must leave the
whole catalog with no finding at all. Examples with ``base`` are checked with
``--base``: the example catalog is committed to a throw-away git repository
first, and the example is the change on top of it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from catgen.checking.base import check_against_base, open_base
from catgen.load.catalog import open_catalog
from catgen.rules import RULES
from catgen.rules.example import Example, Padded, Replace, Symlink, fails, passes, replace

from testing.catalogs import EXAMPLE, NOW, check, codes
from testing.gitrepo import GitRepo, isolate_git

CASES = [(found, index, example) for found in RULES.values() for index, example in enumerate(found.examples)]


def case_id(case) -> str:
    found, index, example = case
    return f"{found.code}-{index + 1}-{'fails' if example.fires else 'passes'}"


def apply(example: Example, root: Path) -> None:
    """Make the example's change to the catalog at ``root``."""
    for relpath, content in example.files:
        target = root / relpath
        if content is None:
            assert target.exists(), f"{relpath} does not exist, so it cannot be deleted"
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Replace):
            assert target.exists(), f"{relpath} does not exist in the example catalog, so it cannot be edited"
            target.write_text(content.apply(target.read_text(encoding="utf-8")), encoding="utf-8")
        elif isinstance(content, Symlink):
            os.symlink(content.target, target)
        elif isinstance(content, Padded):
            target.write_bytes(content.render())
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def run(example: Example, tmp_path: Path, monkeypatch) -> list:
    """(code, path relative to the catalog, line) of each finding once the example is applied."""
    if not example.base:
        root = tmp_path / "catalog"
        shutil.copytree(EXAMPLE, root)
        apply(example, root)
        return codes(check(root))
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    base = repo.add_example()
    apply(example, repo.catalog)
    monkeypatch.chdir(repo.path)  # the repository is the one holding the current directory
    catalog = open_catalog("catalog", cache=False)
    return codes(check_against_base(catalog, open_base(catalog, "catalog", base), base, now=NOW))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_example(case, tmp_path, monkeypatch):
    found, _, example = case
    reported = run(example, tmp_path, monkeypatch)
    if not example.fires:
        assert reported == [], f"{found.code} example should pass, but the check reports {reported}"
        return
    assert (found.code, example.path, example.line) in reported, (
        f"{found.code} should fire in {example.path} at line {example.line}; the check reports {reported}"
    )
    assert {code for code, _, _ in reported} == {found.code, *example.also}, f"unexpected findings {reported}"


@pytest.mark.parametrize("found", RULES.values(), ids=lambda found: found.code)
def test_every_rule_has_a_failing_and_a_passing_example(found):
    assert any(e.fires for e in found.examples), f"{found.code} has no example that fails"
    assert any(not e.fires for e in found.examples), f"{found.code} has no example that passes"


def test_examples_of_immutability_are_checked_against_a_base():
    """Without ``--base`` the CG4xx rules find nothing: only a base can make their examples fail."""
    for found in RULES.values():
        assert all(e.base == (found.family == "CG4xx") for e in found.examples), found.code


def test_example_builders():
    edit = replace("a\n", "b\n", "c\n", "d\n")
    assert edit.apply("a\nc\n") == "b\nd\n"
    with pytest.raises(ValueError, match="occurs 2 times"):
        replace("a", "b").apply("aa")
    with pytest.raises(ValueError, match="pairs"):
        replace("a", "b", "c")
    assert len(Padded("x: 1\n", 100).render()) == 100
    example = fails("t", {"a.yaml": None}, at="a.yaml", line=3, also=["CG506"])
    assert (example.fires, example.path, example.line, example.also, example.files) == (
        True, "a.yaml", 3, ("CG506",), (("a.yaml", None),))
    assert passes("t", {}).fires is False
