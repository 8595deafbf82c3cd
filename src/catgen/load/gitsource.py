"""Manifest files as they are at a git revision, read straight from git's objects.

``GitSource`` is the base side of ``catgen check --base REF``. It has the
interface of ``catgen.load.sources.DirectorySource`` (``files()``, ``read()``,
``display()``, ``display_root``), so the same safe loader reads both sides.

It never checks anything out and writes nothing in the repository: three
read-only git commands do all the work.

- ``git rev-parse`` finds the repository (the one that holds the current
  directory, never one found inside the catalog) and the commit ``REF`` names
  (exactly one: a name git could read as two refs is refused);
- ``git ls-tree -r -z --long`` lists the catalog's files at that commit, with
  their modes (symbolic links are mode 120000) and sizes;
- one ``git cat-file --batch`` process reads every blob on the first
  ``read()``. One process for the whole catalog, not one per file: starting a
  process costs more than reading a small manifest, and the base of a
  10,000-manifest catalog must load about as fast as the working tree.

Paths are displayed exactly as the working tree's are (relative to the
current directory), so a finding in the base lines up with its file.

The change under review must not choose its judge (SPEC §6), and every file of
the working tree is the change's: so the catalog's path in the base is the
path of the real folder (a symbolic link on the way inside the work tree could
point the base at a path where it has no policy), and a catalog folder that is,
or lies in, a git repository of its own is refused rather than read.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import deque
from pathlib import Path

from catgen.errors import CatalogError
from catgen.load.sources import MANIFEST_SUFFIXES, SourceFile, display_root_of
from catgen.load.yamlsafe import MAX_BYTES

SYMLINK_MODE = "120000"
_GIT_ENV = {
    "GIT_OPTIONAL_LOCKS": "0",  # never take (or write) the index lock, even opportunistically
    "GIT_NO_LAZY_FETCH": "1",  # a partial clone must not reach for the network
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",  # git's messages in one language, so they can be recognised
    "GIT_NO_REPLACE_OBJECTS": "1",  # refs/replace/* could swap the base's objects for others
}
# The repository is found from the current directory alone: variables that point git
# elsewhere (set by a hook, a wrapper or an earlier step) are not passed on.
_GIT_LOCATION_VARIABLES = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_INDEX_FILE", "GIT_NAMESPACE", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
)
_OWN_REPOSITORY_MARKERS = ("HEAD", "objects", "refs")  # a bare repository's layout, with or without .git
# Paths named on git's command line: at most this many and this many characters in all (Linux allows
# 2 MiB of arguments and environment; a file path may be 4 KB long), else the whole tree is listed.
_FEW_PATHS, _FEW_PATH_CHARS = 1000, 100_000
_NO_GIT = "git is not installed (or not on PATH); --base reads the base revision with git"
_MAX_LINK_HOPS = 40  # as the kernel's ELOOP limit
_AMBIGUOUS = re.compile(r"refname '(.*)' is ambiguous")
_FULL_OBJECT_NAME = re.compile(r"[0-9a-fA-F]{40}(?:[0-9a-fA-F]{24})?(?![^~^])")  # git always reads it as the object


class GitSource:
    """The manifest files under ``root`` at the commit ``ref`` names."""

    def __init__(self, root: str, ref: str):
        self.root = os.path.abspath(root)
        if not os.path.isdir(self.root):
            raise CatalogError(f"catalog folder {root!r} does not exist or is not a folder")
        self.display_root = display_root_of(self.root)
        self.ref = ref
        self.toplevel = _repository_toplevel()
        self.prefix = catalog_prefix(self.root, self.toplevel, root)
        self.commit = self._resolve(ref)
        self._entries: dict[str, tuple[str, SourceFile]] = {}  # relpath -> (object id, file)
        self._blobs: dict[str, bytes] | None = None  # relpath -> bytes, filled on first read

    def files(self, only: set[str] | None = None) -> list[SourceFile]:
        """The catalog's manifest files at the commit, sorted by path (``only``: those of these paths)."""
        self._entries = {}
        for mode, oid, size, path in self._list_tree(only):
            relpath = path[len(self.prefix):]
            if hidden_path(relpath) or not relpath.endswith(MANIFEST_SUFFIXES) or (only is not None and
                                                                                 relpath not in only):
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

    def changed_in_work_tree(self):
        """Start asking git which catalog paths differ in the working tree; the answer's ``result()`` gives them.

        The paths whose working-tree file differs from the commit's, or that one side
        lacks: ``git diff`` against the commit (through the index's stat cache) and ``git
        ls-files --others`` (untracked and ignored files: catgen reads them too). None when
        git may rewrite bytes between the two (attributes, ``core.autocrlf``): then
        "unchanged" would not mean "the same bytes". The git processes run meanwhile
        (``check --base`` lists and judges the working tree in the time: issue 17).
        """
        pathspec = [self.prefix] if self.prefix else []
        commands = [
            ("config", "--get-regexp", r"^core\.(autocrlf|eol)$"),
            ("ls-files", "-z", "--cached", "--others", "--", ":(glob)**/.gitattributes"),
            ("rev-parse", "--git-path", "info/attributes"),
            ("--literal-pathspecs", "diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv",
             self.commit, "--", *pathspec),
            ("--literal-pathspecs", "ls-files", "--others", "-z", "--full-name", "--", *pathspec),
        ]
        started: list[_Started] = []
        try:
            for command in commands:
                started.append(_Started(self.toplevel, *command))
        except CatalogError:
            for running in started:
                running.stop()
            raise
        return _WorkTreeChanges(self, started)

    def read_only(self, relpaths: set) -> None:
        """Read just these blobs on the first ``read()`` (the others of the listing are never asked for)."""
        self._entries = {relpath: found for relpath, found in self._entries.items() if relpath in relpaths}
        self._blobs = None

    def display(self, relpath: str) -> str:
        """A catalog path as shown to the user: the working tree's path for it."""
        return relpath if self.display_root == "." else f"{self.display_root}/{relpath}"

    # -- git ------------------------------------------------------------------

    def _resolve(self, ref: str) -> str:
        if not ref or ref.startswith("-"):  # never let a ref be read as an option
            raise CatalogError(f"--base {ref!r} is not a git revision")
        # Not --quiet: git's warning that a name is ambiguous is the one thing wanted from stderr.
        done = _git(self.toplevel, "-c", "core.warnAmbiguousRefs=true", "rev-parse", "--verify", "--end-of-options",
                    f"{ref}^{{commit}}", check=False)
        if done.returncode != 0:
            hint = "in a shallow clone, fetch it first: git fetch --depth=1 origin <sha>"
            raise CatalogError(f"--base {ref!r} names no commit in {self.toplevel} ({hint})")
        ambiguous = _AMBIGUOUS.search(done.stderr.decode("utf-8", "replace"))
        if ambiguous and not _FULL_OBJECT_NAME.match(ref):
            name = ambiguous.group(1)
            refs = ", ".join(self._refs_named(name)) or "a ref and an abbreviated commit"
            raise CatalogError(f"--base {ref!r} is ambiguous: git could read {name!r} as more than one ref ({refs}); "
                               "name exactly one, e.g. refs/heads/main or a full commit sha")
        return done.stdout.decode().strip()

    def _refs_named(self, name: str) -> list[str]:
        """The refs git's rules would read ``name`` as (``refs/heads/<name>``, ``refs/tags/<name>``...)."""
        candidates = {name, f"refs/{name}", f"refs/tags/{name}", f"refs/heads/{name}", f"refs/remotes/{name}",
                      f"refs/remotes/{name}/HEAD"}
        done = _git(self.toplevel, "for-each-ref", "--format=%(refname)", check=False)
        listed = done.stdout.decode("utf-8", "replace").splitlines()
        return [refname for refname in listed if refname in candidates]

    def _list_tree(self, only: set[str] | None = None):
        """(mode, object id, size, path from the top level) of each blob under the catalog (or at ``only``)."""
        pathspec = [self.prefix] if self.prefix else []
        if only is not None and len(only) <= _FEW_PATHS and sum(map(len, only)) <= _FEW_PATH_CHARS:
            # git finds a few paths at once, the rest is never parsed
            if not only:
                return
            pathspec = [self.prefix + relpath for relpath in sorted(only)]
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


