"""A local code folder (Azure ML's ``code: ./src``) as catgen's ``code``: its repository and the commit that holds it.

catgen records code as a repository and a commit. A folder in a git working
tree gives both: the last commit that changed the folder (``git log -1 --
<folder>``) and the repository's ``origin`` address. Anything less exact is a
reason, reported and never guessed: a folder outside git, one with changes not
committed (the commit would not be the code), a repository without ``origin``
(a local path means nothing to an auditor elsewhere). Each folder costs a few
git processes once per import, whatever the number of files that name it.
"""

from __future__ import annotations

import os
import re
import subprocess

from catgen.load.gitsource import git_environment

_CREDENTIALS = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", re.I)  # https://user:token@host -> https://host
_TIMEOUT = 30


class CodeFolders:
    """``code_of(folder)``: ``{"repository", "commit"}`` or the reason there is none, cached per folder."""

    def __init__(self) -> None:
        self._known: dict[str, dict | str] = {}

    def code_of(self, folder: str) -> dict | str:
        where = os.path.realpath(folder)
        if where not in self._known:
            self._known[where] = _code_of(where)
        return self._known[where]


def _code_of(folder: str) -> dict | str:
    if not os.path.exists(folder):
        return "the code folder does not exist"
    directory = folder if os.path.isdir(folder) else os.path.dirname(folder)
    top = _git(directory, "rev-parse", "--show-toplevel")
    if top is None:
        return "the code folder is not in a git working tree: record its repository and commit by hand"
    if _git(top, "status", "--porcelain", "--", folder):
        return "the code folder has changes not committed: commit them and import again"
    commit = _git(top, "log", "-1", "--format=%H", "--", folder)
    if not commit:
        return "no commit holds the code folder yet: commit it and import again"
    remote = _git(top, "config", "--get", "remote.origin.url")
    if not remote:
        return "the repository has no remote named origin: record its address by hand"
    return {"repository": _CREDENTIALS.sub(r"\1", remote), "commit": commit}


def _git(directory: str, *args: str) -> str | None:
    """git's first line of output, or None when git fails (or is missing)."""
    try:
        done = subprocess.run(["git", "-C", directory, *args], capture_output=True, env=git_environment(),
                              timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    return lines[0].strip() if lines else ""
