"""The JSON Schemas of the ten kinds, compiled once, with errors in plain English.

The schema files ship as package data (``catgen/schemas/*.json``) and refer to
the shared ``envelope.json`` by relative ``$ref``; a local ``referencing``
registry resolves them, so validation never touches the network.

The files carry no ``$id``: a schema is identified by where it is read from, so
``envelope.json`` resolves next to it wherever it is served (the catalog site's
``/schemas/``, a copy saved by ``catgen schema``), never on a host the user does
not own. Here the registry holds each file under its bare file name.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from functools import cache

import fastjsonschema

from catgen.model import KINDS

BASE_URI = ""  # relative references resolve against the file name alone, as they do on disk
SCHEMA_FILES = ("envelope",) + tuple(k.lower() for k in KINDS)
SCHEMA_FOLDER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas")
VALIDATORS_PACKAGE = "catgen.load.validators"  # the validators' code as shipped (schemacode.py)


@cache
def schema_text(name: str) -> str:
    """The schema file ``<name>.json`` (``envelope`` or a lower-case kind), as shipped.

    Read beside the package's modules, as ``checking/state.py`` reads its sources: importlib.resources
    would add 6 ms to every check's start (catgen is never run from a zip file).
    """
    with open(os.path.join(SCHEMA_FOLDER, f"{name}.json"), encoding="utf-8") as handle:
        return handle.read()


@cache
def schema(name: str) -> dict:
    return json.loads(schema_text(name))


@cache
def _registry():
    from referencing import Registry, Resource  # imported only when a manifest is invalid

    resources_ = [(BASE_URI + f"{name}.json", Resource.from_contents(schema(name))) for name in SCHEMA_FILES]
    return Registry(retrieve=_refuse).with_resources(resources_)


def _refuse(uri: str):
    raise LookupError(f"schema {uri} is not shipped with catgen (no network lookups)")


@cache
def fast_validator(kind: str):
    """The kind's schema as Python code by fastjsonschema (about 30x faster than jsonschema).

    It only decides valid or not; jsonschema explains what is wrong. The
    schemas use no keyword on which the two disagree (types, enums, patterns,
    bounds, required, additionalProperties), and the envelope's ``$ref``s are
    inlined so fastjsonschema never resolves a URI. The code ships with catgen
    (``schemacode.py`` says why and when it is used); compiled here otherwise.
    """
    name = kind.lower()
    return _shipped_validator(name) or fastjsonschema.compile(bundled(name), use_default=False)  # no defaults written


def _shipped_validator(name: str):
    """``catgen.load.validators.<name>``'s ``validate`` if it was made from the schema files as they are, else None."""
    try:
        module = importlib.import_module(f"{VALIDATORS_PACKAGE}.{name}")
    except ImportError:  # not shipped, or made by a fastjsonschema newer than the one installed
        return None
    if getattr(module, "SCHEMA_DIGEST", None) != schema_digest(name):
        return None
    return getattr(module, "validate", None)


def schema_digest(name: str) -> str:
    """The digest of what the kind ``name``'s validator is made from: its schema file and the envelope."""
    digest = hashlib.sha256()
    for part in (schema_text("envelope"), schema_text(name)):
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
    return digest.hexdigest()


def bundled(name: str) -> dict:
    """The schema ``name`` with every ``envelope.json#/$defs/...`` reference inlined."""
    definitions = schema("envelope")["$defs"]

    def inline(node):
        if isinstance(node, list):
            return [inline(item) for item in node]
        if not isinstance(node, dict):
            return node
        rest = {k: inline(v) for k, v in node.items() if k not in ("$ref", "$schema", "$id")}
        if "$ref" in node:
            return {**inline(definitions[node["$ref"].rsplit("/", 1)[-1]]), **rest}
        return rest

    return inline(schema(name))


@cache
def validator(kind: str):
    """One compiled validator per kind, reused for every manifest."""
    return _explaining_validator_class()(schema(kind.lower()), registry=_registry())


@cache
def _explaining_validator_class():
    """Draft 2020-12 with a ``uniqueItems`` that costs linear time whatever the items are.

    jsonschema sorts the items to find repeats and falls back to comparing every
    pair when they do not sort (a list of strings and numbers): 140,000 items
    never finished. Hashing a canonical form of each item is linear for every shape.
    """
    from jsonschema import Draft202012Validator, ValidationError, validators  # only needed to explain failures

    def unique_items(checker, unique, instance, _schema):
        if unique and checker.is_type(instance, "array") and not all_distinct(instance):
            yield ValidationError("the list repeats an item")

    return validators.extend(Draft202012Validator, {"uniqueItems": unique_items})


def all_distinct(items: list) -> bool:
    """No two items are equal as JSON values (1 equals 1.0, true is not 1), in linear time."""
    seen = set()
    for item in items:
        form = canonical(item)
        if form in seen:
            return False
        seen.add(form)
    return True


