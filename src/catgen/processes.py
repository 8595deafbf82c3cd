"""The process catgen runs in and those it forks: the cycle collector, and workers that end with their parent.

The parse workers (``load/parsing.py``), the rules' child (``checking/bothcores.py``) and the page
writers (``website/pagewriter.py``) are forks of a catgen command; each must end when that command
ends, however it ends.
"""

from __future__ import annotations

import gc
import os
import sys
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


def die_with_parent() -> None:
    """Make this worker process end when the process that started it ends, however that ends.

    On Linux the kernel sends SIGKILL at once (``prctl(PR_SET_PDEATHSIG)``);
    everywhere, a daemon thread notices that the parent changed (the worker was
    handed to init) and ends the worker. The thread also covers the moment
    before ``prctl`` took effect.
    """
    import ctypes
    import signal
    import threading

    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no libc prctl: the watching thread alone
    threading.Thread(target=_exit_when_orphaned, args=(parent,), name="catgen-parent-watch", daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
