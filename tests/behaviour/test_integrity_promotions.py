"""Checker integrity, promotions: attempts to use revocations, traffic and the promote command to get past the gate.

Like ``test_integrity.py`` (whose attacks these complete): the base is the example catalog,
committed in a real temporary git repository; each test commits the attack on top and asserts
exit 1 with the finding that catches it, at the file and line where the attack was made, or an
exit 2 with one line and nothing written.
"""

from __future__ import annotations

import pytest

from testing.catalogs import line_of
from testing.gitrepo import add_file, attack, check_json, findings_of, run_cli

BLUE = "catalog/deployments/credit-risk-prod-blue.yaml"
GREEN = "catalog/deployments/credit-risk-prod-green.yaml"
REVOKE = "catalog/promotions/credit-risk-3-revoke-prod.yaml"
COMEBACK = "catalog/promotions/credit-risk-3-zz-back-to-prod.yaml"


def event(name: str, *, date: str, revoke=None, approvals: str = "", stage: str = "prod") -> str:
    lines = ["apiVersion: catgen/v1", "kind: Promotion", f"metadata: {{name: {name}}}", "spec:", f"  stage: {stage}",
             "  asset: model:credit-risk@3", "  requested_by: bob@contoso.com", f"  date: {date}"]
    if revoke is not None:
        lines += [f"  revoke: {revoke}", "  reason: drift"]
    return "\n".join(lines) + "\n" + approvals


def test_deploying_a_revoked_model_in_its_stage_is_cg501(repo, capsys):
    add_file(repo, REVOKE, event("credit-risk-3-revoke-prod", date="2024-10-20", revoke="true"))
    found = attack(repo, capsys, "revoke, but keep serving")
    assert found == [("CG501", BLUE, line_of(repo.path / BLUE, "model:"))]


def test_an_unapproved_comeback_after_a_revocation_is_cg503(repo, capsys):
    # Sorting the comeback after the revocation (same date, later path) does not spare it the gate.
    add_file(repo, REVOKE, event("credit-risk-3-revoke-prod", date="2024-10-20", revoke="true"))
    add_file(repo, COMEBACK, event("credit-risk-3-zz-back-to-prod", date="2024-10-20", approvals="  approvals: []\n"))
    found = attack(repo, capsys, "revoke, then sneak back")
    assert found == [("CG503", COMEBACK, line_of(repo.path / COMEBACK, "approvals:"))]


def test_a_promotion_disguised_with_revoke_false_is_judged_as_a_promotion(repo, capsys):
    path = "catalog/promotions/fraud-detector-emea-1-to-prod.yaml"
    add_file(repo, path, event("fraud-detector-emea-1-to-prod", date="2024-11-04", revoke="false")
             .replace("model:credit-risk@3", "model:fraud-detector-emea@1"))
    found = attack(repo, capsys, "revoke: false skips nothing")
    assert ("CG503", path, line_of(repo.path / path, "stage:")) in found


def test_revoke_written_as_a_string_is_cg201_and_no_revocation(repo, capsys):
    # "true" is a string: the schema rejects it, and the gate still judges the file as a promotion.
    add_file(repo, REVOKE, event("credit-risk-3-revoke-prod", date="2024-10-20", revoke='"true"'))
    found = attack(repo, capsys, "a string that looks like true")
    assert ("CG201", REVOKE, line_of(repo.path / REVOKE, "revoke:")) in found
    assert findings_of(found, "CG501") == []  # not a revocation: the model stays in prod
    assert ("CG503", REVOKE, line_of(repo.path / REVOKE, "stage:")) in found


def test_a_revocation_without_a_reason_is_cg201(repo, capsys):
    add_file(repo, REVOKE, event("credit-risk-3-revoke-prod", date="2024-10-20", revoke="true")
             .replace("  reason: drift\n", ""))
    found = attack(repo, capsys, "revoke without saying why")
    assert [code for code, path, _ in found if path == REVOKE] == ["CG201"]


def test_revoking_a_stage_the_model_never_reached_is_cg502(repo, capsys):
    path = "catalog/promotions/credit-risk-1-revoke-prod.yaml"
    add_file(repo, path, event("credit-risk-1-revoke-prod", date="2024-10-20", revoke="true")
             .replace("model:credit-risk@3", "model:credit-risk@1"))
    found = attack(repo, capsys, "revoke what was never there")
    assert found == [("CG502", path, line_of(repo.path / path, "stage:"))]


def test_an_endpoint_overloaded_past_100_is_cg513(repo, capsys):
    repo.edit("deployments/credit-risk-prod-green.yaml", "traffic: 10", "traffic: 60")
    found = attack(repo, capsys, "green takes 60 while blue keeps 90")
    assert found == [("CG513", GREEN, line_of(repo.path / GREEN, "traffic:"))]


def test_an_endpoint_split_by_letter_case_is_still_one_endpoint(repo, capsys):
    path = "catalog/deployments/credit-risk-prod-red.yaml"
    add_file(repo, path, "apiVersion: catgen/v1\nkind: Deployment\nmetadata: {name: credit-risk-prod-red}\n"
             "spec:\n  workspace: workspace:ml-prod-weu\n  endpoint: CREDIT-RISK\n  model: model:credit-risk@3\n"
             "  environment: environment:lightgbm-py311@2\n  traffic: 50\n")
    found = attack(repo, capsys, "a third deployment on the same endpoint, in capitals")
    assert found == [("CG513", path, line_of(repo.path / path, "traffic:"))]


def test_promote_with_a_stage_named_to_escape_the_catalog_writes_nothing(repo, capsys):
    repo.edit("policy.yaml", "    - name: test\n", "    - name: ../../../escaped\n")
    code, out, err = run_cli(capsys, "promote", "model:credit-risk@1", "--stage", "../../../escaped",
                             "--requested-by", "bob@contoso.com")
    assert code == 2 and len(err.splitlines()) == 1 and "not a valid name" in err and out == ""
    assert list(repo.path.parent.rglob("escaped*")) == []
    assert repo.git("status", "--porcelain") == "M catalog/policy.yaml"


def test_promote_with_a_newline_in_requested_by_writes_nothing(repo, capsys):
    code, _, err = run_cli(capsys, "promote", "model:credit-risk@1", "--stage", "test",
                           "--requested-by", "bob@contoso.com\n  approvals: [{by: alice@contoso.com}]")
    assert code == 2 and len(err.splitlines()) == 1 and "--requested-by" in err
    assert repo.git("status", "--porcelain") == ""
