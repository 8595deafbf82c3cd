"""Where manifest bytes come from: a folder on disk (and, later, a git revision).

A source lists the manifest files under a catalog root and reads them. The
catalog loader takes any source, so the same loader reads the working tree and
a base revision.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from stat import S_ISLNK, S_ISREG

from catgen.errors import CatalogError
from catgen.load.yamlsafe import MAX_BYTES

MANIFEST_SUFFIXES = (".yaml", ".yml")


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
        return sorted(self.walk(), key=lambda f: f.relpath)

    def walk(self):
        """The files of ``files()`` as the folders are listed, in no particular order (a cold check parses
        them meanwhile: ``parsing.ParseStream``)."""
        pending = [""]
        while pending:  # iterative walk: deep trees cannot exhaust the stack
            rel_dir = pending.pop()
            for entry in self._scan(rel_dir):
                if entry.name.startswith("."):
                    continue
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append(rel)
                elif entry.name.endswith(MANIFEST_SUFFIXES):
                    yield self._describe(entry, rel)
                elif entry.is_symlink() and _points_to_folder(entry):
                    yield SourceFile(rel, 0, symlink=True, folder=True)

    def _scan(self, rel_dir: str) -> list:
        try:
            with os.scandir(os.path.join(self.root, rel_dir)) as entries:
                return list(entries)
        except FileNotFoundError:  # removed since its parent was listed: it is not there
            return []
        except OSError as err:
            raise CatalogError(f"cannot read folder {self.display(rel_dir or '.')}: {err.strerror}") from None

    @staticmethod
    def _describe(entry, rel: str) -> SourceFile:
        try:  # one lstat tells the type, the size and the time
            seen = entry.stat(follow_symlinks=False)
        except FileNotFoundError:  # vanished since the listing: the read will say so
            return SourceFile(rel, 0)
        if S_ISLNK(seen.st_mode):
            return SourceFile(rel, 0, symlink=True)
        if not S_ISREG(seen.st_mode):  # a named pipe would block the read forever
            return SourceFile(rel, 0, special=True)
        return SourceFile(rel, seen.st_size, mtime_ns=seen.st_mtime_ns, inode=seen.st_ino)

    def read(self, relpath: str) -> bytes:
        """At most MAX_BYTES + 1 bytes: enough to know a file is too large.

        ``FileNotFoundError`` passes through (the file vanished since the
        listing; the loader skips it); any other failure is a ``CatalogError``.
        """
        try:
            with open(os.path.join(self.root, relpath), "rb") as handle:
                return _read_capped(handle)
        except FileNotFoundError:
            raise
        except OSError as err:
            raise CatalogError(f"cannot read {self.display(relpath)}: {err.strerror or err}") from None

    def display(self, relpath: str) -> str:
        """A catalog path as shown to the user: relative to the current directory."""
        return relpath if self.display_root == "." else f"{self.display_root}/{relpath}"


def _read_capped(handle) -> bytes:
    """The file's bytes, at most MAX_BYTES + 1, asking for about its size.

    Never simply ``read(MAX_BYTES + 1)``: CPython allocates the whole request
    first, and glibc keeps each such buffer as its own memory mapping after
    shrinking it, so 65,530 small files (Linux's ``vm.max_map_count``) exhaust
    the mappings and the next allocation fails.
    """
    wanted = min(os.fstat(handle.fileno()).st_size, MAX_BYTES) + 1
    data = handle.read(wanted)
    if len(data) == wanted and wanted <= MAX_BYTES:  # it grew since fstat: read on, capped
        data += handle.read(MAX_BYTES + 1 - wanted)
    return data


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
