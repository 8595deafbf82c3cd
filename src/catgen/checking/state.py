"""What the last check of a catalog folder saw and found: the state of the warm re-check.

One file per catalog folder, next to the parse cache (``parsing.default_cache_dir``),
named by the folder and a *salt*: the parse cache's salt (catgen, Python, schemas)
and a digest of the source of every module that decides a finding (rules, graph,
model, policy, this package), so an edited rule never reuses an old verdict.
It holds, per file, what ``stat`` saw, the digest of its bytes and the links
the incremental check follows (``checking/incremental.py``); per path, the
raw findings (before the policy's levels and exceptions); and the span of
"now" for which those findings hold (the dates the rules compared "now" with).

It is stored with ``marshal`` (plain data only) by temporary file and rename,
and read as untrusted: anything of another shape than ``save`` writes is no
state at all, and the check is a full one.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from functools import cache
from pathlib import Path

from catgen.load.parsing import default_cache_dir, salt

STATE_FORMAT = 1
# The modules whose code decides a finding; their source is part of the salt.
_JUDGING = ("rules", "graph", "checking")
_JUDGING_FILES = ("model.py", "policy.py", "dates.py", "diff.py", "load/catalog.py")

# One file's record: (size, mtime_ns, inode, flags, digest, kind, identity, implied, refs, anchors, groups).
# Identities are keys (``key_text``); refs, anchors and groups are keys joined by KEYS_SEPARATOR.
SIZE, MTIME, INODE, FLAGS, DIGEST, KIND, IDENTITY, IMPLIED, REFS, ANCHORS, GROUPS = range(11)
COLUMN_TYPES = ({int}, {int}, {int}, {int}, {str}, {str, type(None)}, {str, type(None)}, {str, type(None)},
                {str}, {str}, {str})
KEY_SEPARATOR, KEYS_SEPARATOR = "\x1f", "\x1e"
FINDING_TYPES = (str, str, str, str, int, int, str, (str, type(None)))


@cache
def judging_salt() -> str:
    """The parse cache's salt and the source of every module that judges."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{STATE_FORMAT}|{salt()}|".encode())
    files = sorted(p for folder in _JUDGING for p in (package / folder).glob("*.py"))
    for path in files + [package / name for name in _JUDGING_FILES]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def content_digest(raw: bytes) -> str:
    """A file's bytes as the parse cache and the state know them."""
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


def key_text(key: tuple) -> str:
    """An identity or a group as one string. Two keys may share a text (a name holding the
    separator): that only links more files, so the incremental check judges more, never less."""
    return KEY_SEPARATOR.join("" if part is None else part for part in key)


def keys_text(keys) -> str:
    return KEYS_SEPARATOR.join(dict.fromkeys(key_text(key) for key in keys))


def keys_of(text: str) -> list[str]:
    return text.split(KEYS_SEPARATOR) if text else []


class StateStore:
    """The state file of the catalog folder ``root`` (its absolute path and the path it is shown by)."""

    def __init__(self, root: str, directory: str | None = None):
        self.directory = directory or default_cache_dir()
        self.root = root
        # Made before the folder is listed: a file written after that is never trusted by its stat.
        self.listed_ns = time.time_ns()
        name = hashlib.sha256(root.encode()).hexdigest()[:16]
        self.path = os.path.join(self.directory, f"state-{name}-{judging_salt()}.marshal")

    def load(self) -> dict | None:
        """The stored state, or None when there is none or it is not exactly what ``save`` writes."""
        try:
            with open(self.path, "rb") as handle:
                stored = marshal.loads(handle.read())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        if not well_formed(stored, self.root):
            return None
        paths, columns = stored["files"]
        return {**stored, "files": dict(zip(paths, zip(*columns))) if paths else {}}

    def save(self, files: dict, findings: dict, horizon: tuple) -> None:
        """Write the state atomically; a read-only or full cache folder only costs speed.

        Files are stored by column (a list per field): 10,000 records load in a
        few milliseconds that way, where a tuple per file costs ten times more.
        """
        columns = [list(column) for column in zip(*files.values())] if files else [[] for _ in COLUMN_TYPES]
        stored = {"format": STATE_FORMAT, "root": self.root, "listed_ns": self.listed_ns,
                  "files": (list(files), columns), "findings": findings, "horizon": horizon}
        try:
            os.makedirs(self.directory, exist_ok=True)
            temp = f"{self.path}.{os.getpid()}.tmp"
            with open(temp, "wb") as handle:
                handle.write(marshal.dumps(stored))
            os.replace(temp, self.path)
        except OSError:
            pass

    def forget(self) -> None:
        try:
            os.remove(self.path)
        except OSError:
            pass


def well_formed(stored, root: str) -> bool:
    """``stored`` is a state of the folder ``root`` with every part of the shape ``save`` writes."""
    if not isinstance(stored, dict) or stored.get("format") != STATE_FORMAT or stored.get("root") != root:
        return False
    files, findings, horizon = stored.get("files"), stored.get("findings"), stored.get("horizon")
    if not isinstance(stored.get("listed_ns"), int) or not isinstance(findings, dict):
        return False
    if not _well_formed_horizon(horizon):
        return False
    if not _well_formed_files(files):
        return False
    return all(type(path) is str and type(found) is list and all(_typed(f, FINDING_TYPES) for f in found)
               for path, found in findings.items())


def _typed(values, types) -> bool:
    return type(values) is tuple and len(values) == len(types) and all(map(isinstance, values, types))


def _well_formed_files(files) -> bool:
    """(paths, columns): a list of distinct path strings and one list per field, each of its type."""
    if type(files) is not tuple or len(files) != 2 or type(files[0]) is not list or type(files[1]) is not list:
        return False
    paths, columns = files
    if set(map(type, paths)) - {str} or len(set(paths)) != len(paths) or len(columns) != len(COLUMN_TYPES):
        return False
    return all(type(column) is list and len(column) == len(paths) and not set(map(type, column)) - types
               for column, types in zip(columns, COLUMN_TYPES))


def _well_formed_horizon(horizon) -> bool:
    """(earliest, latest) microseconds, each an int or None: "now" must lie strictly between."""
    return type(horizon) is tuple and len(horizon) == 2 and all(h is None or type(h) is int for h in horizon)
