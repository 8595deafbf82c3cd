"""``catgen check``: load the catalog, run the rules, write one report."""

from __future__ import annotations

import io
import sys

from catgen import basecheck
from catgen.catalog import load_catalog
from catgen.check import run_check
from catgen.fsutil import atomic_write
from catgen.parsing import ParseCache
from catgen.reporters import REPORTERS
from catgen.sources import CatalogError, DirectorySource


def run(catalog_root: str, *, output_format: str, output: str | None, strict: bool,
        base_ref: str | None = None, changed: bool = False, use_cache: bool = True) -> int:
    if changed and base_ref is None:
        raise CatalogError("--changed needs --base: it reports what changed since the base")
    source = DirectorySource(catalog_root)
    parse_cache = ParseCache(source.root) if use_cache else None
    catalog = load_catalog(source, parse_cache)
    if base_ref is not None:
        result = basecheck.check_against_base(catalog, basecheck.load_base(catalog_root, base_ref, parse_cache), base_ref, changed_only=changed)
        if result.summary_extra["changes"]["policy"] != "base":
            sys.stderr.write(f"catgen: note: {base_ref} has no policy; the working tree's policy judges this change\n")
    else:
        result = run_check(catalog)
    buffer = io.StringIO()
    REPORTERS[output_format](result, buffer, strict=strict)
    if output:
        atomic_write(output, buffer.getvalue())
    else:
        sys.stdout.write(buffer.getvalue())
    return result.exit_code(strict)
