"""The ``.catgen-site`` marker's inventory: the proof that catgen wrote every file of a site folder.

The marker lists every file of the site with its SHA-256 and every folder
(besides the page cache's hashes, ``pagecache``). ``prove`` reads a folder
against its marker: anything unlisted, a changed file, a symbolic link or a
``.git`` is a reason to refuse it. While a rebuild puts its changed files in
place (``sitemerge``) the marker also lists them as ``pending``: a build
killed then leaves each of them old or new, and either proves. The files are
read once per build, and the walk costs a system call or two per entry:
hashing 300 MB of pages takes about 0.45 s here, the walk around it less.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import stat
import time
from dataclasses import dataclass, field

MARKER = ".catgen-site"  # in every site catgen built: the files it wrote, and the page cache's hashes
FOLDER_MODE, FILE_MODE = 0o755, 0o644  # a web server running as another user must read the site
SETTLED_NS = 2_000_000_000  # a file changed this close before a proof is read again by the next one


class Foreign(Exception):
    """The folder holds something catgen did not write; ``str()`` says what."""


@dataclass
class Inventory:
    """A site folder as read: every file's SHA-256 and every folder (paths relative, with ``/``)."""

    files: dict[str, str] = field(default_factory=dict)
    folders: list[str] = field(default_factory=list)
    marker: dict = field(default_factory=dict)  # the folder's marker as read ({} when there is none)
    wrong_modes: list[str] = field(default_factory=list)  # entries whose permission bits are not the site's
    # ``stat_key`` of each file whose digest was read or trusted while it was settled (``SETTLED_NS``)
    settled: dict[str, bytes] = field(default_factory=dict)


def stat_key(found: os.stat_result) -> bytes:
    """What a write to a file changes (its change time at least) or a file put in its place, as the bytes of
    their ``marshal`` form: a third of the tuple's memory (at 50,000 manifests a site has 60,000 files)."""
    return marshal.dumps((found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev))


def walk(folder: str):
    """(shown path, ``os.DirEntry``) of everything under ``folder``, names sorted, a folder's entries before
    those of its subfolders (``os.walk``'s order). Iterative: a deep hostile tree cannot exhaust the stack."""
    pending = [("", folder)]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        inner = []
        for entry in entries:
            yield prefix + entry.name, entry
            if entry.is_dir(follow_symlinks=False):
                inner.append((prefix + entry.name + "/", entry.path))
        pending += reversed(inner)


def read_marker(folder: str) -> dict:
    """The marker of ``folder``, or ``Foreign`` when it has none that lists files."""
    try:
        with open(os.path.join(folder, MARKER), encoding="utf-8") as handle:
            marker = json.load(handle)
    except (OSError, ValueError):
        raise Foreign(f"no readable {MARKER} file") from None
    if not isinstance(marker, dict) or not isinstance(marker.get("files"), dict) \
            or not isinstance(marker.get("folders"), list):
        raise Foreign(f"its {MARKER} file lists no files")
    return marker


def prove(folder: str, known: dict | None = None) -> Inventory:
    """``folder`` read against its marker; ``Foreign`` at the first entry catgen did not write.

    ``known`` maps a file to ``(stat_key, digest)`` as the last proof found it settled: a file with that
    ``stat_key`` has that digest and is not read again.
    """
    known = known or {}
    settled_before = time.time_ns() - SETTLED_NS
    marker = read_marker(folder)
    listed, pending = marker["files"], marker.get("pending")
    pending = pending if isinstance(pending, dict) else {}
    folders = {f for f in marker["folders"] if isinstance(f, str)}
    found = Inventory(marker=marker)
    for shown, entry in walk(folder):
        if entry.name == ".git":
            raise Foreign(f"it holds a git repository, {shown}")
        if entry.is_symlink():
            raise Foreign(f"{shown} is a symbolic link")
        if entry.is_dir(follow_symlinks=False):
            if shown not in folders:
                raise Foreign(f"catgen did not write {shown}/")
            found.folders.append(shown)
            _note_mode(found, shown, entry.stat(follow_symlinks=False).st_mode)
        elif shown != MARKER:
            if shown not in listed and shown not in pending:
                raise Foreign(f"catgen did not write {shown}")
            digest, status = _known_digest(entry, known.get(shown)) if shown in known else (None, None)
            if digest is None or digest not in (listed.get(shown), pending.get(shown)):  # (stats read wrong)
                digest, status = file_digest(entry.path)
            if digest is None or digest not in (listed.get(shown), pending.get(shown)):
                raise Foreign(f"someone changed {shown}")
            found.files[shown] = digest
            _note_mode(found, shown, status.st_mode)
            if status.st_ctime_ns < settled_before:
                found.settled[shown] = stat_key(status)
    found.folders.sort()
    return found


