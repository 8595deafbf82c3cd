"""JSON: ``{"version": 1, "findings": [...], "summary": {...}}`` (documented in docs/ci.md).

Keys are stable; new keys may be added, existing ones never change meaning
without a new ``version``. Values are exact, except that a file name's bytes
that are not UTF-8 are shown as ``\\xNN``; characters a CI log could act on are
written as ``\\uXXXX`` escapes (``_inert``).
"""

from __future__ import annotations

from catgen.reporters._inert import inert_json

FORMAT_VERSION = 1


def report(result, stream, *, strict: bool = False) -> None:
    document = {
        "version": FORMAT_VERSION,
        "findings": [f.as_dict() for f in result.findings],
        "summary": {**result.summary(), "exit_code": result.exit_code(strict)},
    }
    stream.write(inert_json(document, indent=2, sort_keys=False))
    stream.write("\n")
