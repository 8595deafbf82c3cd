"""The shared core of every import: a plan of manifests, applied to a catalog append-only and idempotently.

A bridge (``importing.azureml``, ``importing.mlflow``) turns its source into an
``ImportPlan``: the manifests it would write, what it could not carry over and
what it skipped, each with where it came from. ``apply_plan`` is the one way a
plan reaches a catalog:

- each manifest is rendered as deterministic YAML (keys in planned order,
  ``metadata.version`` always a quoted string so ``1.10`` stays ``1.10``,
  timestamps ISO 8601 UTC with ``Z``, UTF-8, a newline at the end) and must load
  and validate as ``catgen check`` reads it (CG1xx, CG201), else it is refused;
- a manifest already in the catalog with the same data is unchanged (no write);
- one that differs only in fields that may change (the policy's
  ``mutable_fields`` for immutable kinds, any field of a mutable kind) is
  rewritten only when the file was itself written by an import (its
  ``metadata.tags`` has ``catgen.import``), else refused; one that differs in
  an immutable field is refused: a published version is never rewritten;
- two planned manifests of one identity with different data are both refused
  (a collision), and a path that holds something else is never written over.

Files are written whole or not at all (``fsutil.atomic_write``). A dry run
computes the same outcome and writes nothing.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from catgen.dates import utc_text
from catgen.diff import data_key, diff, same_data
from catgen.errors import log_safe
from catgen.fsutil import atomic_write, resolves_inside
from catgen.load.validation import file_problems
from catgen.load.yamlsafe import Problem, load, resolve_plain
from catgen.model import KINDS, canonical_relpath, fold, ref_text
from catgen.policy import read_policy
from catgen.wording import NAMED_AT_MOST, named_and_counted

IMPORT_TAG = "catgen.import"  # metadata.tags key every imported manifest carries (its value: the bridge)
REFERENCE_ONLY = "reference-only"  # its value on a minimal manifest for an asset referenced but not defined


@dataclass(frozen=True)
class Note:
    """One line of the report: something not carried over, or a file or manifest skipped or refused."""

    source: str  # the imported file as the user named it, or e.g. "mlflow run 1a2b", "mlflow model churn v3"
    field: str | None  # dotted field of the source, or None for the whole file or run
    text: str  # why, or what was lost


@dataclass(frozen=True)
class PlannedManifest:
    document: dict  # the whole manifest as plain data, keys in the order they are to be written
    source: str  # where it came from (for the report)


@dataclass
class ImportPlan:
    manifests: list[PlannedManifest] = field(default_factory=list)
    not_carried: list[Note] = field(default_factory=list)
    skipped: list[Note] = field(default_factory=list)


@dataclass
class ImportOutcome:
    written: list[str] = field(default_factory=list)  # paths relative to the catalog root
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[Note] = field(default_factory=list)
    dry_run: bool = False
    display_root: str = ""  # the catalog root as shown to the user ("" for the current folder)


# ---------------------------------------------------------------------------------------------- rendering

_PLAIN = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./:@+=(), -]*\Z")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off"}  # YAML 1.1 booleans: other readers would not see a string
_VERBATIM = (("metadata", "version"),)


def render(document: dict) -> str:
    """The manifest as deterministic YAML text (raises ``ValueError`` for what YAML cannot hold exactly)."""
    if not isinstance(document, dict) or not document:
        raise ValueError("a manifest is a non-empty mapping")
    return "\n".join(_block(document, 0, ())) + "\n"


def _block(value, indent: int, path: tuple) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            head = f"{pad}{_text(str(key), force_quotes=False)}:"
            if _nested(item):
                lines.append(head)
                lines += _block(item, indent + 2, path + (key,))
            else:
                lines.append(f"{head} {_scalar(item, path + (key,))}")
        return lines
    for index, item in enumerate(value):
        if _nested(item):
            inner = _block(item, indent + 2, path + (index,))
            lines.append(f"{pad}- {inner[0][indent + 2:]}")
            lines += inner[1:]
        else:
            lines.append(f"{pad}- {_scalar(item, path + (index,))}")
    return lines


def _nested(value) -> bool:
    return isinstance(value, (dict, list)) and bool(value)


def _scalar(value, path: tuple) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if path in _VERBATIM:
        return _text(str(value), force_quotes=True)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{'.'.join(map(str, path))} is not a finite number")
        return repr(value)
    if isinstance(value, (datetime, date)):
        return timestamp(value)
    if isinstance(value, str):
        return _text(value, force_quotes=False)
    raise ValueError(f"{'.'.join(map(str, path))}: a {type(value).__name__} is not plain data")


def timestamp(value: datetime | date) -> str:
    """ISO 8601: a date as ``2024-09-01``, a date-time in UTC to the second as ``2024-09-01T10:00:00Z``."""
    if isinstance(value, datetime):
        return utc_text(value)
    return value.isoformat()


def _text(text: str, *, force_quotes: bool) -> str:
    """A plain scalar when it reads back as the same string everywhere, else a double-quoted one."""
    if (not force_quotes and _PLAIN.match(text) and not text.endswith((":", " ")) and ": " not in text
            and text.lower() not in _YAML11_WORDS and resolve_plain(text) == text):
        return text
    return "".join(_quoted_char(char) for char in json.dumps(text, ensure_ascii=False))


def _quoted_char(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cs":
        raise ValueError("text holds a lone surrogate (bytes that are not UTF-8)")
    if category in ("Cc", "Cf", "Zl", "Zp") and char not in "\n":
        return f"\\u{ord(char):04x}"  # invisible or line-breaking: written as an escape
    return char


# ---------------------------------------------------------------------------------------------- applying

@dataclass
class _Candidate:
    planned: PlannedManifest
    data: dict  # as catgen check reads the rendered text
    text: str
    kind: str
    name: str
    version: str | None
    sources: frozenset = frozenset()  # every source that plans this manifest (the same data)

    @property
    def ref(self) -> str:
        return ref_text(self.kind, self.name, self.version)

    @property
    def reference_only(self) -> bool:
        return _import_tag(self.data) == REFERENCE_ONLY


def apply_plan(plan: ImportPlan, catalog, *, dry_run: bool) -> ImportOutcome:
    """Write the plan's manifests into ``catalog`` (from ``open_catalog``); with ``dry_run``, only say what would be.

    A source is imported whole or not at all: once one of its manifests is refused, the others it
    alone plans are refused too, so an import never leaves references to what it did not write.
    """
    outcome = ImportOutcome(dry_run=dry_run, display_root=_display_root(catalog))
    candidates = [c for c in (_candidate(p, outcome) for p in plan.manifests) if c is not None]
    policy = read_policy(catalog.policy)
    root = os.path.abspath(catalog.source.root)
    decisions = []
    for candidate in _without_collisions(candidates, outcome):
        decision = _decide(candidate, catalog, policy, root)
        if isinstance(decision, str):
            _refuse(outcome, candidate, decision)
        else:
            decisions.append((candidate, decision))
    refused_sources = {note.source for note in outcome.refused}
    for candidate, (action, relpath, path) in decisions:
        if action != "unchanged" and candidate.sources <= refused_sources:
            _refuse(outcome, candidate, "not written: something else its source plans was refused (see above), "
                                        "and a source is imported whole or not at all")
        else:
            _execute(candidate, action, relpath, path, outcome, dry_run)
    return outcome


def _display_root(catalog) -> str:
    shown = catalog.display("")
    return shown.rstrip("/") if shown else ""


def _candidate(planned: PlannedManifest, outcome: ImportOutcome) -> _Candidate | None:
    """The planned manifest rendered and read back as ``catgen check`` reads it, or refused with the reason."""
    try:
        text = render(planned.document)
        loaded = load(text.encode("utf-8"))
    except (ValueError, UnicodeEncodeError) as err:
        outcome.refused.append(Note(planned.source, None, f"cannot be written as a manifest: {err}"))
        return None
    if isinstance(loaded, Problem):
        outcome.refused.append(Note(planned.source, None, f"would not load ({loaded.code}: {loaded.message})"))
        return None
    data = loaded.data
    kind, metadata = data.get("kind"), data.get("metadata")
    problems = file_problems(data)
    if kind not in KINDS or kind == "Policy" or not isinstance(metadata, dict) or problems:
        reason = problems[0][1] if problems else "not a manifest of a kind an import writes"
        where = ".".join(str(step) for step in problems[0][0]) if problems else None
        outcome.refused.append(Note(planned.source, where, f"catgen check would reject it (CG201): {reason}"))
        return None
    version = metadata.get("version") if KINDS[kind].versioned else None
    return _Candidate(planned, data, text, kind, metadata["name"], version, frozenset({planned.source}))


def _without_collisions(candidates: list[_Candidate], outcome: ImportOutcome) -> list[_Candidate]:
    """One candidate per identity: same data is one manifest, different data is a collision (all refused).

    A reference-only placeholder gives way to a full definition of the same identity.
    """
    groups: dict = {}
    for candidate in candidates:
        groups.setdefault(fold((candidate.kind, candidate.name, candidate.version)), []).append(candidate)
    kept = []
    for group in groups.values():
        full = [c for c in group if not c.reference_only] or group[:1]
        distinct = _distinct(full)
        if len(distinct) == 1:
            distinct[0].sources = frozenset(c.planned.source for c in full)
            kept.append(distinct[0])
            continue
        named = sorted({c.planned.source for c in distinct})  # the refusals name ten: each named all of them
        sources = named_and_counted(named[:NAMED_AT_MOST], len(named))
        for candidate in distinct:
            text = (f"name collision: {candidate.ref} is planned {len(distinct)} times with different content "
                    f"(from {sources}); nothing written for it: give the sources distinct names")
            outcome.refused.append(Note(candidate.planned.source, "metadata.name", text))
    return kept


def _distinct(candidates: list[_Candidate]) -> list[_Candidate]:
    """The first candidate of each distinct content, in order, grouped by ``diff.data_key`` (comparing each with
    each cost the square of the files that define one name). A candidate's data is its rendered text read back
    (``_candidate``): plain YAML, which always has a key."""
    by_data: dict = {}
    for candidate in candidates:
        by_data.setdefault(data_key(candidate.data), candidate)
    return list(by_data.values())


def _decide(candidate: _Candidate, catalog, policy, root: str):
    """``(action, relpath, path)`` with action ``create``, ``update`` or ``unchanged``; or why it is refused."""
    key = (candidate.kind, candidate.name, candidate.version)
    existing = catalog.folded.get(fold(key))
    if not existing:
        relpath = canonical_relpath(*key)
        path = _inside(root, relpath)
        if path is None:
            return f"{relpath} resolves outside the catalog; nothing written"
        if fold(key) in catalog.broken or os.path.lexists(path):
            return f"{relpath} exists but is not a loadable {candidate.ref}; left alone"
        return "create", relpath, path
    current = existing[0]
    if current.key != key:
        return f"the catalog has {current.ref} ({current.relpath}); names are unique whatever their case: rename one"
    if same_data(current.data, candidate.data) or candidate.reference_only:
        return "unchanged", current.relpath, None  # a placeholder never replaces what the catalog has
    reason = _why_not_rewritten(current, candidate, policy)
    if reason:
        return reason
    path = _inside(root, current.relpath)
    if path is None:
        return f"{current.relpath} resolves outside the catalog; nothing written"
    return "update", current.relpath, path


def _execute(candidate: _Candidate, action: str, relpath: str, path: str | None, outcome: ImportOutcome,
             dry_run: bool) -> None:
    if action == "unchanged":
        outcome.unchanged.append(relpath)
        return
    if not dry_run:
        try:
            atomic_write(path, candidate.text, overwrite=action == "update")
        except FileExistsError:  # appeared since the catalog was read: never written over
            _refuse(outcome, candidate, f"{relpath} appeared while importing; left alone")
            return
    (outcome.written if action == "create" else outcome.updated).append(relpath)


def _why_not_rewritten(current, candidate: _Candidate, policy) -> str | None:
    """Why the existing manifest may not take the candidate's data, or None when it may."""
    changes = list(diff(current.data, candidate.data))
    if candidate.kind in policy.immutable_kinds:
        fixed = [c for c in changes if not _covered(c.path, policy.mutable_fields)]
        if fixed:
            fields = ", ".join(sorted({c.field for c in fixed})[:5])
            return (f"{current.ref} is already in the catalog ({current.relpath}) with other content ({fields}); "
                    f"a published {candidate.kind} is never rewritten: publish the change as a new version")
    if _import_tag(current.data) is None:
        fields = ", ".join(sorted({c.field for c in changes})[:5])
        return (f"{current.ref} ({current.relpath}) was not written by an import and differs ({fields}); "
                "an import never overwrites a hand-written manifest")
    return None