def take(folder: str, skip=frozenset()) -> Inventory:
    """Every file (but the marker and ``skip``) and folder of ``folder`` as it is, hashed; modes noted."""
    found = Inventory()
    for shown, entry in walk(folder):
        if entry.is_dir(follow_symlinks=False):
            found.folders.append(shown)
            _note_mode(found, shown, entry.stat(follow_symlinks=False).st_mode)
        elif shown != MARKER and shown not in skip:
            found.files[shown] = file_sha256(entry.path, found, shown)
    found.folders.sort()
    return found


def _known_digest(entry: os.DirEntry, known) -> tuple[str | None, os.stat_result | None]:
    """``(digest, lstat)`` of a regular file whose ``lstat`` is the one ``known`` pairs with its digest, else
    ``(None, None)``. ``known`` comes from the user's cache: any other shape is nothing known."""
    try:
        status = entry.stat(follow_symlinks=False)
    except OSError:
        return None, None
    if type(known) is tuple and len(known) == 2 and known[0] == stat_key(status) and type(known[1]) is str \
            and stat.S_ISREG(status.st_mode):
        return known[1], status
    return None, None


def file_sha256(path: str, found: Inventory | None = None, shown: str = "") -> str | None:
    """The SHA-256 of a regular file (None when it is not one or cannot be read); its mode noted in ``found``."""
    digest, status = file_digest(path)
    if digest is not None and found is not None:
        _note_mode(found, shown, status.st_mode)
    return digest


def file_digest(path: str) -> tuple[str | None, os.stat_result | None]:
    """``(SHA-256, fstat)`` of a regular file (else None's), the ``fstat`` taken before it is read: a write
    meanwhile moves its time of change, so the next proof never trusts the pair."""
    digest = hashlib.sha256()
    try:
        # Never blocks (a FIFO opens at once and is no regular file) and never follows a link.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        with open(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                return None, None
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None, None
    return digest.hexdigest(), status


def _note_mode(found: Inventory, shown: str, mode: int) -> None:
    if stat.S_IMODE(mode) != (FOLDER_MODE if stat.S_ISDIR(mode) else FILE_MODE):
        found.wrong_modes.append(shown)


def make_world_readable(site: str, entries=None) -> None:
    """Folders 0755, files 0644 (``entries``: those paths under ``site``; default all), whatever the umask.

    Nothing else is anyone's to write, so group and other write bits go too. Symbolic links (none in a
    site catgen wrote; the inventory refuses them) are left alone rather than followed.
    """
    os.chmod(site, FOLDER_MODE)
    if entries is None:
        entries = [shown for shown, _ in walk(site)]
    for shown in entries:
        path = os.path.join(site, shown)
        if not os.path.islink(path):
            os.chmod(path, FOLDER_MODE if os.path.isdir(path) else FILE_MODE)


def read_json(path: str) -> dict:
    """A JSON object read from ``path`` ({} when it is missing, unreadable or not an object)."""
    try:
        with open(path, encoding="utf-8") as handle:
            found = json.load(handle)
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def marker_text(marker: dict) -> str:
    """The marker as catgen writes it: deterministic, so a rebuild's equals a fresh build's."""
    return json.dumps(marker, sort_keys=True, separators=(",", ":"))
