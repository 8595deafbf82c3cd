"""A rebuild put in place: only changed files move, a change made meanwhile is refused, a killed merge heals."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from testing.catalogs import write
from catgen.errors import CatalogError
from catgen.website import sitemerge
from catgen.website.safedir import MARKER, is_catgen_site, staged_site


def stage(site: Path, files: dict[str, str], kept=()) -> None:
    """One build into ``site``: ``files`` written in the staging folder, ``kept`` left as they are."""
    with staged_site(str(site)) as staging:
        for path, text in files.items():
            write(Path(staging.site), path, text)
        staging.kept.update(kept)


def contents(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text() for p in site.rglob("*") if p.is_file()
            and p.name != MARKER}


@pytest.fixture
def site(tmp_path) -> Path:
    site = tmp_path / "site"
    stage(site, {"index.html": "home", "a/index.html": "a", "b/index.html": "b", "b/c/index.html": "c"})
    return site


def test_kept_and_equal_files_stay_changed_ones_move_gone_ones_go(site):
    kept, equal = os.stat(site / "a/index.html"), os.stat(site / "index.html")
    stage(site, {"index.html": "home", "b/index.html": "b2", "d/index.html": "d"}, kept={"a/index.html"})
    assert contents(site) == {"index.html": "home", "a/index.html": "a", "b/index.html": "b2", "d/index.html": "d"}
    assert not (site / "b/c").exists()  # a folder that no longer holds anything goes
    for path, before in (("a/index.html", kept), ("index.html", equal)):
        assert os.stat(site / path).st_ino == before.st_ino, path
    marker = json.loads((site / MARKER).read_text())
    assert sorted(marker["files"]) == sorted(contents(site)) and marker["folders"] == ["a", "b", "d"]
    assert "pending" not in marker and is_catgen_site(str(site))
    assert sorted(os.listdir(site.parent)) == ["site"]  # the staging folder went


def test_a_file_that_becomes_a_folder_and_a_folder_that_becomes_a_file(site):
    stage(site, {"index.html": "home", "a/index.html": "a", "b/index.html": "b", "b/c/index.html": "c",
                 "f": "a file"})
    stage(site, {"index.html": "home", "f/index.html": "now a folder", "b/c": "now a file"},
          kept={"a/index.html", "b/index.html"})
    assert contents(site) == {"index.html": "home", "a/index.html": "a", "b/index.html": "b",
                              "f/index.html": "now a folder", "b/c": "now a file"}
    assert is_catgen_site(str(site))


def test_a_kept_file_gets_the_sites_mode_back(site):
    os.chmod(site / "a/index.html", 0o600)
    stage(site, {"index.html": "home"}, kept={"a/index.html", "b/index.html", "b/c/index.html"})
    assert os.stat(site / "a/index.html").st_mode & 0o777 == 0o644


def test_a_file_changed_while_building_is_refused_and_left_alone(site):
    with pytest.raises(CatalogError, match="someone changed b/index.html in the site folder while"):
        with staged_site(str(site)) as staging:
            write(Path(staging.site), "b/index.html", "b2")
            (site / "b/index.html").write_text("edited by hand meanwhile")
    assert (site / "b/index.html").read_text() == "edited by hand meanwhile"
    assert contents(site)["a/index.html"] == "a" and sorted(os.listdir(site.parent)) == ["site"]


def test_a_file_that_appears_where_one_is_added_is_refused(site):
    with pytest.raises(CatalogError, match="someone changed d/index.html"):
        with staged_site(str(site)) as staging:
            write(Path(staging.site), "d/index.html", "d")
            write(site, "d/index.html", "mine")
    assert (site / "d/index.html").read_text() == "mine"


def test_a_merge_killed_half_way_leaves_a_site_the_next_build_completes(site, monkeypatch):
    moves = []

    def replace_then_die(source, target):
        if moves:
            raise KeyboardInterrupt  # killed after the first file moved in
        if not target.endswith(MARKER):
            moves.append(target)
        os.rename(source, target)

    monkeypatch.setattr(sitemerge.os, "replace", replace_then_die)
    with pytest.raises(KeyboardInterrupt):
        stage(site, {"a/index.html": "a2", "b/index.html": "b2"}, kept={"index.html", "b/c/index.html"})
    monkeypatch.undo()
    assert contents(site)["a/index.html"] == "a2" and contents(site)["b/index.html"] == "b"  # one old, one new
    assert is_catgen_site(str(site))  # the pending marker proves both
    stage(site, {"index.html": "home", "a/index.html": "a2", "b/index.html": "b2", "b/c/index.html": "c"})
    assert contents(site) == {"index.html": "home", "a/index.html": "a2", "b/index.html": "b2", "b/c/index.html": "c"}
    assert "pending" not in json.loads((site / MARKER).read_text())


def test_a_pending_marker_proves_no_third_version(site, monkeypatch):
    monkeypatch.setattr(sitemerge.os, "replace", _die_after_the_marker())
    with pytest.raises(KeyboardInterrupt):
        stage(site, {"a/index.html": "a2"}, kept={"index.html", "b/index.html", "b/c/index.html"})
    monkeypatch.undo()
    (site / "a/index.html").write_text("a3")
    assert not is_catgen_site(str(site))


def _die_after_the_marker():
    def replace(source, target):
        os.rename(source, target)
        raise KeyboardInterrupt

    return replace


def test_a_rebuild_that_changes_no_file_replaces_only_the_marker(site, monkeypatch):
    written = []
    replace_marker = sitemerge._replace_marker
    monkeypatch.setattr(sitemerge, "_replace_marker", lambda *args: written.append(args[2]) or replace_marker(*args))
    stage(site, {"index.html": "home"}, kept={"a/index.html", "b/index.html", "b/c/index.html"})
    assert len(written) == 1 and "pending" not in written[0]
    stage(site, {"index.html": "home2"}, kept={"a/index.html", "b/index.html", "b/c/index.html"})
    assert len(written) == 3 and written[1]["pending"] == {"index.html": written[2]["files"]["index.html"]}
