"""Per-file validation: one manifest's data against its kind's schema and its own constraints.

What is checked here depends on a file's bytes alone (and on catgen and its
schemas), so it runs where the file is parsed (in worker processes on a cold
check) and is cached with the parse. The CG201 rule (``catgen.rules.schema``)
reports what this finds; its docstring documents each constraint.
"""

from __future__ import annotations

import re
from functools import cache

from catgen.dates import parse_timestamp
from catgen.model import API_VERSION, KINDS, VERSIONED_ASSETS
from catgen.load.schemas import schema, schema_errors

# Timestamp fields whose calendar validity is checked (the schema checks the shape).
_TIMESTAMPS = {
    "*": [("metadata", "created")],
    "Job": [("spec", "started"), ("spec", "ended")],
    "Promotion": [("spec", "date")],
}


def file_problems(data: dict) -> list[tuple[tuple, str, bool]]:
    """(path, message, at_value) for each CG201 problem of a parsed manifest (none if its kind is unknown)."""
    kind = data.get("kind")
    if data.get("apiVersion") != API_VERSION or not isinstance(kind, str) or kind not in KINDS:
        return []
    problems = list(schema_errors(kind, data))
    problems += [(path, message, False) for path, message in constraints(data, kind)]
    return problems


def _get(data: dict, path: tuple):
    node = data
    for step in path:
        if not isinstance(node, dict) or step not in node:
            return None
        node = node[step]
    return node


def constraints(data: dict, kind: str):
    """(path, message) for each broken constraint between fields of one manifest."""
    spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    yield from _windows_reserved(metadata)
    if kind == "Registry":
        locations = spec.get("replication_locations")
        if isinstance(locations, list) and isinstance(spec.get("location"), str) and spec["location"] not in locations:
            yield ("spec", "replication_locations"), f"`replication_locations` must include the registry's own location {spec['location']!r}"
    if kind in VERSIONED_ASSETS:
        homes = [h for h in ("workspace", "registry") if h in spec]
        if len(homes) != 1:
            where = ("spec", homes[1]) if len(homes) == 2 else ("spec",)
            yield where, "a versioned asset has exactly one home: `workspace: workspace:<name>` or `registry: registry:<name>`"
    if kind == "Component":
        yield from _component_constraints(spec)
    if kind == "Promotion":
        targets = [t for t in ("registry", "stage") if t in spec]
        if len(targets) != 1:
            where = ("spec", targets[1]) if len(targets) == 2 else ("spec",)
            yield where, "a promotion has exactly one of `registry:` (share into a registry) and `stage:` (approve for a stage)"
        for index, approval in enumerate(spec.get("approvals") or []):
            if isinstance(approval, dict):
                yield from _bad_date(approval.get("at"), ("spec", "approvals", index, "at"))
    if kind == "Policy":  # an impossible `expires` would silently never apply
        for index, exception in enumerate(spec.get("exceptions") or []):
            if isinstance(exception, dict):
                yield from _bad_date(exception.get("expires"), ("spec", "exceptions", index, "expires"))
    for path in _TIMESTAMPS["*"] + _TIMESTAMPS.get(kind, []):
        yield from _bad_date(_get(data, path), path)


# Device names Windows reserves in every folder, whatever the letter case or extension.
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)})


def _windows_reserved(metadata: dict):
    """Names and versions become file and folder names: ``nul.yaml`` cannot be checked out on Windows."""
    for field in ("name", "version"):
        value = metadata.get(field)
        if isinstance(value, str) and value.split(".", 1)[0].casefold() in _WINDOWS_RESERVED:
            yield ("metadata", field), f"`metadata.{field}` {value!r} is reserved on Windows; a checkout there would fail"


def _component_constraints(spec):
    if spec.get("type") == "command" and "environment" not in spec:
        yield ("spec",), "a `command` component must name its `environment`"
    if "steps" in spec and spec.get("type") != "pipeline":
        yield ("spec", "steps"), "only a `pipeline` component has `steps`"


@cache
def _timestamp_shape():
    return re.compile(schema("envelope")["$defs"]["timestamp"]["pattern"])


def _bad_date(value, path):
    """A timestamp of the right shape that is no real date (2024-02-30); the schema reports other shapes."""
    if isinstance(value, str) and _timestamp_shape().match(value) and parse_timestamp(value) is None:
        yield path, f"`{'.'.join(map(str, path))}` is not a real date or time: {value!r}"
