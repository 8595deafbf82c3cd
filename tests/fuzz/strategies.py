"""Hypothesis strategies for hostile and valid-shaped catalogs, and the invariants every check must keep.

Three families of input:

- ``yamlish_text``: text built from YAML's own punctuation (indentation,
  ``-``, ``:``, ``{}``, ``[]``, anchors, aliases, tags, quotes, document
  markers) around random words, so the parser's error paths are reached far
  more often than with random characters;
- ``plain_values``: JSON-like data that PyYAML dumps and catgen's loader must
  read back unchanged (an oracle for the loader);
- ``catalogs``: a whole catalog of valid-shaped manifests of every kind,
  with random references between them (valid, dangling, unpinned, of the
  wrong kind, differing in case), a random policy, random promotions and
  approvals, and optionally junk put into random fields.
"""

from __future__ import annotations

import time
from pathlib import Path

import yaml
from hypothesis import strategies as st

from catgen.model import KINDS, canonical_relpath
from catgen.rules import RULES

PER_EXAMPLE_SECONDS = 2.0  # a bound per example far above the real cost (a few ms), below any hang

# -- YAML-ish text ------------------------------------------------------------------

_WORDS = st.sampled_from([
    "a", "kind", "spec", "name", "Model", "catgen/v1", "1", "1.10", "0o17", "0x1F", "-3", ".inf", ".nan", "1e5",
    "true", "yes", "null", "~", "2024-09-01", "2024-02-30T25:00:00Z", "latest", "model:x@1", "\u202e", "\u00e9",
    "e\u0301", "\ufeff", "\t", "\x85", "\u2028", "&a", "*a", "!!python/object:os.system", "!tag", "<<", "%YAML 1.2",
    "'quoted'", '"dq\\u0000"', "|", ">-", "#", "@", "`", ",", "?", "\\",
])
_PUNCT = st.sampled_from(["\n", "\n  ", "\n    ", ": ", "- ", "? ", "{", "}", "[", "]", ", ", "---\n", "...\n", " ",
                          "\r\n"])


@st.composite
def yamlish_text(draw) -> str:
    """Plausible-looking YAML, often broken in interesting ways."""
    tokens = draw(st.lists(st.one_of(_WORDS, _PUNCT, st.text(max_size=6)), max_size=60))
    return "".join(tokens)


_SCALAR_TEXT = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=12)
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=True, width=64), _SCALAR_TEXT,
)


def plain_values():
    """Nested JSON-like data: mappings with word keys, lists, scalars that survive a YAML round trip."""
    return st.recursive(
        _SCALARS,
        lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(_SCALAR_TEXT, children, max_size=4)),
        max_leaves=25,
    )


# -- catalogs -------------------------------------------------------------------

_NAMES = st.from_regex(r"[a-z][a-z0-9-]{0,6}", fullmatch=True)
_VERSIONS = st.sampled_from(["1", "2", "3", "1.10", "1.1"])
_PEOPLE = ["alice@contoso.com", "Alice@Contoso.com", "bob@contoso.com", "carol@contoso.com", "dave@contoso.com"]
_DATES = st.sampled_from([
    "2024-09-01", "2024-09-01T10:00:00Z", "2024-09-02T09:00:00+02:00", "2025-01-01", "2030-01-01T00:00:00Z",
    "9999-12-31", "9999-12-31T23:59:59-05:00", "0001-01-01", "0001-01-01T00:00:00+05:00",  # the calendar's ends
])
# Hostile values (``catalogs(hostile=True)``): numbers that are not finite, people with any character.
NOT_FINITE = st.sampled_from([float("nan"), float("inf"), float("-inf")])
_ANY_NUMBER = st.one_of(st.floats(), NOT_FINITE, st.integers(-(10**400), 10**400))
_ANY_CHARACTER = st.characters(blacklist_categories=("Cs",))  # every category; lone surrogates cannot be UTF-8
_ANY_PERSON = st.one_of(
    st.sampled_from(_PEOPLE),
    st.builds(lambda person, char, at: person[:at] + char + person[at:],
              st.sampled_from(_PEOPLE), _ANY_CHARACTER, st.integers(0, 17)),
    st.text(_ANY_CHARACTER, min_size=1, max_size=8),
)
PORT_TYPES = ["uri_file", "uri_folder", "mltable", "mlflow_model", "custom_model", "triton_model",
              "integer", "number", "string", "boolean"]
