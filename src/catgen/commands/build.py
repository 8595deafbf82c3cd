"""``catgen build``: check the catalog once and render its site (see ``catgen.website``)."""

from __future__ import annotations

import time

import click

from catgen.catalog import load_catalog
from catgen.check import run_check
from catgen.parsing import ParseCache
from catgen.sources import DirectorySource
from catgen.website import build_site
from catgen.website.sitemodel import SiteModel


def run(catalog_root: str, site_dir: str) -> int:
    started = time.monotonic()
    source = DirectorySource(catalog_root)
    catalog = load_catalog(source, ParseCache(source.root))
    site = SiteModel.from_result(run_check(catalog))
    stats = build_site(catalog_root, site_dir, site=site)
    reused = f", {stats['reused']} unchanged pages reused" if stats["reused"] else ""
    click.echo(f"catgen: built {stats['pages']} pages into {site_dir}{reused} in {time.monotonic() - started:.1f}s", err=True)
    return 0
