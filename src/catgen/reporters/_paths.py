"""Paths as a repository sees them: what SARIF and GitHub annotations need.

catgen shows paths relative to the current directory; code-scanning and
annotation consumers want them relative to the repository's top folder.
"""

from __future__ import annotations

import os
import subprocess


class RepositoryPaths:
    """Turn paths shown relative to the current directory into repository-relative ones.

    Asks git once for the top-level folder; outside a repository (or without git)
    paths stay as reported.
    """

    def __init__(self, cwd: str | None = None):
        self.cwd = os.path.realpath(cwd or os.getcwd())
        self.top = _git_toplevel(self.cwd)

    def relative(self, path: str) -> str:
        if self.top is None or os.path.isabs(path):
            return _posix(path)
        absolute = os.path.normpath(os.path.join(self.cwd, path))
        inside = os.path.relpath(absolute, self.top)
        if inside == os.pardir or inside.startswith(os.pardir + os.sep):
            return _posix(path)  # outside the repository: nothing better to say
        return _posix(inside)


def _git_toplevel(cwd: str) -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, text=True,
                              timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    top = done.stdout.strip()
    return os.path.realpath(top) if done.returncode == 0 and top else None


def _posix(path: str) -> str:
    return path.replace(os.sep, "/")
