"""``load/inotify.py``: the events read from the kernel's bytes (``parse_events``) and a real ``Inotify``
watching folders of a temp folder (what ``add`` refuses, what ``wait`` and ``events`` tell, ``close``)."""

from __future__ import annotations

import os
import struct

from catgen.load.inotify import (
    IN_ATTRIB, IN_CLOSE_WRITE, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_IGNORED, IN_ISDIR, IN_MODIFY,
    IN_MOVE_SELF, IN_MOVED_FROM, IN_MOVED_TO, IN_Q_OVERFLOW, Event, Inotify, parse_events,
)


def _event(watch: int, mask: int, name: bytes = b"", cookie: int = 0, length: int | None = None) -> bytes:
    """One ``struct inotify_event`` as the kernel writes it: the name NUL-padded to ``length`` bytes."""
    length = len(name) if length is None else length
    return struct.pack("iIII", watch, mask, cookie, length) + name.ljust(length, b"\0")


def test_parse_events_reads_each_event_of_a_buffer():
    data = (_event(1, IN_CREATE, b"f.yaml", length=16) + _event(1, IN_DELETE_SELF)
            + _event(2, IN_MOVED_TO, b"a-longer-name.yaml", cookie=7, length=32)
            + _event(-1, IN_Q_OVERFLOW) + _event(3, IN_CREATE | IN_ISDIR, b"sixteen-bytes.ab", length=32))
    assert parse_events(data) == [
        Event(1, IN_CREATE, "f.yaml"), Event(1, IN_DELETE_SELF, ""), Event(2, IN_MOVED_TO, "a-longer-name.yaml"),
        Event(-1, IN_Q_OVERFLOW, ""), Event(3, IN_CREATE | IN_ISDIR, "sixteen-bytes.ab"),
    ]


def test_parse_events_of_nothing_and_of_a_name_that_is_no_utf8():
    assert parse_events(b"") == []
    assert parse_events(_event(4, IN_MODIFY, b"caf\xe9.yaml", length=16)) == [Event(4, IN_MODIFY, "caf\udce9.yaml")]
    assert parse_events(_event(4, IN_MODIFY, b"f.yaml", length=16)[:15]) == []  # no whole header: no event


def test_a_file_made_in_a_watched_folder_is_told(tmp_path):
    with Inotify() as inotify:
        watch = inotify.add(str(tmp_path))
        assert inotify.add(str(tmp_path)) == watch
        assert inotify.wait(0.05) is False
        assert inotify.events() == []
        handle = os.open(tmp_path / "f.yaml", os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(handle, b"a: 1\n")
        os.close(handle)
        assert inotify.wait(1.0) is True
        assert inotify.events() == [
            Event(watch, IN_CREATE, "f.yaml"), Event(watch, IN_MODIFY, "f.yaml"),
            Event(watch, IN_CLOSE_WRITE, "f.yaml"),
        ]
        assert inotify.wait(0.05) is False
        assert inotify.events() == []


def test_entries_made_moved_touched_and_deleted_are_told_in_order(tmp_path):
    with Inotify() as inotify:
        watch = inotify.add(str(tmp_path))
        (tmp_path / "sub").mkdir()
        os.rename(tmp_path / "sub", tmp_path / "moved")
        os.utime(tmp_path / "moved", ns=(1_600_000_000_000_000_000,) * 2)
        (tmp_path / "moved").rmdir()
        assert inotify.wait(1.0) is True
        assert inotify.events() == [  # the cookie pairing a move's two events is not kept
            Event(watch, IN_CREATE | IN_ISDIR, "sub"), Event(watch, IN_MOVED_FROM | IN_ISDIR, "sub"),
            Event(watch, IN_MOVED_TO | IN_ISDIR, "moved"), Event(watch, IN_ATTRIB | IN_ISDIR, "moved"),
            Event(watch, IN_DELETE | IN_ISDIR, "moved"),
        ]


def test_add_refuses_what_is_gone_or_no_folder(tmp_path):
    (tmp_path / "file.yaml").write_bytes(b"a: 1\n")
    (tmp_path / "folder").mkdir()
    os.symlink("folder", tmp_path / "link")
    with Inotify() as inotify:
        assert inotify.add(str(tmp_path / "missing")) is None
        assert inotify.add(str(tmp_path / "file.yaml")) is None  # IN_ONLYDIR: ENOTDIR
        assert inotify.add(str(tmp_path / "link")) is None  # IN_DONT_FOLLOW: the link itself is no folder
        assert inotify.add(str(tmp_path / "folder")) >= 0


def test_a_moved_folder_keeps_its_watch(tmp_path):
    (tmp_path / "a").mkdir()
    with Inotify() as inotify:
        watch = inotify.add(str(tmp_path / "a"))
        os.rename(tmp_path / "a", tmp_path / "b")
        assert inotify.add(str(tmp_path / "b")) == watch
        assert inotify.events() == [Event(watch, IN_MOVE_SELF, "")]


def test_a_removed_watched_folder_is_told_then_its_watch_ignored(tmp_path):
    (tmp_path / "sub").mkdir()
    with Inotify() as inotify:
        parent, watch = inotify.add(str(tmp_path)), inotify.add(str(tmp_path / "sub"))
        (tmp_path / "sub").rmdir()
        assert inotify.wait(1.0) is True
        assert sorted(inotify.events()) == sorted([
            Event(watch, IN_DELETE_SELF, ""), Event(watch, IN_IGNORED, ""), Event(parent, IN_DELETE | IN_ISDIR, "sub"),
        ])


def test_a_removed_watch_is_ignored_and_removing_it_again_is_harmless(tmp_path):
    with Inotify() as inotify:
        watch = inotify.add(str(tmp_path))
        inotify.remove(watch)
        inotify.remove(watch)
        assert inotify.events() == [Event(watch, IN_IGNORED, "")]
        (tmp_path / "f.yaml").write_bytes(b"a: 1\n")
        assert inotify.wait(0.05) is False


def test_close_twice_is_harmless():
    inotify = Inotify()
    assert inotify.fd >= 0
    inotify.close()
    inotify.close()
    assert inotify.fd == -1
    with Inotify() as closed_after:
        assert closed_after.fd >= 0
    assert closed_after.fd == -1
