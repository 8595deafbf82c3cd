"""The example catalog's story: the script that replays its past, and the guide page that audits it.

``examples/audit-demo/make_history.py`` builds a separate git repository whose last commit's
catalog is ``catalog/`` byte for byte, with the same commit ids every time; ``docs/audit.md``
quotes ``catgen status --at``, ``history`` and ``lineage`` run there, after
``<!-- output of "catgen ..." -->``, and each quote must be what the command prints.
"""

from __future__ import annotations

import filecmp
import re
import shlex
import subprocess
import sys

import pytest
from click.testing import CliRunner

from catgen.cli import cli

from testing.catalogs import EXAMPLE, REPO

SCRIPT = REPO / "examples" / "audit-demo" / "make_history.py"
QUOTED = re.compile(r'<!-- output of "(catgen [^"]+)" -->\s*\n```text\n(.*?)^```$', re.M | re.S)


def make_demo(folder):
    made = subprocess.run([sys.executable, str(SCRIPT), str(folder)], capture_output=True, text=True)
    assert made.returncode == 0, f"make_history.py exited {made.returncode}:\n{made.stdout}\n{made.stderr}"
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audit") / "demo"
    return folder, make_demo(folder)


def same_tree(left, right) -> bool:
    compared = filecmp.dircmp(left, right)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(left / d, right / d) for d in compared.common_dirs)


def test_the_last_commit_is_the_example_catalog(demo):
    folder, _ = demo
    assert same_tree(folder / "catalog", EXAMPLE)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=folder, capture_output=True, text=True).stdout
    assert dirty == ""


def test_the_script_is_deterministic(demo, tmp_path):
    _, head = demo
    assert make_demo(tmp_path / "again") == head


def test_the_script_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "something.txt").write_text("mine", encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2 and not (tmp_path / ".git").exists()


def test_the_commits_carry_the_manifests_dates(demo):
    folder, _ = demo
    log = subprocess.run(["git", "log", "--reverse", "--format=%cI %aI %s"], cwd=folder, check=True,
                         capture_output=True, text=True).stdout.splitlines()
    assert log[0].startswith("2024-05-02T08:00:00+00:00 2024-05-02T08:00:00+00:00 Add policy")
    assert any(line.startswith("2024-09-24T14:00:00+00:00") and "switch blue to credit-risk@3" in line for line in log)
    committed = [line.split()[0] for line in log]
    assert committed == sorted(committed)


def test_audit_page_quotes_real_output(demo, monkeypatch):
    folder, _ = demo
    quotes = QUOTED.findall((REPO / "docs" / "audit.md").read_text(encoding="utf-8"))
    assert {shlex.split(command)[1] for command, _ in quotes} == {"status", "history", "lineage"}
    monkeypatch.chdir(folder)  # history is read from the repository that holds the current directory
    for command, expected in quotes:
        result = CliRunner().invoke(cli, shlex.split(command)[1:],
                                    env={"GITHUB_ACTIONS": "", "SOURCE_DATE_EPOCH": "1735689600"})
        assert result.exit_code == 0, result.output
        assert result.output == expected, f"docs/audit.md quotes stale output of `{command}`"
