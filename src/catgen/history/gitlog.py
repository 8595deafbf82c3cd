"""The catalog's git history, read once per command: one ``git log``, one ``git cat-file --batch``.

``read_history(root)`` lists every commit that touched the catalog folder
(first-parent on HEAD, by committer date, deleted files included) as per-file
lists of changes; ``History.contents(changes)`` reads the blobs of the files
asked for (the deployment manifests) with one ``git cat-file --batch``.

It uses the safety of ``catgen.load.gitsource``: the repository is the one that
holds the current directory (never one found inside the catalog), git's
location variables are not passed on, nothing from a ref is ever read as an
option, and nothing is written. A catalog outside git, a shallow clone or a
missing git gives a one-line note saying how far back history reaches, never
a crash: without history the working tree stands for now.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone

from catgen.dates import utc_text
from catgen.errors import CatalogError
from catgen.load.gitsource import git_environment, hidden_path, catalog_prefix
from catgen.load.sources import MANIFEST_SUFFIXES

_NO_BLOB = "0" * 40
# Commits are separated by \x01, fields by NUL: neither can occur in a sha, a number or git's author line.
_FORMAT = "%x01%H%x00%ct%x00%an <%ae>"


@dataclass(frozen=True)
class FileChange:
    """One commit's change to one file: ``status`` is A (added), M (modified) or D (deleted)."""

    commit: str
    date: datetime  # the committer date
    author: str
    status: str
    blob: str | None  # the file's object at that commit (None when deleted)


@dataclass
class History:
    """Per catalog path (relative to the catalog), its changes oldest first; ``note`` says what is missing."""

    files: dict = field(default_factory=dict)  # relpath -> [FileChange], oldest first
    note: str | None = None  # one line for stderr when history is missing or cut short
    available: bool = False
    oldest: datetime | None = None  # the oldest commit read: how far back history reaches
    toplevel: str | None = None

    def changes(self, relpath: str, *, at: datetime | None = None) -> list[FileChange]:
        """The file's changes committed at or before ``at`` (all when None)."""
        found = self.files.get(relpath, [])
        return found if at is None else [c for c in found if c.date <= at]

    def contents(self, changes) -> dict:
        """blob id -> bytes for every change that has a blob, from one ``git cat-file --batch``."""
        wanted = sorted({c.blob for c in changes if c.blob})
        if not wanted or self.toplevel is None:
            return {}
        output = _git(self.toplevel, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid in wanted).encode())
        blobs, offset = {}, 0
        for oid in wanted:
            header_end = output.index(b"\n", offset)
            header = output[offset:header_end].decode().split()
            if len(header) != 3:  # "<oid> missing": a partial or damaged clone; the version is unknown
                offset = header_end + 1
                continue
            size = int(header[2])
            blobs[oid] = output[header_end + 1 : header_end + 1 + size]
            offset = header_end + 1 + size + 1
        return blobs


def history_of(catalog) -> History:
    """The history of an opened catalog's folder (none, with a note, for a catalog read from git objects)."""
    if getattr(catalog.source, "ref", None) is not None:
        return History(note="note: no git history for this catalog")
    return read_history(catalog.source.display_root)  # as the user names it: notes quote it


def read_history(root: str) -> History:
    """The catalog's history, or an empty one with a note (outside git, no git, no commits)."""
    shown = root
    try:
        toplevel = _toplevel()
        prefix = catalog_prefix(os.path.abspath(root), toplevel, shown)
    except CatalogError as err:
        return History(note=f"note: no git history for {shown} ({err}); showing the working tree as now")
    try:
        output = _git(toplevel, "--literal-pathspecs", "log", "--first-parent", "-m", "--no-renames", "--raw", "-z",
                      "--no-abbrev", f"--format={_FORMAT}", "HEAD", "--", prefix or ".")
    except CatalogError as err:
        return History(note=f"note: no git history for {shown} ({err}); showing the working tree as now")
    history = History(files=_parse_log(output, prefix), available=True, toplevel=toplevel)
    dates = [c.date for changes in history.files.values() for c in changes]
    history.oldest = min(dates) if dates else None
    if _shallow(toplevel):
        reach = utc_text(history.oldest) if history.oldest else "nowhere"
        history.note = (f"note: shallow clone: history of {shown} reaches back only to {reach}; "
                        "run git fetch --unshallow for all of it")
    return history


# What a commit's date can be, as a datetime; a commit object may say any number (it is text, and anyone can
# write one), and ``git log`` prints a date before 1970 as an unsigned 64-bit number.
_EARLIEST = datetime(1, 1, 2, tzinfo=timezone.utc)  # a day in: no time zone can take a date before year 1
_LATEST = datetime(9999, 12, 31, tzinfo=timezone.utc)


def commit_date(stamp: int) -> datetime:
    """The committer date ``git log`` printed as ``stamp`` (``%ct``): a date before 1970 (printed as its 64-bit
    two's complement) as it is; one that no datetime can hold (before year 1, after 9999) at that end of the
    range, so that the commit stays in the history (an audit shows it there) rather than stopping the command."""
    if stamp >= 1 << 63:
        stamp -= 1 << 64
    try:
        return max(_EARLIEST, min(_LATEST, datetime.fromtimestamp(stamp, timezone.utc)))
    except (OverflowError, OSError, ValueError):
        return _LATEST if stamp > 0 else _EARLIEST


def _parse_log(output: bytes, prefix: str) -> dict:
    files: dict = {}
    for record in output.split(b"\x01"):
        if not record:
            continue
        parts = record.split(b"\0")
        commit, author = parts[0].decode(), parts[2].decode("utf-8", "replace")
        date = commit_date(int(parts[1]) if parts[1].isdigit() else 0)  # no number: 1970, as git shows it
        seen = set()  # -m shows a merge once per parent; --first-parent keeps the first, but be sure
        for meta, raw_path in zip(parts[3::2], parts[4::2]):
            fields = meta.decode().strip().lstrip(":").split()
            if len(fields) < 5:
                continue
            path = raw_path.decode("utf-8", "surrogateescape")
            relpath = path[len(prefix):]
            if path in seen or not path.startswith(prefix) or hidden_path(relpath) or \
                    not relpath.endswith(MANIFEST_SUFFIXES):
                continue
            seen.add(path)
            status, blob = fields[4][0], fields[3]
            change = FileChange(commit, date, author, status, None if status == "D" or blob == _NO_BLOB else blob)
            files.setdefault(relpath, []).append(change)
    for changes in files.values():
        changes.reverse()  # git log lists the newest first
    return files


def _toplevel() -> str:
    done = _run(os.getcwd(), "rev-parse", "--show-toplevel")
    toplevel = done.stdout.decode("utf-8", "surrogateescape").rstrip("\n")
    if done.returncode != 0 or not toplevel:
        raise CatalogError("the current directory is not in a git working tree")
    return toplevel


def _shallow(toplevel: str) -> bool:
    done = _run(toplevel, "rev-parse", "--is-shallow-repository")
    return done.returncode == 0 and done.stdout.strip() == b"true"


def _git(cwd: str, *args: str, stdin: bytes | None = None) -> bytes:
    done = _run(cwd, *args, stdin=stdin)
    if done.returncode != 0:
        lines = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        reason = lines[0].removeprefix("fatal: ") if lines else "no reason given"
        raise CatalogError(f"git failed: {reason}")
    return done.stdout


def _run(cwd: str, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", cwd, *args], input=stdin, capture_output=True, env=git_environment())
    except OSError as err:
        raise CatalogError(f"cannot run git: {err.strerror or err}") from None
