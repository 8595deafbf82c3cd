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
state at all, and the check is a full one. The records stay by column once
read (``Records``): a warm re-check compares the listing's sizes, times, inodes
and types with the stored ones a whole column at a time (``changed_paths``) and
makes a tuple only for the files it reads again (benchmarks/README.md, issue 17).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from collections.abc import Mapping
from functools import cache

from catgen.load.parsing import default_cache_dir, salt, source_digest
from catgen.load.yamlsafe import MAX_BYTES

STATE_FORMAT = 1
# Without the object references of versions 3 and 4: their bookkeeping made a save of 10,000 records
# 4-6 times slower when the strings are also held elsewhere (the listing, the index), and loads slower.
MARSHAL_VERSION = 2
# The modules whose code decides a finding; their source is part of the salt.
_JUDGING = ("rules", "graph", "checking")
_JUDGING_FILES = ("model.py", "policy.py", "dates.py", "diff.py", "wording.py", "load/catalog.py")

# One file's record: (size, mtime_ns, inode, flags, digest, kind, identity, implied, refs, anchors, groups).
# Identities are keys (``key_text``); refs, anchors and groups are keys joined by KEYS_SEPARATOR.
SIZE, MTIME, INODE, FLAGS, DIGEST, KIND, IDENTITY, IMPLIED, REFS, ANCHORS, GROUPS = range(11)
COLUMN_TYPES = ({int}, {int}, {int}, {int}, {str}, {str, type(None)}, {str, type(None)}, {str, type(None)},
                {str}, {str}, {str})
KEY_SEPARATOR, KEYS_SEPARATOR = "\x1f", "\x1e"
RACY_NS = 2_000_000_000  # a file written this close before the last listing may change within one mtime tick
FINDING_TYPES = (str, str, str, str, int, int, str, (str, type(None)))


@cache
def judging_salt() -> str:
    """The parse cache's salt and the source of every module that judges."""
    return source_digest(hashlib.sha256(f"{STATE_FORMAT}|{salt()}|".encode()), _JUDGING, _JUDGING_FILES)


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
        name = hashlib.sha256(os.fsencode(root)).hexdigest()[:16]  # by its bytes: a folder name need not be UTF-8
        self.path = os.path.join(self.directory, f"state-{name}-{judging_salt()}.marshal")

    def load(self) -> dict | None:
        """The stored state, or None when there is none or it is not exactly what ``save`` writes.

        Its ``files`` are ``Records``: the columns as stored, made into one tuple per file only when asked.
        """
        try:
            with open(self.path, "rb") as handle:
                stored = marshal.loads(handle.read())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        if not well_formed(stored, self.root):
            return None
        return {**stored, "files": Records(*stored["files"])}

    def save(self, files: Records, findings: dict, horizon: tuple) -> None:
        """Write the state atomically; a read-only or full cache folder only costs speed.

        Files are stored by column (a list per field): 10,000 records load in a
        few milliseconds that way, where a tuple per file costs ten times more.
        """
        stored = {"format": STATE_FORMAT, "root": self.root, "listed_ns": self.listed_ns,
                  "files": (files.paths, files.columns), "findings": findings, "horizon": horizon}
        try:
            os.makedirs(self.directory, exist_ok=True)
            temp = f"{self.path}.{os.getpid()}.tmp"
            with open(temp, "wb") as handle:
                handle.write(marshal.dumps(stored, MARSHAL_VERSION))
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


class Records(Mapping):
    """Every file's record by path, kept as the state stores them: the paths and one list per field.

    A warm re-check compares whole columns with the listing's (``changed_paths``) and reads the
    records of the few files that changed: a tuple per file is made only when it is asked for, and
    all of them only when something walks every record.
    """

    def __init__(self, paths: list, columns: list):
        self.paths, self.columns = paths, columns
        self._rows: dict | None = None
        self._index: dict | None = None

    @classmethod
    def of(cls, records: dict) -> Records:
        """From ``{path: record}``, in the dict's order."""
        columns = [list(column) for column in zip(*records.values())] if records else [[] for _ in COLUMN_TYPES]
        return cls(list(records), columns)

    def index(self) -> dict:
        """Path -> its row in ``paths`` and every column."""
        if self._index is None:
            self._index = dict(zip(self.paths, range(len(self.paths))))
        return self._index

    def row(self, row: int) -> tuple:
        return tuple(column[row] for column in self.columns)

    def replaced(self, records: dict) -> Records:
        """These records with ``records`` (path -> record, each path one of these) in place."""
        columns, index = [list(column) for column in self.columns], self.index()
        for path, record in records.items():
            row = index[path]
            for column, value in zip(columns, record):
                column[row] = value
        return Records(self.paths, columns)

    def __getitem__(self, path: str) -> tuple:
        if self._rows is not None:
            return self._rows[path]
        return self.row(self.index()[path])

    def __contains__(self, path) -> bool:
        return path in self.index()

    def __iter__(self):
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def items(self):
        if self._rows is None:
            self._rows = dict(zip(self.paths, zip(*self.columns)))
        return self._rows.items()


def trusted_before(listed_ns: int) -> int:
    """A file last written before this time (ns) is known by its stat; later, it may change within one tick."""
    return listed_ns - RACY_NS


def changed_paths(source, listing: list, paths: list, state: dict) -> tuple[set, dict]:
    """Paths added, removed or with other bytes; and the records of files whose stat alone changed.

    ``listing``: what the listing saw (``sources.Seen``), ``paths`` their paths. A file is read
    again when its stat (size, time, inode, type) differs from the stored one or was taken
    within ``RACY_NS`` of the state; when the paths are the stored ones, in order, those files
    are found by comparing whole columns.
    """
    stored, trusted = state["files"], trusted_before(state["listed_ns"])
    if paths == stored.paths:
        changed, rows = set(), _suspect_rows(listing, stored, trusted)
    else:  # files added or removed: each is looked up by path
        changed = set(stored.paths) - set(paths)
        kept = dict(zip(stored.paths, zip(*stored.columns[:FLAGS + 1])))
        rows = [row for row, seen in enumerate(listing) if seen[1:] != kept.get(seen[0]) or seen[2] >= trusted]
    restated = {}
    for row in rows:
        seen = listing[row]
        old = stored.get(seen.relpath)
        if old is None or seen.kind != old[FLAGS]:
            changed.add(seen.relpath)
        elif seen.kind or seen.size > MAX_BYTES or seen.size != old[SIZE]:
            changed.add(seen.relpath)  # never read, or of another size: changed
        elif _digest_now(source, seen.relpath) == old[DIGEST]:
            restated[seen.relpath] = tuple(seen[1:]) + old[FLAGS + 1:]
        else:
            changed.add(seen.relpath)
    return changed, restated


def _suspect_rows(listing: list, stored: Records, trusted: int) -> list[int]:
    """The rows whose stat differs from the stored one or is too recent to trust: column by column."""
    seen_columns = list(zip(*listing))[1:] if listing else [()] * (FLAGS + 1)
    suspects: set = set()
    for seen, kept in zip(seen_columns, stored.columns[:FLAGS + 1]):
        if list(seen) != kept:
            suspects.update(row for row, (now, before) in enumerate(zip(seen, kept)) if now != before)
    times = seen_columns[MTIME]
    if max(times, default=trusted) >= trusted:
        suspects.update(row for row, time_ns in enumerate(times) if time_ns >= trusted)
    return sorted(suspects)


def _digest_now(source, relpath: str) -> str | None:
    try:
        return content_digest(source.read(relpath))
    except FileNotFoundError:
        return None
