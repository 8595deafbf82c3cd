"""CG401-CG404: immutability and workspace moves against the base of ``catgen check --base`` (real git repos)."""

from __future__ import annotations

import pytest

from catgen.diff import Change, diff, same_scalar
from catgen.rules.immutability import covered, summarize_policy_change

from testing.catalogs import line_of
from testing.gitrepo import GitRepo, check_json, example_repo, findings_of, isolate_git, run_cli

MODEL = "models/credit-risk/3.yaml"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    return example_repo(tmp_path, monkeypatch)


def test_example_catalog_checks_clean_against_itself(repo, capsys):
    code, found, summary, _ = check_json(capsys, "--base", repo.base)
    assert (code, found) == (0, [])
    assert summary["changes"] == {"base": repo.base, "added": 0, "modified": 0, "deleted": 0, "policy": "base",
                                  "only_changed": False}


def test_description_and_tags_edit_is_clean(repo, capsys):
    repo.edit(MODEL, "description: Loan-default classifier", "description: The loan-default classifier")
    repo.edit(MODEL, "    task: classification\n", "    task: binary-classification\n    reviewed: 'yes'\n")
    repo.edit("deployments/credit-risk-prod-blue.yaml", "traffic: 90", "traffic: 80")  # deployments are mutable
    repo.commit("describe better")
    code, found, summary, _ = check_json(capsys, "--base", repo.base)
    assert (code, found) == (0, [])
    assert summary["changes"]["modified"] == 2


def test_changed_artifact_path_is_cg401_at_that_line(repo, capsys):
    path = repo.edit(MODEL, "path: azureml://jobs/train-credit-risk-prod-0912/",
                     "path: azureml://jobs/train-credit-risk-prod-0913/")
    repo.commit()
    code, found, _, _ = check_json(capsys, "--base", "main~1")
    assert code == 1
    assert found == [("CG401", f"catalog/{MODEL}", line_of(path, r"^  path:"))]


def test_cg401_message_names_the_first_field_and_its_base_value(repo, capsys):
    path = repo.edit(MODEL, "type: mlflow_model", "type: custom_model")
    repo.edit(MODEL, "path: azureml://jobs/train-credit-risk-prod-0912/", "path: azureml://jobs/other/")
    code, out, _ = _text(capsys, repo.base)
    assert code == 1
    assert out.count("CG401") == 1
    assert f"catalog/{MODEL}:{line_of(path, r'^  type:')}:3: CG401" in out
    assert '`spec.type` changed (it was "mlflow_model")' in out


def test_removed_field_points_at_its_parent(repo, capsys):
    path = repo.edit(MODEL, '  sha256: "77141ab7baacfb622a18b3dcfb0ca36ebe6ad2b3fc7d1fb52eb11d4588e6351a"\n', "")
    code, found, _, _ = check_json(capsys, "--base", repo.base)
    assert found == [("CG401", f"catalog/{MODEL}", line_of(path, r"^spec:"))]


def test_reindented_and_reordered_file_is_unchanged(repo, capsys):
    (repo.catalog / MODEL).write_text(
        "kind: Model\n"
        "spec:\n"
        "    job: 'job:train-credit-risk-prod-0912'\n"
        "    sha256: 77141ab7baacfb622a18b3dcfb0ca36ebe6ad2b3fc7d1fb52eb11d4588e6351a\n"
        "    path: \"azureml://jobs/train-credit-risk-prod-0912/outputs/artifacts/paths/model/\"\n"
        "    type: mlflow_model\n"
        "    workspace: workspace:ml-prod-weu\n"
        "apiVersion: catgen/v1\n"
        "metadata: {name: credit-risk, version: 3, owner: risk-team@contoso.com, created: '2024-09-12T09:00:00Z',\n"
        "  tags: {task: classification, framework: lightgbm},\n"
        "  description: Rewritten.}\n",
        encoding="utf-8",
    )
    repo.commit("reformat")
    code, found, summary, _ = check_json(capsys, "--base", repo.base)
    assert (code, found) == (0, [])
    assert summary["changes"]["modified"] == 1  # the description changed; nothing else did


def test_deleted_promotion_is_cg402_at_the_base_path_line_1(repo, capsys):
    (repo.catalog / "promotions/credit-risk-3-to-prod.yaml").unlink()
    repo.commit("drop a promotion")
    code, found, summary, _ = check_json(capsys, "--base", repo.base)
    assert code == 1
    assert findings_of(found, "CG402") == [("CG402", "catalog/promotions/credit-risk-3-to-prod.yaml", 1)]
    # ... and what the deletion breaks is reported where it breaks
    assert ("CG501", "catalog/deployments/credit-risk-prod-blue.yaml", 10) in found
    assert summary["changes"]["deleted"] == 1


