"""The process catgen runs in and those it forks: the cycle collector, and workers that end with their parent.

The parse workers (``load/parsing.py``), the rules' child (``checking/bothcores.py``), the listing's
second half (``load/sources.py``) and the page writers (``website/pagewriter.py``) are forks of a
catgen command; each must end when that command ends, however it ends.
"""

from __future__ import annotations

import gc
import marshal
import os
import signal
import sys
import threading
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """Python's cycle collector off meanwhile (forked workers inherit it off), restored after.

    Parsing builds only plain data, with no reference cycle to find, and the
    collections that many new dicts trigger cost about 7% of the parse. ``catgen
    check`` keeps it off for the whole command (``commands/check.py`` says why).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_POLL_SECONDS = 0.5


def ready_to_fork() -> None:
    """Import here, once, what ``die_with_parent`` needs in each process forked next: ctypes, 6 ms a process."""
    import ctypes  # noqa: F401 - kept in sys.modules, which every fork inherits


def die_with_parent(parent: int) -> None:
    """Make this worker process end when ``parent``, the process that started it, ends, however that ends.

    On Linux the kernel sends SIGKILL at once (``prctl(PR_SET_PDEATHSIG)``);
    everywhere, a daemon thread notices that the parent changed (the worker was
    handed to init) and ends the worker. A parent that ended before ``prctl``
    took effect ends the worker here.

    ``parent`` is the pid the parent read of itself before it started the worker: the worker's own
    ``os.getppid()`` is already init's when the parent was killed first, and a worker that took init for
    its parent waited for ever for work from a parent that was gone.
    """
    import ctypes
    import signal
    import threading

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no libc prctl: the watching thread alone
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_exit_when_orphaned, args=(parent,), name="catgen-parent-watch", daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def forking_platform() -> bool:
    """Linux: where catgen forks its helpers (elsewhere ``fork`` is missing, as on Windows, or unsafe once some
    system libraries are loaded, as on macOS, whose Python starts processes afresh)."""
    return sys.platform.startswith("linux")


def fork_is_safe() -> bool:
    """Linux, two cores or more, and no other thread: a fork copies only the calling thread, and a lock another
    thread holds would stay held in the child for ever."""
    return forking_platform() and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1


class Forked:
    """``work()`` in a child forked now, while this process goes on; a context.

    ``result()`` waits for the child and gives what ``work`` returned (plain data, sent with ``marshal``: the
    child is this process's own fork, so its bytes are trusted), or None when the fork failed, or the child
    raised, died or sent something else: the caller then does the work itself. Leaving the context before
    ``result`` (an exception on its way) kills and reaps the child. Nothing of this process runs in the child
    after ``work`` (no ``finally``, no ``atexit``, no buffered output flushed twice).
    """

    def __init__(self, work, *, ends_with_parent: bool = True):
        self.child, self.readable = None, None
        readable, writable = os.pipe()
        parent = os.getpid()
        try:
            child = os.fork()
        except OSError:
            os.close(readable)
            os.close(writable)
            return
        if child == 0:
            _run_forked(work, readable, writable, parent if ends_with_parent else None)  # never returns
        os.close(writable)
        self.child, self.readable = child, readable

    def result(self):
        if self.child is None:
            return None
        with os.fdopen(self.readable, "rb", closefd=False) as stream:
            payload = stream.read()
        _, status = os.waitpid(self.child, 0)
        self.child = None  # reaped: never killed now, its pid may be another process's
        if status != 0:
            return None
        try:
            return marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None

    def __enter__(self):
        return self

    def __exit__(self, *failure) -> None:
        if self.readable is not None:
            os.close(self.readable)
            self.readable = None
        if self.child is not None:
            os.kill(self.child, signal.SIGKILL)
            os.waitpid(self.child, 0)
            self.child = None


def _run_forked(work, readable: int, writable: int, parent: int | None) -> None:
    status = 1
    try:
        os.close(readable)
        if parent is not None:
            die_with_parent(parent)
        payload = marshal.dumps(work())
        with os.fdopen(writable, "wb") as stream:
            stream.write(payload)
        status = 0
    finally:
        os._exit(status)


@contextmanager
def terminate_as_interrupt():
    """SIGTERM and SIGHUP (``docker stop``, a service manager, a closed terminal) stop a long-running command
    as Ctrl-C does: ``catgen serve`` and ``catgen check --watch`` then clean up (MkDocs' temporary site, catgen's own
    folders and children) and end as after Ctrl-C; by default these signals end the process on the spot."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread sets handlers
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    saved = {number: signal.signal(number, interrupt) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
