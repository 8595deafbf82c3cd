"""Benchmark: reading the base of ``catgen check --base`` vs loading the working tree.

Generates a synthetic catalog of about 10,000 manifests with
``benchmarks/generate.py`` (copies of the example catalog's manifests under
renamed identities, so every reference still resolves), commits it in a
temporary git repository, then times, best of 3:

- ``open_catalog(root, cache=False)``: the working tree;
- ``open_catalog(root, ref="HEAD", cache=False)``: the base, from git objects, with
  the objects loose (as right after a commit) and packed (as in a clone).

The target (issue 4) is base <= 1.5x working tree. Run:

    .venv/bin/python benchmarks/bench_base.py [--manifests 10000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from catgen.load.catalog import open_catalog
from catgen.load.gitsource import GitSource
from catgen.load.sources import DirectorySource
from generate import generate  # benchmarks/generate.py, next to this script

TARGET_RATIO = 1.5


def best_of(runs: int, load) -> tuple[float, int]:
    timings, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = len(load().manifests)
        timings.append(time.perf_counter() - start)
    return min(timings), count


def read_only(make_source):
    """Listing and reading every file, without parsing: what a source itself costs."""

    class _Count:
        manifests: list = []

    def load():
        source = make_source()
        _Count.manifests = [source.read(f.relpath) for f in source.files()]
        return _Count

    return load


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifests", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="catgen-bench-") as temp:
        repo = Path(temp)
        root = repo / "catalog"
        count = generate(root, args.manifests)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false",
            "commit", "-q", "-m", "catalog")
        working, loaded = best_of(args.runs, lambda: open_catalog(str(root), cache=False))
        loose, base_loaded = best_of(args.runs, lambda: open_catalog(str(root), ref="HEAD", cache=False))
        git(repo, "repack", "-a", "-d", "-q")
        git(repo, "prune-packed")
        packed, _ = best_of(args.runs, lambda: open_catalog(str(root), ref="HEAD", cache=False))
        read_dir, _ = best_of(args.runs, read_only(lambda: DirectorySource(str(root))))
        read_git, _ = best_of(args.runs, read_only(lambda: GitSource(str(root), "HEAD")))
        assert loaded == base_loaded == count, (loaded, base_loaded, count)
        _check_clean(root)
    print(f"manifests:            {count}")
    print(f"working tree:         {working:.3f} s")
    print(f"base (loose objects): {loose:.3f} s  ({loose / working:.2f}x)")
    print(f"base (packed):        {packed:.3f} s  ({packed / working:.2f}x)")
    print(f"reading only (no parsing): working tree {read_dir:.3f} s, base (packed) {read_git:.3f} s")
    worst = max(loose, packed) / working
    print(f"target: base <= {TARGET_RATIO}x working tree: {'met' if worst <= TARGET_RATIO else 'NOT met'}")
    return 0 if worst <= TARGET_RATIO else 1


def _check_clean(root: Path) -> None:
    """The synthetic catalog must be a valid one, or the benchmark measures error paths."""
    from catgen.checking.engine import run_check

    result = run_check(open_catalog(str(root), cache=False))
    broken = [f for f in result.findings if f.code < "CG4"]
    if broken:
        raise SystemExit(f"the generated catalog has {len(broken)} loading/reference findings, e.g. {broken[0]}")


if __name__ == "__main__":
    sys.exit(main())
