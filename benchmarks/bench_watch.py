"""Benchmark ``catgen check --watch`` against the one-shot checks, in the same run (issue 17's warm re-check).

It generates a catalog of about N manifests (``generate.py``, the example's shape, plus the
500-model chain of ``bench_check.py``), and measures, as processes timed from outside:

- ``catgen check --no-cache``: the cold check, best of ``--runs``;
- ``catgen check`` with the cache warm after one manifest changed (a model of one copy, and the
  root of the chain), best of ``--runs``: the one-shot warm re-check;
- ``catgen check --watch``, started once: after each change to the same manifests, the time from
  the end of the write to the line the watch prints once the report is out (so the wait for the
  folder to settle counts), and the check's own time as the watch reports it;
- a file made in every folder at once (as a ``git checkout`` does): how long the watched listing
  takes to catch up, against one full listing (it must grow with the catalog, not with folders x files).

    .venv/bin/python benchmarks/bench_watch.py [--manifests 10000] [--runs 5] [--changes 20]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_check import CHAIN, add_chain, best, machine, one_file_changer  # benchmarks/, next to this script
from bytecode import compile_catgen
from generate import generate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from testing.streams import StreamReader  # noqa: E402  (the tests' reader of a child's pipe: one for both)

CATGEN = str(Path(sys.executable).parent / "catgen")
CHECKED = re.compile(r"^catgen: checked in ([0-9.]+) s")


class Watch:
    """``catgen check --watch`` running in ``repo``; ``settled()`` waits for its next "watching" line."""

    def __init__(self, repo: Path, env: dict):
        self.process = subprocess.Popen([CATGEN, "check", "--watch", "catalog"], cwd=repo, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.stderr = StreamReader(self.process.stderr)
        self.settled()

    def settled(self, timeout: float = 60) -> float | None:
        """The check time the watch reported before its next "watching" line (None: none reported)."""
        said = self.stderr.until("catgen: watching", timeout)
        times = [float(found.group(1)) for found in map(CHECKED.match, said.splitlines()) if found]
        return times[-1] if times else None

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(10)


def latencies(watch: Watch, change, count: int) -> tuple[list[float], list[float]]:
    """(seconds from each write to the watch's report, the check times it reported) for ``count`` changes."""
    waited, checked = [], []
    for _ in range(count):
        time.sleep(0.3)  # apart: each change is one check
        change()
        written = time.perf_counter()
        checked.append(watch.settled())
        waited.append(time.perf_counter() - written)
    return waited, checked


def every_folder_changed(root: Path) -> tuple[int, float, float]:
    """A change in every folder at once (a ``git checkout``, say): (folders, seconds for the watched listing to
    catch up, seconds for a full listing). The watched one must cost about as much as listing everything, not
    that times the folders."""
    from catgen.load.sources import DirectorySource
    from catgen.load.watchedtree import watched_tree

    source = DirectorySource(str(root))
    with watched_tree(source) as tree:
        tree.listing()
        folders = [folder for folder, _, _ in os.walk(root)]
        for folder in folders:
            Path(folder, "new.yaml").write_text("a: 1\n")
        tree.changes(5)
        started = time.perf_counter()
        caught_up = tree.listing()
        watched = time.perf_counter() - started
        started = time.perf_counter()
        assert caught_up == source.stats()
        full = time.perf_counter() - started
    for folder in folders:
        os.remove(os.path.join(folder, "new.yaml"))
    return len(folders), watched, full


def main() -> None:
    compile_catgen()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifests", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="catgen-bench-watch-") as work:
        repo = Path(work)
        root = repo / "catalog"
        count = generate(root, args.manifests - CHAIN) + CHAIN
        add_chain(root, CHAIN)
        env = {**os.environ, "CATGEN_CACHE_DIR": str(repo / "cache")}
        cold, _ = best(args.runs, [CATGEN, "check", "catalog", "--no-cache"], repo, env)
        leaf = one_file_changer(sorted(root.glob("models/credit-risk-c*/*.yaml"))[0])
        chain_root = one_file_changer(root / "models" / "chain" / "0.yaml")
        one_shot = {name: best(args.runs, [CATGEN, "check", "catalog"], repo, env, before=change)[0]
                    for name, change in (("leaf", leaf), ("chain root", chain_root))}
        watch = Watch(repo, env)
        try:
            watched = {name: latencies(watch, change, args.changes)
                       for name, change in (("leaf", leaf), ("chain root", chain_root))}
        finally:
            watch.stop()
        folders, caught_up, full = every_folder_changed(root)
    print(f"\n{count:,} manifests; cold check (best of {args.runs}): {cold:.3f} s\n")
    print("| one manifest changed | one-shot `catgen check`, best | `--watch`: write to report, best / median "
          "| `--watch`: the check, median | best / median over cold |")
    print("|---|---:|---:|---:|---:|")
    for name in ("leaf", "chain root"):
        waited, checked = watched[name]
        print(f"| {'a model of one copy' if name == 'leaf' else 'the root of the 500-model chain'} "
              f"| {one_shot[name]:.3f} s ({one_shot[name] / cold:.2f}x) "
              f"| {min(waited):.3f} / {statistics.median(waited):.3f} s "
              f"| {statistics.median(checked):.3f} s "
              f"| {min(waited) / cold:.2f}x / {statistics.median(waited) / cold:.2f}x |")

    print(f"\nA file made in each of the {folders:,} folders at once: the watched listing caught up in "
          f"{caught_up:.3f} s; a full listing takes {full:.3f} s.")


if __name__ == "__main__":
    main()
