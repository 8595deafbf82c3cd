"""The check core: ``run_check`` and ``CheckResult`` (who judged, findings by file, counts, exit codes).

The levels and exceptions of the policy are tested in ``tests/test_policy.py``;
``check_against_base`` in ``tests/checking/test_base.py`` (through the CLI) and here for its result.
"""

from __future__ import annotations

import shutil

from catgen.checking.base import check_against_base
from catgen.checking.engine import run_check
from catgen.load.catalog import open_catalog
from catgen.policy import read_policy

from testing.catalogs import EXAMPLE, NOW, edit, line_of

DEV = "deployments/credit-risk-dev.yaml"
GREEN = "deployments/credit-risk-prod-green.yaml"


def _two_broken_files(example):
    edit(example, DEV, "model:credit-risk@3", "model:credit-risk@9")
    edit(example, GREEN, "model:credit-risk@2", "model:credit-risk@8")
    return run_check(open_catalog(str(example), cache=False), now=NOW)


def test_findings_in_gives_one_files_findings_at_their_lines(example):
    result = _two_broken_files(example)
    dev, green = (result.catalog.display(relpath) for relpath in (DEV, GREEN))
    assert [(f.code, f.line) for f in result.findings_in(dev)] == [("CG302", line_of(example / DEV, "credit-risk@9"))]
    assert [(f.code, f.line) for f in result.findings_in(green)] == [
        ("CG302", line_of(example / GREEN, "credit-risk@8"))]
    assert result.findings_in(result.catalog.display("policy.yaml")) == []


def test_findings_in_follows_findings_replaced_after_the_first_question(example):
    """``--changed`` replaces ``result.findings``: the index by path must not answer from the old list."""
    result = _two_broken_files(example)
    dev, green = (result.catalog.display(relpath) for relpath in (DEV, GREEN))
    assert len(result.findings_in(dev)) == 1  # builds the index
    result.findings = [f for f in result.findings if f.path != dev]
    assert result.findings_in(dev) == []
    assert [f.path for f in result.findings_in(green)] == [green]


def test_counts_and_exit_codes_follow_the_levels(example):
    result = _two_broken_files(example)
    assert (result.errors, result.warnings, result.exit_code()) == (2, 0, 1)
    assert result.summary() == {"manifests": len(result.catalog.manifests), "errors": 2, "warnings": 0, "waived": 0}
    assert result.findings == sorted(result.findings, key=lambda f: f.sort_key)


def test_the_catalogs_own_policy_judges_unless_one_is_given(example):
    catalog = open_catalog(str(example), cache=False)
    own = run_check(catalog, now=NOW)
    assert own.policy.manifest is catalog.policy
    assert [s.gate.approvals for s in own.policy.stages if s.gate] == [1, 2]
    stricter = read_policy(catalog.policy)
    stricter.levels["CG302"] = "off"  # structural: cannot be lowered, but the given policy is the one kept
    assert run_check(catalog, now=NOW, policy=stricter).policy is stricter


def test_under_check_against_base_the_bases_policy_judges(tmp_path):
    base_root, work_root = tmp_path / "base", tmp_path / "work"
    shutil.copytree(EXAMPLE, base_root)
    shutil.copytree(EXAMPLE, work_root)
    edit(work_root, "policy.yaml", "        approvals: 2\n", "        approvals: 1\n")
    base, work = open_catalog(str(base_root), cache=False), open_catalog(str(work_root), cache=False)
    result = check_against_base(work, base, "main", now=NOW)
    assert result.policy.manifest is base.policy and result.policy.manifest is not work.policy
    assert result.policy.stage("prod").gate.approvals == 2
    assert result.summary()["changes"]["policy"] == "base"
    loosened = [(f.code, f.path, f.line) for f in result.findings if f.code == "CG403"]
    edited_line = line_of(base_root / "policy.yaml", "approvals: 2")
    assert loosened == [("CG403", work.display("policy.yaml"), edited_line)]


def test_a_base_without_a_policy_leaves_the_working_trees_to_judge(tmp_path):
    base_root = tmp_path / "base"
    base_root.mkdir()
    work = open_catalog(str(EXAMPLE), cache=False)
    result = check_against_base(work, open_catalog(str(base_root), cache=False), "main", now=NOW)
    assert result.policy.manifest is work.policy
    assert result.summary()["changes"]["policy"] == "working tree (the base has no policy)"


def test_each_finding_is_waived_by_the_first_unexpired_exception_of_its_rule_and_subject():
    """``apply_policy`` on many findings and many exceptions: every exception was tried for every finding (8,000
    approvals by strangers under 8,000 exceptions took a check 3.6 s): the subjects compared tell."""
    from datetime import datetime, timedelta, timezone

    from catgen.checking.engine import apply_policy
    from catgen.model import Finding
    from catgen.policy import Exception_, Policy

    compared = []

    class Subject(str):  # counts the comparisons of subjects: one per finding that has exceptions, not one per pair
        __hash__ = str.__hash__

        def __eq__(self, other):
            compared.append(1)
            return str.__eq__(self, other)

    now = datetime(2026, 1, 15, tzinfo=timezone.utc)
    later, earlier = now + timedelta(days=1), now - timedelta(days=1)
    count = 4_000
    exceptions = [Exception_("CG504", Subject(f"promotion:p{i}"), f"elsewhere {i}", later, ()) for i in range(count)]
    exceptions += [Exception_("CG504", "promotion:p-1", "expired", earlier, ()),
                   Exception_("CG504", "promotion:p-1", "first", later, ()),
                   Exception_("CG504", "promotion:p-1", "second", later, ()),
                   Exception_("CG505", "promotion:p-2", "another rule", later, ())]
    findings = [Finding("CG504", "approver-not-allowed", "error", "p.yaml", i, 1, "m", f"promotion:p{-i - 1}")
                for i in range(count)]
    policy = Policy(None, [], exceptions=exceptions)
    reported, waived = apply_policy(findings, policy, now)
    assert [(f.subject, f.waived_by) for f in waived] == [("promotion:p-1", "first")]
    assert len(reported) == count - 1 and reported[0].subject == "promotion:p-2"  # CG505's does not waive CG504
    assert len(compared) < 100
