"""Checker integrity: attempts to get a bad change past ``catgen check --base``, each caught.

The attacker writes a merge request against a catalog whose base (the
example catalog, committed in a real temporary git repository) is trusted.
Every test commits the attack on top of the base and asserts exit 1 with the
finding that catches it, at the file and line where the attack was made.
``tests/checking/test_base.py`` covers the mechanics of ``--base``; this file is the
list of attacks, each from the attacker's side.
"""

from __future__ import annotations

import pytest

from testing.catalogs import line_of
from testing.gitrepo import check_json, example_repo, findings_of

PROD_PROMOTION = "catalog/promotions/credit-risk-3-to-prod.yaml"
BLUE = "catalog/deployments/credit-risk-prod-blue.yaml"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    return example_repo(tmp_path, monkeypatch)


def attack(repo, capsys, message: str) -> list:
    """Commit the working tree as the attack; check it against the base; exit 1 or the attack passed."""
    repo.commit(message)
    code, found, _, err = check_json(capsys, "--base", repo.base)
    assert code == 1, f"the attack passed: {found} {err}"
    return found


def add_file(repo, relpath: str, text: str):
    path = repo.path / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def promotion(name: str, asset: str, *, requested_by: str, date: str, approvals: list[tuple[str, str]], stage: str = "prod") -> str:
    lines = ["apiVersion: catgen/v1", "kind: Promotion", "metadata:", f"  name: {name}", "spec:", f"  stage: {stage}",
             f"  asset: {asset}", f"  requested_by: {requested_by}", f"  date: {date}", "  approvals:" + ("" if approvals else " []")]
    for by, at in approvals:
        lines += [f"    - by: {by}", f"      at: {at}"]
    return "\n".join(lines) + "\n"


EMEA_TO_PROD = "catalog/promotions/fraud-detector-emea-1-to-prod.yaml"


def emea_to_prod(**overrides) -> str:
    """A promotion to prod of a model that only has one approval in test: needs two in prod."""
    fields = {"requested_by": "bob@contoso.com", "date": "2024-11-04T10:00:00Z",
              "approvals": [("alice@contoso.com", "2024-11-04T12:00:00Z")]}
    return promotion("fraud-detector-emea-1-to-prod", "model:fraud-detector-emea@1", **{**fields, **overrides})


# -- the policy cannot be loosened by the change it judges ----------------------------


def test_turning_the_rule_off_in_the_same_change(repo, capsys):
    add_file(repo, EMEA_TO_PROD, emea_to_prod())
    repo.edit("policy.yaml", "  mutable_fields:\n", "  rules:\n    CG503: {level: off}\n  mutable_fields:\n")
    found = attack(repo, capsys, "switch CG503 off and promote")
    assert ("CG503", EMEA_TO_PROD, 10) in found
    assert findings_of(found, "CG403") == [("CG403", "catalog/policy.yaml", line_of(repo.catalog / "policy.yaml", r"^  rules:"))]


def test_dropping_the_approvals_requirement_in_the_same_change(repo, capsys):
    add_file(repo, EMEA_TO_PROD, emea_to_prod(approvals=[]))
    repo.edit("policy.yaml", "        approvals: 2\n", "        approvals: 0\n")
    found = attack(repo, capsys, "no approvals needed any more")
    assert ("CG503", EMEA_TO_PROD, 10) in found
    assert findings_of(found, "CG403") == [("CG403", "catalog/policy.yaml", line_of(repo.catalog / "policy.yaml", "approvals: 0"))]


def test_an_exception_added_in_the_same_change_does_not_apply(repo, capsys):
    # An unpromoted model deployed to prod, waived by an exception written in the same change.
    repo.edit("deployments/credit-risk-prod-green.yaml", "model:credit-risk@2", "model:credit-risk@1")
    repo.edit("policy.yaml", "  mutable_fields:\n",
              "  exceptions:\n    - {rule: CG501, subject: 'model:credit-risk@1', reason: trust me, expires: 2099-12-31}\n  mutable_fields:\n")
    found = attack(repo, capsys, "deploy version 1 to prod with a waiver")
    assert ("CG501", "catalog/deployments/credit-risk-prod-green.yaml", 10) in found
    assert findings_of(found, "CG403") != []


