"""``catgen diff``: the review of a change, on real git repositories (the base is the example catalog).

The JSON contract of SPEC §8 is asserted field by field; the markdown's structure in
``tests/review/test_markdown.py``.
"""

from __future__ import annotations

import json

import pytest

from testing import diff_scenarios as scenario
from testing.gitrepo import example_repo, run_cli


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return example_repo(tmp_path, monkeypatch)


def diff_json(capsys, repo, *args: str) -> tuple[int, dict]:
    code, out, err = run_cli(capsys, "diff", "--base", repo.base, "--format", "json", *args)
    assert code in (0, 1), err
    return code, json.loads(out)


def gates_of(document: dict, promotion: str) -> dict:
    entry = next(p for p in document["promotions"] if p["promotion"] == promotion)
    return {gate["gate"]: (gate["ok"], gate["detail"]) for gate in entry["gates"]}


def test_a_promotion_that_fails_one_gate(repo, capsys):
    scenario.new_credit_risk_version(repo)
    scenario.promote_credit_risk_4_to_prod(repo, approvers=["alice@contoso.com"])
    repo.commit()
    code, document = diff_json(capsys, repo)
    assert code == 1
    assert document["base"] == repo.base
    prod = next(p for p in document["promotions"] if p["promotion"] == "promotion:credit-risk-4-to-prod")
    assert {k: prod[k] for k in ("asset", "stage", "registry", "revoke")} == {
        "asset": "model:credit-risk@4", "stage": "prod", "registry": None, "revoke": False}
    gates = gates_of(document, "promotion:credit-risk-4-to-prod")
    assert list(gates) == ["from", "approvals", "approvers", "separation_of_duties", "require_registry",
                           "require_lineage", "training_data", "pinned_images", "metric:auc", "regression:auc"]
    assert [name for name, (ok, _) in gates.items() if not ok] == ["approvals"]
    assert gates["approvals"][1] == "1 of 2 (alice@contoso.com)"
    assert gates["metric:auc"][1] == ("auc 0.861 against a minimum of 0.85 and against 0.872 for "
                                      "model:credit-risk@3, which prod serves now")
    assert gates["regression:auc"] == (True, "auc 0.861 against 0.861 for baseline job:train-credit-risk-dev-0901: "
                                             "regression 0, allowed 0.02")
    assert [(f["code"], f["path"]) for f in document["findings"]] == [
        ("CG503", "catalog/promotions/credit-risk-4-to-prod.yaml")]


def test_a_clean_promotion_exits_0(repo, capsys):
    scenario.new_credit_risk_version(repo)
    scenario.promote_credit_risk_4_to_prod(repo, approvers=["alice@contoso.com", "carol@contoso.com"])
    repo.commit()
    code, document = diff_json(capsys, repo)
    assert (code, document["findings"]) == (0, [])
    assert all(ok for ok, _ in gates_of(document, "promotion:credit-risk-4-to-prod").values())
    test = gates_of(document, "promotion:credit-risk-4-to-test")
    assert test == {"from": (True, "model:credit-risk@4 reached dev first"),
                    "approvals": (True, "1 of 1 (alice@contoso.com)")}
    share = next(p for p in document["promotions"] if p["registry"] is not None)
    assert (share["registry"], share["stage"], share["gates"]) == ("registry:contoso-ml", None, [])
    assert {(c["ref"], c["change"]) for c in document["changes"]} == {
        ("job:train-credit-risk-prod-1104", "added"), ("model:credit-risk@4", "added"),
        ("promotion:credit-risk-4-to-test", "added"), ("promotion:credit-risk-4-registry-contoso-ml", "added"),
        ("promotion:credit-risk-4-to-prod", "added")}
    assert all(set(c) >= {"ref", "path", "change"} for c in document["changes"])


def test_a_metric_below_its_bound_names_the_version_prod_serves(repo, capsys):
    scenario.new_credit_risk_version(repo, auc=0.842)
    scenario.promote_credit_risk_4_to_prod(repo, approvers=["alice@contoso.com", "carol@contoso.com"])
    code, document = diff_json(capsys, repo)
    gates = gates_of(document, "promotion:credit-risk-4-to-prod")
    assert code == 1
    assert gates["metric:auc"] == (False, "auc 0.842 against a minimum of 0.85 and against 0.872 for "
                                          "model:credit-risk@3, which prod serves now")
    assert gates["regression:auc"][0] is True  # 0.019 of the 0.02 allowed


