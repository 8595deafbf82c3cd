"""Benchmark ``catgen check`` at scale, against check-jsonschema in the same run.

For each size (default 1,000, 10,000 and 50,000 manifests) it generates a
catalog with ``generate.py`` (the example catalog's shape, checking clean),
commits it in a temporary git repository, and measures, as separate
processes timed from outside (so start-up counts):

- ``catgen check --no-cache`` (cold: every file parsed, every rule run);
- ``catgen check`` with a warm parse cache and check state after one manifest changed: the root
  of the 500-model chain (every model of the chain is judged again) and a model of one copy
  (only its neighbourhood is), and after nothing changed;
- ``catgen check --base HEAD`` after one manifest changed (cache warm);
- the ratios of the warm and ``--base`` checks to the cold one (issue 17's goals);
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

from bytecode import compile_catgen  # benchmarks/bytecode.py
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
    change_chain_root = one_file_changer(root / "models" / "chain" / "0.yaml")
    change_leaf = one_file_changer(sorted(root.glob("models/credit-risk-c*/*.yaml"))[0])
    timed([catgen, "check", "catalog"], repo, env)  # fill the cache and the check state
    unchanged, _ = best(runs, [catgen, "check", "catalog"], repo, env)
    warm, _ = best(runs, [catgen, "check", "catalog"], repo, env, before=change_chain_root)
    warm_leaf, _ = best(runs, [catgen, "check", "catalog"], repo, env, before=change_leaf)
    base, _ = best(runs, [catgen, "check", "catalog", "--base", "HEAD"], repo, env, before=change_chain_root)
    lineage, _ = best(runs, [catgen, "lineage", chain_root, "--downstream", "--catalog", "catalog"], repo, env)
    schema_dir = work / "schemas"
    schema_dir.mkdir(exist_ok=True)
    shutil.copy(Path(__file__).resolve().parent.parent / "src/catgen/schemas/envelope.json",
                schema_dir / "envelope.json")
    (schema_dir / "instance.json").write_text(json.dumps(ENVELOPE_INSTANCE))
    files = sorted(str(p.relative_to(repo)) for p in root.rglob("*.yaml"))
    peer_seconds = peer(files, schema_dir / "instance.json", repo)
    return {"manifests": count, "cold_s": cold, "warm_one_changed_s": warm, "base_one_changed_s": base,
            "warm_leaf_changed_s": warm_leaf, "warm_unchanged_s": unchanged,
            "lineage_chain_s": lineage, "peak_rss_mib": cold_rss / 1024, "check_jsonschema_s": peer_seconds,
            "speedup_vs_peer": peer_seconds / cold}


def one_file_changer(target: Path):
    """An edit of ``target`` that differs from its bytes before each run (so it is never a no-op)."""
    original = target.read_text()
    flip = {"n": 0}

    def change():
        flip["n"] += 1
        target.write_text(original.replace("custom_model", "mlflow_model" if flip["n"] % 2 else "custom_model")
                          .replace("description: ", f"description: ({flip['n']}) ", 1))
    return change


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    return (f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def main() -> None:
    compile_catgen()  # as an installed catgen: start-up without compiling (bytecode.py)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print("| manifests | cold check | warm, 1 changed | --base, 1 changed | lineage (500-chain) | peak RSS "
          "| check-jsonschema | catgen speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    results = []
    with tempfile.TemporaryDirectory(prefix="catgen-bench-") as work:
        for size in args.sizes:
            r = bench_size(size, args.runs, Path(work))
            print(f"| {r['manifests']:,} | {r['cold_s']:.2f} s | {r['warm_one_changed_s']:.2f} s "
                  f"| {r['base_one_changed_s']:.2f} s | {r['lineage_chain_s']:.2f} s | {r['peak_rss_mib']:.0f} MiB "
                  f"| {r['check_jsonschema_s']:.2f} s | {r['speedup_vs_peer']:.1f}x |", flush=True)
            results.append(r)
    print("\nIssue 17: warm re-check and --base (ratios to the cold check of the same run)")
    print("| manifests | cold | warm, nothing changed | warm, 1 copy model changed | warm, chain root changed "
          "| --base, chain root changed |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        cold = r["cold_s"]
        cells = [f"{r[k]:.2f} s ({r[k] / cold:.2f}x)" for k in
                 ("warm_unchanged_s", "warm_leaf_changed_s", "warm_one_changed_s", "base_one_changed_s")]
        print(f"| {r['manifests']:,} | {cold:.2f} s | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
