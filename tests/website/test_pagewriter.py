"""The page writer: every catalog page once, the same bytes from forked workers as from one process,
remote resources of its pages reported, its pages in the sitemap."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading

import pytest

from testing.catalogs import EXAMPLE
from testing.site import build, site_files
from catgen.errors import CatalogError
from catgen.website.build import refuse_remote_resources
from catgen.website.frame import Frames, known_prefixes
from catgen.website.pagecache import PageCache
from catgen.model import KINDS
from catgen.website import urls
from catgen.website.pages.generate import PageJob, generated_pages, page_jobs, theme_page_urls, theme_pages
from catgen.website.pagewriter import Meanwhile, PageWriter, add_to_sitemap
from catgen.website.sitemodel import SiteModel

NOW = "1727000000"
FORKED_BUILD = """
import sys
from catgen.website import pagewriter
from catgen.website.build import build_site
pagewriter.POOL_THRESHOLD = 0  # the example catalog is small: fork anyway
on_all_cores = pagewriter.PageWriter._on_all_cores
forked = []
def recorded(self, *args):
    done = on_all_cores(self, *args)
    forked.append(done is not None)
    return done
pagewriter.PageWriter._on_all_cores = recorded
build_site(sys.argv[1], sys.argv[2])
print(forked)
"""


def test_theme_pages_and_page_jobs_are_every_catalog_page_once():
    site = SiteModel.load(str(EXAMPLE))
    themed = [url for url, _ in theme_pages(site)]
    split = themed + [url for job in page_jobs(site) for url, _, _ in job()]
    assert len(set(split)) == len(split) == len(list(generated_pages(site)))
    whole = {"", "status/", "audit/", "checks/", "search/"}
    indexes = {urls.index_url(spec.plural) for name, spec in KINDS.items() if name != "Policy"}
    assert set(themed) == whole | indexes  # the navigation's pages, for MkDocs to render
    assert theme_page_urls() == themed  # known before they are made (the guide is arranged around them)
    assert {site.url(m) for m in site.pages} | {urls.asset_url(k, n) for k, n in site.assets} <= set(split) - whole


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the writer never forks")
def test_pages_written_by_forked_workers_are_those_written_in_one_process(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    build(EXAMPLE, tmp_path / "serial")
    done = subprocess.run([sys.executable, "-c", FORKED_BUILD, str(EXAMPLE), str(tmp_path / "forked")],
                          cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["[True]"]
    assert site_files(tmp_path / "forked") == site_files(tmp_path / "serial")


FORKED_REBUILDS = """
import json, pathlib, sys
from catgen.website import pagereuse, pagewriter
from catgen.website.build import build_site
pagewriter.POOL_THRESHOLD = 0  # the example catalog is small: fork anyway
meanwhile = []
class Found(pagereuse.ChangedInputs):
    def __init__(self, *args):
        super().__init__(*args)
        meanwhile.append([self.early is not None, self.late is not None])
import catgen.website.build as build
build.ChangedInputs = Found
catalog, site = sys.argv[1], sys.argv[2]
stats = [build_site(catalog, site)["rendered"], build_site(catalog, site)["rendered"]]
model = pathlib.Path(catalog, "models/credit-risk/3.yaml")
model.write_text(model.read_text().replace("Loan-default classifier", "Loan default classifier"))
stats.append(build_site(catalog, site)["rendered"])
print(json.dumps([stats, meanwhile]))
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the writer never forks")
def test_forked_workers_record_the_inputs_a_forked_process_finds_changed(tmp_path, monkeypatch, example):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    done = subprocess.run([sys.executable, "-c", FORKED_REBUILDS, str(example), str(tmp_path / "forked")],
                          cwd=tmp_path, capture_output=True, text=True, check=True)
    (fresh, recorded, changed), meanwhile = json.loads(done.stdout)
    assert fresh == recorded > 80 and 0 < changed <= 15
    assert meanwhile == [[True, True]]  # the first build found no site, the second no records; then both forked
    build(example, tmp_path / "serial")
    assert site_files(tmp_path / "forked") == site_files(tmp_path / "serial")


FULL_DISK_IN_WORKERS = """
import errno, os, sys
from catgen.website import pagewriter
from catgen.website.build import build_site
pagewriter.POOL_THRESHOLD = 0
parent, write = os.getpid(), pagewriter._write
def full_disk(path, html):
    if os.getpid() != parent:
        raise OSError(errno.ENOSPC, "No space left on device", path)
    write(path, html)
pagewriter._write = full_disk
try:
    build_site(sys.argv[1], sys.argv[2])
except OSError as err:
    print("raised", err.errno == errno.ENOSPC)
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the writer never forks")
def test_a_workers_failure_fails_the_build_instead_of_writing_again_here(tmp_path):
    done = subprocess.run([sys.executable, "-c", FULL_DISK_IN_WORKERS, str(EXAMPLE), str(tmp_path / "site")],
                          cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["raised", "True"] and not (tmp_path / "site").exists()


def test_with_another_thread_running_the_writer_does_not_fork(tmp_path):
    """A fork copies only the calling thread; a lock another thread holds would stay held in the worker."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        ran = []
        writer = PageWriter(None, PageCache(), str(tmp_path), "key")
        assert writer._on_all_cores(1, lambda: ran.append(True)) is None
        assert ran == []  # the caller checks and writes serially instead
    finally:
        stop.set()
        other.join()


