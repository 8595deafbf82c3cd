"""JSON: ``{"version": 1, "findings": [...], "summary": {...}}`` (documented in docs/check.md).

Keys are stable; new keys may be added, existing ones never change meaning
without a new ``version``.
"""

from __future__ import annotations

import json

FORMAT_VERSION = 1


def report(result, stream, *, strict: bool = False) -> None:
    document = {
        "version": FORMAT_VERSION,
        "findings": [f.as_dict() for f in result.findings],
        "summary": {**result.summary(), "exit_code": result.exit_code(strict)},
    }
    json.dump(document, stream, indent=2, ensure_ascii=False, sort_keys=False)
    stream.write("\n")
