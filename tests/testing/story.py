"""A catalog whose git history tells a story with fixed commit dates, for ``catgen status`` and ``history``.

C1 2024-09-01T10:00Z: model:m@1 promoted to prod (approved by alice), deployment:prod-blue serves it at 100%.
C2 2024-09-10T10:00Z: model:m@2 promoted to prod (approved by bob), prod-blue switches to it.
C3 2024-09-15T10:00Z: prod-blue's traffic 100 -> 90 (same model).
C4 2024-09-20T10:00Z: m@2 revoked from prod (dated 09:00), prod-blue rolled back to m@1 at 100%.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from testing.catalogs import write
from testing.gitrepo import GitRepo, isolate_git

DATES = {"C1": "2024-09-01T10:00:00Z", "C2": "2024-09-10T10:00:00Z", "C3": "2024-09-15T10:00:00Z",
         "C4": "2024-09-20T10:00:00Z"}

POLICY = """
apiVersion: catgen/v1
kind: Policy
metadata: {name: default}
spec:
  stages:
    - name: dev
    - name: prod
      promotion: {approvals: 1}
"""


def _workspace(name: str, stage: str) -> str:
    return (f"apiVersion: catgen/v1\nkind: Workspace\nmetadata: {{name: {name}}}\n"
            f"spec: {{stage: {stage}, region: eastus}}\n")


def _model(version: str) -> str:
    return (f"apiVersion: catgen/v1\nkind: Model\nmetadata: {{name: m, version: '{version}'}}\n"
            f"spec: {{type: custom_model, path: 'azureml://m/{version}', workspace: 'workspace:dev'}}\n")


def _promotion(name: str, version: str, date: str, approver: str | None, revoke: bool = False) -> str:
    extra = "  revoke: true\n  reason: faulty\n" if revoke else \
        f"  approvals:\n    - {{by: {approver}, at: '{date[:11]}09:30:00Z'}}\n"
    return (f"apiVersion: catgen/v1\nkind: Promotion\nmetadata: {{name: {name}}}\nspec:\n"
            f"  asset: model:m@{version}\n  stage: prod\n  requested_by: rob@example.com\n  date: '{date}'\n{extra}")


def _deployment(version: str, traffic: int) -> str:
    return (f"apiVersion: catgen/v1\nkind: Deployment\nmetadata: {{name: prod-blue}}\nspec:\n"
            f"  workspace: workspace:prod\n  endpoint: scoring\n  model: model:m@{version}\n  traffic: {traffic}\n")


def story_repo(tmp_path: Path, monkeypatch) -> tuple[GitRepo, dict]:
    """The repository (cwd is its top level) and the commit of each step (C1..C4)."""
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    monkeypatch.chdir(repo.path)
    root, commits = repo.catalog, {}
    write(root, "policy.yaml", POLICY)
    write(root, "workspaces/dev.yaml", _workspace("dev", "dev"))
    write(root, "workspaces/prod.yaml", _workspace("prod", "prod"))
    write(root, "models/m/1.yaml", _model("1"))
    write(root, "promotions/m-1-to-prod.yaml", _promotion("m-1-to-prod", "1", "2024-09-01T09:00:00Z", "alice@x.com"))
    write(root, "deployments/prod-blue.yaml", _deployment("1", 100))
    commits["C1"] = _commit(repo, "C1")
    write(root, "models/m/2.yaml", _model("2"))
    write(root, "promotions/m-2-to-prod.yaml", _promotion("m-2-to-prod", "2", "2024-09-10T09:00:00Z", "bob@x.com"))
    write(root, "deployments/prod-blue.yaml", _deployment("2", 100))
    commits["C2"] = _commit(repo, "C2")
    write(root, "deployments/prod-blue.yaml", _deployment("2", 90))
    commits["C3"] = _commit(repo, "C3")
    write(root, "promotions/m-2-revoked.yaml", _promotion("m-2-revoked", "2", "2024-09-20T09:00:00Z", None, True))
    write(root, "deployments/prod-blue.yaml", _deployment("1", 100))
    commits["C4"] = _commit(repo, "C4")
    return repo, commits


def _commit(repo: GitRepo, step: str) -> str:
    env = {**os.environ, "GIT_COMMITTER_DATE": DATES[step], "GIT_AUTHOR_DATE": DATES[step]}
    for args in (("add", "-A"), ("commit", "-q", "-m", step)):
        subprocess.run(["git", "-C", str(repo.path), *args], check=True, capture_output=True, env=env)
    return repo.git("rev-parse", "HEAD")
