"""Where manifest bytes come from: a folder on disk (and, later, a git revision).

A source lists the manifest files under a catalog root and reads them. The
catalog loader takes any source, so the same loader reads the working tree and
a base revision.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple
from stat import S_ISLNK, S_ISREG

from catgen.errors import CatalogError
from catgen.load.yamlsafe import MAX_BYTES
from catgen.processes import Forked, fork_is_safe

MANIFEST_SUFFIXES = (".yaml", ".yml")
# A FIFO opens at once (and is then refused), a link is not followed, no child process inherits the file.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class SourceFile:
    relpath: str  # posix, relative to the catalog root
    size: int
    symlink: bool = False
    folder: bool = False  # a symbolic link to a folder (reported, never walked)
    special: bool = False  # not a regular file (a named pipe, a socket, a device): never opened
    # What the listing's stat saw (checking/incremental.py compares it with its state), not what the file is.
    mtime_ns: int = field(default=0, compare=False)
    inode: int = field(default=0, compare=False)

    @property
    def kind(self) -> int:
        """``symlink``, ``folder`` and ``special`` as the bits of ``Seen.kind``."""
        return int(self.symlink) | int(self.folder) << 1 | int(self.special) << 2


SYMLINK, FOLDER, SPECIAL = 1, 2, 4
UNKNOWN_SIZE = -1  # a file listed by ``walk``, which does not stat regular files
SHARE_FROM = 256  # folders waiting to be listed: from this many a second process lists half (fewer: not worth it)


class Seen(NamedTuple):
    """What the listing saw of one file: plain data, so 10,000 of them are compared at once."""

    relpath: str
    size: int
    mtime_ns: int
    inode: int
    kind: int  # SYMLINK | FOLDER | SPECIAL bits; 0: a regular file


def source_file(seen: Seen) -> SourceFile:
    """The ``SourceFile`` of a listed file, made without the frozen dataclass's ``__init__``, which sets each
    field through ``object.__setattr__`` (a third of the listing's own Python time at 10,000 files)."""
    made = object.__new__(SourceFile)
    fields = made.__dict__
    fields["relpath"], fields["size"], fields["mtime_ns"], fields["inode"], kind = seen
    fields["symlink"], fields["folder"], fields["special"] = _KIND_FLAGS[kind]
    return made


_KIND_FLAGS = [(bool(kind & SYMLINK), bool(kind & FOLDER), bool(kind & SPECIAL)) for kind in range(8)]


class DirectorySource:
    """Manifest files in a folder; hidden files and folders are skipped, links not followed.

    A symbolic link is listed (and reported by the loader) when it looks like a
    manifest or points to a folder: a linked folder is never walked, but it is
    never silently ignored either. A file or folder that disappears while the
    catalog is read is treated as absent: ``read`` raises ``FileNotFoundError``
    for it, which the loader takes to mean "not part of the catalog any more".
    """

    def __init__(self, root: str):
        self.root = os.path.abspath(root)
        if not os.path.isdir(self.root):
            raise CatalogError(f"catalog folder {root!r} does not exist or is not a folder")
        self.display_root = display_root_of(self.root)

    def files(self) -> list[SourceFile]:
        return [source_file(seen) for seen in self.stats()]

    def stats(self) -> list[Seen]:
        """What the listing saw of each file, in path order (the warm re-check compares them with its state).

        A large tree is listed on both cores: the first folders here, breadth first, until ``SHARE_FROM`` wait
        to be listed; then a forked child lists every other one of them (with what is under it) while this
        process lists the rest. An ``lstat`` per file is most of a warm re-check (benchmarks/README.md, issue 17).
        """
        pending, seen = deque([""]), []
        while pending and len(pending) < SHARE_FROM:
            seen += self._folder(pending.popleft(), _seen, pending)
        return sorted(seen + self._listed_on_both_cores(list(pending)))  # by relpath: no two are equal

    def _listed_on_both_cores(self, folders: list[str]) -> list[Seen]:
        if not folders or not fork_is_safe():
            return list(self._walk(_seen, folders))
        theirs, mine = folders[1::2], folders[::2]  # every other one: each kind's folders on both sides
        # The child ends at its next folder once this process has ended (importing ctypes for prctl, as the
        # longer-lived workers do, would cost it a fifth of its time).
        parent = os.getpid()

        def their_share() -> list:
            return [tuple(seen) for seen in self._walk(_seen, theirs, orphaned=lambda: os.getppid() != parent)]

        with Forked(their_share, ends_with_parent=False) as child:
            seen = list(self._walk(_seen, mine))
            shipped = child.result()
        try:  # the child is this process's fork: what it sends is what _walk made, unless it failed
            return seen + [Seen(*one) for one in shipped]
        except TypeError:  # it failed (a folder it could not read, say): its share is listed here
            return seen + list(self._walk(_seen, theirs))

    def walk(self):
        """The files of ``files()`` as the folders are listed, in no particular order (a cold check parses
        them meanwhile: ``parsing.ParseStream``). A regular file is told by its folder entry's type, without
        the ``lstat`` (half the listing's time): its size is ``UNKNOWN_SIZE`` (the read caps it, ``size_of``
        says how large one over the limit is) and its time and inode 0."""
        return map(source_file, self._walk(_typed))

    def folder(self, rel_dir: str, *, stat_files: bool = True) -> tuple[list[Seen], list[str], list[str]]:
        """What the listing sees of the files right in the folder ``rel_dir`` (without ``stat_files``, as ``walk``
        does), the folders in it, and the links in it whose names are not a manifest's (``watchedtree``)."""
        folders: list[str] = []
        links: list[str] = []
        return self._folder(rel_dir, _seen if stat_files else _typed, folders, links), folders, links

    def stats_below(self, rel_dirs: list[str]) -> list[Seen]:
        """What the listing sees of every file in and under the folders ``rel_dirs``, in no particular order."""
        return list(self._walk(_seen, list(rel_dirs)))

    def _walk(self, describe, pending: list | None = None, orphaned=None):
        """What ``describe`` makes of each file in the ``pending`` folders (the root's), and under them;
        ``orphaned()``, asked before each folder, ends the walk (a listing child whose parent has ended)."""
        pending = [""] if pending is None else pending
        while pending:  # iterative walk: deep trees cannot exhaust the stack
            if orphaned is not None and orphaned():
                raise CatalogError("the process that asked for this listing has ended")
            yield from self._folder(pending.pop(), describe, pending)

    def _folder(self, rel_dir: str, describe, pending, links: list | None = None) -> list:
        """What ``describe`` makes of each manifest file in the folder ``rel_dir``; its folders go to ``pending``,
        its links not named as manifests to ``links`` if asked (listed when they point to a folder)."""
        prefix = f"{rel_dir}/" if rel_dir else ""
        found = []
        for entry in self._scan(rel_dir):
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):  # the folder's own entry type: no system call
                pending.append(prefix + name)
            elif name.endswith(MANIFEST_SUFFIXES):
                found.append(describe(entry, prefix + name))
            elif entry.is_symlink():
                if links is not None:
                    links.append(prefix + name)
                if _points_to_folder(entry):
                    found.append(Seen(prefix + name, 0, 0, 0, SYMLINK | FOLDER))
        return found

    def _scan(self, rel_dir: str) -> list:
        try:
            with os.scandir(os.path.join(self.root, rel_dir)) as entries:
                return list(entries)
        except FileNotFoundError:  # removed since its parent was listed: it is not there
            return []
        except OSError as err:
            raise CatalogError(f"cannot read folder {self.display(rel_dir or '.')}: {err.strerror}") from None

    def read(self, relpath: str) -> bytes:
        """At most MAX_BYTES + 1 bytes: enough to know a file is too large.

        ``FileNotFoundError`` passes through (the file vanished since the
        listing; the loader skips it); any other failure is a ``CatalogError``.
        """
        # The listing saw a regular file; one put in its place since (a FIFO, a link) is not waited on nor followed.
        # Plain descriptors, not ``open()``: its file object costs as much as the read (half a cold check's reading).
        try:
            handle = os.open(f"{self.root}{os.sep}{relpath}", _READ_FLAGS)
        except FileNotFoundError:
            raise
        except OSError as err:
            raise CatalogError(f"cannot read {self.display(relpath)}: {err.strerror or err}") from None
        try:
            status = os.fstat(handle)
            if not S_ISREG(status.st_mode):
                raise CatalogError(f"cannot read {self.display(relpath)}: not a regular file")
            return read_capped(handle, status.st_size)
        except OSError as err:
            raise CatalogError(f"cannot read {self.display(relpath)}: {err.strerror or err}") from None
        finally:
            os.close(handle)

    def size_of(self, relpath: str) -> int:
        """The file's size now, 0 if it cannot be seen (a file read over the limit: its CG105 says how large)."""
        try:
            return os.lstat(f"{self.root}{os.sep}{relpath}").st_size
        except OSError:
            return 0

    def display(self, relpath: str) -> str:
        """A catalog path as shown to the user: relative to the current directory."""
        return relpath if self.display_root == "." else f"{self.display_root}/{relpath}"


