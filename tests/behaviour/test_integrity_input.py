"""Checker integrity, input side: values written to slip past the gate, each caught as CG201.

The attacker changes the example catalog (committed as the trusted base in a real
temporary git repository) with values the rules cannot judge: numbers that are not
finite, people written with invisible characters, a flood of unknown keys, a list
built to make the validator quadratic, dates at the end of the calendar. Each test
commits the attack and asserts exit 1 with CG201 at the file and line of the value,
and no other finding that the value caused (see ``test_integrity.py`` for the attacks
on the policy and on published history).
"""

from __future__ import annotations

import re

import pytest

from testing.catalogs import line_of
from testing.gitrepo import add_file, attack, check_json, findings_of, run_cli

TRAINING_JOB = "catalog/jobs/train-credit-risk-prod-0912.yaml"
BASELINE_JOB = "catalog/jobs/train-credit-risk-dev-0901.yaml"
PROD_PROMOTION = "catalog/promotions/credit-risk-3-to-prod.yaml"
EMEA_TO_PROD = "catalog/promotions/fraud-detector-emea-1-to-prod.yaml"


def besides_immutability(found: list) -> list:
    """The findings other than CG401: editing a published manifest is CG401 anyway, whatever the value."""
    return [finding for finding in found if finding[0] != "CG401"]


# -- numbers that are not numbers -----------------------------------------------------


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN", "1e400", "-" + "9" * 400])
def test_a_metric_that_is_not_finite_in_the_training_job(repo, capsys, value):
    """``auc: .nan`` passed every gate (each comparison with NaN is false); now CG201 is its only finding."""
    repo.edit("jobs/train-credit-risk-prod-0912.yaml", "    auc: 0.872\n", f"    auc: {value}\n")
    found = besides_immutability(attack(repo, capsys, f"auc is {value}"))
    assert found == [("CG201", TRAINING_JOB, line_of(repo.path / TRAINING_JOB, r"^    auc: "))]


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_baseline_metric_that_is_not_finite(repo, capsys, value):
    """Regression against a non-finite baseline can neither pass nor fail: CG201 at the baseline only."""
    repo.edit("jobs/train-credit-risk-dev-0901.yaml", "    auc: 0.861\n", f"    auc: {value}\n")
    found = besides_immutability(attack(repo, capsys, f"baseline auc is {value}"))
    assert found == [("CG201", BASELINE_JOB, line_of(repo.path / BASELINE_JOB, r"^    auc: "))]


@pytest.mark.parametrize("value", [".nan", "-.inf"])
def test_a_gate_bound_that_is_not_finite_in_the_policy(repo, capsys, value):
    repo.edit("policy.yaml", "            min: 0.85\n", f"            min: {value}\n")
    found = attack(repo, capsys, f"gate min is {value}")
    policy = "catalog/policy.yaml"
    assert findings_of(found, "CG201") == [("CG201", policy, line_of(repo.path / policy, "min: "))]
    assert not findings_of(found, "CG509") and not findings_of(found, "CG510")


def test_traffic_not_a_number_is_one_finding_not_two(repo, capsys):
    repo.edit("deployments/credit-risk-prod-blue.yaml", "  traffic: 90\n", "  traffic: .nan\n")
    found = attack(repo, capsys, "traffic nan")
    path = "catalog/deployments/credit-risk-prod-blue.yaml"
    assert findings_of(found, "CG201") == [("CG201", path, line_of(repo.path / path, "traffic: "))]


def test_a_number_of_five_thousand_digits_is_cg201_not_a_crash(repo, capsys):
    repo.edit("jobs/train-credit-risk-prod-0912.yaml", "    f1: 0.658\n", f"    f1: {'7' * 5000}\n")
    found = besides_immutability(attack(repo, capsys, "huge f1"))
    assert found == [("CG201", TRAINING_JOB, line_of(repo.path / TRAINING_JOB, r"^    f1: "))]


# -- people written with invisible characters ----------------------------------------


@pytest.mark.parametrize("hidden", ["\u200b", " ", "\u00a0", "\t", "\u202e", "\u2028", "\u00ad"],
                         ids=["zero-width-space", "space", "nbsp", "tab", "rtl-override", "line-separator",
                              "soft-hyphen"])
def test_a_second_approval_by_the_same_person_with_a_hidden_character(repo, capsys, hidden):
    """``alice@contoso.com`` and ``alice@contoso.com<ZWSP>`` must never count as two approvers."""
    add_file(repo, EMEA_TO_PROD, (
        "apiVersion: catgen/v1\nkind: Promotion\nmetadata:\n  name: fraud-detector-emea-1-to-prod\nspec:\n"
        "  stage: prod\n  asset: model:fraud-detector-emea@1\n  requested_by: bob@contoso.com\n"
        "  date: 2024-11-04T10:00:00Z\n  approvals:\n"
        "    - by: alice@contoso.com\n      at: 2024-11-04T12:00:00Z\n"
        f"    - by: \"alice@contoso.com{hidden}\"\n      at: 2024-11-04T13:00:00Z\n"
    ))
    found = attack(repo, capsys, "alice approves twice")
    assert ("CG201", EMEA_TO_PROD, 13) in found


