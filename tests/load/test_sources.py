"""``DirectorySource``: which files of a catalog folder are manifests, how they are read and shown."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from catgen.errors import CatalogError
from catgen.load.sources import (
    FOLDER, SPECIAL, SYMLINK, UNKNOWN_SIZE, DirectorySource, Seen, SourceFile, _seen, read_capped, source_file,
)
from catgen.load.yamlsafe import MAX_BYTES

from testing.catalogs import write


def test_lists_yaml_and_yml_in_path_order_and_skips_hidden_and_other_files(tmp_path):
    for relpath in ("models/m/2.yaml", "a.yml", "models/m/1.yaml", ".hidden.yaml", ".drafts/x.yaml",
                    "models/.git/y.yaml", "README.md", "notes.yaml.bak"):
        write(tmp_path, relpath, "a: 1\n")
    listed = DirectorySource(str(tmp_path)).files()
    assert [f.relpath for f in listed] == ["a.yml", "models/m/1.yaml", "models/m/2.yaml"]
    assert listed[0] == SourceFile("a.yml", len(b"a: 1\n"))


def test_links_are_listed_flagged_and_never_followed(tmp_path):
    write(tmp_path, "outside/target.yaml", "a: 1\n")
    root = tmp_path / "catalog"
    root.mkdir()
    os.symlink(tmp_path / "outside/target.yaml", root / "linked.yaml")
    os.symlink(tmp_path / "outside", root / "linked-folder")
    os.symlink(tmp_path / "nowhere", root / "dangling")  # no suffix, points nowhere: not a manifest
    listed = {f.relpath: f for f in DirectorySource(str(root)).files()}
    assert listed == {
        "linked.yaml": SourceFile("linked.yaml", 0, symlink=True),
        "linked-folder": SourceFile("linked-folder", 0, symlink=True, folder=True),
    }


def test_a_named_pipe_is_listed_as_special_without_opening_it(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    os.mkfifo(tmp_path / "pipe.yaml")
    assert DirectorySource(str(tmp_path)).files() == [SourceFile("pipe.yaml", 0, special=True)]
    assert list(DirectorySource(str(tmp_path)).walk()) == [SourceFile("pipe.yaml", 0, special=True)]


def test_read_stops_one_byte_past_the_limit(tmp_path):
    (tmp_path / "big.yaml").write_bytes(b"#" * (MAX_BYTES + 100))
    (tmp_path / "small.yaml").write_bytes(b"a: 1\n")
    source = DirectorySource(str(tmp_path))
    assert len(source.read("big.yaml")) == MAX_BYTES + 1
    assert source.read("small.yaml") == b"a: 1\n"


def test_a_vanished_file_is_file_not_found_and_other_failures_are_catalog_errors(tmp_path):
    source = DirectorySource(str(tmp_path))
    with pytest.raises(FileNotFoundError):
        source.read("gone.yaml")
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(CatalogError, match="cannot read folder.yaml"):
        source.read("folder.yaml")


def test_a_missing_or_file_root_is_a_catalog_error(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    for root in (tmp_path / "missing", tmp_path / "file"):
        with pytest.raises(CatalogError, match="does not exist or is not a folder"):
            DirectorySource(str(root))


def test_display_is_relative_to_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "repo/catalog").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    assert DirectorySource("catalog").display("models/m/1.yaml") == "catalog/models/m/1.yaml"
    assert DirectorySource(str(tmp_path / "repo/catalog")).display("a.yaml") == "catalog/a.yaml"
    monkeypatch.chdir(tmp_path / "repo/catalog")
    assert DirectorySource(".").display("a.yaml") == "a.yaml"


def test_reading_many_files_keeps_few_memory_mappings(tmp_path):
    """Regression: ``read(MAX_BYTES + 1)`` per file left one mapping each (Linux allows 65,530)."""
    if not os.path.exists("/proc/self/maps"):
        pytest.skip("no /proc/self/maps here")
    for index in range(1000):
        (tmp_path / f"f{index}.yaml").write_bytes(b"a: 1\n")
    source = DirectorySource(str(tmp_path))
    before = _mappings()
    raws = [source.read(f.relpath) for f in source.files()]
    assert len(raws) == 1000 and _mappings() - before < 100


def _mappings() -> int:
    with open("/proc/self/maps", encoding="utf-8") as maps:
        return sum(1 for _ in maps)



def test_stats_are_what_files_say_in_path_order(tmp_path):
    """``stats()`` (the warm re-check's plain tuples) and ``files()`` describe every file alike."""
    write(tmp_path, "b/2.yaml", "a: 1\n")
    write(tmp_path, "a.yml", "a: 22\n")
    os.symlink(tmp_path / "a.yml", tmp_path / "linked.yaml")
    os.symlink(tmp_path / "b", tmp_path / "linked-folder")
    source = DirectorySource(str(tmp_path))
    stats, files = source.stats(), source.files()
    assert [seen.relpath for seen in stats] == ["a.yml", "b/2.yaml", "linked-folder", "linked.yaml"]
    assert [(f.relpath, f.size, f.mtime_ns, f.inode, f.kind) for f in files] == [tuple(seen) for seen in stats]
    lstat = os.lstat(tmp_path / "a.yml")
    assert stats[0] == Seen("a.yml", 6, lstat.st_mtime_ns, lstat.st_ino, 0)
    assert [seen.kind for seen in stats[2:]] == [SYMLINK | FOLDER, SYMLINK]
    # The cold listing tells a regular file by its folder entry's type alone: no size (nor time, inode) before it is
    # read.
    unsized = [SourceFile(f.relpath, UNKNOWN_SIZE) if f.kind == 0 else f for f in files]
    assert sorted(source.walk(), key=lambda f: f.relpath) == unsized


def test_a_listed_file_is_the_same_source_file_as_one_made_in_full():
    for kind in range(8):
        made = source_file(Seen("m/1.yaml", 7, 11, 13, kind))
        full = SourceFile("m/1.yaml", 7, symlink=bool(kind & SYMLINK), folder=bool(kind & FOLDER),
                          special=bool(kind & SPECIAL), mtime_ns=11, inode=13)
        assert made == full and repr(made) == repr(full) and hash(made) == hash(full) and made.kind == kind
    with pytest.raises(AttributeError):  # still frozen
        made.size = 8


def test_a_fifo_or_a_link_put_where_a_file_was_listed_is_refused_not_waited_on(tmp_path):
    write(tmp_path, "models/a.yaml", "kind: Model\n")
    source = DirectorySource(str(tmp_path))
    assert source.read("models/a.yaml") == b"kind: Model\n"
    os.mkfifo(tmp_path / "models/pipe.yaml")  # reading it would wait for a writer for ever
    os.symlink(tmp_path / "models/a.yaml", tmp_path / "models/link.yaml")
    for name in ("pipe", "link"):
        with pytest.raises(CatalogError, match=f"cannot read .*models/{name}.yaml"):
            source.read(f"models/{name}.yaml")


def _pipe_fed(*parts: bytes) -> int:
    """The read end of a pipe written ``parts`` apart in time: each read returns what is there (a short read)."""
    readable, writable = os.pipe()

    def feed():
        try:
            for part in parts:
                os.write(writable, part)
                time.sleep(0.02)
        except BrokenPipeError:  # the reader stopped at the limit
            pass
        finally:
            os.close(writable)

    threading.Thread(target=feed, daemon=True).start()
    return readable


@pytest.mark.parametrize("parts, size, expected", [
    ((b"a" * 100, b"b" * 100, b"c" * 100), 300, b"a" * 100 + b"b" * 100 + b"c" * 100),  # short reads: read on
    ((b"a" * 100, b"b" * 100), 150, b"a" * 100 + b"b" * 100),  # more than fstat said: it grew, read on
    ((b"a" * 100,), 300, b"a" * 100),  # less: it shrank, the end is the end
    ((b"#" * (MAX_BYTES // 2),) * 3, MAX_BYTES + 10, b"#" * (MAX_BYTES + 1)),  # capped, in a pipe's 64 KiB reads
    ((b"",), 0, b""),
])
def test_read_capped_reads_to_the_end_or_one_byte_past_the_limit(parts, size, expected):
    readable = _pipe_fed(*parts)
    try:
        assert read_capped(readable, size) == expected
    finally:
        os.close(readable)


def _many_folders(root, count: int = 40) -> list[str]:
    relpaths = [f"{kind}/n{number}/{version}.yaml" for kind in ("models", "jobs") for number in range(count)
                for version in (1, 2)] + ["policy.yaml", "deep/a/b/c/d.yml"]
    for relpath in relpaths:
        write(root, relpath, f"a: {relpath}\n")
    os.symlink(root / "models", root / "jobs/linked-folder")
    return relpaths


@pytest.fixture
def shared_listing(monkeypatch):
    """A listing shared with a forked child from 4 waiting folders; under pytest-xdist (threads) as in catgen."""
    from catgen.load import sources

    monkeypatch.setattr(sources, "SHARE_FROM", 4)
    monkeypatch.setattr(sources, "fork_is_safe", lambda: True)
    answers = []

    class Recorded(sources.Forked):
        def result(self):
            answers.append(super().result())
            return answers[-1]

    monkeypatch.setattr(sources, "Forked", Recorded)
    return answers


@pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2, reason="forks on Linux")
def test_a_listing_shared_with_a_child_is_the_listing_of_one_process(tmp_path, shared_listing):
    relpaths = _many_folders(tmp_path)
    source = DirectorySource(str(tmp_path))
    serial = sorted(source._walk(_seen))
    assert source.stats() == serial and len(serial) == len(relpaths) + 1  # the linked folder too
    assert shared_listing and shared_listing[0]  # a child listed its half
    assert {seen.relpath for seen in serial} - {one[0] for one in shared_listing[0]} >= {"policy.yaml"}


@pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2, reason="forks on Linux")
@pytest.mark.parametrize("broken", ["a folder it cannot read", "another shape"])
def test_what_the_child_could_not_list_is_listed_here(tmp_path, shared_listing, monkeypatch, broken):
    """Its share is listed again here: the same list, or the same one-line error a listing in one process gives."""
    from catgen.load import sources

    _many_folders(tmp_path)
    source = DirectorySource(str(tmp_path))
    serial = sorted(source._walk(_seen))
    if broken == "another shape":
        monkeypatch.setattr(sources.Forked, "result", lambda self: [("x",)])
        assert source.stats() == serial
        return
    real_scandir = os.scandir
    here = os.getpid()

    def refuse_in_the_child(path):
        if os.getpid() != here:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(sources.os, "scandir", refuse_in_the_child)
    assert source.stats() == serial and shared_listing == [None]
    monkeypatch.setattr(sources.os, "scandir", lambda path: refuse_in_the_child(path) if "n7" not in path
                        else (_ for _ in ()).throw(PermissionError(13, "Permission denied", path)))
    with pytest.raises(CatalogError, match=r"cannot read folder .*n7: Permission denied"):
        source.stats()


def _ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            return any(line.startswith("State:") and "Z" in line.split()[1] for line in status)
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not os.path.exists("/proc/self/status") or (os.cpu_count() or 1) < 2, reason="Linux /proc")
def test_a_listing_child_ends_soon_after_the_process_that_asked(tmp_path, shared_listing, monkeypatch):
    """The parent killed while its child lists a slow tree: the child stops at its next folder, not at its end."""
    _many_folders(tmp_path, count=60)
    noted, real_folder, lister = tmp_path / "child.pid", DirectorySource._folder, []

    def slow_in_the_child(self, rel_dir, describe, pending):
        if lister and os.getpid() != lister[0]:
            noted.write_text(str(os.getpid()))
            time.sleep(0.05)  # its whole share: about 3 s
        return real_folder(self, rel_dir, describe, pending)

    monkeypatch.setattr(DirectorySource, "_folder", slow_in_the_child)
    parent = os.fork()
    if parent == 0:  # the process that lists: it waits on its child for ever, until killed
        try:
            lister.append(os.getpid())
            monkeypatch.setattr(DirectorySource, "_walk", _blocked_here(DirectorySource._walk))
            DirectorySource(str(tmp_path)).stats()
        finally:
            os._exit(0)
    while not noted.exists():
        time.sleep(0.01)
    os.kill(parent, 9)
    os.waitpid(parent, 0)
    child, started = int(noted.read_text()), time.monotonic()
    while not _ended(child) and time.monotonic() - started < 2:
        time.sleep(0.02)
    assert _ended(child) and time.monotonic() - started < 1


def _blocked_here(walk):
    """``_walk`` that never returns in the listing process itself (the child's walks go on)."""
    def blocked(self, describe, pending=None, orphaned=None):
        if orphaned is None and pending is not None:
            time.sleep(60)
        return walk(self, describe, pending, orphaned)
    return blocked