def canonical(value):
    """A hashable form of a plain-data value; two values are equal as JSON exactly when their forms are."""
    if isinstance(value, bool) or value is None:
        return (type(value).__name__, value)
    if isinstance(value, (int, float)):
        return ("number", value)  # hash(1) == hash(1.0) and 1 == 1.0, as in JSON
    if isinstance(value, dict):
        return ("mapping", frozenset((key, canonical(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("list", tuple(canonical(item) for item in value))
    return ("string", value)


def schema_errors(kind: str, data: dict) -> list[tuple[tuple, str, bool]]:
    """Problems of ``data`` against its kind's schema.

    Each is ``(path, message, at_value)``: the path of the offending key (for a
    missing key, the mapping that lacks it), a plain-English message, and
    whether the position should point at the value rather than the key.
    """
    try:
        fast_validator(kind)(data)
        return []  # fast path: most manifests are valid
    except fastjsonschema.JsonSchemaException:
        pass
    checker = validator(kind)
    errors = sorted(checker.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    # jsonschema reports each missing required key as its own error, but one
    # description names them all: keep each description once, in order.
    return list(dict.fromkeys(problem for error in errors for problem in _describe(error)))


def _describe(error) -> list[tuple[tuple, str, bool]]:
    path = tuple(error.absolute_path)
    where = dotted(path)
    value = error.instance
    kind = error.validator
    if kind == "required":
        missing = [k for k in error.validator_value if not (isinstance(value, dict) and k in value)]
        names = ", ".join(f"`{k}`" for k in missing)
        owner = f"`{where}`" if where else "the manifest"
        return [(path, f"{owner} is missing required key{'s' if len(missing) > 1 else ''} {names}", False)]
    if kind == "additionalProperties":
        return _unknown_keys(path, value, error.schema)
    if kind == "const":
        return [(path, f"`{where}` must be {error.validator_value!r}, got {show_value(value)}", True)]
    return [(path, f"`{where or 'the manifest'}` must be {expectation(error.schema)}, got {show_value(value)}", True)]


def _unknown_keys(path: tuple, value, subschema: dict) -> list[tuple[tuple, str, bool]]:
    """Each unknown key of a mapping, at that key, in the order written (one typo must not hide another)."""
    known = subschema.get("properties", {})
    allowed = sorted(known)
    hint = f"; expected one of {', '.join(allowed)}" if allowed else ""
    extra = [key for key in value if key not in known] if isinstance(value, dict) else []
    if not extra:
        return [(path, f"`{dotted(path) or 'the manifest'}` has an unknown key{hint}", False)]
    return [(path + (key,), f"unknown key `{dotted(path + (key,))}`{hint}", False) for key in extra]


def expectation(subschema: dict) -> str:
    """Describe what a (resolved) subschema accepts: 'an integer from 0 to 100'."""
    subschema = _resolve(subschema)
    if "enum" in subschema:
        return "one of " + ", ".join(str(v) for v in subschema["enum"])
    if subschema.get("pattern") in _pattern_words():
        return _pattern_words()[subschema["pattern"]]
    types = subschema.get("type", "")
    noun = {
        "integer": "an integer", "number": "a number", "string": "a string", "boolean": "true or false",
        "object": "a mapping", "array": "a list",
    }
    if isinstance(types, list):
        text = " or ".join(noun.get(t, t) for t in types)
    else:
        text = noun.get(types, "a valid value")
    return text + _bounds(subschema)


# What the shared patterns mean, in words (the regex itself helps nobody).
_PATTERN_WORDS = {
    "name": "a name of letters, digits, '.', '_' and '-' that starts with a letter or digit (at most 128 characters)",
    "version": "a version of letters, digits, '.', '_' and '-' that starts with a letter or digit "
               "(at most 64 characters; not 'latest')",
    "timestamp": "an ISO 8601 date or timestamp such as 2024-09-01 or 2024-09-01T10:00:00Z",
    "region": "a region name in lower case, such as eastus",
    "sha256": "64 hexadecimal digits",
}


@cache
def _pattern_words() -> dict:
    defs = schema("envelope")["$defs"]
    words = {defs[name]["pattern"]: text for name, text in _PATTERN_WORDS.items() if "pattern" in defs.get(name, {})}
    words["^[0-9a-fA-F]{7,40}$"] = "a git commit of 7 to 40 hexadecimal digits"
    return words


def _bounds(subschema: dict) -> str:
    low, high = subschema.get("minimum"), subschema.get("maximum")
    parts = []
    if low is not None and high is not None:
        parts.append(f" from {low} to {high}")
    elif low is not None:
        parts.append(f" of at least {low}")
    elif high is not None:
        parts.append(f" of at most {high}")
    if "pattern" in subschema:
        parts.append(f" matching the pattern {subschema['pattern']}")
    if subschema.get("minLength"):
        parts.append(" (not empty)")
    if subschema.get("minItems"):
        parts.append(f" with at least {subschema['minItems']} item{'s' if subschema['minItems'] > 1 else ''}")
    if subschema.get("uniqueItems"):
        parts.append(" without repeats")
    return "".join(parts)


def _resolve(subschema: dict) -> dict:
    """Merge a ``$ref`` target into the subschema (refs here point into envelope.json)."""
    ref = subschema.get("$ref")
    if not ref:
        return subschema
    target = _registry().resolver(BASE_URI).lookup(ref).contents
    return {**_resolve(target), **{k: v for k, v in subschema.items() if k not in ("$ref", "description")}}


def dotted(path: tuple) -> str:
    """``spec.approvals[0].by``: a path as a user reads it. A key holding a character that cannot be shown on one
    line (a line break, a tab, any control character) is quoted with its escapes: a finding is one line."""
    return ".".join(f"[{p}]" if isinstance(p, int) else _key_text(p) for p in path).replace(".[", "[")


def _key_text(key) -> str:
    text = str(key)
    return text if text.isprintable() else repr(text)


def show_value(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"
