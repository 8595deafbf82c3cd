"""``catgen serve``: the site with live reload while the catalog or the guide changes."""

from __future__ import annotations

from catgen.website.serve import serve_site
from catgen.load.sources import DirectorySource


def run(catalog_root: str, dev_addr: str | None) -> int:
    DirectorySource(catalog_root)  # a missing catalog folder is a one-line error, before the server starts
    serve_site(catalog_root, dev_addr=dev_addr)
    return 0
