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
from catgen.model import API_VERSION, KINDS
from catgen.load.schemas import schema, schema_errors

def file_problems(data: dict) -> list[tuple[tuple, str, bool]]:
    """(path, message, at_value) for each CG201 problem of a parsed manifest (none if its kind is unknown)."""
    kind = data.get("kind")
    if data.get("apiVersion") != API_VERSION or not isinstance(kind, str) or kind not in KINDS:
        return []
    problems = list(schema_errors(kind, data))
    problems += [(path, message, False) for path, message in constraints(data, kind)]
    return problems


def constraints(data: dict, kind: str):
    """(path, message) for each broken constraint between fields of one manifest, in table order."""
    fields = Fields(data)
    for check in (_windows_reserved, *CONSTRAINTS.get(kind, ())):
        yield from check(fields)


class Fields:
    """The parts of a manifest a constraint reads; a part of the wrong type reads as empty."""

    def __init__(self, data: dict):
        self.data = data
        self.spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
        self.metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}

    def get(self, path: tuple):
        node = self.data
        for step in path:
            if not isinstance(node, dict) or step not in node:
                return None
            node = node[step]
        return node


# Device names Windows reserves in every folder, whatever the letter case or extension.
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)}
)


def _windows_reserved(fields: Fields):
    """Names and versions become file and folder names: ``nul.yaml`` cannot be checked out on Windows."""
    for field in ("name", "version"):
        value = fields.metadata.get(field)
        if isinstance(value, str) and value.split(".", 1)[0].casefold() in _WINDOWS_RESERVED:
            yield ("metadata", field), (
                f"`metadata.{field}` {value!r} is reserved on Windows; a checkout there would fail"
            )


def _replicates_to_own_location(fields: Fields):
    spec = fields.spec
    locations = spec.get("replication_locations")
    if isinstance(locations, list) and isinstance(spec.get("location"), str) and spec["location"] not in locations:
        yield ("spec", "replication_locations"), (
            f"`replication_locations` must include the registry's own location {spec['location']!r}"
        )


def _one_home(fields: Fields):
    homes = [home for home in ("workspace", "registry") if home in fields.spec]
    if len(homes) != 1:
        where = ("spec", homes[1]) if len(homes) == 2 else ("spec",)
        yield where, (
            "a versioned asset has exactly one home: `workspace: workspace:<name>` or `registry: registry:<name>`"
        )


def _command_names_environment(fields: Fields):
    if fields.spec.get("type") == "command" and "environment" not in fields.spec:
        yield ("spec",), "a `command` component must name its `environment`"


def _steps_only_in_pipelines(fields: Fields):
    if "steps" in fields.spec and fields.spec.get("type") != "pipeline":
        yield ("spec", "steps"), "only a `pipeline` component has `steps`"


def _one_target(fields: Fields):
    targets = [target for target in ("registry", "stage") if target in fields.spec]
    if len(targets) != 1:
        where = ("spec", targets[1]) if len(targets) == 2 else ("spec",)
        yield where, (
            "a promotion has exactly one of `registry:` (share into a registry) and `stage:` (approve for a stage)"
        )


def _real_approval_dates(fields: Fields):
    for index, approval in enumerate(fields.spec.get("approvals") or []):
        if isinstance(approval, dict):
            yield from _bad_date(approval.get("at"), ("spec", "approvals", index, "at"))


def _real_exception_expiry(fields: Fields):
    """An impossible ``expires`` would silently never apply."""
    for index, exception in enumerate(fields.spec.get("exceptions") or []):
        if isinstance(exception, dict):
            yield from _bad_date(exception.get("expires"), ("spec", "exceptions", index, "expires"))


def _real_dates(*paths: tuple):
    """A constraint: each timestamp at ``paths`` is a calendar date (the schema checks its shape)."""

    def check(fields: Fields):
        for path in paths:
            yield from _bad_date(fields.get(path), path)

    return check


CREATED = ("metadata", "created")

# The constraints of each kind (SPEC §6, CG201), in the order their problems are reported;
# every kind is first checked for names Windows reserves.
CONSTRAINTS: dict[str, tuple] = {
    "Registry": (_replicates_to_own_location, _real_dates(CREATED)),
    "Workspace": (_real_dates(CREATED),),
    "Model": (_one_home, _real_dates(CREATED)),
    "Environment": (_one_home, _real_dates(CREATED)),
    "Component": (_one_home, _command_names_environment, _steps_only_in_pipelines, _real_dates(CREATED)),
    "Data": (_one_home, _real_dates(CREATED)),
    "Job": (_real_dates(CREATED, ("spec", "started"), ("spec", "ended")),),
    "Promotion": (_one_target, _real_approval_dates, _real_dates(CREATED, ("spec", "date"))),
    "Deployment": (_real_dates(CREATED),),
    "Policy": (_real_exception_expiry, _real_dates(CREATED)),
}


@cache
def _timestamp_shape():
    return re.compile(schema("envelope")["$defs"]["timestamp"]["pattern"])


def _bad_date(value, path):
    """A timestamp of the right shape that is no real date (2024-02-30); the schema reports other shapes."""
    if isinstance(value, str) and _timestamp_shape().match(value) and parse_timestamp(value) is None:
        yield path, f"`{'.'.join(map(str, path))}` is not a real date or time: {value!r}"
