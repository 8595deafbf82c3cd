"""A rebuild put in place over the previous site: only the files that changed, each replaced whole.

The staging folder holds what this build wrote; the pages it kept
(``Staging.kept``) and every staged file equal to the site's stay where they
are, so their bytes and times do not change (a copy to a web server moves only
what changed). Before touching anything the merge reads again each file it will
replace or remove and refuses if one changed since the build proved the folder
(``siteinventory.prove``). Then the marker lists the incoming files as
``pending`` (and drops the page cache's hashes), files that went are removed,
new folders made, changed files moved in with ``os.replace``, and the final
marker written in one rename. A build killed meanwhile leaves each file old or
new: the pending marker proves either, and the next build, reusing nothing,
completes the site.
"""

from __future__ import annotations

import os

from catgen.errors import CatalogError
from catgen.website.siteinventory import (FILE_MODE, FOLDER_MODE, MARKER, file_sha256, make_world_readable,
                                          marker_text, read_json, stat_key, take)


def merge(stage, target: str, staging: str) -> None:
    """Put ``stage`` (a ``safedir.Staging`` over the proven ``stage.previous``) in place at ``target``."""
    previous, staged = stage.previous, take(stage.site)
    make_world_readable(stage.site, staged.wrong_modes)
    files = {path: previous.files[path] for path in stage.kept if path in previous.files}
    files.update(staged.files)
    folders = sorted(set(staged.folders) | _ancestors(stage.kept))
    moved = sorted(path for path, digest in staged.files.items() if previous.files.get(path) != digest)
    removed = sorted(set(previous.files) - set(files))
    _still_as_proven(target, previous, moved, removed)
    stage.replaced = moved + removed
    if moved or removed or set(folders) != set(previous.folders):  # else only the marker changes, in one rename
        pending = {**previous.marker, "files": previous.files, "pending": {path: files[path] for path in moved},
                   "folders": sorted(set(previous.folders) | set(folders)), "pages": {}}
        _replace_marker(target, staging, pending)
    for path in removed:
        os.unlink(os.path.join(target, path))
    for folder in sorted(set(previous.folders) - set(folders), key=lambda f: f.count("/"), reverse=True):
        try:
            os.rmdir(os.path.join(target, folder))
        except OSError:  # not empty: the next build's proof reports what is left
            pass
    for folder in folders:
        path = os.path.join(target, folder)
        if not os.path.isdir(path):
            os.mkdir(path)
            os.chmod(path, FOLDER_MODE)
    for path in moved:
        os.replace(os.path.join(stage.site, path), os.path.join(target, path))
    _restore_modes(target, previous.wrong_modes, set(files) - set(moved), set(folders))
    final = read_json(os.path.join(stage.site, MARKER))  # the page cache's hashes
    final.update({"generator": "catgen", "files": dict(sorted(files.items())), "folders": folders})
    _replace_marker(target, staging, final)


def _ancestors(paths) -> set[str]:
    """Every folder that holds one of ``paths`` (relative, with ``/``)."""
    found = set()
    for path in paths:
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            found.add("/".join(parts[:depth]))
    return found


def _still_as_proven(target: str, previous, moved: list[str], removed: list[str]) -> None:
    """Refuse, changing nothing, when a file the merge replaces or removes changed since the build proved the
    folder, a file it adds appeared meanwhile, or a folder on the way became something else."""
    if os.path.islink(target) or not os.path.isdir(target):
        raise CatalogError(f"the site folder {target!r} was replaced while the site was built; nothing was changed")
    going, folders = set(removed), set(previous.folders)
    for path in removed + moved:
        full = os.path.join(target, path)
        if path in previous.files:
            same = _unchanged(full, previous.settled.get(path)) or file_sha256(full) == previous.files[path]
        else:  # nothing there, or a folder of the previous site that goes (its files are among ``removed``)
            same = not os.path.lexists(full) or (path in folders and _is_folder(full))
        for folder in _ancestors([path]):
            where = os.path.join(target, folder)
            # A folder on the way is one, or a file of the previous site that goes first (checked itself).
            same = same and (not os.path.lexists(where) or folder in going or _is_folder(where))
        if not same:
            raise CatalogError(f"someone changed {path} in the site folder while the site was built; "
                               "nothing was replaced")


def _unchanged(path: str, settled) -> bool:
    """``path``'s ``lstat`` is the one the proof found with the digest it proved (``settled``, or None)."""
    try:
        return settled is not None and stat_key(os.lstat(path)) == settled
    except OSError:
        return False


def _is_folder(path: str) -> bool:
    return os.path.isdir(path) and not os.path.islink(path)


def _restore_modes(target: str, wrong: list[str], files: set[str], folders: set[str]) -> None:
    """The site's modes again on entries of the previous site that stay (someone changed them)."""
    os.chmod(target, FOLDER_MODE)
    for path in wrong:
        if path in files or path in folders:
            os.chmod(os.path.join(target, path), FOLDER_MODE if path in folders else FILE_MODE)


def _replace_marker(target: str, staging: str, marker: dict) -> None:
    """Write ``target``'s marker whole: written in the staging folder (the same file system), then renamed."""
    temporary = os.path.join(staging, "marker")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(marker_text(marker))
    os.chmod(temporary, FILE_MODE)
    os.replace(temporary, os.path.join(target, MARKER))