def test_renamed_model_version_is_cg402_and_the_new_version_is_judged_as_new(repo, capsys):
    old = repo.catalog / "models/fraud-detector-emea/1.yaml"
    new = old.with_name("2.yaml")
    new.write_text(old.read_text(encoding="utf-8").replace('version: "1"', 'version: "2"'), encoding="utf-8")
    old.unlink()
    repo.edit("deployments/fraud-detector-emea-test.yaml", "fraud-detector-emea@1", "fraud-detector-emea@2")
    repo.commit("rename")
    code, out, _ = _text(capsys, repo.base)
    assert code == 1
    assert "catalog/models/fraud-detector-emea/1.yaml:1:1: CG402" in out
    assert "renamed to model:fraud-detector-emea@2 (catalog/models/fraud-detector-emea/2.yaml)" in out
    # version 2 has none of version 1's promotions: its test deployment is not promoted
    assert "catalog/deployments/fraud-detector-emea-test.yaml:10:10: CG501" in out


def test_only_the_base_policy_decides_what_is_immutable(repo, capsys):
    repo.edit("policy.yaml", "    - metadata.tags\n", "    - metadata.tags\n    - spec.path\n")
    path = repo.edit(MODEL, "path: azureml://jobs/train-credit-risk-prod-0912/", "path: azureml://jobs/elsewhere/")
    repo.commit("make paths mutable and change one")
    code, found, _, _ = check_json(capsys, "--base", repo.base)
    assert ("CG401", f"catalog/{MODEL}", line_of(path, r"^  path:")) in found
    policy_line = line_of(repo.catalog / "policy.yaml", "spec.path")
    assert findings_of(found, "CG403") == [("CG403", "catalog/policy.yaml", policy_line)]
    # once that policy is the base, the same kind of edit is allowed
    repo2_base = repo.git("rev-parse", "HEAD")
    repo.edit(MODEL, "path: azureml://jobs/elsewhere/", "path: azureml://jobs/elsewhere-again/")
    code, found, _, _ = check_json(capsys, "--base", repo2_base)
    assert findings_of(found, "CG401") == []


def test_kinds_the_base_policy_leaves_mutable_may_change(repo, capsys):
    repo.edit("policy.yaml", "    - Job\n", "")
    base = repo.commit("jobs are mutable")
    repo.edit("jobs/train-credit-risk-prod-0912.yaml", "compute: ", "compute: bigger-")
    code, found, _, _ = check_json(capsys, "--base", base)
    assert findings_of(found, "CG401") == []


def test_policy_change_is_one_warning_with_a_summary(repo, capsys):
    line = line_of(repo.catalog / "policy.yaml", r"approvals: 2")  # prod's
    repo.edit("policy.yaml", "        approvals: 2\n", "        approvals: 1\n")
    repo.edit("policy.yaml", "  mutable_fields:\n",
              "  exceptions:\n"
              "    - {rule: CG605, subject: 'environment:sklearn-py310@1', reason: legacy, expires: 2099-12-31}\n"
              "  mutable_fields:\n")
    code, out, _ = _text(capsys, repo.base)
    assert code == 0  # a warning
    assert out.count("CG403") == 1
    expected = (f"catalog/policy.yaml:{line}:9: CG403 policy-changed: (warning) the policy changed "
                "(stage prod: approvals 2 -> 1; exceptions: +1)")
    assert expected in out
    assert "the base's policy judged this change" in out


def test_policy_description_edit_is_not_a_policy_change(repo, capsys):
    repo.edit("policy.yaml", "description: Promotion rules", "description: The promotion rules")
    code, found, _, _ = check_json(capsys, "--base", repo.base)
    assert (code, found) == (0, [])


def test_without_base_the_cg4xx_rules_find_nothing(repo, capsys):
    repo.edit(MODEL, "type: mlflow_model", "type: custom_model")
    (repo.catalog / "promotions/credit-risk-3-to-test.yaml").unlink()
    code, found, _, _ = check_json(capsys)
    assert [f for f in found if f[0].startswith("CG4")] == []


def test_base_without_a_policy_is_cg403_on_the_working_policy_line_1(tmp_path, monkeypatch, capsys):
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.add_example()
    (repo.catalog / "policy.yaml").rename(tmp_path / "policy.yaml")
    base = repo.commit("no policy yet")
    (tmp_path / "policy.yaml").rename(repo.catalog / "policy.yaml")
    monkeypatch.chdir(repo.path)
    code, out, err = _text(capsys, base)
    assert code == 0
    assert ("catalog/policy.yaml:1:1: CG403 policy-changed: (warning) the base has no policy; "
            "this change's own policy judged it") in out
    code, found, _, _ = check_json(capsys, "--base", base, "--strict")
    assert (code, found) == (1, [("CG403", "catalog/policy.yaml", 1)])
    (repo.catalog / "policy.yaml").unlink()  # no policy on either side: CG306, and CG403 where the policy belongs
    code, found, _, _ = check_json(capsys, "--base", base)
    assert ("CG403", "catalog/policy.yaml", 1) in found and ("CG306", "catalog/policy.yaml", 1) in found