def test_a_requester_with_a_trailing_space(repo, capsys):
    repo.edit("promotions/credit-risk-3-to-prod.yaml", "requested_by: bob@contoso.com",
              "requested_by: 'bob@contoso.com '")
    found = besides_immutability(attack(repo, capsys, "requester with a trailing space"))
    line = line_of(repo.path / PROD_PROMOTION, "requested_by:")
    assert findings_of(found, "CG201") == [("CG201", PROD_PROMOTION, line)]


def test_an_owner_with_a_zero_width_joiner(repo, capsys):
    path = "catalog/models/credit-risk/3.yaml"
    text = (repo.path / path).read_text(encoding="utf-8")
    owner = next(line for line in text.splitlines() if line.startswith("  owner: "))
    repo.edit("models/credit-risk/3.yaml", owner + "\n", owner + "\u200d\n")
    found = besides_immutability(attack(repo, capsys, "owner with a zero-width joiner"))
    assert ("CG201", path, line_of(repo.path / path, "owner: ")) in found


def test_an_approver_list_entry_with_a_control_character(repo, capsys):
    repo.edit("policy.yaml", "          - alice@contoso.com\n", '          - "alice@contoso.com\\u0007"\n')
    found = attack(repo, capsys, "approver with a bell")
    assert ("CG201", "catalog/policy.yaml", line_of(repo.catalog / "policy.yaml", "alice@contoso.com")) in found


# -- unknown keys, hostile lists -------------------------------------------------------


def test_every_unknown_key_is_reported_not_only_the_first(repo, capsys):
    extra = "".join(f"  retries_{n}: 1\n" for n in range(5))
    repo.edit("jobs/sweep-fraud-detector-0917.yaml", "spec:\n", "spec:\n" + extra)
    found = attack(repo, capsys, "five unknown keys")
    path = "catalog/jobs/sweep-fraud-detector-0917.yaml"
    assert findings_of(found, "CG201") == [
        ("CG201", path, line_of(repo.path / path, f"retries_{n}:")) for n in range(5)]


def test_a_long_list_of_mixed_types_under_a_unique_items_field_is_checked_quickly(repo, capsys):
    """Used to take minutes (jsonschema compares every pair when items do not sort); now linear."""
    items = "".join(f"    - {n}\n" for n in range(40_000))
    repo.edit("registries/contoso-ml.yaml", "    - westeurope\n", "    - westeurope\n" + items + "    - westeurope\n")
    found = attack(repo, capsys, "40,000 mixed replication locations")
    path = "catalog/registries/contoso-ml.yaml"
    assert len(findings_of(found, "CG201")) == 40_001  # each number, and the repeated westeurope
    assert ("CG201", path, line_of(repo.path / path, "replication_locations:") + 1) in found  # at the list


# -- dates at the end of the calendar; "now" --------------------------------------------


def test_an_exception_expiring_on_the_last_day_of_the_calendar(repo, capsys, tmp_path):
    """``expires: 9999-12-31`` used to overflow (the end of its day plus one microsecond) in check and build."""
    repo.edit("deployments/credit-risk-prod-green.yaml", "model:credit-risk@2", "model:credit-risk@1")
    waivers = "".join(f"    - {{rule: {rule}, subject: 'model:credit-risk@1', reason: r, expires: 9999-12-31}}\n"
                      for rule in ("CG501", "CG506"))
    repo.edit("policy.yaml", "  mutable_fields:\n", "  exceptions:\n" + waivers + "  mutable_fields:\n")
    found = attack(repo, capsys, "waiver until the end of time")  # the base's policy judges: no waiver
    assert ("CG501", "catalog/deployments/credit-risk-prod-green.yaml", 10) in found
    code, out, err = run_cli(capsys, "check")  # the working tree's own policy: the waivers apply, no crash
    assert code == 0 and "2 waived" in out, out + err
    code, out, err = run_cli(capsys, "build", "--site-dir", str(tmp_path / "site"))
    assert code == 0 and "Traceback" not in err, err


@pytest.mark.parametrize("moment", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"])
def test_an_approval_dated_outside_the_calendar_in_utc(repo, capsys, tmp_path, moment):
    """Its zone takes it past 9999 (or before 0001) in UTC: ``history`` and ``build`` stopped with an internal
    error (an overflow) where they wrote it in UTC. It is CG201 at the value, and every command goes on."""
    repo.edit("promotions/credit-risk-3-to-prod.yaml", "at: 2024-09-24T09:15:00Z", f"at: {moment}")
    found = besides_immutability(attack(repo, capsys, f"approved at {moment}"))
    assert found == [("CG201", PROD_PROMOTION, line_of(repo.path / PROD_PROMOTION, re.escape(moment)))]
    for command in (["history", "model:credit-risk@3"], ["status"], ["build", "--site-dir", str(tmp_path / "site")]):
        code, out, err = run_cli(capsys, *command)
        assert code in (0, 1) and "internal error" not in err, (command, err)


@pytest.mark.parametrize("epoch", ["yesterday", "-1", "1e9", "99999999999999999", "１２３"])
def test_an_invalid_source_date_epoch_is_a_one_line_error(repo, capsys, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    code, out, err = run_cli(capsys, "check")
    assert code == 2 and "SOURCE_DATE_EPOCH" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_source_date_epoch_is_now(repo, capsys, monkeypatch):
    """A promotion dated after SOURCE_DATE_EPOCH is in the future (CG511) for the check too."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1726000000")  # 2024-09-10T20:26:40Z
    code, out, err = run_cli(capsys, "check", "--format", "json")
    assert code == 1 and '"CG511"' in out
