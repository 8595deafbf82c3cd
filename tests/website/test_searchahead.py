"""The search index's process started as soon as a rebuild has loaded its site model: the index it writes is a
fresh build's, its failure fails the build in one line, a build that fails first leaves no process behind, and
where it cannot start the index is made as before."""

from __future__ import annotations

import multiprocessing
import shutil
import threading
import time

import pytest

from testing.catalogs import EXAMPLE
from testing.site import build, site_files, working_dir
from catgen.errors import CatalogError
from catgen.website import searchahead
from catgen.website.searchahead import SearchAhead
from catgen.website.sitemodel import SiteModel

NOW = "1727000000"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example catalog (a copy) and its site, built once for the module."""
    root = tmp_path_factory.mktemp("ahead")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", NOW)
        shutil.copytree(EXAMPLE, root / "catalog")
        build(root / "catalog", root / "site")
    return root


@pytest.fixture
def rebuilt(built, tmp_path, monkeypatch):
    """A copy of ``built``'s catalog and site: the next build into it is a rebuild."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    for name in ("catalog", "site"):
        shutil.copytree(built / name, tmp_path / name, symlinks=True)
    return tmp_path


def _told(monkeypatch) -> list:
    """What each ``SearchAhead.tell`` answered, from now on."""
    answers, tell = [], SearchAhead.tell

    def noted(self, *args):
        answers.append(tell(self, *args))
        return answers[-1]

    monkeypatch.setattr(SearchAhead, "tell", noted)
    return answers


def _index(site) -> dict:
    return {path: text for path, text in site_files(site).items() if path.startswith("search/")}


def test_a_rebuild_writes_the_index_of_a_fresh_build_from_the_process_started_ahead(rebuilt, monkeypatch):
    model = rebuilt / "catalog" / "models" / "credit-risk" / "3.yaml"
    model.write_text(model.read_text().replace("Loan-default classifier", "Loan default classifier"))
    told = _told(monkeypatch)
    build(rebuilt / "catalog", rebuilt / "site")
    assert told == [True]
    build(rebuilt / "catalog", rebuilt / "fresh")  # a first build: the index made once MkDocs lists the guide
    assert told == [True]
    assert _index(rebuilt / "site") == _index(rebuilt / "fresh") and len(_index(rebuilt / "fresh")) > 10
    assert site_files(rebuilt / "site") == site_files(rebuilt / "fresh")


def test_a_failure_of_the_process_fails_the_build_in_one_line_and_the_site_stays(rebuilt, monkeypatch, capsys):
    before = site_files(rebuilt / "site")
    capsys.readouterr()

    def no_memory(site):
        raise MemoryError("no memory left")

    monkeypatch.setattr(searchahead, "manifest_words", no_memory)  # in the forked process
    with pytest.raises(CatalogError) as failed:
        build(rebuilt / "catalog", rebuilt / "site")
    assert str(failed.value) == ("site build failed: catgen: writing the site's data files failed: MemoryError: no "
                                 "memory left")
    assert "MemoryError" not in capsys.readouterr().err  # said once, in the build's error (MkDocs logs it too)
    assert site_files(rebuilt / "site") == before
    assert multiprocessing.active_children() == []


def test_a_build_that_fails_before_the_guide_is_known_leaves_no_process(rebuilt):
    (rebuilt / "mkdocs.yml").write_text("site_name: x\nnav: 3\n")
    with pytest.raises(CatalogError, match="site configuration: Config value 'nav'"):
        build(rebuilt / "catalog", rebuilt / "site", cwd=rebuilt)
    assert multiprocessing.active_children() == []


def test_where_forking_is_unsafe_there_is_no_process_and_the_build_makes_the_index(rebuilt, monkeypatch):
    stop = threading.Event()
    running = threading.Thread(target=stop.wait)  # a thread: forking is unsafe (``processes.fork_is_safe``)
    running.start()
    try:
        told = _told(monkeypatch)
        build(rebuilt / "catalog", rebuilt / "site")
    finally:
        stop.set()
        running.join()
    assert told == [False]
    build(rebuilt / "catalog", rebuilt / "fresh")
    assert _index(rebuilt / "site") == _index(rebuilt / "fresh")


def test_a_guide_longer_than_a_pipe_holds_is_told_without_waiting_for_the_process(rebuilt, monkeypatch):
    def slow(site):  # in the forked process: still reading the manifests' words when it is told
        time.sleep(60)

    monkeypatch.setattr(searchahead, "manifest_words", slow)
    with working_dir(rebuilt):
        site = SiteModel.load(str(rebuilt / "catalog"))
    guide = [("guide/", "# Guide\n\n" + "A long guide. " * 30_000)]  # 420 KB: a pipe holds 64 KB
    with SearchAhead(site) as ahead:
        ahead.folder = str(rebuilt)
        told = []
        telling = threading.Thread(target=lambda: told.append(ahead.tell(guide, "", str(rebuilt / "out"))))
        telling.start()  # after the fork: a thread makes forking unsafe
        telling.join(timeout=10)
        assert told == [True]
    assert multiprocessing.active_children() == []


def test_a_rebuild_with_a_long_guide_writes_the_index_of_a_fresh_build(rebuilt, monkeypatch):
    (rebuilt / "mkdocs.yml").write_text("site_name: x\ndocs_dir: guide\n")
    long_page = "".join(f"## Section {n}\n\nAbout model number {n}, and more words: {'word ' * 120}\n\n"
                        for n in range(120))  # over 64 KB, what a pipe holds
    (rebuilt / "guide").mkdir()
    (rebuilt / "guide" / "long.md").write_text("# Long\n\n" + long_page)
    build(rebuilt / "catalog", rebuilt / "site", cwd=rebuilt)  # now with the guide
    told = _told(monkeypatch)
    build(rebuilt / "catalog", rebuilt / "site", cwd=rebuilt)
    build(rebuilt / "catalog", rebuilt / "fresh", cwd=rebuilt)
    assert told == [True]
    index = _index(rebuilt / "site")
    assert index == _index(rebuilt / "fresh") and any(b"section-119" in text for text in index.values())