DEV_WS = "workspaces/ml-dev-eus.yaml"


@pytest.mark.parametrize("field,old,new", [
    ("stage", "stage: dev", "stage: prod"),
    ("region", "region: eastus", "region: westeurope"),
    ("subscription", "subscription: 7ecec9db", "subscription: 0ecec9db"),
])
def test_cg404_moved_workspace_is_reported_at_the_changed_field(repo, capsys, field, old, new):
    path = repo.edit(DEV_WS, old, new)
    code, found, _, _ = check_json(capsys, "--base", repo.base)
    assert findings_of(found, "CG404") == [("CG404", f"catalog/{DEV_WS}", line_of(path, f"^  {field}:"))]


def test_cg404_message_subject_and_level(repo, capsys):
    repo.edit(DEV_WS, "region: eastus", "region: westeurope")
    code, out, _ = _text(capsys, repo.base)
    assert code == 0  # a warning by default
    assert ("catalog/workspaces/ml-dev-eus.yaml:12:3: CG404 workspace-changed: (warning) workspace:ml-dev-eus: "
            '`spec.region` changed to "westeurope" (it is "eastus" in the base)') in out
    code, out, _ = run_cli(capsys, "check", "--base", repo.base, "--format", "json")
    assert '"subject": "workspace:ml-dev-eus"' in out


def test_cg404_removed_field_points_at_spec_and_each_field_is_one_finding(repo, capsys):
    path = repo.edit(DEV_WS, "  subscription: 7ecec9db-de01-40ee-9f0c-6957874f8228\n", "")
    repo.edit(DEV_WS, "region: eastus", "region: westeurope")
    code, found, _, _ = check_json(capsys, "--base", repo.base)
    assert findings_of(found, "CG404") == [("CG404", f"catalog/{DEV_WS}", line_of(path, "^spec:")),
                                           ("CG404", f"catalog/{DEV_WS}", line_of(path, "^  region:"))]


def test_cg404_ignores_other_fields_new_workspaces_and_runs_without_base_never(repo, capsys):
    repo.edit(DEV_WS, "public_network_access: enabled", "public_network_access: disabled")
    (repo.catalog / "workspaces/ml-new-eus.yaml").write_text(
        "apiVersion: catgen/v1\nkind: Workspace\nmetadata:\n  name: ml-new-eus\nspec:\n  stage: dev\n"
        "  region: eastus\n", encoding="utf-8")
    code, found, _, _ = check_json(capsys, "--base", repo.base)
    assert (code, found) == (0, [])
    repo.edit(DEV_WS, "region: eastus", "region: westeurope")
    code, found, _, _ = check_json(capsys)
    assert findings_of(found, "CG404") == []


# -- the semantic comparison ---------------------------------------------------


def test_diff_is_semantic_and_typed():
    assert list(diff({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1.0})) == []
    assert list(diff({"a": True}, {"a": 1})) == [Change(("a",), True, 1)]
    assert not same_scalar("1", 1)
    assert same_scalar(float("nan"), float("nan"))
    removed = list(diff({"x": {"y": 1, "z": 2}}, {"x": {"y": 1}}))
    assert [c.field for c in removed] == ["x.z"] and removed[0].located_at == ("x",)
    grown = list(diff({"l": [1]}, {"l": [1, 2]}))
    assert [c.located_at for c in grown] == [("l", 1)]


def test_mutable_fields_cover_everything_below_them():
    fields = [("metadata", "tags"), ("spec", "inputs")]
    assert covered(("metadata", "tags", "framework"), fields)
    assert covered(("spec", "inputs", 0), fields)
    assert not covered(("metadata", "name"), fields)
    assert not covered(("metadata",), fields)


def test_policy_summary_names_stages_rules_and_lists():
    before = {"spec": {"stages": [{"name": "dev"},
                                  {"name": "prod", "promotion": {"approvals": 2, "metrics": {"auc": {"min": 0.85}}}}],
                       "rules": {"CG605": {"level": "error"}}, "immutable_kinds": ["Model", "Job"]}}
    after = {"spec": {"stages": [{"name": "dev"}, {"name": "qa"},
                                 {"name": "prod", "promotion": {"approvals": 1, "metrics": {"auc": {"min": 0.8}}}}],
                      "rules": {"CG605": {"level": "warning"}, "CG701": {"level": "off"}},
                      "immutable_kinds": ["Model"]}}
    summary = summarize_policy_change(before, after, list(diff(before, after)))
    assert summary == ("+stage qa; stage prod: approvals 2 -> 1, metrics.auc.min 0.85 -> 0.8; "
                       "rule CG605: error -> warning; rule CG701: default -> off; immutable_kinds: -Job")


def _text(capsys, base: str):
    return run_cli(capsys, "check", "--base", base, "--format", "text")
