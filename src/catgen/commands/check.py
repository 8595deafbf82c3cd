"""``catgen check``: load the catalog, run the rules, write one report."""

from __future__ import annotations

import io
import sys

from catgen.checking.base import check_against_base, open_base
from catgen.checking.engine import run_check
from catgen.checking.incremental import check_catalog
from catgen.checking.warmbase import check_against_base_warm
from catgen.errors import CatalogError
from catgen.fsutil import write_report
from catgen.load.catalog import open_catalog
from catgen.reporters import REPORTERS


def run(catalog_root: str, *, output_format: str, output: str | None, strict: bool,
        base_ref: str | None = None, changed: bool = False, use_cache: bool = True) -> int:
    if changed and base_ref is None:
        raise CatalogError("--changed needs --base: it reports what changed since the base")
    if base_ref is None and use_cache:  # the warm re-check: only what changed is judged again
        result = check_catalog(catalog_root)
    elif base_ref is not None:
        result = check_against_base_warm(catalog_root, base_ref) if use_cache and not changed else None
        if result is None:
            catalog = open_catalog(catalog_root, cache=use_cache)
            base = open_base(catalog, catalog_root, base_ref)
            result = check_against_base(catalog, base, base_ref, changed_only=changed)
        if result.summary_extra["changes"]["policy"] != "base":
            note = f"{base_ref} has no policy; the working tree's policy judges this change"
            sys.stderr.write(f"catgen: note: {note}\n")
    else:
        result = run_check(open_catalog(catalog_root, cache=False))
    buffer = io.StringIO()
    REPORTERS[output_format](result, buffer, strict=strict)
    write_report(buffer.getvalue(), output)
    return result.exit_code(strict)
