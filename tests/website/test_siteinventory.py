"""The marker's inventory: the walk's order, hashes and modes of what catgen wrote, deep trees."""

from __future__ import annotations

import hashlib
import json
import os
import time

import pytest

from testing.catalogs import write
from catgen.website import siteinventory
from catgen.website.siteinventory import MARKER, Foreign, file_digest, file_sha256, prove, stat_key, take, walk


def test_walk_lists_a_folders_entries_before_its_subfolders_like_os_walk(tmp_path):
    for path in ("b/z.html", "b/a/x.html", "a.html", "c/y.html"):
        write(tmp_path, path, path)
    expected = []
    for root, dirs, names in os.walk(tmp_path):
        dirs.sort()
        prefix = os.path.relpath(root, tmp_path).replace(os.sep, "/")
        expected += [name if prefix == "." else f"{prefix}/{name}" for name in sorted(dirs + names)]
    assert [shown for shown, _ in walk(str(tmp_path))] == expected


def test_take_hashes_every_file_and_notes_modes_the_site_does_not_use(tmp_path):
    write(tmp_path, "a/page.html", "<p>x</p>")
    os.chmod(tmp_path / "a", 0o755)
    os.chmod(tmp_path / "a/page.html", 0o600)
    found = take(str(tmp_path))
    assert found.files == {"a/page.html": hashlib.sha256(b"<p>x</p>").hexdigest()} and found.folders == ["a"]
    assert found.wrong_modes == ["a/page.html"]


def test_a_tree_deeper_than_the_stack_is_walked(tmp_path):
    folders = [os.path.join(str(tmp_path), *["d"] * depth) for depth in range(1, 1501)]
    for folder in folders:  # os.makedirs and shutil.rmtree recurse: made and removed one at a time
        os.mkdir(folder)
    try:
        assert len(take(str(tmp_path)).folders) == 1500
    finally:
        for folder in reversed(folders):
            os.rmdir(folder)


def test_a_fifo_or_a_link_in_a_site_is_no_file_catgen_wrote_and_nothing_waits(tmp_path):
    site = tmp_path / "site"
    write(site, "index.html", "home")
    write(site, MARKER, json.dumps({"files": {"index.html": hashlib.sha256(b"home").hexdigest(), "pipe": "0"},
                                    "folders": []}))
    assert prove(str(site)).files == {"index.html": hashlib.sha256(b"home").hexdigest()}
    os.mkfifo(site / "pipe")  # opening it to read would wait for a writer for ever
    with pytest.raises(Foreign, match="someone changed pipe"):
        prove(str(site))
    assert file_sha256(str(site / "pipe")) is None
    os.symlink(site / "index.html", tmp_path / "link")
    assert file_sha256(str(tmp_path / "link")) is None


# -- trusting what the last proof found (sitestats) -------------------------------------------------------


def _site_of(tmp_path, pages: dict):
    site = tmp_path / "site"
    for path, text in pages.items():
        write(site, path, text)
    digests = {path: hashlib.sha256(text.encode()).hexdigest() for path, text in pages.items()}
    folders = sorted({path.rsplit("/", 1)[0] for path in pages if "/" in path})
    write(site, MARKER, json.dumps({"files": digests, "folders": folders}))
    return site


def _settled(monkeypatch, seconds: float) -> None:
    """Files changed more than ``seconds`` before a proof count as settled (not 2 s: tests do not wait)."""
    monkeypatch.setattr(siteinventory, "SETTLED_NS", int(seconds * 1e9))


def test_a_settled_file_with_the_stat_the_last_proof_found_is_not_read_again(tmp_path, monkeypatch):
    site = _site_of(tmp_path, {"a/index.html": "<p>a</p>", "b/index.html": "<p>b</p>"})
    _settled(monkeypatch, 0)
    first = prove(str(site))
    assert set(first.settled) == {"a/index.html", "b/index.html"}
    assert first.settled["a/index.html"] == stat_key(os.lstat(site / "a/index.html"))
    known = {shown: (key, first.files[shown]) for shown, key in first.settled.items()}
    read = []
    monkeypatch.setattr(siteinventory, "file_digest", lambda path: read.append(path) or file_digest(path))
    assert prove(str(site), known).files == first.files and read == []
    # A known digest the marker does not hold (stats saved wrong) is read again before the folder is refused.
    known["b/index.html"] = (known["b/index.html"][0], hashlib.sha256(b"other").hexdigest())
    assert prove(str(site), known).files == first.files and read == [str(site / "b/index.html")]


def test_a_file_rewritten_since_is_read_even_with_its_size_and_time_of_change_restored(tmp_path, monkeypatch):
    site = _site_of(tmp_path, {"a/index.html": "<p>a</p>"})
    _settled(monkeypatch, 0.2)
    time.sleep(0.25)  # the file is settled: its change time is over 0.2 s before the proof
    first = prove(str(site))
    known = {shown: (key, first.files[shown]) for shown, key in first.settled.items()}
    assert list(known) == ["a/index.html"]
    before = os.lstat(site / "a/index.html")
    (site / "a/index.html").write_text("<p>b</p>")  # as long, and the old time of change put back
    os.utime(site / "a/index.html", ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(Foreign, match="someone changed a/index.html"):
        prove(str(site), known)


def test_a_file_changed_just_before_a_proof_is_not_settled(tmp_path):
    site = _site_of(tmp_path, {"a/index.html": "<p>a</p>"})
    found = prove(str(site))  # within SETTLED_NS of its writing: the next proof reads it again
    assert found.files and found.settled == {}


@pytest.mark.parametrize("entry", [None, "x", ("key",), (("k",), 3), ((1, 2, 3, 4, 5), "digest", 1), [(1,), "d"]])
def test_what_is_known_of_another_shape_is_a_file_read_again(tmp_path, monkeypatch, entry):
    site = _site_of(tmp_path, {"a/index.html": "<p>a</p>"})
    _settled(monkeypatch, 0)
    expected = prove(str(site)).files
    assert prove(str(site), {"a/index.html": entry, "gone.html": entry}).files == expected


def test_a_file_replaced_by_a_folder_or_a_link_with_the_same_name_is_not_trusted(tmp_path, monkeypatch):
    site = _site_of(tmp_path, {"a.html": "<p>a</p>", "b.html": "<p>b</p>"})
    _settled(monkeypatch, 0)
    first = prove(str(site))
    known = {shown: (key, first.files[shown]) for shown, key in first.settled.items()}
    os.unlink(site / "a.html")
    os.symlink(site / "b.html", site / "a.html")
    with pytest.raises(Foreign, match="a.html is a symbolic link"):
        prove(str(site), known)
