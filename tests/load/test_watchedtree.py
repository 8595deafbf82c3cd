"""``WatchedTree`` and ``PolledTree``: after ``changes()``, ``listing()`` is exactly what ``DirectorySource.stats()``
lists now, whatever happened to the files and folders of the catalog (real inotify, real files, no mocks).

Random sequences of file-system operations (Hypothesis) check that contract batch by batch; named tests pin down
each path of ``WatchedTree`` (a manifest written, writes that matter to no listing, folders moved, made, or
replaced at the same path, the catalog folder itself gone, an overflowing queue, links to folders) and the
``PolledTree`` fallback (no inotify, or its limit reached).
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
import time

import pytest
from hypothesis import HealthCheck, given, settings

from catgen.errors import CatalogError
from catgen.load import watchedtree
from catgen.load.inotify import IN_Q_OVERFLOW, Event, Inotify, WatchUnavailable
from catgen.load.sources import FOLDER, SPECIAL, SYMLINK, DirectorySource, Seen
from catgen.load.watchedtree import CatalogGone, PolledTree, WatchedTree, watched_tree

from testing.treeops import BATCHES, START, Disk, apply_batch

SETTLE = 0.05  # seconds ``changes`` waits for a first event (it returns at once when there are some)



def _write(path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def _seen_of(root, relpath: str) -> Seen:
    status = os.lstat(os.path.join(root, relpath))
    return Seen(relpath, status.st_size, status.st_mtime_ns, status.st_ino, 0)


def _catalog(tmp_path, *files: str):
    """A catalog folder ``<tmp>/catalog`` holding ``files`` (each with its own path as text), and its source."""
    root = tmp_path / "catalog"
    for relpath in files:
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        _write(root / relpath, relpath.encode())
    root.mkdir(exist_ok=True)
    return root, DirectorySource(str(root))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=BATCHES)
def test_the_listing_is_what_stats_lists_after_any_operations(batches):
    root = tempfile.mkdtemp(prefix="watchedtree-")
    try:
        disk, source = Disk(root), DirectorySource(root)
        for relpath in START:
            os.makedirs(posixpath.dirname(disk.at(relpath)), exist_ok=True)
            _write(disk.at(relpath), relpath.encode())
        apply_batch(disk, batches[0])  # made before the watch: the first listing lists everything
        with watched_tree(source) as tree:
            assert isinstance(tree, WatchedTree)
            assert tree.listing() == source.stats()
            for batch in batches[1:]:
                apply_batch(disk, batch)
                tree.changes(SETTLE)  # False is fine when nothing a listing sees happened
                assert tree.listing() == source.stats()
    finally:
        shutil.rmtree(root)


# --- WatchedTree, path by path ---------------------------------------------------------------------------------


def test_the_first_listing_lists_everything_in_path_order(tmp_path):
    root, source = _catalog(tmp_path, "z.yaml", "a/b/c.yml", "a/n.txt", ".h/x.yaml", "a/.x.yaml")
    with watched_tree(source) as tree:
        assert tree.listing() == [_seen_of(root, "a/b/c.yml"), _seen_of(root, "z.yaml")]
        assert tree.reason is None


def test_a_write_to_a_manifest_stats_it_again(tmp_path):
    root, source = _catalog(tmp_path, "m/f.yaml", "m/g.yaml")
    with watched_tree(source) as tree:
        before = tree.listing()
        _write(root / "m/f.yaml", b"longer than before")
        os.utime(root / "m/f.yaml", ns=(1_700_000_000_000_000_000,) * 2)
        assert tree.changes(1.0) is True
        after = tree.listing()
        assert after == [_seen_of(root, "m/f.yaml"), before[1]]
        assert after[0] == Seen("m/f.yaml", 18, 1_700_000_000_000_000_000, before[0].inode, 0)
        assert after == source.stats()


def test_a_changed_mtime_alone_is_seen(tmp_path):
    root, source = _catalog(tmp_path, "f.yaml")
    with watched_tree(source) as tree:
        size, inode = tree.listing()[0].size, tree.listing()[0].inode
        os.utime(root / "f.yaml", ns=(1_600_000_000_000_000_000,) * 2)
        assert tree.changes(1.0) is True
        assert tree.listing() == [Seen("f.yaml", size, 1_600_000_000_000_000_000, inode, 0)] == source.stats()


def test_writes_to_hidden_files_and_files_that_are_no_manifest_are_no_change(tmp_path):
    root, source = _catalog(tmp_path, "f.yaml", ".x.yaml", "n.txt", "m/.y.yml", "m/notes.md")
    with watched_tree(source) as tree:
        before = list(tree.listing())
        for relpath in (".x.yaml", "n.txt", "m/.y.yml", "m/notes.md"):
            _write(root / relpath, b"a write of another size")
        _write(root / "m/.new.yaml", b"a hidden file made")
        assert tree.changes(0.1) is False
        assert tree.listing() == before == [_seen_of(root, "f.yaml")] == source.stats()


@pytest.mark.parametrize("moved, to", [("a/b", "z/moved"), ("z/b", "a/moved"), ("a/b", "a/b2/c/moved")])
def test_a_folder_moved_in_the_tree_is_listed_and_watched_at_its_new_path(tmp_path, moved, to):
    files = ("f.yaml", "c/d/deep.yaml", "c/g.yml", "e/n.txt")
    root, source = _catalog(tmp_path, *[f"{moved}/{name}" for name in files], "a/b2/c/x.yaml", "z/y.yaml")
    (root / moved / "empty").mkdir()
    with watched_tree(source) as tree:
        assert [seen.relpath for seen in tree.listing()] == sorted(
            ["a/b2/c/x.yaml", "z/y.yaml", f"{moved}/f.yaml", f"{moved}/c/d/deep.yaml", f"{moved}/c/g.yml"])
        os.rename(root / moved, root / to)
        assert tree.changes(1.0) is True
        assert [seen.relpath for seen in tree.listing()] == sorted(
            ["a/b2/c/x.yaml", "z/y.yaml", f"{to}/f.yaml", f"{to}/c/d/deep.yaml", f"{to}/c/g.yml"])
        assert tree.listing() == source.stats()
        _write(root / to / "c/d/deep.yaml", b"written after the move")
        _write(root / to / "empty/new.yaml", b"made after the move")
        _write(root / to / "c/d/more.yml", b"made after the move")
        assert tree.changes(1.0) is True
        listed = {seen.relpath: seen for seen in tree.listing()}
        assert [listed[f"{to}/{name}"] for name in ("c/d/deep.yaml", "empty/new.yaml", "c/d/more.yml")] == [
            _seen_of(root, f"{to}/{name}") for name in ("c/d/deep.yaml", "empty/new.yaml", "c/d/more.yml")]
        assert tree.listing() == source.stats()


def test_files_made_in_a_new_folder_before_any_event_is_read_are_listed(tmp_path):
    root, source = _catalog(tmp_path, "f.yaml")
    with watched_tree(source) as tree:
        tree.listing()
        (root / "new/deeper/deepest").mkdir(parents=True)
        for relpath in ("new/a.yaml", "new/deeper/b.yml", "new/deeper/deepest/c.yaml", "new/deeper/n.txt"):
            _write(root / relpath, b"made at once")
        assert tree.changes(1.0) is True
        expected = ["f.yaml", "new/a.yaml", "new/deeper/b.yml", "new/deeper/deepest/c.yaml"]
        assert tree.listing() == [_seen_of(root, relpath) for relpath in expected] == source.stats()
        _write(root / "new/deeper/deepest/d.yaml", b"the new folders are watched")
        assert tree.changes(1.0) is True
        assert tree.listing()[-1] == _seen_of(root, "new/deeper/deepest/d.yaml")
        assert tree.listing() == source.stats()


def test_a_removed_folder_is_forgotten_with_everything_below_it(tmp_path):
    root, source = _catalog(tmp_path, "f.yaml", "a/b/c.yaml", "a/d.yml", "ab/e.yaml")
    with watched_tree(source) as tree:
        tree.listing()
        shutil.rmtree(root / "a")
        assert tree.changes(1.0) is True
        assert tree.listing() == [_seen_of(root, "ab/e.yaml"), _seen_of(root, "f.yaml")] == source.stats()


@pytest.mark.parametrize("how", ["removed", "renamed"])
def test_the_catalog_folder_itself_gone_is_catalog_gone(tmp_path, how):
    root, source = _catalog(tmp_path, "f.yaml", "a/g.yaml")
    with watched_tree(source) as tree:
        tree.listing()
        if how == "removed":
            shutil.rmtree(root)
        else:
            os.rename(root, tmp_path / "elsewhere")
        assert tree.changes(1.0) is True
        with pytest.raises(CatalogGone) as raised:
            tree.listing()
    assert isinstance(raised.value, CatalogError)
    assert str(raised.value) == "catalog folder 'catalog' was moved or removed"  # tests run in tmp_path


def test_an_overflowing_queue_lists_everything_again(tmp_path):
    root, source = _catalog(tmp_path, "f.yaml", "a/g.yaml")
    with watched_tree(source) as tree:
        before = list(tree.listing())
        _write(root / "a/new.yaml", b"its events are lost")
        _write(root / "f.yaml", b"so are this write's")
        (root / "b").mkdir()
        _write(root / "b/h.yml", b"and this folder's")
        assert tree._inotify.events() != []  # read and dropped: as if the queue had overflowed
        assert tree.listing() == before
        tree._apply([Event(-1, IN_Q_OVERFLOW, "")])
        expected = ["a/g.yaml", "a/new.yaml", "b/h.yml", "f.yaml"]
        assert tree.listing() == [_seen_of(root, relpath) for relpath in expected] == source.stats()
        _write(root / "b/h.yml", b"the folders listed again are watched again")
        assert tree.changes(1.0) is True
        assert tree.listing() == source.stats()


def test_links_to_a_folder_made_after_them_are_listed_once_it_exists(tmp_path):
    """``l.yaml`` is listed as a link whatever it points to; ``l2`` only while it points to a folder."""
    root, source = _catalog(tmp_path, "f.yaml")
    os.symlink("target", root / "l2")
    os.symlink("target", root / "l.yaml")
    with watched_tree(source) as tree:
        link, file = Seen("l.yaml", 0, 0, 0, SYMLINK), _seen_of(root, "f.yaml")
        assert tree.listing() == [file, link] == source.stats()
        (root / "target").mkdir()
        assert tree.changes(1.0) is True
        assert tree.listing() == [file, link, Seen("l2", 0, 0, 0, SYMLINK | FOLDER)] == source.stats()
        (root / "target").rmdir()
        assert tree.changes(1.0) is True
        assert tree.listing() == [file, link] == source.stats()


def test_a_link_to_a_folder_outside_is_listed_at_the_next_change_of_the_catalog(tmp_path):
    """The known limit (``WatchedTree``'s docstring): the target made outside the catalog is no event in it."""
    root, source = _catalog(tmp_path, "f.yaml", "m/g.yaml")
    os.symlink(tmp_path / "outside", root / "m/l2")
    with watched_tree(source) as tree:
        assert tree.listing() == [_seen_of(root, "f.yaml"), _seen_of(root, "m/g.yaml")] == source.stats()
        (tmp_path / "outside").mkdir()
        assert tree.changes(0.1) is False
        _write(root / "f.yaml", b"any change in the catalog")
        assert tree.changes(1.0) is True
        assert tree.listing() == [_seen_of(root, "f.yaml"), _seen_of(root, "m/g.yaml"),
                                  Seen("m/l2", 0, 0, 0, SYMLINK | FOLDER)] == source.stats()


def test_a_named_pipe_and_a_folder_named_like_manifests(tmp_path):
    root, source = _catalog(tmp_path, "f.yaml")
    with watched_tree(source) as tree:
        tree.listing()
        os.mkfifo(root / "p.yaml")
        (root / "k.yaml").mkdir()
        _write(root / "k.yaml/in.yaml", b"in a folder named like a manifest")
        assert tree.changes(1.0) is True
        expected = [_seen_of(root, "f.yaml"), _seen_of(root, "k.yaml/in.yaml"), Seen("p.yaml", 0, 0, 0, SPECIAL)]
        assert tree.listing() == expected == source.stats()
        os.utime(root / "p.yaml", ns=(1_600_000_000_000_000_000,) * 2)
        os.utime(root / "k.yaml", ns=(1_600_000_000_000_000_000,) * 2)
        tree.changes(1.0)
        assert tree.listing() == expected == source.stats()


# --- a folder replaced at the same path before the events are read ----------------------------------------------


def _made_again(root) -> None:
    (root / "a").rmdir()
    (root / "a").mkdir()
    _write(root / "a/g.yaml", b"in the new folder")


def _moved_over_an_empty_one(root) -> None:
    os.replace(root / "y", root / "a/b")  # a rename may replace an empty folder


def _moved_where_another_was_moved_away(root) -> None:
    os.rename(root / "a/b", root / "z/b")
    os.rename(root / "q/y", root / "a/b")


def _moved_beside_itself_and_made_again(root) -> None:
    """The folder moved ("a/a") is walked first and takes the watch "a/b" had, before "a/b" is looked at."""
    os.rename(root / "a/b", root / "a/a")
    (root / "a/b").mkdir()
    _write(root / "a/b/g.yaml", b"in the folder made again")


@pytest.mark.parametrize(("files", "folders", "replace", "listed", "written"), [
    (["f.yaml"], ["a"], _made_again, ["a/g.yaml", "f.yaml"], ["a/h.yaml"]),
    (["f.yaml", "y/g.yaml"], ["a/b"], _moved_over_an_empty_one, ["a/b/g.yaml", "f.yaml"], ["a/b/h.yaml"]),
    (["q/y/f.yaml"], ["a/b", "z"], _moved_where_another_was_moved_away, ["a/b/f.yaml"], ["z/b/g.yaml", "a/b/h.yaml"]),
    (["a/b/f.yaml"], [], _moved_beside_itself_and_made_again, ["a/a/f.yaml", "a/b/g.yaml"], ["a/a/h.yaml"]),
], ids=["made again", "moved over an empty one", "moved where another was moved away", "moved beside itself"])
def test_a_folder_replaced_at_the_same_path_before_the_events_are_read_is_listed_and_watched(
        tmp_path, files, folders, replace, listed, written):
    root, source = _catalog(tmp_path, *files)
    for folder in folders:
        (root / folder).mkdir(parents=True, exist_ok=True)
    with watched_tree(source) as tree:
        tree.listing()
        replace(root)
        assert tree.changes(1.0) is True
        assert tree.listing() == [_seen_of(root, relpath) for relpath in listed] == source.stats()
        for relpath in written:  # each folder now there is watched
            _write(root / relpath, b"written after")
        assert tree.changes(1.0) is True
        assert tree.listing() == [_seen_of(root, relpath) for relpath in sorted(listed + written)] == source.stats()


def test_a_folder_moved_out_of_the_catalog_and_replaced_is_no_longer_watched(tmp_path):
    root, source = _catalog(tmp_path, "a/f.yaml")
    with watched_tree(source) as tree:
        tree.listing()
        os.rename(root / "a", tmp_path / "away")
        (root / "a").mkdir()
        assert tree.changes(1.0) is True
        assert tree.listing() == [] == source.stats()
        _write(tmp_path / "away/g.yaml", b"outside the catalog now")
        assert tree.changes(0.1) is False


# --- PolledTree and the choice between them ----------------------------------------------------------------------


def test_a_polled_tree_sees_a_write_and_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setattr(watchedtree, "POLL_SECONDS", 0.01)
    root, source = _catalog(tmp_path, "f.yaml", "a/g.yml")
    with PolledTree(source, "no inotify") as tree:
        assert tree.listing() == [_seen_of(root, "a/g.yml"), _seen_of(root, "f.yaml")] == source.stats()
        assert tree.changes(5.0) is False
        _write(root / "a/g.yml", b"written again")
        assert tree.changes(5.0) is True
        assert tree.listing() == [_seen_of(root, "a/g.yml"), _seen_of(root, "f.yaml")] == source.stats()
        assert tree.changes(5.0) is False
        assert tree.reason == "no inotify"


NO_INOTIFY = "no inotify in the C library: undefined symbol: inotify_init1"
LIMIT = "inotify's limit of watched folders is reached (sysctl fs.inotify.max_user_watches)"


def _no_inotify():
    raise WatchUnavailable(NO_INOTIFY)


class _Full(Inotify):
    """The real inotify with its limit reached (the real limit is the machine's)."""

    def add(self, path):
        raise WatchUnavailable(LIMIT)


@pytest.mark.parametrize(("unavailable", "reason"), [(_no_inotify, NO_INOTIFY), (_Full, LIMIT)],
                         ids=["no inotify", "its limit reached while every folder is watched"])
def test_where_inotify_cannot_watch_the_tree_is_polled_and_says_why(tmp_path, monkeypatch, unavailable, reason):
    """``watched_tree`` watches every folder at once, so a limit reached there is known before the first check."""
    monkeypatch.setattr(watchedtree, "Inotify", unavailable)
    root, source = _catalog(tmp_path, "f.yaml")
    with watched_tree(source) as tree:
        assert type(tree) is PolledTree
        assert tree.reason == reason
        assert tree.listing() == [_seen_of(root, "f.yaml")] == source.stats()


def test_a_polled_tree_lists_at_most_once_each_poll_seconds(tmp_path, monkeypatch):
    monkeypatch.setattr(watchedtree, "POLL_SECONDS", 0.3)
    root, source = _catalog(tmp_path, "f.yaml")
    listed, real = [], source.stats
    monkeypatch.setattr(source, "stats", lambda: listed.append(time.monotonic()) or real())  # counted, still real
    with PolledTree(source, "no inotify") as tree:
        tree.listing()
        started = time.monotonic()
        while time.monotonic() - started < 1.0:
            tree.changes(0.05)
    polls = listed[1:]
    assert 3 <= len(polls) <= 5
    assert all(later - earlier >= 0.29 for earlier, later in zip(polls, polls[1:]))
