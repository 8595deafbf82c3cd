"""``catgen build``: check the catalog once and render its site (see ``catgen.website``)."""

from __future__ import annotations

import time

import click

from catgen.checking.engine import run_check
from catgen.load.catalog import open_catalog
from catgen.website.build import build_site
from catgen.website.sitemodel import SiteModel


def run(catalog_root: str, site_dir: str) -> int:
    started = time.monotonic()
    site = SiteModel.from_result(run_check(open_catalog(catalog_root)))
    stats = build_site(catalog_root, site_dir, site=site)
    reused = f", {stats['reused']} unchanged pages reused" if stats["reused"] else ""
    elapsed = time.monotonic() - started
    click.echo(f"catgen: built {stats['pages']} pages into {site_dir}{reused} in {elapsed:.1f}s", err=True)
    return 0
