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


@pytest.mark.parametrize("ended_first", [True, False])
def test_a_worker_ends_with_its_parent_even_when_the_parent_ended_before_the_worker_began(ended_first):
    """The worker is told its parent's pid: once orphaned, its own ``getppid()`` is init's (that worker used to
    take init for its parent and wait for ever). One whose parent is alive goes on (then ends when it does)."""
    readable, writable = os.pipe()
    middle = os.fork()
    if middle == 0:  # the parent that may end first
        try:
            os.close(readable)
            parent = os.getpid()
            if os.fork() == 0:  # the worker
                while ended_first and os.getppid() == parent:
                    time.sleep(0.01)
                processes.die_with_parent(parent)
                os.write(writable, b"began")
                time.sleep(30 if ended_first else 0.5)  # the parent ends meanwhile: so does the worker
                os.write(writable, b" outlived its parent")
            elif not ended_first:
                time.sleep(0.3)
        finally:
            os._exit(0)
    os.close(writable)
    os.waitpid(middle, 0)
    said = b""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        chunk = os.read(readable, 100)  # EOF once the worker has ended
        if not chunk:
            break
        said += chunk
    os.close(readable)
    assert said == (b"" if ended_first else b"began")
