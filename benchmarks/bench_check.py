"""Benchmark ``catgen check`` at scale, against check-jsonschema in the same run.

For each size (default 1,000, 10,000 and 50,000 manifests) it generates a
catalog with ``generate.py`` (the example catalog's shape, checking clean),
commits it in a temporary git repository, and measures, as separate
processes timed from outside (so start-up counts):

- ``catgen check --no-cache`` (cold: every file parsed, every rule run);
- ``catgen check`` with a warm parse cache after one manifest changed;
- ``catgen check --base HEAD`` after one manifest changed (cache warm);
- ``catgen lineage`` downstream of the root of a 500-model fine-tuning chain;
- peak memory (max RSS) of the cold check;
- ``check-jsonschema --schemafile <envelope>`` over the same files (the peer
  a user would otherwise pick), in batches that fit the command line.

Run (needs ``pip install check-jsonschema`` in the same virtualenv):

    .venv/bin/python benchmarks/bench_check.py [--sizes 1000 10000 50000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate  # benchmarks/generate.py, next to this script

BIN = Path(sys.executable).parent
CHAIN = 500
ENVELOPE_INSTANCE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "catgen/v1"},
        "kind": {"$ref": "envelope.json#/$defs/kind"},
        "metadata": {"type": "object", "required": ["name"],
                     "properties": {"name": {"$ref": "envelope.json#/$defs/name"}}},
        "spec": {"type": "object"},
    },
}


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int, int]:
    """(seconds, exit code, max RSS in KiB of the child) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[:500]}")
    return elapsed, done.returncode, max(peak, before)


def best(runs: int, cmd: list[str], cwd: Path, env: dict, before=None) -> tuple[float, int]:
    results = []
    for _ in range(runs):
        if before:
            before()
        results.append(timed(cmd, cwd, env))
    return min(r[0] for r in results), max(r[2] for r in results)


def add_chain(root: Path, length: int) -> str:
    """Models chain-0 <- chain-1 <- ... each fine-tuned from the previous; returns the root ref."""
    for i in range(length):
        base = f"\n  base_model: model:chain@{i - 1}" if i else ""
        text = (f"apiVersion: catgen/v1\nkind: Model\nmetadata:\n  name: chain\n  version: \"{i}\"\n"
                f"spec:\n  workspace: workspace:ml-dev-eus\n  type: custom_model\n  path: az://chain/{i}{base}\n")
        (root / "models" / "chain").mkdir(parents=True, exist_ok=True)
        (root / "models" / "chain" / f"{i}.yaml").write_text(text)
    return "model:chain@0"


def peer(files: list[str], schema: Path, cwd: Path) -> float:
    """check-jsonschema over ``files`` in command-line-sized batches, total seconds."""
    total, batch = 0.0, 4000
    for start in range(0, len(files), batch):
        seconds, _, _ = timed([str(BIN / "check-jsonschema"), "--schemafile", str(schema),
                               *files[start:start + batch]], cwd)
        total += seconds
    return total


def bench_size(size: int, runs: int, work: Path) -> dict:
    repo = work / f"repo-{size}"
    root = repo / "catalog"
    count = generate(root, size - CHAIN)
    chain_root = add_chain(root, CHAIN)
    count += CHAIN
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=b", "-c", "user.email=b@x", "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=b", "-c", "user.email=b@x", "commit", "-qm", "base"],
                   check=True)
    env = {**os.environ, "CATGEN_CACHE_DIR": str(work / f"cache-{size}")}
    catgen = str(BIN / "catgen")
    cold, cold_rss = best(runs, [catgen, "check", "catalog", "--no-cache"], repo, env)
    target = root / "models" / "chain" / "0.yaml"
    original = target.read_text()
    flip = {"n": 0}

    def change_one_file():  # a different edit each run, so exactly one file misses the cache
        flip["n"] += 1
        target.write_text(original.replace("custom_model", "custom_model" if flip["n"] % 2 else "mlflow_model"))

    timed([catgen, "check", "catalog"], repo, env)  # fill the cache
    warm, _ = best(runs, [catgen, "check", "catalog"], repo, env, before=change_one_file)
    base, _ = best(runs, [catgen, "check", "catalog", "--base", "HEAD"], repo, env, before=change_one_file)
    lineage, _ = best(runs, [catgen, "lineage", chain_root, "--downstream", "--catalog", "catalog"], repo, env)
    schema_dir = work / "schemas"
    schema_dir.mkdir(exist_ok=True)
    shutil.copy(Path(__file__).resolve().parent.parent / "src/catgen/schemas/envelope.json",
                schema_dir / "envelope.json")
    (schema_dir / "instance.json").write_text(json.dumps(ENVELOPE_INSTANCE))
    files = sorted(str(p.relative_to(repo)) for p in root.rglob("*.yaml"))
    peer_seconds = peer(files, schema_dir / "instance.json", repo)
    return {"manifests": count, "cold_s": cold, "warm_one_changed_s": warm, "base_one_changed_s": base,
            "lineage_chain_s": lineage, "peak_rss_mib": cold_rss / 1024, "check_jsonschema_s": peer_seconds,
            "speedup_vs_peer": peer_seconds / cold}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    return (f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print("| manifests | cold check | warm, 1 changed | --base, 1 changed | lineage (500-chain) | peak RSS "
          "| check-jsonschema | catgen speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="catgen-bench-") as work:
        for size in args.sizes:
            r = bench_size(size, args.runs, Path(work))
            print(f"| {r['manifests']:,} | {r['cold_s']:.2f} s | {r['warm_one_changed_s']:.2f} s "
                  f"| {r['base_one_changed_s']:.2f} s | {r['lineage_chain_s']:.2f} s | {r['peak_rss_mib']:.0f} MiB "
                  f"| {r['check_jsonschema_s']:.2f} s | {r['speedup_vs_peer']:.1f}x |", flush=True)


if __name__ == "__main__":
    main()
