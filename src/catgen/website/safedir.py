"""Writing the site folder safely: never into a stranger's folder, never half-done.

A build goes into a fresh temporary sibling of the site folder and replaces
the old site only when complete (two renames), so an interrupted build
leaves the previous site as it was. Only folders catgen made are deleted:
its own temporary folders and previous catgen sites (marked by
``.catgen-site``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager

from catgen.errors import CatalogError

MARKER = ".catgen-site"  # in every site catgen built; the page cache keeps its page hashes in it


def is_catgen_site(path: str) -> bool:
    return os.path.isfile(os.path.join(path, MARKER))


def check_site_dir(site_dir: str) -> str:
    """The absolute site folder, or a one-line refusal when it is not ours to replace."""
    target = os.path.abspath(site_dir)
    if os.path.exists(target) or os.path.islink(target):
        if os.path.islink(target) or not os.path.isdir(target):
            raise CatalogError(f"--site-dir {site_dir!r} exists and is not a folder")
        if os.listdir(target) and not is_catgen_site(target):
            raise CatalogError(f"--site-dir {site_dir!r} is not empty and is not a catgen site (no {MARKER} file);"
                               " refusing to replace it")
    return target


@contextmanager
def staged_site(site_dir: str):
    """Yield a temporary folder to build into; on success it becomes ``site_dir``."""
    target = check_site_dir(site_dir)
    parent, base = os.path.split(target)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(dir=parent, prefix=f".{base}.catgen-build-")
    try:
        yield staging
        _swap(staging, target)
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging)


def _swap(staging: str, target: str) -> None:
    if not os.path.exists(target):
        os.rename(staging, target)
        return
    check_site_dir(target)  # still ours: nothing replaced it while we built
    parent, base = os.path.split(target)
    retired = tempfile.mkdtemp(dir=parent, prefix=f".{base}.catgen-old-")
    os.rmdir(retired)  # only the unique name is needed
    ours = is_catgen_site(target)
    os.rename(target, retired)
    os.rename(staging, target)
    if ours:
        shutil.rmtree(retired)
    else:
        os.rmdir(retired)  # an empty folder the user made: removed only while still empty
