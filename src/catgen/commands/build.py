"""``catgen build``: render the catalog site (see ``catgen.site``)."""

from __future__ import annotations

from catgen.catalog import load_catalog
from catgen.check import run_check
from catgen.site import build_site
from catgen.sources import DirectorySource


def run(catalog_root: str, site_dir: str) -> int:
    catalog = load_catalog(DirectorySource(catalog_root))
    result = run_check(catalog)
    build_site(result, site_dir)
    return 0
