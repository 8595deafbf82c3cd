"""CG2xx: the shape of each manifest.

Every manifest is checked against its kind's JSON Schema (``catgen schema
KIND`` prints it) and against the constraints between fields of one manifest
that a schema cannot say plainly. References are strings here: whether they
point anywhere is CG302-CG304, never CG201.
"""

from __future__ import annotations

import re
from functools import cache

from catgen.dates import parse_timestamp
from catgen.model import API_VERSION, KINDS, VERSIONED_ASSETS
from catgen.rules.base import rule
from catgen.schemas import schema, schema_errors

# Timestamp fields whose calendar validity is checked (the schema checks the shape).
_TIMESTAMPS = {
    "*": [("metadata", "created")],
    "Job": [("spec", "started"), ("spec", "ended")],
    "Promotion": [("spec", "date")],
}


@rule("CG201", "schema")
def schema_rule(ctx):
    """The manifest breaks its kind's JSON Schema, or a constraint between its fields.

    Reported at the offending key (for a missing key, at the mapping that lacks
    it). Unknown fields anywhere are errors. Constraints between fields: a
    registry's ``replication_locations`` must include its ``location``; a
    versioned asset has exactly one home (``workspace`` or ``registry``); a
    ``command`` component names its ``environment``; only a ``pipeline``
    component has ``steps``; a promotion has exactly one of ``registry`` and
    ``stage``; dates are real calendar dates; ``latest`` is never a version;
    a name or version is not a name Windows reserves for a device (``con``,
    ``prn``, ``aux``, ``nul``, ``com1``-``com9``, ``lpt1``-``lpt9``, in any
    letter case, also followed by an extension such as ``con.v1``), because
    it becomes a file or folder name and a checkout on Windows would fail.
    """
    for manifest in ctx.catalog.manifests:
        if manifest.kind is None:
            continue
        for path, message, at_value in schema_errors(manifest.kind, manifest.data):
            yield ctx.finding("CG201", manifest, path, message, subject=manifest.ref, value=at_value)
        for path, message in _constraints(manifest):
            yield ctx.finding("CG201", manifest, path, message, subject=manifest.ref)


@rule("CG202", "unknown-kind")
def unknown_kind(ctx):
    """The ``apiVersion`` is not ``catgen/v1`` or the ``kind`` is not one of the ten kinds.

    Such a file is left out of the lineage graph; references to the identity
    its path implies are not reported.
    """
    for manifest in ctx.catalog.manifests:
        if manifest.document is None or manifest.kind is not None:
            continue
        data = manifest.data
        if data.get("apiVersion") != API_VERSION:
            yield ctx.finding("CG202", manifest, ("apiVersion",), f"apiVersion must be {API_VERSION}, got {data.get('apiVersion')!r}", value=True)
        else:
            kinds = ", ".join(KINDS)
            yield ctx.finding("CG202", manifest, ("kind",), f"unknown kind {data.get('kind')!r}; expected one of {kinds}", value=True)


def _constraints(manifest):
    """(path, message) for each broken constraint between fields of one manifest."""
    spec, kind = manifest.spec, manifest.kind
    yield from _windows_reserved(manifest)
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
        yield from _bad_date(manifest.get(*path), path)


# Device names Windows reserves in every folder, whatever the letter case or extension.
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)})


def _windows_reserved(manifest):
    """Names and versions become file and folder names: ``nul.yaml`` cannot be checked out on Windows."""
    for field in ("name", "version"):
        value = manifest.metadata.get(field)
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


RULES = [schema_rule, unknown_kind]
