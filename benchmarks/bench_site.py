"""Benchmark ``catgen build`` at scale, against a plain MkDocs build of as many pages.

    python benchmarks/bench_site.py [--manifests 10000] [--keep DIR]

Generates a synthetic catalog by replicating the example catalog's models,
jobs, data and promotions under renamed identities (references follow the
renames, so the lineage resolves), then measures in one run:

- a full ``catgen build``: seconds, pages per second, site size, peak memory;
- the first-search transfer for ``credit``, ``lightgbm`` and ``risk-team``
  (the bytes the vendored search script fetches: manifest, shards, the doc
  chunks of the first 50 hits), reproducing its logic in Python;
- a first rebuild with nothing changed (it renders every page job and records what each read:
  ``website/pageinputs.py``), then a rebuild after one manifest changed (it renders only the jobs
  whose recorded inputs changed), and with ``--verify`` whether it equals a fresh build byte for
  byte;
- a plain MkDocs + Material build of the same number of one-paragraph pages
  (no nav entries, no search), the baseline (``--no-plain`` skips it).

Each build runs in a process of its own: peak memory is the largest resident
set of any one of its processes (``wait4``), and the largest sum over the
process tree of the proportional set size (``/proc/PID/smaps_rollup``, the
forked page writers share most of their memory with the build), sampled
every 0.1 s with ``--pss`` (which slows the build: time it without).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run from any folder
from bytecode import compile_catgen  # noqa: E402  (benchmarks/bytecode.py)

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "catalog"
REPLICATED = ("models", "jobs", "data", "promotions")
_REF = re.compile(r"^(model|job|data):([^@\s]+)(@\S+)?$")


def synthesize(target: Path, manifests: int) -> int:
    """Write a catalog of about ``manifests`` manifests into ``target``; return the count."""
    shutil.copytree(EXAMPLE, target)
    originals = [p for p in sorted(EXAMPLE.rglob("*.yaml")) if p.relative_to(EXAMPLE).parts[0] in REPLICATED]
    written = sum(1 for _ in target.rglob("*.yaml"))
    copy = 0
    while written < manifests:
        copy += 1
        for path in originals:
            if written >= manifests:
                break
            data = _renamed(yaml.safe_load(path.read_text()), f"-c{copy}")
            written += _write(target, data)
    return written


def _renamed(node, suffix: str):
    if isinstance(node, dict):
        out = {k: _renamed(v, suffix) for k, v in node.items()}
        if "apiVersion" in out and isinstance(out.get("metadata"), dict):
            out["metadata"]["name"] = out["metadata"]["name"] + suffix
        return out
    if isinstance(node, list):
        return [_renamed(v, suffix) for v in node]
    if isinstance(node, str):
        match = _REF.match(node)
        if match:
            return f"{match.group(1)}:{match.group(2)}{suffix}{match.group(3) or ''}"
    return node


def _write(root: Path, data: dict) -> int:
    plural = {"Model": "models", "Job": "jobs", "Data": "data", "Promotion": "promotions"}[data["kind"]]
    meta = data["metadata"]
    rel = f"{plural}/{meta['name']}/{meta['version']}.yaml" if "version" in meta else f"{plural}/{meta['name']}.yaml"
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, default_flow_style=False))
    return 1


def site_size(site: Path) -> tuple[int, int]:
    files = [p for p in site.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def first_search_bytes(site: Path, query: str, limit: int = 20) -> tuple[int, int]:
    """(bytes fetched, hits) for a first search and its first ``limit`` results, as catgen-search.js does it
    (``catgen.website.search.reader``; ``bench_search.py`` measures more)."""
    from catgen.website.search.reader import IndexReader

    reader = IndexReader(site)
    found = reader.search(query)
    reader.records_of(found, found.ids[:limit])
    return sum(size for _, size in found.fetched), found.total


def timed_build(catalog: Path, site: Path, pss: bool = False) -> dict:
    """``build_site`` in a process of its own: its statistics, seconds, peak RSS and (``pss``) peak PSS of the
    tree (MB). Reading ``smaps_rollup`` slows the build it watches by about a third: times come from runs
    without it."""
    os.sync()  # the previous build's (or the generator's) writes flushed first: each build pays its own
    code = ("import json, sys; from catgen.website.build import build_site; "
            "print(json.dumps(build_site(sys.argv[1], sys.argv[2])))")
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", code, str(catalog), str(site)], stdout=subprocess.PIPE)
    peak_pss, done = [0], threading.Event()
    watcher = threading.Thread(target=_watch_pss, args=(process.pid, peak_pss, done))
    if pss:
        watcher.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    done.set()
    if pss:
        watcher.join()
    out = process.stdout.read()
    process.stdout.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"build failed ({process.returncode})")
    import json

    return {**json.loads(out), "seconds": seconds, "rss": usage.ru_maxrss / 1024, "pss": peak_pss[0] / 1024}


def _watch_pss(pid: int, peak: list, done: threading.Event) -> None:
    while not done.wait(0.1):
        peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(pid)))


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as handle:
                todo += [int(child) for child in handle.read().split()]
        except OSError:
            pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            return sum(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
    except (OSError, ValueError, IndexError):
        return 0


def plain_mkdocs(root: Path, pages: int) -> float:
    """Seconds for MkDocs + Material on ``pages`` simple pages (nav: home only, no search)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = root / "docs"
    for i in range(pages):
        path = docs / f"p{i // 1000}" / f"page-{i}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# Page {i}\n\nA simple page number {i} with one paragraph of text.\n")
    (docs / "index.md").write_text("# Home\n")
    (root / "mkdocs.yml").write_text("site_name: plain\ntheme: {name: material, font: false}\n"
                                     "plugins: []\nnav: [index.md]\n")
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    os.sync()
    started = time.monotonic()
    build(config)
    return time.monotonic() - started