def test_a_revocation_has_no_gates(repo, capsys):
    scenario.revoke_fraud_detector_1(repo)
    code, document = diff_json(capsys, repo)
    assert code == 0
    assert document["promotions"] == [{
        "promotion": "promotion:fraud-detector-1-revoked-from-prod",
        "path": "catalog/promotions/fraud-detector-1-revoked-from-prod.yaml", "change": "added",
        "asset": "model:fraud-detector@1", "stage": "prod", "registry": None, "revoke": True, "ok": True,
        "gates": []}]


def test_a_deployment_switch(repo, capsys):
    scenario.new_credit_risk_version(repo)
    scenario.promote_credit_risk_4_to_prod(repo, approvers=["alice@contoso.com", "carol@contoso.com"])
    scenario.switch_blue_to_credit_risk_4(repo)
    code, document = diff_json(capsys, repo)
    assert code == 0
    switches = {d["deployment"]: (d["model"], d["traffic"]) for d in document["deployments"]}
    assert switches == {
        "deployment:credit-risk-prod-blue": ({"from": "model:credit-risk@3", "to": "model:credit-risk@4"},
                                             {"from": 90, "to": 100}),
        "deployment:credit-risk-prod-green": ({"from": "model:credit-risk@2", "to": "model:credit-risk@2"},
                                              {"from": 10, "to": 0}),
    }


def test_a_deployment_that_changes_neither_model_nor_traffic_is_no_switch(repo, capsys):
    repo.edit("deployments/credit-risk-prod-blue.yaml", "instance_count: 3", "instance_count: 4")
    _, document = diff_json(capsys, repo)
    assert document["deployments"] == []
    assert [c["change"] for c in document["changes"]] == ["modified"]


@pytest.mark.parametrize("relpath, ref", [
    ("models/credit-risk/2.yaml", "model:credit-risk@2"),
    ("deployments/credit-risk-prod-blue.yaml", "deployment:credit-risk-prod-blue"),
])
def test_a_manifest_that_no_longer_parses_is_modified_and_named_by_what_it_was(repo, capsys, relpath, ref):
    (repo.catalog / relpath).write_text("apiVersion: catgen/v1\nmetadata: [\n", encoding="utf-8")
    code, document = diff_json(capsys, repo)
    assert code == 1
    assert document["changes"] == [{"ref": ref, "path": f"catalog/{relpath}", "change": "modified"}]
    assert [(f["code"], f["path"]) for f in document["findings"]] == [("CG101", f"catalog/{relpath}")]
    # The deployment's model and traffic as the base had them, and none now: the reviewer sees what stops.
    assert [(d["deployment"], d["model"], d["traffic"]) for d in document["deployments"]] == (
        [(ref, {"from": "model:credit-risk@3", "to": None}, {"from": 90, "to": None})]
        if ref.startswith("deployment:") else [])


