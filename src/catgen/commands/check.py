"""``catgen check``: load the catalog, run the rules, write one report."""

from __future__ import annotations

import io
import sys

from catgen.catalog import load_catalog
from catgen.check import run_check
from catgen.fsutil import atomic_write
from catgen.reporters import REPORTERS
from catgen.sources import DirectorySource


def run(catalog_root: str, *, output_format: str, output: str | None, strict: bool) -> int:
    catalog = load_catalog(DirectorySource(catalog_root))
    result = run_check(catalog)
    buffer = io.StringIO()
    REPORTERS[output_format](result, buffer, strict=strict)
    if output:
        atomic_write(output, buffer.getvalue())
    else:
        sys.stdout.write(buffer.getvalue())
    return result.exit_code(strict)