_PORT_VALUES = st.one_of(st.booleans(), st.integers(-5, 5), st.floats(-5, 5), NOT_FINITE, st.text(max_size=4))
_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@st.composite
def _pool(draw) -> dict:
    """The identities the catalog will hold: kind -> list of (name, version)."""
    pool = {}
    for kind in ("Registry", "Workspace", "Job", "Promotion", "Deployment"):
        min_size = 1 if kind in ("Registry", "Workspace") else 0
        pool[kind] = [(name, None) for name in draw(st.lists(_NAMES, min_size=min_size, max_size=3, unique=True))]
    for kind in ("Model", "Environment", "Component", "Data"):
        names = draw(st.lists(_NAMES, max_size=2, unique=True))
        pool[kind] = [(name, version) for name in names
                      for version in draw(st.lists(_VERSIONS, min_size=1, max_size=2, unique=True))]
    return pool


def _ref_to(draw, pool: dict, kinds: tuple, noise: bool = True) -> str:
    """A reference: mostly to a real manifest of an accepted kind, sometimes broken on purpose."""
    kind = draw(st.sampled_from(kinds))
    choices = pool.get(kind) or [("missing", "1" if KINDS[kind].versioned else None)]
    name, version = draw(st.sampled_from(choices))
    mutation = draw(st.sampled_from(["ok"] * (6 if noise else 40)
                                    + ["dangling", "unpinned", "case", "wrong-kind", "latest"]))
    if mutation == "dangling":
        name = name + "-gone"
    elif mutation == "case":
        name = name.upper()
    elif mutation == "unpinned":
        version = None
    elif mutation == "latest" and version is not None:
        version = "latest"
    elif mutation == "wrong-kind":
        kind = draw(st.sampled_from(sorted(set(KINDS) - set(kinds) - {"Policy"})))
    text = f"{KINDS[kind].prefix}:{name}"
    return f"{text}@{version}" if version is not None else text


def _people(draw, hostile: bool):
    return _ANY_PERSON if hostile else st.sampled_from(_PEOPLE)


def _metric(draw, hostile: bool, low: float = 0, high: float = 1):
    return draw(_ANY_NUMBER if hostile and draw(st.integers(0, 3)) == 0 else st.floats(low, high, allow_nan=False))


def _ports(draw, hostile: bool) -> dict:
    """A component's inputs or outputs: random types, with defaults, bounds and choices that may not fit."""
    ports = {}
    for name in draw(st.lists(_NAMES, max_size=3, unique=True)):
        port = {"type": draw(st.sampled_from(PORT_TYPES))}
        for field in ("optional", "default", "min", "max", "enum"):
            if draw(st.booleans()):
                if field == "optional":
                    port[field] = draw(st.booleans())
                elif field == "enum":
                    port[field] = draw(st.lists(_PORT_VALUES, min_size=1, max_size=3))
                elif field in ("min", "max"):
                    port[field] = draw(_ANY_NUMBER if hostile else st.integers(-5, 5))
                else:
                    port[field] = draw(_PORT_VALUES)
        ports[name] = port
    return ports


