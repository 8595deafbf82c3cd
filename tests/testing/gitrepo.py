"""Test helpers for ``catgen check --base``: real temporary git repositories and the CLI in-process."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from catgen.cli import main

from testing.catalogs import EXAMPLE


class GitRepo:
    """A throw-away repository with a local identity, committed to with ``commit()``."""

    def __init__(self, path: Path, *, init: bool = True):
        self.path = path
        if init:
            path.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", "main")
            for key, value in (("user.name", "Test"), ("user.email", "test@example.com"), ("commit.gpgsign", "false")):
                self.git("config", key, value)

    @property
    def catalog(self) -> Path:
        return self.path / "catalog"

    def git(self, *args: str) -> str:
        return subprocess.run(["git", "-C", str(self.path), *args],
                              check=True, capture_output=True, text=True).stdout.strip()

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def commit_dated(self, stamp: str, message: str = "change") -> str:
        """Commit the working tree with committer and author date ``stamp`` as a commit object holds it (seconds
        and zone, any number at all): written with ``git hash-object``, as no ``git commit`` would write it."""
        self.git("add", "-A")
        tree, parent = self.git("write-tree"), self.git("rev-parse", "HEAD")
        text = (f"tree {tree}\nparent {parent}\nauthor Test <test@example.com> {stamp}\n"
                f"committer Test <test@example.com> {stamp}\n\n{message}\n")
        commit = subprocess.run(["git", "-C", str(self.path), "hash-object", "-t", "commit", "-w", "--stdin"],
                                input=text, check=True, capture_output=True, text=True).stdout.strip()
        self.git("update-ref", "HEAD", commit)
        return commit

    def add_example(self) -> str:
        """Copy the example catalog into ``catalog/`` and commit it: the base."""
        shutil.copytree(EXAMPLE, self.catalog)
        return self.commit("base: the example catalog")

    def edit(self, relpath: str, old: str, new: str) -> Path:
        """Replace ``old`` (which must occur once) by ``new`` in a catalog file."""
        path = self.catalog / relpath
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {relpath}"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return path


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``catgen ARGS`` in-process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        main(list(args))
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - main always exits
        code = 0
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys, *args: str) -> tuple[int, list, dict, str]:
    """``catgen check ARGS --format json``: (exit code, [(code, path, line)], summary, stderr)."""
    code, out, err = run_cli(capsys, "check", *args, "--format", "json")
    assert code in (0, 1), err
    document = json.loads(out)
    found = [(f["code"], f["path"], f["line"]) for f in document["findings"]]
    return code, found, document["summary"], err


def findings_of(found: list, code: str) -> list:
    return [f for f in found if f[0] == code]


def example_repo(tmp_path: Path, monkeypatch) -> GitRepo:
    """A repository whose first commit (``repo.base``) is the example catalog; cwd is its top level.

    Git reads no global or system configuration and never looks above ``tmp_path``.
    """
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.base = repo.add_example()
    monkeypatch.chdir(repo.path)
    return repo


def isolate_git(tmp_path: Path, monkeypatch) -> None:
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def attack(repo: GitRepo, capsys, message: str) -> list:
    """Commit the working tree as the attack; check it against the base; exit 1 or the attack passed."""
    repo.commit(message)
    code, found, _, err = check_json(capsys, "--base", repo.base)
    assert code == 1, f"the attack passed: {found} {err}"
    return found


def add_file(repo: GitRepo, relpath: str, text: str) -> Path:
    """Write ``text`` at ``relpath`` in the repository (folders made as needed)."""
    path = repo.path / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
