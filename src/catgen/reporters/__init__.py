"""Reporters: one module per output format, chosen by name from ``REPORTERS``.

A reporter is ``report(result, stream, *, strict=False) -> None``: it writes
the check result to a text stream and nothing else.
"""

from __future__ import annotations

from catgen.reporters import github, json_format, junit, sarif, text

REPORTERS = {
    "text": text.report,
    "json": json_format.report,
    "github": github.report,
    "sarif": sarif.report,
    "junit": junit.report,
}
