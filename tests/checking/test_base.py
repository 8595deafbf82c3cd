"""``catgen check --base REF``: reading the base from git, the base's policy judges, ``--changed``.

How a revision is read (``GitSource``) is tested in ``tests/load/test_gitsource.py``.

Every test builds a real temporary repository: the base commit is the example
catalog, the change is edited (and usually committed) on top of it.
"""

from __future__ import annotations

import subprocess

import pytest

from testing.catalogs import line_of
from testing.gitrepo import GitRepo, check_json, example_repo, findings_of, isolate_git, run_cli

FDE_TO_PROD = """\
apiVersion: catgen/v1
kind: Promotion
metadata:
  name: fraud-detector-emea-1-to-prod
spec:
  stage: prod
  asset: model:fraud-detector-emea@1
  requested_by: bob@contoso.com
  date: 2024-11-04T10:00:00Z
  approvals:
    - by: alice@contoso.com
      at: 2024-11-04T12:00:00Z
"""
PROMOTION_PATH = "catalog/promotions/fraud-detector-emea-1-to-prod.yaml"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    return example_repo(tmp_path, monkeypatch)


# -- reading the base ------------------------------------------------------------


def test_reading_the_base_writes_nothing_in_the_repository(repo, capsys):
    repo.edit("models/credit-risk/3.yaml", "type: mlflow_model", "type: custom_model")
    before = _snapshot(repo)
    check_json(capsys, "--base", repo.base)
    assert _snapshot(repo) == before


def test_base_without_the_catalog_folder_is_an_empty_base(tmp_path, monkeypatch, capsys):
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    (repo.path / "README.md").write_text("# models\n", encoding="utf-8")
    base = repo.commit("before the catalog")
    repo.add_example()
    monkeypatch.chdir(repo.path)
    code, found, summary, err = check_json(capsys, "--base", base)
    assert (code, found) == (0, [("CG403", "catalog/policy.yaml", 1)])  # a warning: --strict fails it
    assert summary["changes"] == {"base": base, "added": 61, "modified": 0, "deleted": 0,
                                  "policy": "working tree (the base has no policy)", "only_changed": False}
    assert "has no policy; the working tree's policy judges this change" in err


def test_shallow_clone_with_the_base_fetched(repo, tmp_path, monkeypatch, capsys):
    repo.edit("models/credit-risk/3.yaml", "type: mlflow_model", "type: custom_model")
    repo.commit("change")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True)
    monkeypatch.chdir(clone)
    code, _, err = run_cli(capsys, "check", "--base", repo.base)
    assert code == 2 and "names no commit" in err  # not fetched yet
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "--depth", "1", "origin", repo.base], check=True)
    code, found, _, _ = check_json(capsys, "--base", repo.base)
    assert (code, found) == (1, [("CG401", "catalog/models/credit-risk/3.yaml", 14)])


def test_runs_from_a_subfolder_of_the_repository(repo, monkeypatch, capsys):
    repo.edit("models/credit-risk/3.yaml", "type: mlflow_model", "type: custom_model")
    (repo.path / "docs").mkdir()
    monkeypatch.chdir(repo.path / "docs")
    code, found, _, _ = check_json(capsys, "../catalog", "--base", "main")
    assert found == [("CG401", "../catalog/models/credit-risk/3.yaml", 14)]
    monkeypatch.chdir(repo.catalog / "models")
    code, found, _, _ = check_json(capsys, "..", "--base", "main")
    assert found == [("CG401", "../models/credit-risk/3.yaml", 14)]


@pytest.mark.parametrize("ref", ["no-such-branch", "0" * 40, "main~5", "--output=x"])
def test_bad_ref_is_exit_2_with_one_line(repo, capsys, ref):
    code, out, err = run_cli(capsys, "check", f"--base={ref}")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("catgen: error: --base")


def test_folder_outside_any_git_repository_is_exit_2(tmp_path, monkeypatch, capsys):
    isolate_git(tmp_path, monkeypatch)
    (tmp_path / "plain/catalog").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "plain")
    code, _, err = run_cli(capsys, "check", "--base", "main")
    assert code == 2
    assert err == ("catgen: error: the current directory is not in a git repository; --base needs one "
                   "(run catgen inside the repository that holds the catalog)\n")


