"""Per-file validation: one manifest's data against its kind's schema and its own constraints.

What is checked here depends on a file's bytes alone (and on catgen and its
schemas), so it runs where the file is parsed (in worker processes on a cold
check) and is cached with the parse. The CG201 rule (``catgen.rules.schema``)
reports what this finds; its docstring documents each constraint.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache

from catgen.dates import parse_timestamp
from catgen.model import API_VERSION, KINDS
from catgen.load.interface import interface_ports
from catgen.load.schemas import dotted, schema, schema_errors


def file_problems(data: dict) -> list[tuple[tuple, str, bool]]:
    """(path, message, at_value) for each CG201 problem of a parsed manifest (none if its kind is unknown)."""
    kind = data.get("kind")
    if data.get("apiVersion") != API_VERSION or not isinstance(kind, str) or kind not in KINDS:
        return []
    not_finite = list(_not_finite_numbers(data))
    # A number that is not finite is reported once, as such, and not also as out of its schema's bounds.
    reported = {path for path, _, _ in not_finite}
    problems = [problem for problem in schema_errors(kind, data) if problem[0] not in reported]
    return problems + not_finite + list(constraints(data, kind))


def constraints(data: dict, kind: str):
    """(path, message, at_value) for each broken constraint between fields of one manifest, in table order."""
    fields = Fields(data)
    for check in (_windows_reserved, _people, *CONSTRAINTS.get(kind, ())):
        yield from check(fields)


def _not_finite_numbers(data: dict):
    """``.nan``, ``.inf`` and ``-.inf`` anywhere (SPEC §2): no gate can pass or fail them, no JSON holds them."""
    if _plainly_finite(data):
        return
    stack = [((), data)]
    while stack:
        path, node = stack.pop()
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in children:
            if isinstance(value, (dict, list)):
                stack.append((path + (key,), value))
            elif isinstance(value, float) and not math.isfinite(value):
                yield path + (key,), (
                    f"`{dotted(path + (key,))}` is {_NOT_FINITE[str(value)]}; "
                    "numbers in a manifest are finite (a gate can neither pass nor fail such a number)"
                ), True


# Values that are never a float: a set test on the exact class skips most of a manifest at once.
_NEVER_FLOAT = frozenset({str, int, bool, type(None)})


def _plainly_finite(data: dict) -> bool:
    """True when no number in ``data`` can be non-finite, found without building a path (the common case).

    Only plain dicts, lists, strings, integers, booleans, None and finite floats
    are passed over; anything else (a subclass, an object no loader makes)
    answers False, and the full walk above decides, so the findings are exact.
    """
    if data.__class__ is not dict:
        return False
    stack = [data]
    while stack:
        node = stack.pop()
        for value in node.values() if node.__class__ is dict else node:
            cls = value.__class__
            if cls in _NEVER_FLOAT:
                continue
            if cls is dict or cls is list:
                stack.append(value)
            elif cls is not float or not math.isfinite(value):
                return False
    return True


_NOT_FINITE = {
    "nan": "not a number (.nan)",
    "inf": "infinite (.inf, or a number beyond 1.8e308)",
    "-inf": "minus infinity (-.inf, or a number below -1.8e308)",
}


class Fields:
    """The parts of a manifest a constraint reads; a part of the wrong type reads as empty."""

    def __init__(self, data: dict):
        self.data = data
        spec, metadata = data.get("spec"), data.get("metadata")
        self.spec = spec if isinstance(spec, dict) else {}
        self.metadata = metadata if isinstance(metadata, dict) else {}

    def get(self, path: tuple):
        """The value at ``path`` of keys and list indexes, or None where the manifest has none."""
        node = self.data
        for step in path:
            if node.__class__ is dict:  # the common case, in one lookup: a missing key gives None, which ends the walk
                node = node.get(step)
            elif isinstance(node, dict) and step in node:
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                node = node[step]
            else:
                return None
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
            ), False


def _people(fields: Fields):
    """Every person a manifest names (SPEC §2): the owner, and a promotion's or a policy's people."""
    paths = [("metadata", "owner")]
    if fields.data.get("kind") == "Promotion":
        paths.append(("spec", "requested_by"))
        paths += [("spec", "approvals", index, "by") for index in range(len(_list(fields.spec.get("approvals"))))]
    elif fields.data.get("kind") == "Policy":
        for index, stage in enumerate(_list(fields.spec.get("stages"))):
            approvers = _list(fields.get(("spec", "stages", index, "promotion", "approvers")))
            paths += [("spec", "stages", index, "promotion", "approvers", i) for i in range(len(approvers))]
    for path in paths:
        yield from _written_plainly(fields.get(path), path)


def _written_plainly(person, path: tuple):
    """A person holds no whitespace, control or format character: ``alice@contoso.com\u200b`` is not alice."""
    if not isinstance(person, str) or _visible_ascii(person):
        return
    hidden = next((char for char in person if unicodedata.category(char)[0] in "ZC"), None)
    if hidden is not None:
        name = unicodedata.name(hidden, unicodedata.category(hidden))
        yield path, (
            f"`{dotted(path)}` holds U+{ord(hidden):04X} ({name}); a person is written without whitespace, "
            "control or format characters"
        ), True


def _visible_ascii(text: str) -> bool:
    """ASCII without space or control characters: no character of category Z* or C*, told without a lookup each.

    In ASCII those categories are exactly the space (Zs) and 0x00-0x1F and 0x7F
    (Cc), the characters ``isprintable`` refuses but for the space.
    """
    return text.isascii() and text.isprintable() and " " not in text


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _replicates_to_own_location(fields: Fields):
    spec = fields.spec
    locations = spec.get("replication_locations")
    if isinstance(locations, list) and isinstance(spec.get("location"), str) and spec["location"] not in locations:
        yield ("spec", "replication_locations"), (
            f"`replication_locations` must include the registry's own location {spec['location']!r}"
        ), False


def _one_home(fields: Fields):
    homes = [home for home in ("workspace", "registry") if home in fields.spec]
    if len(homes) != 1:
        where = ("spec", homes[1]) if len(homes) == 2 else ("spec",)
        yield where, (
            "a versioned asset has exactly one home: `workspace: workspace:<name>` or `registry: registry:<name>`"
        ), False


def _command_names_environment(fields: Fields):
    if fields.spec.get("type") == "command" and "environment" not in fields.spec:
        yield ("spec",), "a `command` component must name its `environment`", False


def _steps_only_in_pipelines(fields: Fields):
    if "steps" in fields.spec and fields.spec.get("type") != "pipeline":
        yield ("spec", "steps"), "only a `pipeline` component has `steps`", False


def _one_target(fields: Fields):
    targets = [target for target in ("registry", "stage") if target in fields.spec]
    if len(targets) != 1:
        where = ("spec", targets[1]) if len(targets) == 2 else ("spec",)
        yield where, (
            "a promotion has exactly one of `registry:` (share into a registry) and `stage:` (approve for a stage)"
        ), False


def _revocation_names_stage_and_reason(fields: Fields):
    """``revoke: true`` takes an asset out of a stage (SPEC §5): it names the stage and says why."""
    if fields.spec.get("revoke") is not True:
        return
    if "registry" in fields.spec or "stage" not in fields.spec:
        yield ("spec", "revoke"), (
            "a revocation (`revoke: true`) takes an asset out of a stage: it needs `stage:`, not `registry:`"
        ), False
    reason = fields.spec.get("reason")
    if "reason" not in fields.spec:
        yield ("spec",), "a revocation (`revoke: true`) must give its `reason`", False
    elif isinstance(reason, str) and not reason.strip():
        yield ("spec", "reason"), "a revocation (`revoke: true`) must give its `reason`; this one is blank", True


def _real_approval_dates(fields: Fields):
    for index, approval in enumerate(_list(fields.spec.get("approvals"))):
        if isinstance(approval, dict):
            yield from _bad_date(approval.get("at"), ("spec", "approvals", index, "at"))


def _real_exception_expiry(fields: Fields):
    """An impossible ``expires`` would silently never apply."""
    for index, exception in enumerate(_list(fields.spec.get("exceptions"))):
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
# every kind is first checked for names Windows reserves and for people written with hidden characters.
CONSTRAINTS: dict[str, tuple] = {
    "Registry": (_replicates_to_own_location, _real_dates(CREATED)),
    "Workspace": (_real_dates(CREATED),),
    "Model": (_one_home, _real_dates(CREATED)),
    "Environment": (_one_home, _real_dates(CREATED)),
    "Component": (
        _one_home, _command_names_environment, _steps_only_in_pipelines, interface_ports, _real_dates(CREATED),
    ),
    "Data": (_one_home, _real_dates(CREATED)),
    "Job": (_real_dates(CREATED, ("spec", "started"), ("spec", "ended")),),
    "Promotion": (
        _one_target, _revocation_names_stage_and_reason, _real_approval_dates, _real_dates(CREATED, ("spec", "date")),
    ),
    "Deployment": (_real_dates(CREATED),),
    "Policy": (_real_exception_expiry, _real_dates(CREATED)),
}


@cache
def _timestamp_shape():
    return re.compile(schema("envelope")["$defs"]["timestamp"]["pattern"])


def _bad_date(value, path):
    """A timestamp of the right shape that is no real date (2024-02-30); the schema reports other shapes."""
    # Read first, the shape only then: a reading is cached, and nearly every timestamp is a real date.
    if isinstance(value, str) and parse_timestamp(value) is None and _timestamp_shape().match(value):
        yield path, f"`{'.'.join(map(str, path))}` is not a real date or time: {value!r}", False
