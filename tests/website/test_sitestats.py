"""A rebuild reads only the site's files written since the last proof; the stats are read as untrusted.

Each build into a catgen site saves, in the user's cache folder, what its proof found settled (``lstat``
and digest) and left as it was; the next proof trusts those. A file changed since is read (and refused),
and stats of another shape, or none, cost only speed.
"""

from __future__ import annotations

import marshal
import os
import shutil

import pytest

from testing.catalogs import EXAMPLE
from testing.site import build
from catgen.errors import CatalogError
from catgen.website import siteinventory
from catgen.website.pagerecords import records_path
from catgen.website.siteinventory import Inventory, file_digest
from catgen.website.sitestats import STATS_FORMAT, load_site_stats, save_site_stats, stats_path

STORY_NOW = "1727000000"


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", STORY_NOW)
    monkeypatch.setattr(siteinventory, "SETTLED_NS", 0)  # tests do not wait 2 s for their files to settle
    shutil.copytree(EXAMPLE, tmp_path / "catalog")
    return tmp_path


def _files_read(monkeypatch, site) -> list:
    """The files of the folder ``site`` read from now on (not those of the staging folder beside it)."""
    read: list = []

    def spy(path):
        if path.startswith(str(site) + os.sep):
            read.append(os.path.relpath(path, site))
        return file_digest(path)

    monkeypatch.setattr(siteinventory, "file_digest", spy)
    return read


def _stats_of(root):
    return stats_path(records_path(str(root / "site")))


def _site_files(root) -> set:
    return {shown for shown, _ in siteinventory.walk(str(root / "site"))
            if os.path.isfile(root / "site" / shown) and shown != siteinventory.MARKER}


def test_a_rebuild_reads_only_the_files_the_last_build_replaced(root, monkeypatch):
    build(root / "catalog", root / "site")
    assert not os.path.exists(_stats_of(root))  # a build into an empty folder proves nothing
    build(root / "catalog", root / "site")  # reads every file, and saves what it found
    assert set(load_site_stats(_stats_of(root))) == _site_files(root)
    model = root / "catalog/models/credit-risk/3.yaml"
    model.write_text(model.read_text().replace("Loan-default classifier", "Loan default classifier"))
    read = _files_read(monkeypatch, root / "site")
    build(root / "catalog", root / "site")
    assert read == []
    # The files that build replaced are not among what it saved: the next build reads them.
    replaced = _site_files(root) - set(load_site_stats(_stats_of(root)))
    assert {"catalog.json", "models/credit-risk/3/index.html"} <= replaced and len(replaced) < 40
    build(root / "catalog", root / "site")
    assert sorted(read) == sorted(replaced)


def test_a_page_changed_after_the_stats_were_saved_is_found(root):
    build(root / "catalog", root / "site")
    build(root / "catalog", root / "site")
    page = root / "site/models/credit-risk/3/index.html"
    assert "models/credit-risk/3/index.html" in load_site_stats(_stats_of(root))
    page.write_text(page.read_text().replace("credit-risk", "credit-rusk", 1))
    with pytest.raises(CatalogError, match="someone changed models/credit-risk/3/index.html"):
        build(root / "catalog", root / "site")


NOT_STATS = [b"", b"garbage", marshal.dumps([1, 2]), marshal.dumps({"files": {}}),
             marshal.dumps({"format": STATS_FORMAT, "files": []})]
ENTRY_OF_ANOTHER_SHAPE = marshal.dumps({"format": STATS_FORMAT, "files": {"index.html": "x"}})


@pytest.mark.parametrize("content", NOT_STATS)
def test_a_stats_file_of_another_shape_is_no_stats(tmp_path, content):
    (tmp_path / "site.stats").write_bytes(content)
    assert load_site_stats(str(tmp_path / "site.stats")) == {}


@pytest.mark.parametrize("content", [NOT_STATS[1], ENTRY_OF_ANOTHER_SHAPE],
                         ids=["garbage", "an entry of another shape"])
def test_stats_of_another_shape_cost_only_speed(root, content):
    """A whole file of another shape is no stats (above); an entry of another shape is read past by the proof."""
    build(root / "catalog", root / "site")
    build(root / "catalog", root / "site")
    with open(_stats_of(root), "wb") as handle:
        handle.write(content)
    assert build(root / "catalog", root / "site")["rendered"] == 0
    assert set(load_site_stats(_stats_of(root))) == _site_files(root)  # saved again, whole


def test_saved_stats_hold_the_settled_files_that_stayed(tmp_path):
    previous = Inventory(files={"a.html": "da", "b.html": "db", "c.html": "dc"},
                         settled={"a.html": (1, 2, 3, 4, 5), "b.html": (6, 7, 8, 9, 10)})
    path = str(tmp_path / "cache/site.stats")
    save_site_stats(path, previous, replaced=["b.html"])
    assert load_site_stats(path) == {"a.html": ((1, 2, 3, 4, 5), "da")}
    os.chmod(tmp_path / "cache", 0o500)
    try:
        save_site_stats(str(tmp_path / "cache/other.stats"), previous)  # an unwritable cache folder: no error
    finally:
        os.chmod(tmp_path / "cache", 0o700)
    assert load_site_stats(str(tmp_path / "missing.stats")) == {}