def _write_marker(path):
    path.write_text(str(os.getpid()))


def _fail():
    raise ValueError("no room")


def test_meanwhile_runs_in_another_process_and_reports_a_failure_in_one_line(tmp_path):
    forks = threading.active_count() == 1 and (os.cpu_count() or 1) >= 2  # else it runs here, at wait
    started = Meanwhile(lambda: _write_marker(tmp_path / "done"))
    started.wait()
    assert ((tmp_path / "done").read_text() != str(os.getpid())) == forks
    with pytest.raises(RuntimeError, match="^writing the site's data files failed: ValueError: no room$"):
        Meanwhile(_fail).wait()


def _write_collected(path, shared) -> None:
    """Whether the collector's generations hold ``shared`` (frozen objects are in none of them)."""
    path.write_text(str(any(tracked is shared for tracked in gc.get_objects())))


def test_meanwhile_leaves_what_it_shares_with_the_build_out_of_its_collections(tmp_path):
    forks = threading.active_count() == 1 and (os.cpu_count() or 1) >= 2
    shared = [[] for _ in range(3)]  # made before the fork, so shared with the child
    Meanwhile(lambda: _write_collected(tmp_path / "collected", shared)).wait()
    assert (tmp_path / "collected").read_text() == str(not forks)
    assert any(tracked is shared for tracked in gc.get_objects())  # here the build collects it as before


def test_a_build_leaves_frozen_what_its_caller_froze(tmp_path):
    gc.freeze()
    try:
        build(EXAMPLE, tmp_path / "site")
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    build(EXAMPLE, tmp_path / "site")
    assert gc.get_freeze_count() == 0  # and unfreezes what it froze itself


def test_meanwhile_keeps_frozen_what_the_build_froze(tmp_path):
    earlier = [[] for _ in range(3)]
    gc.freeze()  # as ``pagewriter.frozen_heap`` does for the whole build
    try:
        later = [[] for _ in range(3)]
        Meanwhile(lambda: _write_collected(tmp_path / "collected", later)).wait()
        seen = [any(tracked is mine for tracked in gc.get_objects()) for mine in (earlier, later)]
        forks = threading.active_count() == 1 and (os.cpu_count() or 1) >= 2
        assert seen == [False, not forks] and (tmp_path / "collected").read_text() == str(not forks)
    finally:
        gc.unfreeze()


def test_with_another_thread_running_meanwhile_runs_here_when_waited_for(tmp_path):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        later = Meanwhile(lambda: _write_marker(tmp_path / "done"))
        assert not (tmp_path / "done").exists()
        later.wait()
        assert (tmp_path / "done").read_text() == str(os.getpid())
    finally:
        stop.set()
        other.join()


class _Theme:
    def render(self, url: str, title: str, body: str) -> str:
        return f"<title>{title}</title><link rel=canonical href=https://x/{url}>{body}"


def test_a_page_that_loads_from_another_host_refuses_the_build(tmp_path):
    body = '<div class="cg-page">\n<h1>a</h1><img src="https://elsewhere.example/a.png">\n</div>\n'
    plain = '<div class="cg-page">\n<h1>b</h1>\n</div>\n'
    writer = PageWriter(Frames(_Theme(), known_prefixes([], ["models/"])), PageCache(), str(tmp_path), "key")
    jobs = [PageJob(("page", "a"), lambda: [("models/a/1/", "a 1", body)]),
            PageJob(("page", "b"), lambda: [("models/b/1/", "b 1", plain)])]
    addresses = writer.write(jobs)
    assert addresses == ["models/a/1/", "models/b/1/"]
    assert writer.remote == [("models/a/1/index.html", "<img src=https://elsewhere.example/a.png>",
                              "https://elsewhere.example/a.png")]
    assert {"models/a/1/index.html", "models/b/1/index.html"} <= writer.checked
    with pytest.raises(CatalogError, match="models/a/1/index.html loads <img src=https://elsewhere"):
        refuse_remote_resources(str(tmp_path), (), writer.checked, writer.remote)
    refuse_remote_resources(str(tmp_path), ("https://elsewhere.example/",), writer.checked, writer.remote)


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url>
         <loc>https://x.org/a/</loc>
         <lastmod>2026-01-01</lastmod>
    </url>
</urlset>"""


def test_written_pages_join_the_sitemap_shaped_as_its_entries(tmp_path):
    (tmp_path / "sitemap.xml").write_text(SITEMAP)
    add_to_sitemap(str(tmp_path), "https://x.org/a", ["models/m&n/1/", "jobs/j/"])
    text = (tmp_path / "sitemap.xml").read_text()
    assert text.count("<url>") == 3
    assert text.index("<loc>https://x.org/a/models/m&amp;n/1/</loc>") < text.index("<loc>https://x.org/a/jobs/j/")
    assert text.endswith("<lastmod>2026-01-01</lastmod>\n    </url>\n</urlset>")


def test_without_a_site_url_the_sitemap_lists_no_page(tmp_path):
    (tmp_path / "sitemap.xml").write_text(SITEMAP)
    add_to_sitemap(str(tmp_path), None, ["models/m/1/"])
    assert (tmp_path / "sitemap.xml").read_text() == SITEMAP
