"""``catgen build``: check the catalog once and render its site (see ``catgen.website``).

The site is built whatever the findings (it shows them); error findings add a line on
stderr with their count and where to read them, and the exit code stays 0.
"""

from __future__ import annotations

import os
import shlex
import time

import click

from catgen.errors import log_safe
from catgen.website.build import build_site
from catgen.website.sitemodel import SiteModel


def run(catalog_root: str, site_dir: str) -> int:
    started = time.monotonic()
    site = SiteModel.load(catalog_root)
    result = site.result
    stats = build_site(catalog_root, site_dir, site=site)
    reused = f", {stats['reused']} unchanged pages reused" if stats["reused"] else ""
    elapsed = time.monotonic() - started
    click.echo(log_safe(f"catgen: built {stats['pages']} pages into {site_dir}{reused} in {elapsed:.1f}s"), err=True)
    errors = sum(1 for found in result.findings if found.level == "error")
    if errors:
        checks = os.path.join(site_dir, "checks", "index.html")
        findings = f"{errors} error finding{'s' if errors > 1 else ''}"
        command = f"catgen check {shlex.quote(catalog_root)}"
        click.echo(log_safe(f"catgen: the catalog has {findings}: see the site's /checks/ page ({checks}) "
                            f"or run `{command}`"), err=True)
    return 0
