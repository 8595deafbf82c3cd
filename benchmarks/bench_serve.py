"""Benchmark ``catgen serve``: the first build, and the time from saving one manifest to the browsers' reload.

It generates a catalog of about N manifests (``generate.py``) and, for this tree and, with
``--before SRC``, an earlier catgen's ``src`` folder (each on a copy of the catalog of its own), starts
``catgen serve`` on a free 127.0.0.1 port and measures:

- from the start to the server's "Serving on" line (the first build; the servers start one after the other);
- ``--changes`` times: from the end of a write to one model's manifest to the server's next
  "Reloading browsers" line, after which the page is fetched and must show the change. With ``--before``
  both servers run the whole time and the trees take turns, change by change (which goes first alternates):
  the machine's speed drifts within minutes, and each tree's server idles (its watcher polling) while the
  other rebuilds.

MkDocs' server looks for changes every 0.5 s, so up to that much of each figure is its polling.

    .venv/bin/python benchmarks/bench_serve.py [--manifests 10000] [--changes 5] [--before /tmp/old/src]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_check import machine  # benchmarks/, next to this script
from bytecode import compile_catgen
from generate import generate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from testing.streams import StreamReader  # noqa: E402  (the tests' reader of a child's pipe: one for both)


class Served:
    """``catgen serve catalog`` from ``src`` (None: the installed catgen) in ``work``; ``until`` reads its stderr."""

    def __init__(self, work: Path, src: str | None, name: str, catalog: str = "catalog"):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {**os.environ, "CATGEN_CACHE_DIR": str(work / f"cache-{name}"), "TMPDIR": str(work / f"tmp-{name}")}
        os.makedirs(env["TMPDIR"], exist_ok=True)
        if src:
            env["PYTHONPATH"] = src
        self.started = time.perf_counter()
        self.catalog = work / catalog
        self.process = subprocess.Popen([sys.executable, "-m", "catgen", "serve", catalog, "--dev-addr",
                                         f"127.0.0.1:{self.port}"], cwd=work, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.stderr = StreamReader(self.process.stderr)

    def until(self, text: str, timeout: float = 300) -> None:
        """Wait for the next ``text`` on its stderr."""
        self.stderr.until(text, timeout)

    def page(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
            return response.read().decode()

    def stop(self) -> None:
        self.process.terminate()
        self.process.communicate(timeout=120)


def started(work: Path, src: str | None, name: str) -> tuple["Served", float]:
    """A server of its own catalog copy, and the seconds to its first "Serving on"."""
    shutil.copytree(work / "catalog", work / f"catalog-{name}")
    served = Served(work, src, name, f"catalog-{name}")
    served.until("Serving on")
    return served, time.perf_counter() - served.started


def reload_after_change(served: Served, name: str, model: str, number: int) -> float:
    """Seconds from writing change ``number`` to ``served``'s catalog to its browsers' reload (the page shows it)."""
    path = served.catalog / model
    original = path.read_text() if number == 1 else path.read_text().replace(f"({name} {number - 1}) ", "", 1)
    path.write_text(original.replace("description: ", f"description: ({name} {number}) ", 1))
    written = time.perf_counter()
    served.until("Reloading browsers")
    seconds = time.perf_counter() - written
    page = served.page("/" + str(Path(model).with_suffix("")) + "/")
    assert f"({name} {number})" in page, "the page does not show the change"
    return seconds


def measure(work: Path, trees: list, model: str, changes: int) -> dict:
    """Tree name -> (seconds to the first "Serving on", seconds from each write to its reload)."""
    servers: dict = {}
    try:
        for name, src in trees:
            servers[name] = started(work, src, name)
        reloads: dict = {name: [] for name, _ in trees}
        for number in range(1, changes + 1):
            turn = trees if number % 2 else trees[::-1]
            for name, _ in turn:
                time.sleep(1)  # apart: each change is one rebuild
                reloads[name].append(reload_after_change(servers[name][0], name, model, number))
    finally:
        for served, _ in servers.values():
            served.stop()
    return {name: (servers[name][1], reloads[name]) for name, _ in trees}


def main() -> None:
    compile_catgen()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifests", type=int, default=10000)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--before", help="the src folder of an earlier catgen, measured in the same run")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="catgen-bench-serve-") as folder:
        work = Path(folder)
        count = generate(work / "catalog", args.manifests)
        model = str(sorted((work / "catalog").glob("models/credit-risk-c*/*.yaml"))[0].relative_to(work / "catalog"))
        trees = [("now", None)] + ([("before", args.before)] if args.before else [])
        results = measure(work, trees, model, args.changes)
    print(f"\n{count:,} manifests, {args.changes} changes of one model\n")
    print("| tree | first build (to \"Serving on\") | write to reload, best / median | each |")
    print("|---|---:|---:|---|")
    for name, (first, reloads) in results.items():
        print(f"| {name} | {first:.1f} s | {min(reloads):.1f} / {statistics.median(reloads):.1f} s "
              f"| {', '.join(f'{r:.1f}' for r in reloads)} |")


if __name__ == "__main__":
    main()
