"""Many promotions of one asset: does checking them cost time linear in their number?

Generates a small catalog (a policy with dev, test and prod, where prod needs a
registry and comes from test; one workspace, one registry, one model deployed
in prod) plus N promotions of that one model: to test, to prod and into the
registry in turn, each on its own date with the approvals the gate asks for, so
the catalog checks clean. Then times ``catgen check --no-cache`` on it as a
separate process, once per side (``--before`` names the ``src/`` folder of
another checkout, e.g. ``git worktree add /tmp/before HEAD``), best of
``--runs``. Not a test: run it by hand and record the figures in
``benchmarks/README.md``.

    .venv/bin/python benchmarks/bench_promotions.py [--before /tmp/before/src] [--sizes 2000 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

FIXED = {
    "policy.yaml": """\
apiVersion: catgen/v1
kind: Policy
metadata: {name: default}
spec:
  stages:
    - name: dev
    - name: test
      promotion: {approvals: 1}
    - name: prod
      promotion: {from: test, approvals: 1, require_registry: true}
""",
    "workspaces/prod.yaml": """\
apiVersion: catgen/v1
kind: Workspace
metadata: {name: prod}
spec: {stage: prod, region: eastus, registries: ["registry:shared"]}
""",
    "registries/shared.yaml": """\
apiVersion: catgen/v1
kind: Registry
metadata: {name: shared}
spec: {location: eastus, replication_locations: [eastus]}
""",
    "models/scorer/1.yaml": """\
apiVersion: catgen/v1
kind: Model
metadata: {name: scorer, version: "1", created: 2000-01-01}
spec: {workspace: "workspace:prod", type: mlflow_model, path: "azureml://models/scorer/1"}
""",
    "deployments/scorer.yaml": """\
apiVersion: catgen/v1
kind: Deployment
metadata: {name: scorer}
spec: {workspace: "workspace:prod", endpoint: scorer, model: "model:scorer@1", traffic: 100}
""",
}


def promotion(number: int, start: datetime) -> str:
    """The ``number``-th promotion: to test, into the registry, to prod, in turn, an hour apart."""
    date = (start + timedelta(hours=number)).strftime("%Y-%m-%dT%H:%M:%SZ")
    target = ("stage: test", "registry: registry:shared", "stage: prod")[number % 3]
    approvals = "" if "registry" in target else f"\n  approvals: [{{by: approver@contoso.com, at: {date}}}]"
    return (f"apiVersion: catgen/v1\nkind: Promotion\nmetadata: {{name: scorer-1-{number:06d}}}\n"
            f"spec:\n  {target}\n  asset: model:scorer@1\n  requested_by: requester@contoso.com\n"
            f"  date: {date}{approvals}\n")


def generate(root: Path, promotions: int) -> None:
    for relpath, text in FIXED.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text)
    (root / "promotions").mkdir()
    start = datetime(2001, 1, 1, tzinfo=timezone.utc)
    for number in range(promotions):
        (root / "promotions" / f"scorer-1-{number:06d}.yaml").write_text(promotion(number, start))


def time_check(src: Path, catalog: Path, runs: int) -> tuple[float, int]:
    """Best wall time of ``catgen check --no-cache`` over ``runs``, and its exit code."""
    env = {**os.environ, "PYTHONPATH": str(src), "SOURCE_DATE_EPOCH": "1767225600"}
    best, code = float("inf"), -1
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "catgen", "check", str(catalog), "--no-cache"], env=env,
                              capture_output=True, text=True)
        best, code = min(best, time.perf_counter() - start), done.returncode
        if code not in (0, 1):
            raise SystemExit(f"catgen check failed ({src}): {done.stderr[-500:]}")
    return best, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="the src/ folder of the checkout to compare with")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sides = {"after": SRC} if args.before is None else {"before": args.before.resolve(), "after": SRC}
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, best of {args.runs}")
    print(f"{'promotions':>10} " + " ".join(f"{name:>16}" for name in sides))
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="catgen-promotions-") as tmp:
            catalog = Path(tmp) / "catalog"
            generate(catalog, size)
            cells = []
            for src in sides.values():
                seconds, code = time_check(src, catalog, args.runs)
                cells.append(f"{seconds:>9.2f} s (rc {code})")
            print(f"{size:>10,} " + " ".join(cells))


if __name__ == "__main__":
    main()
