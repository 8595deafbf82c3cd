"""Reporters: one module per output format, chosen by name from ``REPORTERS``.

A reporter is ``report(result, stream, *, strict=False) -> None``: it writes
the check result to a text stream and nothing else.

``REPORTERS`` names every format at once but imports a reporter's module only
when its function is asked for: a check writes one report, and importing all
five (XML, JSON, ``subprocess`` for the repository root) cost a warm re-check
about 18 ms (benchmarks/README.md, issue 17).
"""

from __future__ import annotations

from collections.abc import MutableMapping

FORMATS = ("text", "json", "github", "sarif", "junit")


def _report_function(name: str):
    # Plain import statements, not strings: tests/test_house_rules.py reads them for cycles.
    if name == "text":
        from catgen.reporters import text as module
    elif name == "json":
        from catgen.reporters import json_format as module
    elif name == "github":
        from catgen.reporters import github as module
    elif name == "sarif":
        from catgen.reporters import sarif as module
    elif name == "junit":
        from catgen.reporters import junit as module
    else:
        raise KeyError(name)
    return module.report


class _Reporters(MutableMapping):
    """Format name -> ``report`` function, each module imported on first use (a test may put in its own)."""

    def __init__(self):
        self._reports: dict = dict.fromkeys(FORMATS)  # None: not imported yet

    def __getitem__(self, name: str):
        found = self._reports[name]
        if found is None:
            found = self._reports[name] = _report_function(name)
        return found

    def __setitem__(self, name: str, report) -> None:
        self._reports[name] = report

    def __delitem__(self, name: str) -> None:
        del self._reports[name]

    def __iter__(self):
        return iter(self._reports)

    def __len__(self) -> int:
        return len(self._reports)

    def __repr__(self) -> str:
        return f"REPORTERS{list(self._reports)}"


REPORTERS: MutableMapping = _Reporters()