def _repository_toplevel() -> str:
    """The top level of the repository that holds the current directory."""
    done = _git(os.getcwd(), "rev-parse", "--show-toplevel", check=False)
    if done.returncode != 0:
        reason = _first_line(done.stderr)
        if "not a git repository" in reason:
            raise CatalogError("the current directory is not in a git repository; --base needs one "
                               "(run catgen inside the repository that holds the catalog)")
        raise CatalogError(f"cannot use git in the current directory: {reason}")
    toplevel = done.stdout.decode("utf-8", "surrogateescape").rstrip("\n")
    if not toplevel:
        raise CatalogError("the current directory is not in a git working tree; --base needs one")
    return toplevel


def catalog_prefix(root: str, toplevel: str, shown: str) -> str:
    """The catalog's path in the repository (``catalog/``, or ``""`` at the top), or a one-line refusal.

    ``root`` is absolute. Symbolic links above the work tree are followed (a
    checkout may live behind one); one at or below its top level is refused:
    every file there is the change's, and a link would let the change choose
    the path its base is read at. A folder from the catalog root up to (not
    including) the top level that holds a repository of its own is refused too
    (a planted ``HEAD``/``objects``/``refs``, a ``.git`` file or link, a submodule):
    the base is never read from, or hidden behind, another repository.
    """
    current = _real_folder(root, toplevel, shown)
    if not _within(str(current), toplevel):
        raise CatalogError(f"catalog folder {shown!r} is not in the repository that holds the current directory "
                           f"({toplevel}); run catgen from inside the catalog's repository")
    relative = _relative(current, toplevel)
    folder = current
    while str(folder) != toplevel:
        marker = _own_repository_marker(folder)
        if marker is not None:
            where, found = "holds" if folder == current else "lies in", f"{_relative(folder, toplevel)}/{marker}"
            raise CatalogError(
                f"catalog folder {shown!r} {where} a git repository of its own ({found}); "
                "--base reads the base from the repository that holds the current directory, never one inside it")
        folder = folder.parent
    return "" if relative == "." else f"{relative}/"


