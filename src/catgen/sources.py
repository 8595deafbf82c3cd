"""Where manifest bytes come from: a folder on disk (and, later, a git revision).

A source lists the manifest files under a catalog root and reads them. The
catalog loader takes any source, so the same loader reads the working tree and
a base revision.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from catgen.yamlsafe import MAX_BYTES

MANIFEST_SUFFIXES = (".yaml", ".yml")


class CatalogError(Exception):
    """The check itself cannot run (exit 2): the message is the one-line reason."""


@dataclass(frozen=True)
class SourceFile:
    relpath: str  # posix, relative to the catalog root
    size: int
    symlink: bool = False


class DirectorySource:
    """Manifest files in a folder; hidden files and folders are skipped, links not followed."""

    def __init__(self, root: str):
        self.root = os.path.abspath(root)
        if not os.path.isdir(self.root):
            raise CatalogError(f"catalog folder {root!r} does not exist or is not a folder")
        self.display_root = _display_root(self.root)

    def files(self) -> list[SourceFile]:
        found: list[SourceFile] = []
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
                    found.append(self._describe(entry, rel))
        found.sort(key=lambda f: f.relpath)
        return found

    def _scan(self, rel_dir: str) -> list:
        try:
            with os.scandir(os.path.join(self.root, rel_dir)) as entries:
                return list(entries)
        except OSError as err:
            raise CatalogError(f"cannot read folder {self.display(rel_dir or '.')}: {err.strerror}") from None

    @staticmethod
    def _describe(entry, rel: str) -> SourceFile:
        if entry.is_symlink():
            return SourceFile(rel, 0, symlink=True)
        try:
            return SourceFile(rel, entry.stat(follow_symlinks=False).st_size)
        except FileNotFoundError:  # vanished since the listing: the read will say so
            return SourceFile(rel, 0)

    def read(self, relpath: str) -> bytes:
        """At most MAX_BYTES + 1 bytes: enough to know a file is too large."""
        try:
            with open(os.path.join(self.root, relpath), "rb") as handle:
                return handle.read(MAX_BYTES + 1)
        except OSError as err:
            raise CatalogError(f"cannot read {self.display(relpath)}: {err.strerror or err}") from None

    def display(self, relpath: str) -> str:
        """A catalog path as shown to the user: relative to the current directory."""
        return relpath if self.display_root == "." else f"{self.display_root}/{relpath}"


def _display_root(root: str) -> str:
    try:
        rel = os.path.relpath(root)
    except ValueError:  # another drive on Windows
        return root.replace(os.sep, "/")
    return rel.replace(os.sep, "/")
