"""``catgen check --watch`` as a user runs it: a real process, real edits, stopped by a real signal."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from testing.catalogs import edit
from testing.cli import one_error_line, run
from testing.streams import StreamReader

STATUS = re.compile(r"^catgen: checked in \d+\.\d\d s \((all [\d,]+ files judged|[\d,]+ of [\d,]+ files judged "
                    r"again)\)$")
WATCHING = "catgen: watching catalog for changes (Ctrl-C stops)"


class Watching:
    """``catgen check --watch catalog [ARGS]`` started in the current folder; ``next_check`` reads its stderr up to
    its next "watching" line."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen([sys.executable, "-m", "catgen", "check", "--watch", "catalog", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stderr = StreamReader(self.process.stderr)

    def next_check(self, timeout: float = 30) -> list[str]:
        """The stderr lines of the next check, its "watching" line last."""
        return self.stderr.until(WATCHING + "\n", timeout).splitlines()

    def stop(self, number: int = signal.SIGTERM) -> tuple[int, str, str]:
        self.process.send_signal(number)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out.decode(), self.stderr.left.decode() + err.decode()


@pytest.fixture
def watching(example):
    started = Watching()
    yield started
    if started.process.poll() is None:
        started.process.kill()
        started.process.wait()


def test_a_report_after_each_change_and_the_last_checks_exit_code_when_stopped(example, watching):
    first = watching.next_check()
    assert len(first) == 2 and STATUS.match(first[0]) and "all" in first[0]
    edit(example, "models/credit-risk/2.yaml", "version:", "version: [unclosed\n  other:")
    broken = watching.next_check()
    assert len(broken) == 2 and STATUS.match(broken[0]) and "again" in broken[0]
    code, out, err = watching.stop()
    assert (code, err) == (1, "")
    reports = out.split("manifests checked, ")
    assert len(reports) == 3  # two reports, each ending in its summary line
    assert reports[1].startswith("0 errors")
    errors = [line for line in out.splitlines() if line.startswith("catalog/")]
    assert errors == [run("check", "catalog")[1].splitlines()[0]]
    assert re.fullmatch(r"catalog/models/credit-risk/2\.yaml:\d+:\d+: CG101 yaml-syntax: .+", errors[0])


def test_ctrl_c_after_a_clean_check_exits_0(example, watching):
    watching.next_check()
    code, _, err = watching.stop(signal.SIGINT)
    assert (code, err) == (0, "")


def test_with_output_the_file_is_replaced_by_each_report(example, tmp_path):
    report = tmp_path / "report.json"
    started = Watching("--format", "json", "--output", str(report))
    try:
        started.next_check()
        first = report.read_text()
        edit(example, "models/credit-risk/2.yaml", "version:", "version: [unclosed\n  other:")
        started.next_check()
        code, out, _ = started.stop()
    finally:
        started.process.kill()
    assert (code, out) == (1, "")
    assert json.loads(first)["summary"]["errors"] == 0
    assert report.read_text() == run("check", "catalog", "--format", "json")[1]


def test_the_catalog_folder_removed_ends_the_watch_with_exit_2(example, watching):
    import shutil

    watching.next_check()
    shutil.rmtree(example)
    assert watching.process.wait(timeout=30) == 2
    _, err = watching.process.communicate()
    assert one_error_line(watching.stderr.left.decode() + err.decode()) == (
        "catgen: error: catalog folder 'catalog' was moved or removed")


@pytest.mark.parametrize(("args", "reason"), [
    (["--base", "HEAD"], "--watch re-checks the working tree after each change; it cannot be combined with --base"),
    (["--no-cache"], "--watch keeps what it found in the cache between checks; it cannot be combined with "
                     "--no-cache"),
    (["--output", "catalog/models/report.txt"], "--output catalog/models/report.txt is inside the catalog folder: "
                                                "with --watch, each report would start the next check"),
])
def test_what_watch_cannot_be_combined_with(example, args, reason):
    code, out, err = run("check", "--watch", "catalog", *args)
    assert (code, out, one_error_line(err)) == (2, "", f"catgen: error: {reason}")