def _seen(entry, rel: str) -> Seen:
    try:  # one lstat tells the type, the size and the time
        seen = entry.stat(follow_symlinks=False)
    except FileNotFoundError:  # vanished since the listing: the read will say so
        return Seen(rel, 0, 0, 0, 0)
    if S_ISREG(seen.st_mode):
        return Seen(rel, seen.st_size, seen.st_mtime_ns, seen.st_ino, 0)
    if S_ISLNK(seen.st_mode):
        return Seen(rel, 0, 0, 0, SYMLINK)
    return Seen(rel, 0, 0, 0, SPECIAL)  # a named pipe would block the read forever


def _typed(entry, rel: str) -> Seen:
    """``_seen`` without the ``lstat`` for a regular file, which the folder entry's type tells (no system call on
    Linux's common file systems); a link or anything else is ``lstat``ed as ``_seen`` does."""
    if entry.is_file(follow_symlinks=False):
        return Seen(rel, UNKNOWN_SIZE, 0, 0, 0)
    return _seen(entry, rel)


def read_capped(handle: int, size: int) -> bytes:
    """The bytes of the open file ``handle``, at most MAX_BYTES + 1, asking for about its ``size`` (its fstat).

    Never simply ``read(MAX_BYTES + 1)``: CPython allocates the whole request
    first, and glibc keeps each such buffer as its own memory mapping after
    shrinking it, so 65,530 small files (Linux's ``vm.max_map_count``) exhaust
    the mappings and the next allocation fails. A read may return less than
    asked (a network or FUSE file system): it reads on to the end.
    """
    wanted = min(size, MAX_BYTES) + 1
    data = os.read(handle, wanted)
    if len(data) < wanted - 1:  # less than fstat said: a short read, or it shrank
        data += _read_up_to(handle, wanted - len(data))
    if len(data) == wanted and wanted <= MAX_BYTES:  # it grew since fstat: read on, capped
        data += _read_up_to(handle, MAX_BYTES + 1 - wanted)
    return data


def _read_up_to(handle: int, count: int) -> bytes:
    parts = []
    while count > 0:
        part = os.read(handle, min(count, 1 << 16))
        if not part:
            break
        parts.append(part)
        count -= len(part)
    return b"".join(parts)


def _points_to_folder(entry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:  # a broken or looping link points nowhere we could walk
        return False


def display_root_of(root: str) -> str:
    try:
        rel = os.path.relpath(root)
    except ValueError:  # another drive on Windows
        return root.replace(os.sep, "/")
    return rel.replace(os.sep, "/")
