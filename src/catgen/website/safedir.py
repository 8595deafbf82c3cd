"""Writing the site folder safely: never into a stranger's folder, never half-done, nothing left behind.

A build goes into ``site/`` inside a fresh staging folder, a hidden sibling of
the site folder (``.<name>.catgen-build-*``) that holds an owner file (the pid
and start time of the build's process). A first build into a new or empty
folder is moved into place whole when it is complete. A rebuild over a
catgen site writes only the files that changed (a page whose inputs did not
change is kept where it is, ``Staging.keep``) and puts them in place
(``sitemerge``): each file is replaced whole, and a build killed meanwhile
leaves every file old or new, which the next build completes. The staging
folder is removed at the end; the next build removes staging folders whose
process is gone (``remove_stale_staging``), never anything else. The site is
world-readable whatever the umask (folders 0755, files 0644): it is meant to
be copied to a web server that runs as another user.

catgen replaces a folder only when it can show that catgen wrote everything in
it: the ``.catgen-site`` marker lists every file of the site with its SHA-256
(``siteinventory``), and a folder holding anything else, a changed file, a
symbolic link, a ``.git``, the current directory or the catalog is refused (exit 2).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field

from catgen.errors import CatalogError
from catgen.website import sitemerge
from catgen.website.siteinventory import (FILE_MODE, MARKER, Foreign, Inventory, make_world_readable, marker_text,
                                          prove, read_json, take)

OWNER = ".catgen-staging"  # in every staging folder: the process that made it
STAGING_TAG = ".catgen-build-"
__all__ = ["MARKER", "Staging", "check_site_dir", "is_catgen_site", "staged_site"]


@dataclass
class Staging:
    """Where a build writes (``site``), and the catgen site it replaces (``previous``, proven; None when the
    folder is new or empty), whose files named in ``kept`` stay as they are instead of being written again."""

    site: str
    previous: Inventory | None = None
    kept: set[str] = field(default_factory=set)
    replaced: list[str] = field(default_factory=list)  # files of ``previous`` the merge replaced or removed


def is_catgen_site(path: str) -> bool:
    """True when ``path`` is a folder whose every file catgen wrote (the marker's inventory proves it)."""
    if not os.path.isdir(path) or os.path.islink(path):
        return False
    try:
        prove(path)
    except Foreign:
        return False
    return True


def check_site_dir(site_dir: str, protected: tuple[str, ...] = ()) -> str:
    """The absolute site folder, or a one-line refusal when it is not ours to replace.

    ``protected`` are folders (the catalog) that the site folder must neither be nor hold; the
    current directory is always protected.
    """
    return _proven_target(site_dir, protected)[0]


def _proven_target(site_dir: str, protected: tuple[str, ...], known=None) -> tuple[str, Inventory | None]:
    """The absolute site folder and, when it holds anything, its proven inventory (``prove``'s ``known``)."""
    target = os.path.abspath(site_dir)
    if os.path.islink(target) or (os.path.exists(target) and not os.path.isdir(target)):
        raise CatalogError(f"--site-dir {site_dir!r} exists and is not a folder")
    real = os.path.realpath(target)
    for folder, what in [(os.getcwd(), "the current directory")] + [(p, "the catalog") for p in protected]:
        inside = os.path.realpath(folder)
        if inside == real or inside.startswith(real.rstrip(os.sep) + os.sep):
            raise CatalogError(f"--site-dir {site_dir!r} holds {what}; refusing to replace it")
    if not os.path.isdir(target) or not os.listdir(target):
        return target, None
    try:
        return target, prove(target, known)
    except Foreign as reason:
        raise CatalogError(f"--site-dir {site_dir!r} is not a catgen site ({reason}); refusing to replace it") \
            from None


def seal(site: str) -> None:
    """Add to the site's marker every file (with its SHA-256) and folder in it; make it world-readable."""
    found = take(site)
    make_world_readable(site, found.wrong_modes)
    marker = read_json(os.path.join(site, MARKER))
    marker.update({"generator": "catgen", "files": dict(sorted(found.files.items())), "folders": found.folders})
    with open(os.path.join(site, MARKER), "w", encoding="utf-8") as handle:
        handle.write(marker_text(marker))
    os.chmod(os.path.join(site, MARKER), FILE_MODE)


@contextmanager
def staged_site(site_dir: str, protected: tuple[str, ...] = (), known=None):
    """Yield a ``Staging`` to build into; on success its site becomes ``site_dir`` (whole, or its changes).

    ``known``: what the last proof found (``sitestats``), so that settled files are not read again."""
    target, previous = _proven_target(site_dir, protected, known)
    known = None  # not held for the rest of the build (at 50,000 manifests, 60,000 entries: 36 MB)
    parent, base = os.path.split(target)
    os.makedirs(parent, exist_ok=True)
    remove_stale_staging(parent, base)
    staging = tempfile.mkdtemp(dir=parent, prefix=f".{base}{STAGING_TAG}")
    try:
        _write_owner(staging)
        site = os.path.join(staging, "site")
        os.mkdir(site)
        stage = Staging(site, previous)
        yield stage
        if previous is None:
            seal(site)
            _swap(staging, site, target, protected)
        else:
            sitemerge.merge(stage, target, staging)
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging)


def _swap(staging: str, site: str, target: str, protected: tuple[str, ...]) -> None:
    """Move the new site to ``target``, which is still missing or empty (nothing appeared while we built)."""
    if os.path.exists(target):
        check_site_dir(target, protected)
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
