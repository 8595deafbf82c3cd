"""Benchmark the first search of a term at scale: bytes, requests, latency and ranking; Pagefind alongside.

    python benchmarks/bench_search.py [--manifests 10000] [--keep DIR] [--pagefind PYTHON]

Generates a catalog with ``benchmarks/generate.py``, copies the project's
``mkdocs.yml`` and ``docs/`` next to it (so the guide is indexed too) and builds
the site. For each query it reports, without a browser, what catgen's search
reads for its first screen of results (``catgen.website.search.reader``: the
browser's lookup in Python): files, bytes and the top results. Then, in Debian's
Chromium (when present), a fresh page per query types the query into the header
box and times the type-ahead list, counting every byte the page fetched after
loading. With ``--pagefind PYTHON`` (a Python with ``pagefind[extended]``
installed, e.g. in a venv under /tmp), it also indexes the built site with
Pagefind and times the same queries through Pagefind's JavaScript API.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# (what it stands for, query): a rare name, a common word, the forms people type
QUERIES = (("rare name", "train-credit-risk-prod-0912-c57"), ("common word", "credit"),
           ("reference", "model:credit-risk-c57@3"), ("name and version", "credit-risk-c57 3"),
           ("person", "alice"), ("commit prefix", "6b1f5330"), ("rule code", "CG511"),
           ("two letters", "cr"), ("region", "westeurope"))
FIRST_SCREEN = 20


def build(work: Path, manifests: int) -> tuple[Path, float]:
    sys.path[:0] = [str(REPO / "src"), str(REPO / "benchmarks")]
    from generate import generate

    from catgen.website.build import build_site

    count = generate(work / "catalog", manifests)
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(REPO / "docs", work / "docs", dirs_exist_ok=True)
    os.chdir(work)
    started = time.monotonic()
    stats = build_site("catalog", str(work / "site"))
    seconds = time.monotonic() - started
    print(f"catalog: {count} manifests; catgen build: {seconds:.1f} s, {stats['pages']} pages")
    return work / "site", seconds


def without_browser(site: Path) -> None:
    from catgen.website.search.reader import IndexReader

    index_files = list((site / "search").rglob("*.js"))
    print(f"index: {len(index_files)} files, {sum(p.stat().st_size for p in index_files) / 1e6:.1f} MB")
    print(f"| query | files, bytes: first {FIRST_SCREEN} results | with their summaries | results | first results |")
    print("|---|---|---|---|---|")
    for label, query in QUERIES:
        reader = IndexReader(site)
        found = reader.search(query)
        records = reader.records_of(found, found.ids[:FIRST_SCREEN])
        first = (len(found.fetched), sum(size for _, size in found.fetched))
        reader.table_records(found, found.ids[:FIRST_SCREEN])
        summaries = (len(found.fetched), sum(size for _, size in found.fetched))
        top = ", ".join(r[3] if r[2] != "Guide" else r[0] for r in records[:3])
        print(f"| {label} `{query}` | {first[0]}, {first[1] / 1024:.1f} KiB | {summaries[0]}, "
              f"{summaries[1] / 1024:.1f} KiB | {found.total} | {top} |")


def _serve(site: Path):
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def in_browser(site: Path, pagefind: bool) -> None:
    from playwright.sync_api import sync_playwright

    httpd, base = _serve(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                print("| query | catgen type-ahead: requests, bytes, ms | first | "
                      + ("Pagefind: requests, bytes, ms | first |" if pagefind else ""))
                print("|---|---|---|" + ("---|---|" if pagefind else ""))
                for label, query in QUERIES:
                    row = f"| {label} `{query}` | " + _catgen_typeahead(browser, base, query)
                    if pagefind:
                        row += _pagefind_search(browser, base, query)
                    print(row)
            finally:
                browser.close()
    finally:
        httpd.shutdown()


def _measured_page(browser, base: str):
    page = browser.new_page()
    page.goto(base + "search/")
    page.wait_for_load_state("networkidle")
    fetched = []
    page.on("requestfinished", lambda r: fetched.append(r))
    return page, fetched


def _sizes(fetched) -> tuple[int, int]:
    return len(fetched), sum(r.sizes()["responseBodySize"] for r in fetched)


def _catgen_typeahead(browser, base: str, query: str) -> str:
    page, fetched = _measured_page(browser, base)
    try:
        started = time.monotonic()
        page.fill(".cg-header-search input", query)
        page.wait_for_selector("#cg-typeahead:not([hidden]) [role=option]")
        ms = (time.monotonic() - started) * 1000
        first = page.locator("#cg-typeahead [role=option]").first.inner_text().replace("\n", " ")
        requests, size = _sizes(fetched)
        return f"{requests}, {size / 1024:.1f} KiB, {ms:.0f} ms | {first[:60]} | "
    finally:
        page.close()


def _pagefind_search(browser, base: str, query: str) -> str:
    page, fetched = _measured_page(browser, base)
    try:
        started = time.monotonic()
        first = page.evaluate("""async (q) => {
            const pagefind = await import("/pagefind/pagefind.js");
            const search = await pagefind.search(q);
            const data = await Promise.all(search.results.slice(0, %d).map(r => r.data()));
            return data.length ? data[0].url + " " + data[0].meta.title : "(none)";
        }""" % FIRST_SCREEN, query)
        ms = (time.monotonic() - started) * 1000
        requests, size = _sizes(fetched)
        return f"{requests}, {size / 1024:.1f} KiB, {ms:.0f} ms | {first[:60]} |"
    finally:
        page.close()


def run_pagefind(python: str, site: Path) -> None:
    started = time.monotonic()
    subprocess.run([python, "-m", "pagefind", "--site", str(site)], check=True, capture_output=True)
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    print(f"pagefind index: {time.monotonic() - started:.1f} s, {len(files)} files, "
          f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifests", type=int, default=10_000)
    parser.add_argument("--keep", help="keep the generated catalog and site in this folder")
    parser.add_argument("--pagefind", help="a Python with pagefind[extended] installed")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="catgen-bench-search-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()}")
    site, _ = build(work, args.manifests)
    without_browser(site)
    if args.pagefind:
        run_pagefind(args.pagefind, site)
    if os.path.exists(CHROMIUM):
        in_browser(site, bool(args.pagefind))
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
