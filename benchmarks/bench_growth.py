"""How commands grow when one thing a change can add grows: a linear path takes about 4x the time at 4x the size.

    python benchmarks/bench_growth.py [--before /tmp/ref/src] [--size 500] [--only NAME ...] [--work DIR]

Each case copies the example catalog and adds ``size``, then ``4 * size``, of one thing (small files a change can
add), then times one command on it, in a process of its own, for this tree and for the ``--before`` source
folder (e.g. ``git archive <commit> src``) in turn:

- ``endpoint``: deployments of one endpoint (``catgen check``; each CG513 finding named every one before it);
- ``shares``: registries an environment is shared to, and deployments using it from a workspace that consumes
  none of them (``check``; each CG507 finding named every registry, each search of the list scanned it);
- ``exceptions``: approvals by people who may not approve, under as many exceptions (``check``; every
  exception was tried for every finding);
- ``pipeline``: steps of the pipeline the training job runs, and promotions of the model to a stage that
  requires lineage (``check``; the lineage rules walked the pipeline for each promotion, searching a list);
- ``stages``: model versions, each promoted to a stage of its own name (``catgen status``; every version was
  asked about every stage);
- ``promotions``: promotions of one model (``catgen build``; each promotion page listed every other one);
- ``busy``: steps of a pipeline and jobs that run it (``build``; each step's and each job's lineage picture
  sorted and visited all the pipeline's jobs, or steps);
- ``review``: promotions a change adds against as many deployments in its base (``catgen diff``; each
  promotion scanned every deployment of the base);
- ``collisions``: Azure ML files that define one model name with different content (``catgen import azureml
  --dry-run``; each was compared with every other, and each refusal named every file);
- ``policy``: stages of the policy, model versions, and workspaces naming a stage the policy lacks (``build``;
  each stage mark asked every stage of the policy, each in-force badge and each lookup of a stage searched the
  list, and each CG306 finding named every stage).

It prints each command's time at both sizes and their ratio (4 linear, 16 quadratic), and the site's size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "catalog"
CASES = ("endpoint", "shares", "exceptions", "pipeline", "stages", "promotions", "busy", "review", "collisions",
         "policy")


def _read(relpath: str) -> str:
    return (EXAMPLE / relpath).read_text(encoding="utf-8")


def _deployment(name: str, workspace: str, endpoint: str, model: str = "model:credit-risk@3") -> str:
    return (_read("deployments/credit-risk-dev.yaml").replace("name: credit-risk-dev", f"name: {name}")
            .replace("workspace: workspace:ml-dev-eus", f"workspace: {workspace}")
            .replace("endpoint: credit-risk", f"endpoint: {endpoint}").replace("model:credit-risk@3", model))


def _promotion(name: str, **replaced) -> str:
    text = _read("promotions/credit-risk-3-to-prod.yaml").replace("name: credit-risk-3-to-prod", f"name: {name}")
    for old, new in replaced.items():
        text = text.replace(old, new)
    return text


def add_endpoint(root: Path, n: int) -> None:
    for i in range(n):
        (root / f"deployments/d{i}.yaml").write_text(_deployment(f"d{i}", "workspace:ml-prod-weu", "credit-risk"))


def add_shares(root: Path, n: int) -> None:
    registry, share = _read("registries/contoso-ml.yaml"), _read("promotions/credit-risk-3-registry-contoso-ml.yaml")
    workspace = _read("workspaces/ml-dev-eus.yaml").split("  registries:")[0].replace("name: ml-dev-eus", "name: lone")
    (root / "workspaces/lone.yaml").write_text(workspace)
    for i in range(n):
        (root / f"registries/r{i}.yaml").write_text(registry.replace("name: contoso-ml", f"name: r{i}"))
        (root / f"promotions/s{i}.yaml").write_text(
            share.replace("name: credit-risk-3-registry-contoso-ml", f"name: s{i}")
            .replace("registry:contoso-ml", f"registry:r{i}")
            .replace("model:credit-risk@3", "environment:lightgbm-py311@2"))
        (root / f"deployments/u{i}.yaml").write_text(_deployment(f"u{i}", "workspace:lone", f"e{i}"))


def add_exceptions(root: Path, n: int) -> None:
    head = _read("promotions/credit-risk-3-to-prod.yaml").split("  approvals:\n")[0]
    approvals = "".join(f"    - by: user{i}@contoso.com\n      at: 2024-09-24T09:15:00Z\n" for i in range(n))
    (root / "promotions/credit-risk-3-to-prod.yaml").write_text(head + "  approvals:\n" + approvals)
    waivers = "".join(f"    - {{rule: CG501, subject: 'model:x{i}@1', reason: r, expires: 2030-01-01}}\n"
                      for i in range(n))
    policy = _read("policy.yaml").replace("  mutable_fields:\n", "  exceptions:\n" + waivers + "  mutable_fields:\n")
    (root / "policy.yaml").write_text(policy)


def add_pipeline(root: Path, n: int) -> None:
    step = _read("components/prep-loans/1.yaml")
    for i in range(n):
        (root / f"components/s{i}").mkdir()
        (root / f"components/s{i}/1.yaml").write_text(step.replace("name: prep-loans", f"name: s{i}"))
        (root / f"promotions/p{i}.yaml").write_text(_promotion(f"p{i}"))
    steps = "".join(f"    - component:s{i}@1\n" for i in range(n))
    pipeline = _read("components/credit-risk-pipeline/1.yaml")
    (root / "components/credit-risk-pipeline/1.yaml").write_text(
        pipeline.replace("    - component:prep-loans@1\n", "    - component:prep-loans@1\n" + steps))


def add_stages(root: Path, n: int) -> None:
    model, promotion = _read("models/credit-risk/3.yaml"), _read("promotions/credit-risk-1-to-test.yaml")
    for i in range(n):
        (root / f"models/credit-risk/{100 + i}.yaml").write_text(model.replace('version: "3"', f'version: "{100 + i}"'))
        (root / f"promotions/st{i}.yaml").write_text(
            promotion.replace("name: credit-risk-1-to-test", f"name: st{i}").replace("stage: test", f"stage: st{i}")
            .replace("model:credit-risk@1", f"model:credit-risk@{100 + i}"))


def add_promotions(root: Path, n: int) -> None:
    for i in range(n):
        (root / f"promotions/p{i}.yaml").write_text(_promotion(f"p{i}"))


def add_busy(root: Path, n: int) -> None:
    add_pipeline(root, n)
    job = _read("jobs/train-credit-risk-prod-0912.yaml")
    for i in range(n):
        (root / f"promotions/p{i}.yaml").unlink()
        (root / f"jobs/j{i}.yaml").write_text(job.replace("name: train-credit-risk-prod-0912", f"name: j{i}"))


def add_review(root: Path, n: int) -> None:
    """The base: ``n`` deployments, committed; the change: ``n`` promotions to prod."""
    add_endpoint(root, n)
    git = ["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench", "-C", str(root.parent)]
    subprocess.run(["git", "init", "-q", str(root.parent)], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "base"], check=True)
    for i in range(n):
        (root / f"promotions/q{i}.yaml").write_text(_promotion(f"q{i}"))


def add_collisions(root: Path, n: int) -> None:
    """``n`` Azure ML files beside the catalog (in ``azureml/``), all defining model ``m`` version 1."""
    folder = root.parent / "azureml"
    folder.mkdir()
    schema = "https://azuremlschemas.azureedge.net/latest/model.schema.json"
    for i in range(n):
        (folder / f"m{i}.yml").write_text(f"$schema: {schema}\nname: m\nversion: 1\npath: p{i}\n")


def add_policy(root: Path, n: int) -> None:
    stages = "".join(f"    - name: s{i}\n" for i in range(n))
    policy = _read("policy.yaml").replace("  immutable_kinds:\n", stages + "  immutable_kinds:\n")
    (root / "policy.yaml").write_text(policy)
    model, workspace = _read("models/credit-risk/3.yaml"), _read("workspaces/ml-dev-eus.yaml")
    for i in range(n):
        (root / f"models/credit-risk/{100 + i}.yaml").write_text(model.replace('version: "3"', f'version: "{100 + i}"'))
        (root / f"workspaces/w{i}.yaml").write_text(
            workspace.replace("name: ml-dev-eus", f"name: w{i}").replace("stage: dev", f"stage: undefined{i}"))


def command(case: str, root: Path, site: Path) -> list[str]:
    if case in ("promotions", "busy", "policy"):
        return ["build", str(root), "--site-dir", str(site)]
    if case == "collisions":
        return ["import", "azureml", str(root.parent / "azureml"), "--workspace", "ml-dev-eus", "--catalog", str(root),
                "--dry-run"]
    if case == "stages":
        return ["status", str(root), "--format", "json"]
    if case == "review":
        return ["diff", str(root), "--base", "HEAD", "--format", "json", "--output", str(site.parent / "review.json")]
    return ["check", str(root), "--no-cache", "--format", "json", "--output", str(site.parent / "check.json")]


def timed(source: str, case: str, work: Path) -> tuple[float, int]:
    """(seconds, bytes of the site) of the case's command on ``work/catalog`` with the tree at ``source``."""
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=source, CATGEN_CACHE_DIR=str(work / "cache"))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "catgen", *command(case, work / "catalog", site)], env=env,
                          cwd=work, capture_output=True, text=True)
    took = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{case}: {done.stderr.strip()}")
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) if site.exists() else 0
    return took, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="another tree's source folder (holding catgen/), timed the same way")
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--only", nargs="*", choices=CASES, default=list(CASES))
    parser.add_argument("--work", help="where the catalogs go (default: a temporary folder)")
    args = parser.parse_args()
    trees = {"now": str(REPO / "src"), **({"before": args.before} if args.before else {})}
    top = Path(args.work or tempfile.mkdtemp(prefix="catgen-growth-"))
    for case in args.only:
        found = {}
        for n in (args.size, 4 * args.size):
            work = top / f"{case}-{n}"
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(EXAMPLE, work / "catalog")
            globals()[f"add_{case}"](work / "catalog", n)
            for name, source in trees.items():
                found[(name, n)] = timed(source, case, work)
        for name in trees:
            (small, small_site), (large, large_site) = found[(name, args.size)], found[(name, 4 * args.size)]
            site = f", site {small_site / 1e6:.0f} MB -> {large_site / 1e6:.0f} MB" if large_site else ""
            print(f"{case} ({name}): {args.size:,} {small:.2f} s, {4 * args.size:,} {large:.2f} s, "
                  f"ratio {large / small:.1f}{site}", flush=True)
    if not args.work:
        shutil.rmtree(top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
