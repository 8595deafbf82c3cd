"""The catalog model: kinds, references, manifests, findings.

One model serves the checker, the lineage graph and the site. A ``Manifest``
is one file: its identity (kind, name, version), its data, where each key was
written, and the references it makes. The ``Catalog`` (see ``catalog.py``)
indexes manifests by identity.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from catgen.errors import CatalogError
from catgen.load.yamlsafe import Document, Problem, load

API_VERSION = "catgen/v1"


@dataclass(frozen=True, eq=False)
class Kind:
    name: str  # as written in manifests: "Model"
    plural: str  # folder and site address: "models"
    versioned: bool

    @cached_property
    def prefix(self) -> str:
        """The kind as written in references: ``model``."""
        return self.name.lower()


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("Registry", "registries", False),
        Kind("Workspace", "workspaces", False),
        Kind("Model", "models", True),
        Kind("Environment", "environments", True),
        Kind("Component", "components", True),
        Kind("Data", "data", True),
        Kind("Job", "jobs", False),
        Kind("Promotion", "promotions", False),
        Kind("Deployment", "deployments", False),
        Kind("Policy", "", False),
    )
}
KIND_BY_PREFIX = {k.prefix: k for k in KINDS.values()}
VERSIONED_ASSETS = ("Model", "Environment", "Component", "Data")

# Reference fields: (kind, path with "*" for any key or index) -> kinds accepted.
ASSET_KINDS = frozenset(VERSIONED_ASSETS)
REFERENCE_FIELDS: dict[str, dict[tuple, frozenset]] = {
    "Workspace": {("spec", "registries", "*"): frozenset({"Registry"})},
    "Model": {("spec", "job"): frozenset({"Job"}), ("spec", "base_model"): frozenset({"Model"})},
    "Environment": {},
    "Component": {
        ("spec", "environment"): frozenset({"Environment"}),
        ("spec", "steps", "*"): frozenset({"Component"}),
    },
    "Data": {("spec", "job"): frozenset({"Job"})},
    "Job": {
        ("spec", "workspace"): frozenset({"Workspace"}),
        ("spec", "component"): frozenset({"Component"}),
        ("spec", "environment"): frozenset({"Environment"}),
        ("spec", "inputs", "*"): frozenset({"Data", "Model"}),
        ("spec", "baseline"): frozenset({"Job"}),
        ("spec", "parent"): frozenset({"Job"}),
    },
    "Promotion": {
        ("spec", "asset"): ASSET_KINDS,
        ("spec", "registry"): frozenset({"Registry"}),
        ("spec", "evidence", "*"): frozenset({"Job"}),
    },
    "Deployment": {
        ("spec", "workspace"): frozenset({"Workspace"}),
        ("spec", "model"): frozenset({"Model"}),
        ("spec", "environment"): frozenset({"Environment"}),
    },
}
for _asset in VERSIONED_ASSETS:  # every versioned asset has one home
    REFERENCE_FIELDS[_asset] |= {
        ("spec", "workspace"): frozenset({"Workspace"}),
        ("spec", "registry"): frozenset({"Registry"}),
    }

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
VERSION_RE = re.compile(r"^(?![Ll][Aa][Tt][Ee][Ss][Tt]$)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_REF = re.compile(r"^([A-Za-z]+):([^@\s]+)(?:@(\S+))?$")


def fold(key: tuple) -> tuple:
    """An identity compared case-insensitively (SPEC §3: names are unique that way)."""
    return tuple([part.casefold() if isinstance(part, str) else part for part in key])  # a list: no generator


def replicated_regions(registry) -> list:
    """The regions a Registry manifest replicates to. Written as anything but a list (CG201) it names none:
    a text must not answer ``in`` by substring (``"east" in "eastus"``), nor raise for a region that is a list."""
    locations = registry.spec.get("replication_locations")
    return locations if isinstance(locations, list) else []


def person_key(person: str) -> str:
    """A person as compared (SPEC §2): NFKC-normalised and case-folded, so one person never counts twice."""
    return unicodedata.normalize("NFKC", person).casefold()


@dataclass(eq=False)
class Ref:
    """A reference written in a manifest field, parsed once at load time."""

    source: "Manifest"
    path: tuple  # where it was written, e.g. ("spec", "inputs", "training_data")
    text: str
    accepts: frozenset
    kind: str | None = None  # the Kind name, when the prefix is a known kind
    name: str | None = None
    version: str | None = None
    target: "Manifest | None" = None  # set by the catalog when it resolves

    @cached_property
    def field(self) -> str:
        """The field as a dotted path, e.g. ``spec.inputs.training_data``."""
        return ".".join(str(p) for p in self.path)

    @property
    def key(self) -> tuple:
        return (self.kind, self.name, self.version)


def parse_ref_text(text: str) -> tuple[str | None, str | None, str | None]:
    """Split ``model:x@3`` into ("Model", "x", "3"); unknown shapes give Nones."""
    match = _REF.match(text)
    if not match:
        return None, None, None
    prefix, name, version = match.groups()
    kind = KIND_BY_PREFIX.get(prefix)
    return (kind.name if kind and prefix == kind.prefix else None), name, version


def ref_text(kind: str, name: str, version: str | None = None) -> str:
    text = f"{KINDS[kind].prefix}:{name}"
    return f"{text}@{version}" if version is not None else text


@dataclass(frozen=True)
class Finding:
    """One problem the checker found, ready to report."""

    code: str
    name: str
    level: str  # "error" or "warning"
    path: str  # as shown to the user (relative to the current directory)
    line: int
    column: int
    message: str
    subject: str | None = None
    waived_by: str | None = None  # the reason of the exception that waived it

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def as_dict(self) -> dict:
        return {
            "code": self.code, "name": self.name, "level": self.level, "path": self.path,
            "line": self.line, "column": self.column, "message": self.message, "subject": self.subject,
        }


@dataclass(eq=False)
class Manifest:
    """One manifest file, loaded once."""

    relpath: str  # posix path relative to the catalog root
    path: str  # as shown to the user
    document: Document | None = None
    problem: Problem | None = None  # why the file is not a manifest (CG1xx)
    kind: str | None = None  # a known Kind name once apiVersion and kind are valid
    name: str | None = None
    version: str | None = None
    refs: list[Ref] = field(default_factory=list)
    schema_problems: list = field(default_factory=list)  # CG201 (path, message, at_value), found where parsed
    source: object = field(default=None, repr=False)  # where the bytes came from, to find positions

    @property
    def data(self) -> dict:
        document = self.document
        return {} if document is None else document.data

    @property
    def spec(self) -> dict:  # the rules ask some 65,000 times at 10k: one attribute, one lookup
        document = self.document
        spec = None if document is None else document.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def metadata(self) -> dict:
        metadata = self.data.get("metadata")
        return metadata if isinstance(metadata, dict) else {}

    @property
    def identified(self) -> bool:
        """True when kind and name (and version, for versioned kinds) are known."""
        if not self.kind:
            return False
        return self.name is not None and (self.version is not None) == KINDS[self.kind].versioned

    @property
    def key(self) -> tuple:
        return (self.kind, self.name, self.version)

    @property
    def name_order(self) -> tuple:
        """A sort key by name: a manifest whose name is not a valid name (CG201) has none, and sorts last, by path."""
        return (self.name is None, self.name or "", self.relpath)

    @property
    def ref(self) -> str:
        """This manifest as a reference: ``model:credit-risk@3``."""
        if not self.identified or self.kind == "Policy":
            return self.relpath
        return ref_text(self.kind, self.name, self.version)

    @property
    def canonical_relpath(self) -> str | None:
        """Where SPEC §2 says this manifest belongs (with the file's own suffix)."""
        if not self.identified:
            return None
        suffix = ".yml" if self.relpath.endswith(".yml") else ".yaml"
        return canonical_relpath(self.kind, self.name, self.version, suffix)

    def locate(self, path=(), *, value: bool = False) -> tuple[int, int]:
        """Line and column of ``path``; positions are found on first use, by parsing the file again."""
        if self.document is None:
            return (1, 1)
        if self.document.positions is None:
            self.document.positions = self._positions()
        return self.document.locate(path, value=value)

    def _positions(self) -> dict:
        from catgen.errors import CatalogError
        from catgen.load.yamlsafe import load  # the same loader, this time keeping positions

        try:
            loaded = load(self.source.read(self.relpath)) if self.source is not None else None
        except (CatalogError, OSError):  # the file vanished since it was read: line 1 it is
            return {}
        return loaded.positions if isinstance(loaded, Document) else {}

    def get(self, *path, default=None):
        """The value at ``path`` in the data, or ``default`` when any step is missing."""
        node = self.data
        for step in path:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return default
        return node


def canonical_relpath(kind: str, name: str, version: str | None, suffix: str = ".yaml") -> str:
    """The path SPEC §2 gives an identity, relative to the catalog root."""
    if kind == "Policy":
        return "policy" + suffix
    plural = KINDS[kind].plural
    return f"{plural}/{name}/{version}{suffix}" if KINDS[kind].versioned else f"{plural}/{name}{suffix}"


def identity_from_relpath(relpath: str) -> tuple | None:
    """The identity a canonical path implies: ``models/x/3.yaml`` -> (Model, x, 3)."""
    parts = relpath.rsplit(".", 1)[0].split("/")
    if parts == ["policy"]:
        return ("Policy", None, None)
    for kind in KINDS.values():
        if kind.plural and parts[0] == kind.plural:
            if kind.versioned and len(parts) == 3:
                return (kind.name, parts[1], parts[2])
            if not kind.versioned and len(parts) == 2:
                return (kind.name, parts[1], None)
    return None