def _inside(root: str, relpath: str) -> str | None:
    """The absolute path to write, or None when it would resolve outside the catalog (a linked folder)."""
    path = os.path.join(root, relpath)
    return path if resolves_inside(path, root) else None


def _refuse(outcome: ImportOutcome, candidate: _Candidate, text: str) -> None:
    outcome.refused.append(Note(candidate.planned.source, None, f"{candidate.ref}: {text}"))


def _covered(path: tuple, fields: tuple) -> bool:
    """True when ``path`` is one of the dotted ``fields`` (``metadata.tags``) or below one (as CG401 reads them)."""
    steps = tuple(str(step) for step in path)
    return any(steps[: len(prefix)] == prefix for prefix in (tuple(f.split(".")) for f in fields if f))


def _import_tag(data: dict):
    metadata = data.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    return tags.get(IMPORT_TAG) if isinstance(tags, dict) else None


# ---------------------------------------------------------------------------------------------- reporting

def report_lines(plan: ImportPlan, outcome: ImportOutcome) -> list[str]:
    """The report, one line per file and field, every outside text through ``log_safe``."""
    would = "would " if outcome.dry_run else ""
    lines = [f"skipped {_note(note)}" for note in plan.skipped]
    lines += [f"refused {_note(note)}" for note in outcome.refused]
    lines += [f"not carried over {_note(note)}" for note in plan.not_carried]
    lines += [f"{would}write {log_safe(_shown(outcome, path))}" for path in outcome.written]
    lines += [f"{would}update {log_safe(_shown(outcome, path))}" for path in outcome.updated]
    lines.append(
        f"{len(outcome.written)} written, {len(outcome.updated)} updated, {len(outcome.unchanged)} unchanged, "
        f"{len(outcome.refused)} refused, {len(plan.skipped)} skipped, {len(plan.not_carried)} fields not carried over"
        + (" (dry run: nothing written)" if outcome.dry_run else "")
    )
    return lines


def _note(note: Note) -> str:
    where = f"{note.source}: {note.field}" if note.field else note.source
    return f"{log_safe(where)}: {log_safe(note.text)}"


def _shown(outcome: ImportOutcome, relpath: str) -> str:
    return f"{outcome.display_root}/{relpath}" if outcome.display_root else relpath


def exit_code(plan: ImportPlan, outcome: ImportOutcome) -> int:
    """0 when everything was imported, 1 when some source was skipped or some manifest refused."""
    return 1 if plan.skipped or outcome.refused else 0
