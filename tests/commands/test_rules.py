"""``catgen rules [CODE]``: every rule on one line, or one rule explained from its docstring."""

from __future__ import annotations

import pytest

from catgen.rules import RULES

from testing.catalogs import POLICY, check, write
from testing.cli import one_error_line, run


def test_without_a_code_every_rule_on_one_line_in_code_order():
    code, out, err = run("rules")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split()[:3] for line in lines] == [[r.code, r.name, r.level] for r in RULES.values()]
    assert all(line.endswith(rule.summary) for line, rule in zip(lines, RULES.values()))


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_is_explained_by_its_docstring(code):
    rule = RULES[code]
    status, out, err = run("rules", code)
    assert (status, err) == (0, "")
    head, _, body = out.partition("\n\n")
    assert head.splitlines()[0] == f"{rule.code} {rule.name}"
    assert f"level:  {rule.level} by default" in head
    assert f"family: {rule.family}:" in head
    assert body.strip() == (rule.doc.strip() or rule.summary)


def test_what_the_policy_may_do_with_a_rule():
    assert "the policy can neither lower nor waive it" in run("rules", "CG302")[1]
    assert "may change its level (spec.rules) or waive it" in run("rules", "CG509")[1]


@pytest.mark.parametrize("spelling", ["cg302", " CG302", "dangling-ref", "Dangling-Ref"])
def test_a_rule_by_code_in_any_case_or_by_name(spelling):
    assert run("rules", spelling)[1] == run("rules", "CG302")[1]


@pytest.mark.parametrize("unknown", ["CG999", "CG30", "no-such-rule", ""])
def test_an_unknown_rule_is_one_line_that_points_at_the_list(unknown):
    code, out, err = run("rules", unknown)
    assert (code, out) == (2, "")
    assert one_error_line(err) == f"catgen: error: {unknown!r} is not a catgen rule; `catgen rules` lists every rule"


def test_the_policys_unknown_rule_code_points_at_catgen_rules(tmp_path):
    """CG306 for a rule code the policy names but catgen does not define says where to look."""
    write(tmp_path, "policy.yaml", POLICY + "  rules:\n    CG999: warning\n")
    (found,) = [f for f in check(tmp_path).findings if f.code == "CG306"]
    assert "`catgen rules` lists every rule" in found.message
