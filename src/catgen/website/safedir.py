"""Writing the site folder safely: never into a stranger's folder, never half-done, nothing left behind.

A build goes into ``site/`` inside a fresh staging folder, a hidden sibling of
the site folder (``.<name>.catgen-build-*``) that holds an owner file (the pid
and start time of the build's process). When the build is complete the old
site is moved into the staging folder, the new one out of it, and the staging
folder removed: a build killed at any point leaves the previous site or the
whole staging folder, and the next build removes staging folders whose
process is gone (``remove_stale_staging``), never anything else. The site is
world-readable whatever the umask (folders 0755, files 0644): it is meant to be
copied to a web server that runs as another user.

catgen replaces a folder only when it can show that catgen wrote everything in
it: the ``.catgen-site`` marker lists every file of the site with its SHA-256
(``seal``), and a folder holding anything else, a changed file, a symbolic
link, a ``.git``, the current directory or the catalog is refused (exit 2).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import tempfile
from contextlib import contextmanager

from catgen.errors import CatalogError

MARKER = ".catgen-site"  # in every site catgen built: the files it wrote, and the page cache's hashes
OWNER = ".catgen-staging"  # in every staging folder: the process that made it
STAGING_TAG = ".catgen-build-"


def is_catgen_site(path: str) -> bool:
    """True when ``path`` is a folder whose every file catgen wrote (the marker's inventory proves it)."""
    return os.path.isdir(path) and not os.path.islink(path) and _foreign_content(path) is None


def check_site_dir(site_dir: str, protected: tuple[str, ...] = ()) -> str:
    """The absolute site folder, or a one-line refusal when it is not ours to replace.

    ``protected`` are folders (the catalog) that the site folder must neither be nor hold; the
    current directory is always protected.
    """
    target = os.path.abspath(site_dir)
    if os.path.islink(target) or (os.path.exists(target) and not os.path.isdir(target)):
        raise CatalogError(f"--site-dir {site_dir!r} exists and is not a folder")
    real = os.path.realpath(target)
    for folder, what in [(os.getcwd(), "the current directory")] + [(p, "the catalog") for p in protected]:
        inside = os.path.realpath(folder)
        if inside == real or inside.startswith(real.rstrip(os.sep) + os.sep):
            raise CatalogError(f"--site-dir {site_dir!r} holds {what}; refusing to replace it")
    if os.path.isdir(target) and os.listdir(target):
        reason = _foreign_content(target)
        if reason:
            raise CatalogError(f"--site-dir {site_dir!r} is not a catgen site ({reason}); refusing to replace it")
    return target


def _foreign_content(folder: str) -> str | None:
    """Why ``folder`` holds something catgen did not write (None when the marker accounts for everything)."""
    try:
        with open(os.path.join(folder, MARKER), encoding="utf-8") as handle:
            marker = json.load(handle)
    except (OSError, ValueError):
        return f"no readable {MARKER} file"
    files, folders = (marker.get("files"), marker.get("folders")) if isinstance(marker, dict) else (None, None)
    if not isinstance(files, dict) or not isinstance(folders, list):
        return f"its {MARKER} file lists no files"
    for root, dirs, names in os.walk(folder):
        for name in dirs + names:
            path = os.path.join(root, name)
            shown = os.path.relpath(path, folder).replace(os.sep, "/")
            if name == ".git":
                return f"it holds a git repository, {shown}"
            if os.path.islink(path):
                return f"{shown} is a symbolic link"
            if os.path.isdir(path):
                if shown not in folders:
                    return f"catgen did not write {shown}/"
            elif shown != MARKER and files.get(shown) != _sha256(path):
                return f"{'catgen did not write' if shown not in files else 'someone changed'} {shown}"
    return None


def seal(site: str) -> None:
    """Add to the site's marker the list of every file and folder in it, files with their SHA-256."""
    marker_path = os.path.join(site, MARKER)
    try:
        with open(marker_path, encoding="utf-8") as handle:
            marker = json.load(handle)
    except (OSError, ValueError):
        marker = {}
    files, folders = {}, []
    for root, dirs, names in os.walk(site):
        dirs.sort()
        relative = os.path.relpath(root, site).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        folders += [prefix + name for name in dirs]
        files.update({prefix + name: _sha256(os.path.join(root, name)) for name in sorted(names)})
    files.pop(MARKER, None)
    marker.update({"generator": "catgen", "files": dict(sorted(files.items())), "folders": sorted(folders)})
    with open(marker_path, "w", encoding="utf-8") as handle:
        json.dump(marker, handle, sort_keys=True, separators=(",", ":"))


def _sha256(path: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


@contextmanager
def staged_site(site_dir: str, protected: tuple[str, ...] = ()):
    """Yield a folder to build into; on success, sealed, it becomes ``site_dir``."""
    target = check_site_dir(site_dir, protected)
    parent, base = os.path.split(target)
    os.makedirs(parent, exist_ok=True)
    remove_stale_staging(parent, base)
    staging = tempfile.mkdtemp(dir=parent, prefix=f".{base}{STAGING_TAG}")
    try:
        _write_owner(staging)
        site = os.path.join(staging, "site")
        os.mkdir(site)
        yield site
        seal(site)
        make_world_readable(site)  # the marker too: seal wrote it
        _swap(staging, site, target, protected)
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging)


def make_world_readable(site: str) -> None:
    """Folders 0755, files 0644, whatever the umask: a web server running as another user must read the site.

    Nothing else is anyone's to write, so group and other write bits go too. Symbolic links (none in a
    site catgen wrote; ``seal``'s check refuses them) are left alone rather than followed.
    """
    os.chmod(site, 0o755)
    for root, dirs, names in os.walk(site):
        for name in dirs + names:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755 if os.path.isdir(path) else 0o644)


def _swap(staging: str, site: str, target: str, protected: tuple[str, ...]) -> None:
    """Move the old site (or an empty folder) into ``staging`` and the new site to ``target``."""
    if os.path.exists(target):
        check_site_dir(target, protected)  # still ours: nothing replaced it while we built
        os.rename(target, os.path.join(staging, "old"))
    os.rename(site, target)


# -- staging folders left by killed builds -------------------------------------------------------


def _process_start(pid: int) -> str | None:
    """The start time of process ``pid`` (Linux ``/proc``), to tell it from a later process with its pid."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _write_owner(staging: str) -> None:
    owner = {"pid": os.getpid(), "start": _process_start(os.getpid()), "host": socket.gethostname()}
    with open(os.path.join(staging, OWNER), "w", encoding="utf-8") as handle:
        json.dump(owner, handle)


def _owner_is_gone(staging: str) -> bool:
    """True when the staging folder's owner file names a process of this host that no longer runs."""
    try:
        with open(os.path.join(staging, OWNER), encoding="utf-8") as handle:
            owner = json.load(handle)
        pid, start, host = owner["pid"], owner.get("start"), owner["host"]
    except (OSError, ValueError, KeyError, TypeError):
        return False  # no owner file of ours: not provably catgen's
    if host != socket.gethostname() or not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it runs (as another user)
    return start is not None and _process_start(pid) not in (None, start)  # the pid was reused


def remove_stale_staging(parent: str, base: str) -> list[str]:
    """Remove the staging folders of ``base`` in ``parent`` whose build process is gone; return their names."""
    removed = []
    for name in sorted(os.listdir(parent)):
        path = os.path.join(parent, name)
        if (name.startswith(f".{base}{STAGING_TAG}") and os.path.isdir(path) and not os.path.islink(path)
                and _owner_is_gone(path)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(name)
    return removed
