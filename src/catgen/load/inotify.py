"""Linux's inotify through ``ctypes``: which folders of a tree saw a change, read without a thread.

``catgen check --watch`` keeps its listing of the catalog current from these events
(``load/watchedtree.py``) instead of ``lstat``-ing every file for each re-check. No thread: the
events wait in the kernel until asked for, so the check may still fork its helpers
(``processes.fork_is_safe``). Where there is no inotify (another system, no ``libc``) or its
limits are reached (``fs.inotify.max_user_watches``), ``WatchUnavailable`` says why, and the
caller looks for changes by listing the folder again instead.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import select
import struct
import sys
from typing import NamedTuple

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF = 0x400, 0x800
IN_Q_OVERFLOW, IN_IGNORED, IN_ISDIR = 0x4000, 0x8000, 0x40000000
IN_ONLYDIR, IN_DONT_FOLLOW, IN_EXCL_UNLINK = 0x01000000, 0x02000000, 0x04000000
# Everything that changes what a listing sees in a folder: its entries (created, deleted, moved in or out),
# a file's bytes or times (a write, ``touch``), and the folder itself going away.
FOLDER_EVENTS = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
                 | IN_DELETE_SELF | IN_MOVE_SELF)
_HEADER = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then len bytes of name
_READ_SIZE = 1 << 16


class WatchUnavailable(Exception):
    """inotify cannot watch here (why is the message); list the folder again to find changes instead."""


class Event(NamedTuple):
    """One event: the watch it came from (-1 for the queue's overflow), what happened, the entry's name ('' for
    the watched folder itself)."""

    watch: int
    mask: int
    name: str


class Inotify:
    """An inotify instance: folders added by path, events read when asked (``events``) or waited for (``wait``)."""

    def __init__(self):
        self._libc = _libc()
        handle = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if handle < 0:
            raise WatchUnavailable(f"inotify: {os.strerror(ctypes.get_errno())}")
        self.fd = handle

    def add(self, path: str) -> int | None:
        """The watch of the folder ``path`` (the same number again for a folder already watched, moved or not);
        None when it is gone, or is no longer a folder, since it was listed."""
        watch = self._libc.inotify_add_watch(self.fd, os.fsencode(path),
                                             FOLDER_EVENTS | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
        if watch >= 0:
            return watch
        number = ctypes.get_errno()
        if number in (errno.ENOENT, errno.ENOTDIR):
            return None
        if number == errno.ENOSPC:
            raise WatchUnavailable("inotify's limit of watched folders is reached (sysctl fs.inotify.max_user_watches)")
        raise WatchUnavailable(f"cannot watch {path}: {os.strerror(number)}")

    def remove(self, watch: int) -> None:
        self._libc.inotify_rm_watch(self.fd, watch)  # a watch already gone (its folder deleted) is no error here

    def wait(self, timeout: float | None) -> bool:
        """Whether events wait to be read, waiting up to ``timeout`` seconds (None: until there are)."""
        readable, _, _ = select.select([self.fd], [], [], timeout)
        return bool(readable)

    def events(self) -> list[Event]:
        """Every event waiting now, in the order they came; [] when none."""
        found: list[Event] = []
        while True:
            try:
                data = os.read(self.fd, _READ_SIZE)
            except BlockingIOError:
                return found
            found += parse_events(data)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def parse_events(data: bytes) -> list[Event]:
    """The events in one read: the kernel writes whole events only, each name padded with NULs."""
    found, offset, size = [], 0, _HEADER.size
    while offset + size <= len(data):
        watch, mask, _cookie, length = _HEADER.unpack_from(data, offset)
        name = data[offset + size:offset + size + length].split(b"\0", 1)[0]
        found.append(Event(watch, mask, os.fsdecode(name)))
        offset += size + length
    return found


def _libc():
    if not sys.platform.startswith("linux"):
        raise WatchUnavailable(f"inotify is Linux's; this is {sys.platform}")
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        functions = libc.inotify_init1, libc.inotify_add_watch, libc.inotify_rm_watch
    except (OSError, AttributeError) as err:
        raise WatchUnavailable(f"no inotify in the C library: {err}") from None
    init, add, remove = functions
    init.argtypes, init.restype = [ctypes.c_int], ctypes.c_int
    add.argtypes, add.restype = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32], ctypes.c_int
    remove.argtypes, remove.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return libc