def test_a_manifest_that_parses_again_is_modified(repo, capsys):
    path = repo.catalog / "models/credit-risk/2.yaml"
    written = path.read_text(encoding="utf-8")
    path.write_text("apiVersion: catgen/v1\nmetadata: [\n", encoding="utf-8")
    repo.commit("break it")
    path.write_text(written, encoding="utf-8")
    code, out, err = run_cli(capsys, "diff", "--base", "HEAD", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["changes"] == [
        {"ref": "model:credit-risk@2", "path": "catalog/models/credit-risk/2.yaml", "change": "modified"}]


def test_a_deleted_deployment_is_a_switch_to_nothing(repo, capsys):
    (repo.catalog / "deployments/credit-risk-prod-green.yaml").unlink()
    _, document = diff_json(capsys, repo)
    assert [(d["deployment"], d["model"], d["traffic"]) for d in document["deployments"]] == [
        ("deployment:credit-risk-prod-green", {"from": "model:credit-risk@2", "to": None}, {"from": 10, "to": None})]
    assert document["changes"] == [{"ref": "deployment:credit-risk-prod-green",
                                    "path": "catalog/deployments/credit-risk-prod-green.yaml", "change": "deleted"}]


def test_a_file_whose_identity_changed_is_one_deleted_and_one_added(repo, capsys):
    repo.edit("models/credit-risk/2.yaml", "name: credit-risk", "name: credit-risk-renamed")
    _, document = diff_json(capsys, repo)
    assert sorted((c["ref"], c["change"]) for c in document["changes"]) == [
        ("model:credit-risk-renamed@2", "added"), ("model:credit-risk@2", "deleted")]


def test_a_policy_change_is_told_in_words_and_the_base_policy_judges(repo, capsys):
    scenario.lower_prod_approvals(repo)
    scenario.new_credit_risk_version(repo)
    scenario.promote_credit_risk_4_to_prod(repo, approvers=["alice@contoso.com"])
    code, document = diff_json(capsys, repo)
    assert code == 1  # the base's two approvals still judge
    assert document["policy"] == {"changed": True, "summary": "stage prod: approvals 2 -> 1"}
    assert gates_of(document, "promotion:credit-risk-4-to-prod")["approvals"] == (False, "1 of 2 (alice@contoso.com)")
    assert {f["code"] for f in document["findings"]} == {"CG403", "CG503"}


def test_a_workspace_change_is_told_in_words(repo, capsys):
    repo.edit("workspaces/ml-dev-eus.yaml", "region: eastus", "region: westeurope")
    _, document = diff_json(capsys, repo)
    assert document["workspaces"] == [{
        "workspace": "workspace:ml-dev-eus", "path": "catalog/workspaces/ml-dev-eus.yaml",
        "changes": ["region eastus -> westeurope"]}]


def test_strict_fails_on_warnings_as_check_does(repo, capsys):
    scenario.lower_prod_approvals(repo)
    assert run_cli(capsys, "diff", "--base", repo.base)[0] == 0
    assert run_cli(capsys, "diff", "--base", repo.base, "--strict")[0] == 1


def test_a_bad_base_is_exit_2(repo, capsys):
    code, _, err = run_cli(capsys, "diff", "--base", "no-such-ref")
    assert code == 2 and "names no commit" in err


def test_base_is_required(repo, capsys):
    code, _, err = run_cli(capsys, "diff")
    assert code == 2 and "--base" in err


def test_output_file(repo, capsys, tmp_path):
    scenario.revoke_fraud_detector_1(repo)
    target = tmp_path / "review.md"
    code, out, _ = run_cli(capsys, "diff", "--base", repo.base, "--format", "markdown", "--output", str(target))
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8").startswith("✅ **This change passes the check")


def test_an_output_that_would_be_a_manifest_of_the_catalog_is_refused(repo, capsys):
    scenario.revoke_fraud_detector_1(repo)
    policy = repo.path / "catalog" / "policy.yaml"
    before = policy.read_bytes()
    code, out, err = run_cli(capsys, "diff", "--base", repo.base, "--output", str(policy))
    assert (code, out) == (2, "")
    assert err == (f"catgen: error: --output {policy} is a .yaml/.yml file in the catalog folder: the report would "
                   "replace a manifest or be read as one; write it elsewhere\n")
    assert policy.read_bytes() == before


def test_text_format_is_log_safe(repo, capsys):
    scenario.revoke_fraud_detector_1(repo, reason="drift\n::error::forged ##[warning]x")
    code, out, _ = run_cli(capsys, "diff", "--base", repo.base)
    assert code == 0
    assert "revokes model:fraud-detector@1 from prod: drift\\n::error::forged #\\x23[warning]x" in out
    assert not any(line.lstrip().startswith("::") or "##[" in line for line in out.splitlines())


# -- the GitHub step summary -------------------------------------------------------


def test_step_summary_is_appended_under_github_actions(repo, capsys, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    scenario.revoke_fraud_detector_1(repo)
    run_cli(capsys, "diff", "--base", repo.base, "--format", "json")
    run_cli(capsys, "diff", "--base", repo.base)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n")
    assert text.count("✅ **This change passes the check") == 2  # markdown, whatever the format


def test_no_step_summary_outside_github_actions(repo, capsys, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run_cli(capsys, "diff", "--base", repo.base)
    assert not summary.exists()


def test_an_unwritable_step_summary_is_a_warning(repo, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing-folder" / "summary.md"))
    code, out, err = run_cli(capsys, "diff", "--base", repo.base)
    assert code == 0 and out.startswith("This change passes the check")
    assert err.count("\n") == 1 and err.startswith("catgen: warning: could not append to GITHUB_STEP_SUMMARY")
