"""The marker's inventory: the walk's order, hashes and modes of what catgen wrote, deep trees."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from testing.catalogs import write
from catgen.website.siteinventory import MARKER, Foreign, file_sha256, prove, take, walk


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
