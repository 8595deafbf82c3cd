"""Is a change slower? Time this checkout's catgen against another checkout's, alternating runs.

For a refactoring that must not change speed: ``--before`` names the ``src/`` folder of
another checkout (e.g. ``git worktree add /tmp/before <commit>``). On one generated
catalog (``generate.py``, committed in a temporary git repository) each round runs, as
separate processes, first one side then the other:

- ``catgen check --no-cache`` (cold);
- ``catgen check`` with a warm parse cache after one manifest changed;
- ``catgen check --base HEAD`` after one manifest changed (cache warm);
- ``catgen build`` of a smaller catalog (``--site-manifests``) into a fresh folder.

Alternating the two sides within each round means a busy machine slows both alike; the
report gives each side's median and the ratio after/before (below 1.0: faster).

    .venv/bin/python benchmarks/bench_before_after.py --before /tmp/before/src [--manifests 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate  # benchmarks/generate.py, next to this script

SRC = Path(__file__).resolve().parent.parent / "src"
CHANGED = Path("models/credit-risk-c0/3.yaml")  # generate.py suffixes copy k with -c<k>


def committed_catalog(repo: Path, manifests: int) -> None:
    generate(repo / "catalog", manifests)
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=b", "-c", "user.email=b@x", "commit", "-qm", "base"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)


def run_catgen(src: Path, args: list[str], cwd: Path, cache: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "CATGEN_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": "1767225600"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "catgen", *args], cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"catgen {' '.join(args)} failed ({src}): {done.stderr.decode()[-500:]}")
    return elapsed


def touch_one_manifest(catalog: Path, round_number: int) -> None:
    """A different edit each round, so exactly one file misses the parse cache."""
    path = catalog / CHANGED
    text = path.read_text()
    marker = "\n# bench round "
    path.write_text(text.split(marker)[0] + f"{marker}{round_number}\n")


def one_round(sides: dict, repo: Path, site_repo: Path, work: Path, number: int) -> dict:
    times: dict = {}
    for name, src in sides.items():
        cache = work / f"cache-{name}"
        times[(name, "cold check")] = run_catgen(src, ["check", "catalog", "--no-cache"], repo, cache)
        run_catgen(src, ["check", "catalog"], repo, cache)  # fill the cache
        touch_one_manifest(repo / "catalog", number)
        times[(name, "warm check, 1 changed")] = run_catgen(src, ["check", "catalog"], repo, cache)
        touch_one_manifest(repo / "catalog", number + 1000)
        times[(name, "--base HEAD, 1 changed")] = run_catgen(src, ["check", "catalog", "--base", "HEAD"], repo, cache)
        site = work / f"site-{name}"
        shutil.rmtree(site, ignore_errors=True)
        times[(name, "build")] = run_catgen(src, ["build", "catalog", "--site-dir", str(site)], site_repo, cache)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the src/ folder of the checkout to compare with")
    parser.add_argument("--manifests", type=int, default=10_000)
    parser.add_argument("--site-manifests", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sides = {"before": args.before.resolve(), "after": SRC}
    with tempfile.TemporaryDirectory(prefix="catgen-ab-") as tmp:
        work = Path(tmp)
        committed_catalog(work / "repo", args.manifests)
        committed_catalog(work / "site-repo", args.site_manifests)
        samples: dict = {}
        for number in range(args.rounds):
            for key, seconds in one_round(sides, work / "repo", work / "site-repo", work, number).items():
                samples.setdefault(key, []).append(seconds)
    print(f"{args.rounds} rounds, {args.manifests:,} manifests ({args.site_manifests:,} for the build), "
          f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'measure':<26} {'before (median)':>16} {'after (median)':>15} {'after/before':>13}")
    for measure in dict.fromkeys(key[1] for key in samples):
        before = statistics.median(samples[("before", measure)])
        after = statistics.median(samples[("after", measure)])
        print(f"{measure:<26} {before:>15.2f}s {after:>14.2f}s {after / before:>12.2f}x")


if __name__ == "__main__":
    main()
