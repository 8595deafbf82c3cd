"""Replay the example catalog's life as a small git repository with realistic dates.

    python examples/audit-demo/make_history.py DEMO_FOLDER
    cd DEMO_FOLDER && catgen status --at 2024-09-25 --stage prod

The example catalog (``catalog/``) lives in catgen's own repository, whose commits carry the
dates they were really made. An audit asks about the past, so this script builds a SEPARATE
repository in DEMO_FOLDER (which must not exist, or be empty) where every manifest arrives on
the date it records (``created``, a job's ``ended``, a promotion's last approval) and the
deployments change as they would have: dev, test and prod endpoints following each promotion,
and the prod credit-risk endpoint going blue/green from version 2 to version 3.

The last commit's ``catalog/`` equals the example catalog byte for byte. The result is
deterministic: fixed names, dates and messages, so the same script gives the same commit ids.
Only git and PyYAML are needed (catgen itself is not imported).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

EXAMPLE = Path(__file__).resolve().parents[2] / "catalog"
COMMITTER = ("Contoso ML platform", "ml-platform@contoso.com")
START = "2024-05-02T08:00:00Z"  # the policy comes first: before the registry it governs

# The deployments' lives: (when, author, message, deployment, model, environment, traffic, description).
# The last state of each deployment is the example catalog's file itself (None below: keep it).
LGBM1, LGBM2, SKL1 = "environment:lightgbm-py311@1", "environment:lightgbm-py311@2", "environment:sklearn-py310@1"
DEPLOYMENT_CHANGES = [
    ("2024-07-02T14:00:00Z", "bob", "Deploy credit-risk@1 to dev", "credit-risk-dev", "credit-risk@1", LGBM1, 100,
     None),
    ("2024-07-22T15:00:00Z", "bob", "Deploy credit-risk@2 to test", "credit-risk-test", "credit-risk@2", LGBM1, 100,
     None),
    ("2024-07-30T13:00:00Z", "carol", "Prod: serve credit-risk@2 on blue", "credit-risk-prod-blue", "credit-risk@2",
     LGBM1, 100, "Production blue deployment of the credit-risk scoring API, serving version 2."),
    ("2024-07-31T09:00:00Z", "bob", "Dev endpoint follows production: credit-risk@2", "credit-risk-dev",
     "credit-risk@2", LGBM1, 100, None),
    ("2024-08-12T13:00:00Z", "alice", "Deploy fraud-detector@1 to dev", "fraud-detector-dev", "fraud-detector@1", SKL1,
     100, None),
    ("2024-08-16T14:00:00Z", "alice", "Deploy fraud-detector@1 to test", "fraud-detector-test", "fraud-detector@1",
     SKL1, 100, None),
    ("2024-08-27T13:00:00Z", "carol", "Prod: serve fraud-detector@1", "fraud-detector-prod", "fraud-detector@1", SKL1,
     100, None),
    ("2024-09-16T14:00:00Z", "bob", "Test endpoint: credit-risk@3", "credit-risk-test", None, None, None, None),
    ("2024-09-18T13:00:00Z", "alice", "Dev endpoint: fraud-detector@2", "fraud-detector-dev", None, None, None, None),
    ("2024-09-20T16:00:00Z", "alice", "Test endpoint: fraud-detector@2", "fraud-detector-test", None, None, None,
     None),
    ("2024-09-24T10:00:00Z", "carol", "Prod: stand up green with credit-risk@2 at 10 percent",
     "credit-risk-prod-green", "credit-risk@2", LGBM1, 10, None),
    ("2024-09-24T10:00:00Z", "carol", None, "credit-risk-prod-blue", "credit-risk@2", LGBM1, 90,
     "Production blue deployment of the credit-risk scoring API, serving version 2."),
    ("2024-09-24T14:00:00Z", "carol", "Prod: switch blue to credit-risk@3 (90 percent); green keeps version 2",
     "credit-risk-prod-blue", None, None, None, None),
    ("2024-09-30T10:00:00Z", "carol", "Prod: serve fraud-detector@2", "fraud-detector-prod", None, None, None, None),
    ("2024-09-30T09:00:00Z", "bob", "Dev endpoint follows production: credit-risk@3", "credit-risk-dev", None, None,
     None, None),
    ("2024-10-07T14:00:00Z", "alice", "Deploy fraud-detector-emea@1 to test", "fraud-detector-emea-test", None, None,
     None, None),
]
# The fine-tuning job names the sweep that chose its parameters, which ended after it: merged once the sweep was in.
ARRIVAL_OVERRIDES = {"jobs/train-fraud-detector-dev-0918.yaml": "2024-09-18T02:10:00Z"}
PEOPLE = {"alice": "Alice Martin", "bob": "Bob Chen", "carol": "Carol Diaz", "erin": "Erin Okafor",
          "frank": "Frank Weber",
          "risk-team": "Risk team", "fraud-team": "Fraud team"}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[0], "\nusage: make_history.py DEMO_FOLDER", file=sys.stderr)
        return 2
    target = Path(argv[0])
    if target.exists() and any(target.iterdir()):
        print(f"{target} is not empty: give a new folder", file=sys.stderr)
        return 2
    build(target)
    print(f"{len(commits())} commits written to {target}; try:\n"
          f"  cd {target} && catgen status --at 2024-09-25 --stage prod")
    return 0


def build(target: Path) -> None:
    """Write the repository: one commit per step of ``commits()``, oldest first."""
    target.mkdir(parents=True, exist_ok=True)
    git(target, "init", "--quiet", "--initial-branch=main")
    for when, author, message, files in commits():
        for relpath, content in files.items():
            path = target / "catalog" / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        git(target, "add", "--all", "catalog")
        name, email = person(author)
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S+0000")
        git(target, "commit", "--quiet", "--no-verify", "-m", message, env={
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": COMMITTER[0], "GIT_COMMITTER_EMAIL": COMMITTER[1], "GIT_COMMITTER_DATE": stamp})


def commits() -> list[tuple[datetime, str, str, dict]]:
    """(date, author, message, {catalog path: bytes}) in date order; same-time steps share a commit."""
    steps = manifest_steps() + deployment_steps()
    steps.sort(key=lambda step: (step[0], step[3]))
    merged: list[tuple[datetime, str, str, dict]] = []
    for when, author, message, relpath, content in steps:
        if merged and merged[-1][0] == when and merged[-1][1] == author:
            merged[-1][3][relpath] = content
            if message:
                merged[-1] = (when, author, message, merged[-1][3])
            continue
        merged.append((when, author, message or f"Change {relpath}", {relpath: content}))
    return merged


def manifest_steps() -> list[tuple]:
    """Every manifest but the deployments, added on the date it records."""
    steps = []
    for path in sorted(EXAMPLE.rglob("*.yaml")):
        relpath = path.relative_to(EXAMPLE).as_posix()
        if relpath.startswith("deployments/"):
            continue
        document = yaml.safe_load(path.read_bytes())
        when, author = arrival(document)
        when = parse(ARRIVAL_OVERRIDES[relpath]) if relpath in ARRIVAL_OVERRIDES else when
        steps.append((when, author, f"Add {document['kind'].lower()} {label(document)}", relpath, path.read_bytes()))
    return steps


def arrival(document: dict) -> tuple[datetime, str]:
    """When a manifest was merged, and by whom: a promotion once its last approval is in, a job once it ended."""
    metadata, spec = document.get("metadata", {}), document.get("spec", {})
    if document["kind"] == "Policy":
        return parse(START), "carol"
    if document["kind"] == "Promotion":
        dates = [spec["date"]] + [approval["at"] for approval in spec.get("approvals", [])]
        return as_utc(max(as_utc(d) for d in dates)) + timedelta(minutes=30), spec["requested_by"]
    if document["kind"] == "Job":
        return as_utc(spec.get("ended") or spec["started"]) + timedelta(minutes=5), metadata["owner"]
    return as_utc(metadata["created"]) + timedelta(minutes=5), metadata.get("owner", COMMITTER[1])


def deployment_steps() -> list[tuple]:
    steps = []
    for when, author, message, name, model, environment, traffic, description in DEPLOYMENT_CHANGES:
        final = (EXAMPLE / "deployments" / f"{name}.yaml").read_text(encoding="utf-8")
        content = final if model is None else deployment_at(final, model, environment, traffic, description)
        steps.append((parse(when), author, message, f"deployments/{name}.yaml", content.encode("utf-8")))
    return steps


def deployment_at(final: str, model: str, environment: str, traffic: int, description: str | None) -> str:
    """The example's deployment file as it read earlier: another model, environment, traffic (and description)."""
    lines = []
    for line in final.splitlines(keepends=True):
        key = line.strip().split(":", 1)[0]
        replaced = {"model": f"model:{model}", "environment": environment, "traffic": str(traffic),
                    "description": description}.get(key) if line.startswith("  ") else None
        lines.append(f"  {key}: {replaced}\n" if replaced is not None else line)
    return "".join(lines)


def label(document: dict) -> str:
    metadata = document.get("metadata", {})
    version = metadata.get("version")
    return f"{metadata.get('name', '')}@{version}" if version else metadata.get("name", "")


def person(author: str) -> tuple[str, str]:
    local = author.split("@", 1)[0]
    email = author if "@" in author else f"{author}@contoso.com"
    return PEOPLE.get(local, COMMITTER[0] if local == "ml-platform" else local), email


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def as_utc(value) -> datetime:
    found = value if isinstance(value, datetime) else parse(str(value))
    return found.replace(tzinfo=timezone.utc) if found.tzinfo is None else found.astimezone(timezone.utc)


def git(folder: Path, *args: str, env: dict | None = None) -> None:
    # A user's own git settings (hooks, signing, templates, autocrlf) must not change the commit ids.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    clean.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TEMPLATE_DIR": ""}, **(env or {}))
    subprocess.run(["git", "-c", "core.autocrlf=false", "-c", "commit.gpgsign=false", *args], cwd=folder,
                   env=clean, check=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
