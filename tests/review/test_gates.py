"""Each gate of the judging policy on one promotion: the check's word, the detail a reviewer reads."""

from __future__ import annotations

import json

import pytest

from testing import diff_scenarios as scenario
from testing.gitrepo import example_repo, run_cli


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return example_repo(tmp_path, monkeypatch)


def prod_gates(capsys, base: str) -> dict:
    code, out, err = run_cli(capsys, "diff", "--base", base, "--format", "json")
    assert code in (0, 1), err
    entry = next(p for p in json.loads(out)["promotions"] if p["stage"] == "prod")
    return {gate["gate"]: (gate["ok"], gate["detail"]) for gate in entry["gates"]}


def test_a_waived_finding_still_fails_its_gate_and_says_so(repo, capsys):
    waiver = ("  exceptions:\n    - {rule: CG503, subject: \"model:credit-risk@4\", "
              "reason: board approval by mail, expires: 2999-01-01}\n")
    repo.edit("policy.yaml", "  immutable_kinds:", waiver + "  immutable_kinds:")
    base = repo.commit("the exception, merged first")
    scenario.new_credit_risk_version(repo)
    scenario.promote_credit_risk_4_to_prod(repo)
    assert prod_gates(capsys, base)["approvals"] == (
        False, "1 of 2 (alice@contoso.com); waived: board approval by mail")


def test_approvals_by_the_requester_or_outside_approvers_do_not_count(repo, capsys):
    scenario.new_credit_risk_version(repo)
    scenario.promote_credit_risk_4_to_prod(
        repo, approvers=["bob@contoso.com", "erin@contoso.com", "Carol@Contoso.com"])
    gates = prod_gates(capsys, repo.base)
    assert gates["approvals"] == (False, "1 of 2 (Carol@Contoso.com)")
    assert gates["approvers"][0] is False and "CG504" in gates["approvers"][1]
    assert gates["separation_of_duties"][0] is False and "bob@contoso.com is the requester" in gates[
        "separation_of_duties"][1]


def test_without_a_serving_version_the_one_the_stage_holds_is_named(repo, capsys):
    for name in ("credit-risk-prod-blue", "credit-risk-prod-green"):
        (repo.catalog / "deployments" / f"{name}.yaml").unlink()
    base = repo.commit("prod serves no credit-risk")
    scenario.new_credit_risk_version(repo)
    scenario.promote_credit_risk_4_to_prod(repo)
    assert prod_gates(capsys, base)["metric:auc"] == (
        True, "auc 0.861 against a minimum of 0.85 and against 0.872 for model:credit-risk@3, which prod holds now")


def test_a_promotion_of_an_asset_that_does_not_exist_fails_every_gate(repo, capsys):
    scenario.write(repo, "promotions/ghost-to-prod.yaml", scenario.promotion(
        "ghost-to-prod", "stage: prod", "model:ghost@1", "2024-11-06T10:00:00Z", ["alice@contoso.com"]))
    gates = prod_gates(capsys, repo.base)
    assert len(gates) == 10 and all(not ok and detail == "model:ghost@1 names no asset in the catalog"
                                    for ok, detail in gates.values())


def test_only_the_gates_the_judging_policy_sets(repo, capsys):
    scenario.new_credit_risk_version(repo)
    code, out, _ = run_cli(capsys, "diff", "--base", repo.base, "--format", "json")
    test = next(p for p in json.loads(out)["promotions"] if p["stage"] == "test")
    assert [g["gate"] for g in test["gates"]] == ["from", "approvals"]