def _policy(draw, hostile: bool = False) -> dict:
    stages = [{"name": "dev"}]
    for name in ("test", "prod"):
        stage = {"name": name}
        if draw(st.booleans()):
            stage["private_network"] = draw(st.booleans())
            stage["pii_allowed"] = draw(st.booleans())
        if draw(st.booleans()):
            stage["promotion"] = draw(st.fixed_dictionaries({}, optional={
                "approvals": st.integers(0, 3),
                "approvers": st.lists(_people(draw, hostile), min_size=1, max_size=3, unique=True),
                "separation_of_duties": st.booleans(),
                "require_registry": st.booleans(),
                "require_lineage": st.booleans(),
                "training_data": st.lists(st.sampled_from(["production", "sample", "anonymized", "synthetic"]),
                                          max_size=2, unique=True),
                "pinned_images": st.booleans(),
                "metrics": st.builds(lambda bound: {"auc": {"min": bound}}, _ANY_NUMBER if hostile else st.just(0.8)),
                "max_regression": st.builds(lambda bound: {"auc": bound}, _ANY_NUMBER if hostile else st.just(0.02)),
            }))
        stages.append(stage)
    spec = {"stages": stages}
    if draw(st.booleans()):
        spec["exceptions"] = [{"rule": draw(st.sampled_from(["CG605", "CG503", "CG501"])), "subject": "model:x@1",
                               "reason": "fuzz", "expires": draw(_DATES)}]
    if draw(st.booleans()):
        spec["rules"] = {"CG605": {"level": draw(st.sampled_from(["error", "warning", "off"]))}}
    return spec


def _home(draw, pool, noise: bool) -> dict:
    field = draw(st.sampled_from(["workspace", "registry"]))
    return {field: _ref_to(draw, pool, ("Workspace",) if field == "workspace" else ("Registry",), noise)}


def _spec(draw, kind: str, pool: dict, noise: bool, hostile: bool = False) -> dict:
    ref = lambda *kinds: _ref_to(draw, pool, kinds, noise)  # noqa: E731 (a short local helper reads best here)
    if kind == "Registry":
        return {"location": "eastus",
                "replication_locations": draw(st.sampled_from([["eastus"], ["eastus", "westeurope"], ["westeurope"]]))}
    if kind == "Workspace":
        return {"stage": draw(st.sampled_from(["dev", "test", "prod", "qa"])),
                "region": draw(st.sampled_from(["eastus", "westeurope"])),
                "registries": [ref("Registry") for _ in range(draw(st.integers(0, 2)))],
                "public_network_access": draw(st.sampled_from(["enabled", "disabled"]))}
    if kind == "Environment":
        pinned = draw(st.booleans())
        return {**_home(draw, pool, noise), "image": "mcr.example/py:3.11" + ("@sha256:" + "a" * 64 if pinned else "")}
    if kind == "Data":
        return {**_home(draw, pool, noise), "type": "uri_folder", "path": "azureml://data/x",
                "classification": draw(st.sampled_from(["production", "sample", "anonymized", "synthetic",
                                                        "unclassified"])),
                "contains_pii": draw(st.booleans())}
    if kind == "Component":
        return {**_home(draw, pool, noise), "type": "command", "environment": ref("Environment"),
                "code": {"repository": "https://git.example/x", "commit": "abc1234"},
                "inputs": _ports(draw, hostile), "outputs": _ports(draw, hostile)}
    if kind == "Model":
        spec = {**_home(draw, pool, noise), "type": "mlflow_model", "path": "azureml://models/x", "job": ref("Job")}
        if draw(st.booleans()):
            spec["base_model"] = ref("Model")
        return spec
    if kind == "Job":
        spec = {"workspace": ref("Workspace"), "type": "command",
                "status": draw(st.sampled_from(["completed", "failed", "running", "unknown"])),
                "environment": ref("Environment"), "inputs": {"train": ref("Data", "Model")},
                "metrics": {"auc": _metric(draw, hostile)}}
        if draw(st.booleans()):
            spec["baseline"] = ref("Job")
        if draw(st.booleans()):
            spec["component"] = ref("Component")
        return spec
    if kind == "Promotion":
        target = ({"stage": draw(st.sampled_from(["test", "prod", "nowhere"]))} if draw(st.booleans())
                  else {"registry": ref("Registry")})
        approvals = [{"by": draw(_people(draw, hostile)), "at": draw(_DATES)} for _ in range(draw(st.integers(0, 3)))]
        spec = {**target, "asset": ref("Model", "Environment", "Component", "Data"),
                "requested_by": draw(_people(draw, hostile)), "date": draw(_DATES), "approvals": approvals,
                "evidence": [ref("Job")]}
        if draw(st.integers(0, 4)) == 0:
            spec.update(revoke=True,
                        **draw(st.fixed_dictionaries({}, optional={"reason": st.sampled_from(["faulty", " "])})))
        return spec
    if kind == "Deployment":
        traffic = draw(NOT_FINITE) if hostile and draw(st.integers(0, 5)) == 0 else draw(st.integers(0, 100))
        return {"workspace": ref("Workspace"), "endpoint": "ep", "model": ref("Model"), "traffic": traffic}
    raise AssertionError(kind)