def test_removing_pinned_images_while_adding_an_unpinned_environment(repo, capsys):
    repo.edit("policy.yaml", "        pinned_images: true\n", "")
    add_file(repo, "catalog/environments/lightgbm-py311/3.yaml",
             "apiVersion: catgen/v1\nkind: Environment\nmetadata:\n  name: lightgbm-py311\n  version: \"3\"\n"
             "spec:\n  registry: registry:contoso-ml\n  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest\n")
    for stage, date in (("test", "2024-11-01T10:00:00Z"), ("prod", "2024-11-02T10:00:00Z")):
        add_file(repo, f"catalog/promotions/lightgbm-py311-3-to-{stage}.yaml", promotion(
            f"lightgbm-py311-3-to-{stage}", "environment:lightgbm-py311@3", stage=stage, requested_by="bob@contoso.com", date=date,
            approvals=[("alice@contoso.com", "2024-11-02T11:00:00Z"), ("carol@contoso.com", "2024-11-02T12:00:00Z")]))
    found = attack(repo, capsys, "unpinned image, no pinning rule")
    prod = "catalog/promotions/lightgbm-py311-3-to-prod.yaml"
    assert findings_of(found, "CG605") == [("CG605", prod, line_of(repo.path / prod, "asset:"))]
    assert findings_of(found, "CG403") != []


# -- published history cannot be rewritten ----------------------------------------


def test_adding_an_approval_to_an_old_promotion(repo, capsys):
    repo.edit("promotions/fraud-detector-emea-1-to-test.yaml", "      comment: OK for a regional A/B evaluation in test.\n",
              "      comment: OK for a regional A/B evaluation in test.\n    - by: alice@contoso.com\n      at: 2024-10-07T12:00:00Z\n")
    found = attack(repo, capsys, "one more approval, after the fact")
    path = "catalog/promotions/fraud-detector-emea-1-to-test.yaml"
    assert found == [("CG401", path, line_of(repo.path / path, "by: alice@contoso.com"))]


def test_back_dating_an_approval_in_a_published_promotion(repo, capsys):
    repo.edit("promotions/credit-risk-3-to-prod.yaml", "at: 2024-09-24T09:15:00Z", "at: 2024-09-23T11:00:00Z")
    found = attack(repo, capsys, "approved earlier, honest")
    assert found == [("CG401", PROD_PROMOTION, line_of(repo.path / PROD_PROMOTION, "at: 2024-09-23T11:00:00Z"))]


def test_an_approval_dated_before_the_request_in_a_new_promotion(repo, capsys):
    path = add_file(repo, EMEA_TO_PROD, emea_to_prod(approvals=[
        ("alice@contoso.com", "2024-11-03T12:00:00Z"), ("carol@contoso.com", "2024-11-04T12:00:00Z")]))
    found = attack(repo, capsys, "approved before it was asked for")
    assert ("CG511", EMEA_TO_PROD, line_of(path, "at: 2024-11-03")) in found


def test_approving_oneself_under_another_letter_case(repo, capsys):
    path = add_file(repo, EMEA_TO_PROD, emea_to_prod(requested_by="alice@contoso.com", approvals=[
        ("Alice@Contoso.com", "2024-11-04T12:00:00Z"), ("carol@contoso.com", "2024-11-04T13:00:00Z")]))
    found = attack(repo, capsys, "alice approves alice")
    assert ("CG505", EMEA_TO_PROD, line_of(path, "by: Alice@Contoso.com")) in found


