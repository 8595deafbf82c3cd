"""``catgen diff``: what a change does, for the people who review it (SPEC §8).

One check against the base (its policy judges), read by ``catgen.review``,
rendered in one format. Under GitHub Actions the markdown is also appended to
``$GITHUB_STEP_SUMMARY`` (appended, never truncated: other steps write there
too); a summary that cannot be written is a one-line warning, not a failure.
Exit codes are those of ``catgen check``.
"""

from __future__ import annotations

import io
import os
import sys

from catgen.checking.base import open_base
from catgen.commands._output import refuse_manifest_output
from catgen.errors import log_safe
from catgen.fsutil import write_report
from catgen.load.catalog import open_catalog
from catgen.review.changes import review_change
from catgen.review.formats import RENDERERS


def run(catalog_root: str, *, base_ref: str, output_format: str, output: str | None, strict: bool = False) -> int:
    refuse_manifest_output(output, catalog_root)
    catalog = open_catalog(catalog_root)
    base = open_base(catalog, catalog_root, base_ref)
    review = review_change(catalog, base, base_ref)
    buffer = io.StringIO()
    RENDERERS[output_format](review, buffer, strict=strict)
    write_report(buffer.getvalue(), output)
    _append_step_summary(review, strict=strict,
                         markdown=buffer.getvalue() if output_format == "markdown" else None)
    return review.exit_code(strict)


def step_summary_path() -> str | None:
    """``$GITHUB_STEP_SUMMARY`` when running under GitHub Actions, else None."""
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return None
    return os.environ.get("GITHUB_STEP_SUMMARY") or None


def _append_step_summary(review, *, strict: bool, markdown: str | None) -> None:
    path = step_summary_path()
    if path is None:
        return
    if markdown is None:
        buffer = io.StringIO()
        RENDERERS["markdown"](review, buffer, strict=strict)
        markdown = buffer.getvalue()
    try:
        with open(path, "a", encoding="utf-8") as summary:
            summary.write(markdown + "\n")
    except OSError as err:
        reason = err.strerror or str(err)
        sys.stderr.write(f"catgen: warning: could not append to GITHUB_STEP_SUMMARY {log_safe(path)}: "
                         f"{log_safe(reason)}\n")
