"""Manifest files as they are at a git revision, read straight from git's objects.

``GitSource`` is the base side of ``catgen check --base REF``. It has the
interface of ``catgen.load.sources.DirectorySource`` (``files()``, ``read()``,
``display()``, ``display_root``), so the same safe loader reads both sides.

It never checks anything out and writes nothing in the repository: three
read-only git commands do all the work.

- ``git rev-parse`` finds the repository, the catalog's place in it and the
  commit ``REF`` names;
- ``git ls-tree -r -z --long`` lists the catalog's files at that commit, with
  their modes (symbolic links are mode 120000) and sizes;
- one ``git cat-file --batch`` process reads every blob on the first
  ``read()``. One process for the whole catalog, not one per file: starting a
  process costs more than reading a small manifest, and the base of a
  10,000-manifest catalog must load about as fast as the working tree.

Paths are displayed exactly as the working tree's are (relative to the
current directory), so a finding in the base lines up with its file.
"""

from __future__ import annotations

import os
import subprocess

from catgen.errors import CatalogError
from catgen.load.sources import MANIFEST_SUFFIXES, SourceFile, display_root_of
from catgen.load.yamlsafe import MAX_BYTES

SYMLINK_MODE = "120000"
_GIT_ENV = {
    "GIT_OPTIONAL_LOCKS": "0",  # never take (or write) the index lock, even opportunistically
    "GIT_NO_LAZY_FETCH": "1",  # a partial clone must not reach for the network
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",  # git's messages in one language, so they can be recognised
}


class GitSource:
    """The manifest files under ``root`` at the commit ``ref`` names."""

    def __init__(self, root: str, ref: str):
        self.root = os.path.abspath(root)
        if not os.path.isdir(self.root):
            raise CatalogError(f"catalog folder {root!r} does not exist or is not a folder")
        self.display_root = display_root_of(self.root)
        self.ref = ref
        self.toplevel, self.prefix = _locate_in_repository(self.root, root)
        self.commit = self._resolve(ref)
        self._entries: dict[str, tuple[str, SourceFile]] = {}  # relpath -> (object id, file)
        self._blobs: dict[str, bytes] | None = None  # relpath -> bytes, filled on first read

    def files(self) -> list[SourceFile]:
        """The catalog's manifest files at the commit, sorted by path."""
        self._entries = {}
        for mode, oid, size, path in self._list_tree():
            relpath = path[len(self.prefix):]
            if _hidden(relpath) or not relpath.endswith(MANIFEST_SUFFIXES):
                continue
            entry = SourceFile(relpath, 0, symlink=True) if mode == SYMLINK_MODE else SourceFile(relpath, size)
            self._entries[relpath] = (oid, entry)
        self._blobs = None
        return sorted((entry for _, entry in self._entries.values()), key=lambda f: f.relpath)

    def read(self, relpath: str) -> bytes:
        """At most MAX_BYTES + 1 bytes of the file at the commit."""
        if self._blobs is None:
            self._blobs = self._read_all()
        try:
            return self._blobs[relpath][: MAX_BYTES + 1]
        except KeyError:
            where = f"{self.display(relpath)} at {self.ref}"
            raise CatalogError(f"cannot read {where}: not a manifest file there") from None

    def display(self, relpath: str) -> str:
        """A catalog path as shown to the user: the working tree's path for it."""
        return relpath if self.display_root == "." else f"{self.display_root}/{relpath}"

    # -- git ------------------------------------------------------------------

    def _resolve(self, ref: str) -> str:
        if not ref or ref.startswith("-"):  # never let a ref be read as an option
            raise CatalogError(f"--base {ref!r} is not a git revision")
        done = _git(self.toplevel, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
                    check=False)
        if done.returncode != 0:
            hint = "in a shallow clone, fetch it first: git fetch --depth=1 origin <sha>"
            raise CatalogError(f"--base {ref!r} names no commit in {self.toplevel} ({hint})")
        return done.stdout.decode().strip()

    def _list_tree(self):
        """(mode, object id, size, path from the top level) of each blob under the catalog."""
        pathspec = [self.prefix] if self.prefix else []
        done = _git(self.toplevel, "--literal-pathspecs", "ls-tree", "-r", "-z", "--long", "--full-tree", self.commit,
                    "--", *pathspec)
        for record in done.stdout.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            mode, kind, oid, size = meta.decode().split()
            if kind != "blob":  # a submodule is a commit, not a file
                continue
            yield mode, oid, int(size), path.decode("utf-8", "surrogateescape")

    def _read_all(self) -> dict[str, bytes]:
        """Every listed blob small enough to load, from one ``git cat-file --batch``."""
        wanted = [(relpath, oid) for relpath, (oid, entry) in self._entries.items()
                  if not entry.symlink and entry.size <= MAX_BYTES]
        if not wanted:
            return {}
        request = "".join(f"{oid}\n" for _, oid in wanted).encode()
        output = _git(self.toplevel, "cat-file", "--batch", stdin=request).stdout
        blobs, offset = {}, 0
        for relpath, oid in wanted:
            header_end = output.index(b"\n", offset)
            header = output[offset:header_end].decode().split()
            if len(header) != 3:  # "<oid> missing": the commit's objects are not all here
                where = f"{self.display(relpath)} at {self.ref}"
                raise CatalogError(f"cannot read {where}: object {oid} is missing from the repository")
            size = int(header[2])
            blobs[relpath] = output[header_end + 1 : header_end + 1 + size]
            offset = header_end + 1 + size + 1  # the contents are followed by a newline
        return blobs


def _locate_in_repository(root: str, shown: str) -> tuple[str, str]:
    """The repository's top level and the catalog's path in it (``catalog/``, or ``""`` at the top)."""
    done = _git(root, "rev-parse", "--show-toplevel", "--show-prefix", check=False)
    if done.returncode != 0:
        reason = _first_line(done.stderr)
        if "not a git repository" in reason:
            raise CatalogError(f"catalog folder {shown!r} is not in a git repository; --base needs one")
        raise CatalogError(f"cannot use git in {shown!r}: {reason}")
    lines = done.stdout.decode("utf-8", "surrogateescape").split("\n")
    if len(lines) < 2 or not lines[0]:
        raise CatalogError(f"catalog folder {shown!r} is not in a git working tree; --base needs one")
    return lines[0], lines[1]


def _git(cwd: str, *args: str, stdin: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run one read-only git command; failures become a one-line ``CatalogError``."""
    try:
        done = subprocess.run(["git", "-C", cwd, *args], input=stdin, capture_output=True,
                              env={**os.environ, **_GIT_ENV})
    except FileNotFoundError:
        raise CatalogError("git is not installed (or not on PATH); --base reads the base revision with git") from None
    except OSError as err:
        raise CatalogError(f"cannot run git: {err.strerror or err}") from None
    if check and done.returncode != 0:
        command = args[0] if args[0] != "--literal-pathspecs" else args[1]
        raise CatalogError(f"git {command} failed: {_first_line(done.stderr)}")
    return done


def _first_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[0].removeprefix("fatal: ") if lines else "no reason given"


def _hidden(relpath: str) -> bool:
    """Hidden files and folders are skipped, as in the working tree."""
    return any(part.startswith(".") for part in relpath.split("/"))