def _manifest(draw, kind: str, name: str, version, pool: dict, noise: bool = True, hostile: bool = False) -> dict:
    metadata = {"name": name}
    if version is not None:
        metadata["version"] = version
    if draw(st.booleans()):
        metadata["owner"] = draw(_people(draw, hostile))
    if draw(st.booleans()):
        metadata["created"] = draw(_DATES)
    spec = _policy(draw, hostile) if kind == "Policy" else _spec(draw, kind, pool, noise, hostile)
    return {"apiVersion": "catgen/v1", "kind": kind, "metadata": metadata, "spec": spec}


def _spoil(draw, data: dict) -> None:
    """Put junk at one random place of a manifest: the schema layer's job to report it."""
    node, steps = data, 0
    while isinstance(node, dict) and node and steps < 4:
        key = draw(st.sampled_from(sorted(node, key=str)))
        if not isinstance(node[key], (dict, list)) or draw(st.booleans()):
            node[key] = draw(_JUNK)
            return
        node, steps = node[key], steps + 1
        if isinstance(node, list):
            if node:
                node[draw(st.integers(0, len(node) - 1))] = draw(_JUNK)
            return


@st.composite
def catalogs(draw, *, spoil: bool = False, noise: bool = True, hostile: bool = False) -> dict:
    """A catalog as {relpath: text}: a policy and valid-shaped manifests with random references.

    ``noise=False`` breaks few references, so the promotion rules have more to judge.
    ``hostile=True`` puts numbers that are not finite (or beyond any float) into metrics,
    gates and traffic, and characters of every Unicode category into people.
    """
    pool = draw(_pool())
    files = {"policy.yaml": _manifest(draw, "Policy", "default", None, pool, hostile=hostile)}
    for kind, identities in pool.items():
        for name, version in identities:
            files[canonical_relpath(kind, name, version)] = _manifest(draw, kind, name, version, pool, noise, hostile)
    if spoil:
        for relpath in draw(st.lists(st.sampled_from(sorted(files)), max_size=3, unique=True)):
            _spoil(draw, files[relpath])
    return {relpath: yaml.safe_dump(data, sort_keys=False, allow_unicode=True) for relpath, data in files.items()}


def write_catalog(root: Path, files: dict) -> None:
    for relpath, text in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)


# -- invariants -------------------------------------------------------------------


def finding_rows(findings) -> list[tuple]:
    return [(f.code, f.level, f.path, f.line, f.column, f.message, f.subject) for f in findings]


def assert_findings_well_formed(findings, line_counts: dict) -> None:
    """Known codes and levels; a 1-based position inside the file (its line count + 1)."""
    for found in findings:
        assert found.code in RULES, found
        assert found.level in ("error", "warning"), found
        assert found.line >= 1 and found.column >= 1, found
        if found.path in line_counts:
            assert found.line <= line_counts[found.path] + 1, (found, line_counts[found.path])
        assert "\n" not in found.message, found


def line_count(raw: bytes) -> int:
    """An upper bound of the lines YAML counts (LF, CR LF, CR, NEL, LS, PS; splitlines counts a few more)."""
    return max(1, len(raw.decode("utf-8", "replace").splitlines()))


class Timer:
    """``with Timer() as t: ...`` then ``t.check()``: one example within the bound."""

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.elapsed = time.perf_counter() - self.started

    def check(self, limit: float = PER_EXAMPLE_SECONDS) -> None:
        assert self.elapsed < limit, f"one example took {self.elapsed:.2f} s (bound {limit} s)"
