"""Benchmark ``catgen serve``: the first build, and the time from saving one manifest to the browsers' reload.

It generates a catalog of about N manifests (``generate.py``) and, for this tree and, with
``--before SRC``, an earlier catgen's ``src`` folder (run in turn, on the same catalog), starts
``catgen serve`` on a free 127.0.0.1 port and measures:

- from the start to the server's "Serving on" line (the first build);
- ``--changes`` times: from the end of a write to one model's manifest to the server's next
  "Reloading browsers" line, after which the page is fetched and must show the change.

MkDocs' server looks for changes every 0.5 s, so up to that much of each figure is its polling.

    .venv/bin/python benchmarks/bench_serve.py [--manifests 10000] [--changes 5] [--before /tmp/old/src]
"""

from __future__ import annotations

import argparse
import os
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
from streams import StreamReader


class Served:
    """``catgen serve catalog`` from ``src`` (None: the installed catgen) in ``work``; ``until`` reads its stderr."""

    def __init__(self, work: Path, src: str | None, name: str):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {**os.environ, "CATGEN_CACHE_DIR": str(work / f"cache-{name}"), "TMPDIR": str(work / f"tmp-{name}")}
        os.makedirs(env["TMPDIR"], exist_ok=True)
        if src:
            env["PYTHONPATH"] = src
        self.started = time.perf_counter()
        self.process = subprocess.Popen([sys.executable, "-m", "catgen", "serve", "catalog", "--dev-addr",
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


def measure(work: Path, src: str | None, name: str, model: Path, changes: int) -> tuple[float, list[float]]:
    """(seconds to the first "Serving on", seconds from each write to its reload)."""
    served = Served(work, src, name)
    try:
        served.until("Serving on")
        first = time.perf_counter() - served.started
        original, reloads = model.read_text(), []
        for number in range(1, changes + 1):
            time.sleep(1)  # apart: each change is one rebuild
            model.write_text(original.replace("description: ", f"description: ({name} {number}) ", 1))
            written = time.perf_counter()
            served.until("Reloading browsers")
            reloads.append(time.perf_counter() - written)
            page = served.page("/" + str(model.relative_to(work / "catalog").with_suffix("")) + "/")
            assert f"({name} {number})" in page, "the page does not show the change"
        model.write_text(original)
    finally:
        served.stop()
    return first, reloads


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
        model = sorted((work / "catalog").glob("models/credit-risk-c*/*.yaml"))[0]
        trees = [("now", None)] + ([("before", args.before)] if args.before else [])
        results = {name: measure(work, src, name, model, args.changes) for name, src in trees}
    print(f"\n{count:,} manifests, {args.changes} changes of one model\n")
    print("| tree | first build (to \"Serving on\") | write to reload, best / median | each |")
    print("|---|---:|---:|---|")
    for name, (first, reloads) in results.items():
        print(f"| {name} | {first:.1f} s | {min(reloads):.1f} / {statistics.median(reloads):.1f} s "
              f"| {', '.join(f'{r:.1f}' for r in reloads)} |")


if __name__ == "__main__":
    main()