def main() -> int:
    compile_catgen()  # as an installed catgen: start-up without compiling (bytecode.py)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifests", type=int, default=10_000)
    parser.add_argument("--keep", help="keep the generated catalog and sites in this folder")
    parser.add_argument("--verify", action="store_true", help="compare the rebuild with a fresh build")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain MkDocs baseline")
    parser.add_argument("--full-only", action="store_true", help="the full build only (time and memory)")
    parser.add_argument("--runs", type=int, default=1, help="best of this many full and plain builds")
    parser.add_argument("--pss", action="store_true", help="also sample the process tree's PSS (slows the build)")
    args = parser.parse_args()
    if args.verify:  # the rebuild and the fresh build must judge at one "now" to be comparable byte for byte
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(time.time())))
    sys.path.insert(0, str(REPO / "src"))
    work = Path(args.keep or tempfile.mkdtemp(prefix="catgen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["CATGEN_CACHE_DIR"] = str(work / "cache")  # parses and page records of these builds only
    os.chdir(work)  # no project mkdocs.yml here: the built-in configuration
    count = synthesize(work / "catalog", args.manifests)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()}")
    print(f"catalog: {count} manifests")

    runs = []
    for run in range(args.runs):  # each into a new folder: a full build, no previous site
        runs.append(timed_build(work / "catalog", work / ("site" if run == args.runs - 1 else f"site-{run}"),
                                args.pss))
    stats = min(runs, key=lambda r: r["seconds"])
    full = stats["seconds"]
    if args.runs > 1:
        print("full builds: " + ", ".join(f"{r['seconds']:.1f} s" for r in runs))
    files, size = site_size(work / "site")
    print(f"catgen build (full): {full:.1f} s, {stats['pages']} pages, {stats['pages'] / full:.0f} pages/s, "
          f"site {files} files, {size / 1e6:.1f} MB; peak RSS {stats['rss']:.0f} MB"
          + (f", peak PSS of the process tree {stats['pss']:.0f} MB" if args.pss else ""))
    if args.full_only:
        if not args.keep:
            shutil.rmtree(work)
        return 0
    for query in ("credit", "lightgbm", "risk-team"):
        fetched, hits = first_search_bytes(work / "site", query)
        print(f"first search {query!r}: {fetched / 1024:.1f} KiB transferred, {hits} hits")

    stats = timed_build(work / "catalog", work / "site")
    print(f"first rebuild, nothing changed (records what each page job reads): {stats['seconds']:.1f} s "
          f"({stats['seconds'] / full:.2f}x the full build; {stats.get('rendered', '?')} jobs rendered)")
    changed = work / "catalog/models/credit-risk/3.yaml"
    changed.write_text(changed.read_text().replace("Loan-default classifier", "Loan default classifier"))
    stats = timed_build(work / "catalog", work / "site")
    print(f"catgen build after one manifest changed: {stats['seconds']:.1f} s ({stats['seconds'] / full:.2f}x "
          f"the full build; {stats.get('rendered', '?')} page jobs rendered, {stats['reused']} of {stats['pages']} "
          f"pages reused), peak RSS {stats['rss']:.0f} MB")
    if args.verify:
        timed_build(work / "catalog", work / "fresh")
        same = _same_files(work / "site", work / "fresh")
        print(f"rebuild equals a fresh build byte for byte: {same}")

    if not args.no_plain:
        plains = [plain_mkdocs(work / f"plain-{run}", stats["pages"]) for run in range(args.runs)]
        plain = min(plains)
        if args.runs > 1:
            print("plain builds: " + ", ".join(f"{p:.1f} s" for p in plains))
        print(f"plain MkDocs + Material, {stats['pages']} simple pages: {plain:.1f} s, "
              f"{stats['pages'] / plain:.0f} pages/s; catgen's full build {full / plain:.2f}x")
    if not args.keep:
        shutil.rmtree(work)
    return 0


def _same_files(one: Path, other: Path) -> bool:
    names = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    if names != sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file()):
        return False
    return all((one / n).read_bytes() == (other / n).read_bytes() for n in names)


if __name__ == "__main__":
    sys.exit(main())
