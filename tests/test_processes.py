"""``processes``: a forked child's result, and what happens when it fails, dies or is left behind."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from catgen import processes
from catgen.processes import Forked

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="catgen forks on Linux only")


def test_the_result_is_what_the_child_returned_as_plain_data():
    with Forked(lambda: {"pid": os.getpid(), "rows": [("a", 1, 2.5, None, True)]}) as child:
        here = os.getpid()
        found = child.result()
    assert found["pid"] != here and found["rows"] == [("a", 1, 2.5, None, True)]


@pytest.mark.parametrize("work", [
    lambda: 1 / 0,  # it raised
    lambda: os.kill(os.getpid(), signal.SIGKILL),  # it died
    lambda: object(),  # it cannot be sent
])
def test_a_child_that_raises_dies_or_sends_nothing_plain_is_no_result(work):
    with Forked(work) as child:
        assert child.result() is None


def test_leaving_before_the_result_kills_and_reaps_the_child(tmp_path):
    mark = tmp_path / "written"
    with pytest.raises(RuntimeError):
        with Forked(lambda: time.sleep(5) or mark.write_text("late")) as child:
            pid = child.child
            raise RuntimeError("this process failed first")
    with pytest.raises(ChildProcessError):  # reaped: no longer this process's child
        os.waitpid(pid, os.WNOHANG)
    time.sleep(0.1)
    assert not mark.exists()


def test_no_fork_is_no_result(monkeypatch):
    def refuse():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(processes.os, "fork", refuse)
    with Forked(lambda: 1) as child:
        assert child.result() is None


def test_nothing_of_this_process_runs_in_the_child_after_its_work(capfd):
    print("buffered here", end="")  # an exit that flushed it would print it twice
    with Forked(lambda: 1) as child:
        assert child.result() == 1
    sys.stdout.flush()
    assert capfd.readouterr().out == "buffered here"


def test_a_fork_is_safe_only_without_other_threads(monkeypatch):
    monkeypatch.setattr(processes.threading, "active_count", lambda: 2)
    assert not processes.fork_is_safe()
    monkeypatch.setattr(processes.threading, "active_count", lambda: 1)
    assert processes.fork_is_safe() == ((os.cpu_count() or 1) >= 2)
