"""``catgen schema [KIND]``: print the JSON Schema of a kind (or all, as one JSON object)."""

from __future__ import annotations

import json
import sys

from catgen.load.schemas import SCHEMA_FILES, schema, schema_text


def run(kind: str | None) -> int:
    if kind:
        sys.stdout.write(schema_text(kind.lower()))
        return 0
    bundle = {name: schema(name) for name in SCHEMA_FILES}
    sys.stdout.write(json.dumps(bundle, indent=2) + "\n")
    return 0