def _real_folder(root: str, toplevel: str, shown: str) -> Path:
    """``root`` with every link resolved one step at a time, refusing any link inside the work tree.

    Not ``os.path.realpath``: a link outside the work tree may point at a link inside it,
    which realpath would resolve without a word.
    """
    current, pending, hops = Path(Path(root).anchor), deque(Path(root).parts[1:]), 0
    while pending:
        part = pending.popleft()
        if part == "..":
            current = current.parent
            continue
        step = current / part
        if not step.is_symlink():
            current = step
            continue
        if _within(str(current), toplevel):
            raise CatalogError(
                f"catalog folder {shown!r} is or lies under a symbolic link inside the repository "
                f"({_relative(step, toplevel)}); with --base the catalog must be a real folder of the work tree")
        hops += 1
        if hops > _MAX_LINK_HOPS:
            raise CatalogError(f"catalog folder {shown!r}: too many levels of symbolic links")
        target = Path(os.readlink(step))
        if target.is_absolute():
            current = Path(target.anchor)
        pending.extendleft(reversed([p for p in target.parts if p not in (target.anchor, ".")]))
    return current


def _own_repository_marker(folder: Path) -> str | None:
    """What makes ``folder`` a git repository (``.git``, or ``HEAD`` with ``objects/`` and ``refs/``), or None."""
    if os.path.lexists(folder / ".git"):
        return ".git"
    if all(os.path.lexists(folder / name) for name in _OWN_REPOSITORY_MARKERS):
        return "HEAD, objects/ and refs/"
    return None