def test_the_same_approver_twice_under_two_letter_cases_counts_once(repo, capsys):
    add_file(repo, EMEA_TO_PROD, emea_to_prod(approvals=[
        ("alice@contoso.com", "2024-11-04T12:00:00Z"), ("ALICE@contoso.com", "2024-11-04T13:00:00Z")]))
    found = attack(repo, capsys, "two approvals from one person")
    assert ("CG503", EMEA_TO_PROD, 10) in found


def test_deleting_the_promotion_a_deployment_needs(repo, capsys):
    (repo.path / PROD_PROMOTION).unlink()
    found = attack(repo, capsys, "forget that promotion")
    assert ("CG402", PROD_PROMOTION, 1) in found
    assert ("CG501", BLUE, line_of(repo.path / BLUE, "model: model:credit-risk@3")) in found


def test_renaming_a_model_version_to_escape_its_history(repo, capsys):
    old, new = repo.catalog / "models/credit-risk/3.yaml", repo.catalog / "models/credit-risk/4.yaml"
    new.write_text(old.read_text(encoding="utf-8").replace('version: "3"', 'version: "4"'), encoding="utf-8")
    old.unlink()
    repo.edit("deployments/credit-risk-prod-blue.yaml", "model:credit-risk@3", "model:credit-risk@4")
    found = attack(repo, capsys, "version 4 is a fresh start")
    assert ("CG402", "catalog/models/credit-risk/3.yaml", 1) in found
    assert ("CG501", BLUE, line_of(repo.path / BLUE, "model: model:credit-risk@4")) in found


def test_renaming_a_model_and_leaving_its_deployment_is_caught_too(repo, capsys):
    old = repo.catalog / "models/credit-risk/3.yaml"
    old.rename(repo.catalog / "models/credit-risk/3b.yaml")
    repo.edit("models/credit-risk/3b.yaml", 'version: "3"', 'version: "3b"')
    found = attack(repo, capsys, "rename only")
    assert ("CG402", "catalog/models/credit-risk/3.yaml", 1) in found
    assert ("CG302", BLUE, line_of(repo.path / BLUE, "model: model:credit-risk@3")) in found


@pytest.mark.parametrize("field,old,new", [
    ("sha256", "77141ab7baacfb622a18b3dcfb0ca36ebe6ad2b3fc7d1fb52eb11d4588e6351a", "0" * 64),
    ("path", "azureml://jobs/train-credit-risk-prod-0912/outputs/artifacts/paths/model/", "azureml://jobs/attacker/model/"),
])
def test_swapping_the_artifact_of_a_published_model(repo, capsys, field, old, new):
    repo.edit("models/credit-risk/3.yaml", old, new)
    found = attack(repo, capsys, f"new {field}, same version")
    assert found == [("CG401", "catalog/models/credit-risk/3.yaml", line_of(repo.catalog / "models/credit-risk/3.yaml", f"^  {field}:"))]


def test_making_promotions_mutable_in_the_same_change(repo, capsys):
    repo.edit("policy.yaml", "    - Promotion\n", "")
    repo.edit("promotions/credit-risk-3-to-prod.yaml", "requested_by: bob@contoso.com", "requested_by: erin@contoso.com")
    found = attack(repo, capsys, "promotions are mutable now")
    assert ("CG401", PROD_PROMOTION, line_of(repo.path / PROD_PROMOTION, "requested_by:")) in found
    assert findings_of(found, "CG403") != []


def test_a_stray_policy_elsewhere_never_judges(repo, capsys):
    text = (repo.catalog / "policy.yaml").read_text(encoding="utf-8").replace("        approvals: 2\n", "        approvals: 0\n")
    add_file(repo, "catalog/policies/aaa.yaml", text)
    add_file(repo, EMEA_TO_PROD, emea_to_prod(approvals=[]))
    found = attack(repo, capsys, "a second, looser policy")
    assert ("CG503", EMEA_TO_PROD, 10) in found
    assert {("CG107", "catalog/policies/aaa.yaml"), ("CG306", "catalog/policies/aaa.yaml")} <= {(c, p) for c, p, _ in found}