def test_missing_git_binary_is_exit_2(repo, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    code, _, err = run_cli(capsys, "check", "--base", "main")
    assert code == 2
    assert err == "catgen: error: git is not installed (or not on PATH); --base reads the base revision with git\n"


def test_a_manifest_that_no_longer_parses_counts_as_modified(repo, capsys):
    (repo.catalog / "models/credit-risk/2.yaml").write_text("apiVersion: catgen/v1\nmetadata: [\n", encoding="utf-8")
    code, found, summary, _ = check_json(capsys, "--base", repo.base)
    assert (code, found) == (1, [("CG101", "catalog/models/credit-risk/2.yaml", 3)])  # not CG402: none deleted
    assert {k: summary["changes"][k] for k in ("added", "modified", "deleted")} == \
        {"added": 0, "modified": 1, "deleted": 0}


# -- the base's policy judges ----------------------------------------------------


def test_policy_loosened_in_the_same_change_still_reports_the_violation(repo, capsys):
    repo.edit("policy.yaml", "        approvals: 2\n", "        approvals: 1  # loosened\n")
    (repo.path / PROMOTION_PATH).write_text(FDE_TO_PROD, encoding="utf-8")
    repo.commit("loosen the policy and rely on it")
    code, found, summary, _ = check_json(capsys, "--base", repo.base)
    assert code == 1
    assert findings_of(found, "CG503") == [("CG503", PROMOTION_PATH, 10)]
    loosened = line_of(repo.catalog / "policy.yaml", "loosened")
    assert findings_of(found, "CG403") == [("CG403", "catalog/policy.yaml", loosened)]
    assert (summary["changes"]["added"], summary["changes"]["modified"]) == (1, 1)
    # Step two of the workflow: once the policy change is the base, the promotion passes.
    code, found, _, _ = check_json(capsys)
    assert (code, found) == (0, [])


def test_exception_added_in_the_same_change_does_not_apply_yet(repo, capsys):
    (repo.path / PROMOTION_PATH).write_text(FDE_TO_PROD, encoding="utf-8")
    repo.edit("policy.yaml", "  mutable_fields:\n",
              "  exceptions:\n"
              "    - {rule: CG503, subject: 'model:fraud-detector-emea@1', reason: waived, expires: 2099-12-31}\n"
              "  mutable_fields:\n")
    code, found, summary, _ = check_json(capsys, "--base", repo.base)
    assert code == 1
    assert findings_of(found, "CG503") == [("CG503", PROMOTION_PATH, 10)]
    assert findings_of(found, "CG403") != [] and summary["waived"] == 0
    # merged first (the base has it), the exception waives the finding
    repo.commit("exception and promotion")
    code, found, summary, _ = check_json(capsys, "--base", "HEAD")
    assert (code, found, summary["waived"]) == (0, [], 1)


# -- --changed -------------------------------------------------------------------


def _legacy_problem(repo) -> str:
    """A base that already has a problem: a prod deployment of an unpromoted model."""
    text = (repo.catalog / "deployments/credit-risk-prod-green.yaml").read_text(encoding="utf-8")
    legacy = (text.replace("name: credit-risk-prod-green", "name: legacy-prod")
              .replace("model:credit-risk@2", "model:credit-risk@1"))
    (repo.catalog / "deployments/legacy-prod.yaml").write_text(legacy, encoding="utf-8")
    return repo.commit("a legacy deployment")


def test_changed_reports_what_the_change_caused_elsewhere(repo, capsys):
    base = _legacy_problem(repo)
    repo.edit("workspaces/ml-test-eus.yaml", "stage: test", "stage: prod")
    repo.commit("test workspace serves prod now")
    code, found, _, _ = check_json(capsys, "--base", base)
    legacy = ("CG501", "catalog/deployments/legacy-prod.yaml", 10)
    caused = ("CG501", "catalog/deployments/fraud-detector-emea-test.yaml", 10)
    assert legacy in found and caused in found
    code, found, summary, _ = check_json(capsys, "--base", base, "--changed")
    workspace = "catalog/workspaces/ml-test-eus.yaml"
    moved = [("CG404", workspace, 11), ("CG703", workspace, 13)]  # the touched workspace's own findings
    assert (code, sorted(found)) == (1, sorted([caused, *moved]))  # and an untouched deployment, broken by it
    assert summary["changes"]["only_changed"] is True and summary["changes"]["modified"] == 1


def test_changed_reports_every_finding_of_a_touched_manifest(repo, capsys):
    base = _legacy_problem(repo)
    repo.edit("deployments/legacy-prod.yaml", "traffic: 10", "traffic: 5")
    repo.edit("deployments/credit-risk-prod-green.yaml", "model:credit-risk@2", "model:fraud-detector-emea@1")
    _, everything, _, _ = check_json(capsys, "--base", base)
    code, found, _, _ = check_json(capsys, "--base", base, "--changed")
    touched = {"catalog/deployments/credit-risk-prod-green.yaml", "catalog/deployments/legacy-prod.yaml"}
    assert ("CG501", "catalog/deployments/credit-risk-prod-green.yaml", 10) in found
    assert ("CG501", "catalog/deployments/legacy-prod.yaml", 10) in found  # old, but its file was touched
    assert found == [f for f in everything if f[1] in touched]


def test_changed_is_quiet_when_only_old_problems_remain(repo, capsys):
    base = _legacy_problem(repo)
    repo.edit("models/credit-risk/3.yaml", "description: Loan-default", "description: A loan-default")
    code, found, _, _ = check_json(capsys, "--base", base, "--changed")
    assert (code, found) == (0, [])


def test_changed_needs_base(repo, capsys):
    code, _, err = run_cli(capsys, "check", "--changed")
    assert code == 2 and "--changed needs --base" in err


def _snapshot(repo) -> tuple:
    """What a read-only command must leave alone: status, refs, index and object files."""
    git_dir = repo.path / ".git"
    files = sorted((str(p.relative_to(git_dir)), p.stat().st_mtime_ns) for p in git_dir.rglob("*") if p.is_file())
    return repo.git("status", "--porcelain"), files
