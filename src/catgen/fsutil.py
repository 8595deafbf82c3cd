"""Writing files safely: whole or not at all, never over a user's file by accident."""

from __future__ import annotations

import os
import stat
import sys

from catgen.errors import CatalogError


def atomic_write(path: str, text: str, *, overwrite: bool = True) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename.

    With ``overwrite=False`` an existing file is left alone (``FileExistsError``):
    the final step is a hard link, which fails rather than replace anything.
    """
    import tempfile  # not at the top: most commands write no file, and tempfile costs a warm re-check 5 ms

    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".catgen-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        if overwrite:
            os.replace(temp, path)
        else:
            os.link(temp, path)  # atomic create-if-absent
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def resolves_inside(path: str, folder: str) -> bool:
    """Whether ``path``, its links and ``..`` followed, is ``folder`` or under it (never on two drives)."""
    top = os.path.realpath(folder)
    try:
        return os.path.commonpath([top, os.path.realpath(path)]) == top
    except ValueError:  # paths on two drives (Windows) have no common path
        return False


def path_in_catalog(catalog_root: str, relpath: str) -> str:
    """The path of ``relpath`` to write into the catalog, refused (one line) unless it resolves inside the catalog:
    a folder on the way that is a symbolic link out of it would put the file where no check reads it."""
    path = os.path.join(catalog_root, relpath)
    if not resolves_inside(path, catalog_root):
        raise CatalogError(f"{path} would be written outside the catalog {catalog_root}; nothing written")
    return path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_report(text: str, output: str | None) -> None:
    """A report to ``output`` (written whole, atomically) or, without one, to standard output.

    An ``output`` that exists and is not a regular file (``/dev/stdout``, ``/dev/null``, a pipe) is
    written through: a rename would put a regular file in the device's place (as root, ``/dev/null``).
    """
    if not output:
        sys.stdout.write(text)
        return
    try:
        if _is_special(output):
            with open(output, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        else:
            atomic_write(output, text)
    except OSError as err:  # the report's own name, not the temporary file's (nor none, as for a full disk)
        raise CatalogError(f"cannot write the report to {output}: {err.strerror or err}") from None


def _is_special(path: str) -> bool:
    """Whether ``path`` (followed through links) exists and is neither a regular file nor a folder."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)