def _within(path: str, toplevel: str) -> bool:
    return path == toplevel or path.startswith(toplevel.rstrip("/") + "/")


def _relative(path: Path, toplevel: str) -> str:
    return os.path.relpath(path, toplevel).replace(os.sep, "/")


def _git(cwd: str, *args: str, stdin: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run one read-only git command; failures become a one-line ``CatalogError``."""
    try:
        done = subprocess.run(["git", "-C", cwd, *args], input=stdin, capture_output=True, env=git_environment())
    except FileNotFoundError:
        raise CatalogError(_NO_GIT) from None
    except OSError as err:
        raise CatalogError(f"cannot run git: {err.strerror or err}") from None
    if check and done.returncode != 0:
        command = next(arg for arg in args if not arg.startswith("-") and "=" not in arg)
        raise CatalogError(f"git {command} failed: {_first_line(done.stderr)}")
    return done


class _Started:
    """One read-only git command started now; ``result`` waits for it as ``_git`` would have run it.

    Its output goes to a pipe: a short answer is all written meanwhile; a long one waits
    in git until ``result`` reads it, which only costs the overlap.
    """

    def __init__(self, cwd: str, *args: str):
        self.args = args
        try:
            self.process = subprocess.Popen(["git", "-C", cwd, *args], stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=git_environment())
        except FileNotFoundError:
            raise CatalogError(_NO_GIT) from None
        except OSError as err:
            raise CatalogError(f"cannot run git: {err.strerror or err}") from None

    def result(self, check: bool = True) -> subprocess.CompletedProcess:
        out, err = self.process.communicate()
        done = subprocess.CompletedProcess(self.process.args, self.process.returncode, out, err)
        if check and done.returncode != 0:
            command = next(arg for arg in self.args if not arg.startswith("-") and "=" not in arg)
            raise CatalogError(f"git {command} failed: {_first_line(done.stderr)}")
        return done

    def stop(self) -> None:
        """End it if no answer was waited for (one came first, or a failure)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


class _WorkTreeChanges:
    """The answer of ``GitSource.changed_in_work_tree``, once its git commands are done."""

    def __init__(self, git: GitSource, started: list[_Started]):
        self.git, self.started = git, started

    def rewrites_bytes(self) -> bool:
        """Whether git may rewrite bytes between the commit and the working tree (attributes, ``core.autocrlf``
        or ``core.eol``), so that the answer is None: known from the three quick commands, the others run on."""
        eol, attributes, info = (started.result(check=False).stdout for started in self.started[:3])
        info = info.decode().strip()
        return bool(eol.strip() or attributes or (info and os.path.exists(os.path.join(self.git.toplevel, info))))

    def stop(self) -> None:
        for started in self.started:
            started.stop()

    def result(self) -> set[str] | None:
        try:
            if self.rewrites_bytes():
                return None
            diff, others = self.started[3].result(), self.started[4].result()
        finally:
            self.stop()
        prefix = self.git.prefix
        paths = (diff.stdout + b"\0" + others.stdout).split(b"\0")
        changed = {path.decode("utf-8", "surrogateescape")[len(prefix):] for path in paths if path}
        return {relpath for relpath in changed if relpath.endswith(MANIFEST_SUFFIXES) and not hidden_path(relpath)}


def git_environment() -> dict:
    """The environment for git: this one, less what could point git at another repository."""
    inherited = {name: value for name, value in os.environ.items() if name not in _GIT_LOCATION_VARIABLES}
    return {**inherited, **_GIT_ENV}


def _first_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[0].removeprefix("fatal: ") if lines else "no reason given"


def hidden_path(relpath: str) -> bool:
    """Hidden files and folders are skipped, as in the working tree."""
    return any(part.startswith(".") for part in relpath.split("/"))
