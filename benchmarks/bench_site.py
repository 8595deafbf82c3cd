"""Benchmark ``catgen build`` at scale, against a plain MkDocs build of as many pages.

    python benchmarks/bench_site.py [--manifests 10000] [--keep DIR]

Generates a synthetic catalog by replicating the example catalog's models,
jobs, data and promotions under renamed identities (references follow the
renames, so the lineage resolves), then measures in one run:

- a full ``catgen build``: seconds, pages per second, site size;
- the first-search transfer for ``credit``, ``lightgbm`` and ``risk-team``
  (the bytes the vendored search script fetches: manifest, shards, the doc
  chunks of the first 50 hits), reproducing its logic in Python;
- a rebuild after one manifest changed (page-level cache);
- a plain MkDocs + Material build of the same number of one-paragraph pages
  (no nav entries, no search), the baseline.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

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
    started = time.monotonic()
    build(config)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifests", type=int, default=10_000)
    parser.add_argument("--keep", help="keep the generated catalog and sites in this folder")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    from catgen.website.build import build_site

    work = Path(args.keep or tempfile.mkdtemp(prefix="catgen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.chdir(work)  # no project mkdocs.yml here: the built-in configuration
    count = synthesize(work / "catalog", args.manifests)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()}")
    print(f"catalog: {count} manifests")

    started = time.monotonic()
    stats = build_site(str(work / "catalog"), str(work / "site"))
    full = time.monotonic() - started
    files, size = site_size(work / "site")
    print(f"catgen build (full): {full:.1f} s, {stats['pages']} pages, {stats['pages'] / full:.0f} pages/s, "
          f"site {files} files, {size / 1e6:.1f} MB")
    for query in ("credit", "lightgbm", "risk-team"):
        fetched, hits = first_search_bytes(work / "site", query)
        print(f"first search {query!r}: {fetched / 1024:.1f} KiB transferred, {hits} hits")

    changed = work / "catalog/models/credit-risk/3.yaml"
    changed.write_text(changed.read_text().replace("Loan-default classifier", "Loan default classifier"))
    started = time.monotonic()
    stats = build_site(str(work / "catalog"), str(work / "site"))
    print(f"catgen build after one manifest changed: {time.monotonic() - started:.1f} s "
          f"({stats['reused']} of {stats['pages']} pages reused)")

    plain = plain_mkdocs(work / "plain", stats["pages"])
    print(f"plain MkDocs + Material, {stats['pages']} simple pages: {plain:.1f} s, "
          f"{stats['pages'] / plain:.0f} pages/s")
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
