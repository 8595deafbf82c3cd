"""Page frames: a framed page is the page MkDocs would write, byte for byte; where that is not proven, no frame.

The site tests build the example catalog three ways: with frames (``catgen build``), with every page
rendered by the theme (``framed=False``), and with the per-manifest pages in MkDocs' own page list as
before frames existed (MkDocs renders and writes them). The unit tests run the proof on small themes.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.structure.files import File, InclusionLevel

from testing.catalogs import EXAMPLE
from testing.site import site_files, working_dir
from catgen.website.build import build_site
from catgen.website.config import load_mkdocs_config
from catgen.website.frame import (BODY_PLACEHOLDER, Frame, Frames, _sentinel, frame_key, front_matter,
                                  known_prefixes)
from catgen.website.plugin import CatalogPlugin
from catgen.website.safedir import MARKER

MKDOCS_YML = "site_name: Frames\nsite_url: https://example.org/catalog/\n"  # canonical links and a sitemap


_CATGEN_FILES = CatalogPlugin.on_files


def _pages_in_mkdocs(plugin, files, config):
    """The catgen plugin's ``on_files`` with its per-manifest pages in MkDocs' page list: MkDocs renders
    and writes them (the plugin then has none left to frame)."""
    files = _CATGEN_FILES(plugin, files, config)
    for job in plugin.jobs:
        for url, title, body in job():
            plugin.bodies[url + "index.md"] = body
            files.append(File.generated(config, url + "index.md", content=front_matter(title) + BODY_PLACEHOLDER,
                                        inclusion=InclusionLevel.NOT_IN_NAV))
    plugin.jobs = []
    return files


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("frames")
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    with working_dir(root), pytest.MonkeyPatch.context() as patch:
        build_site(str(EXAMPLE), str(root / "framed"))
        build_site(str(EXAMPLE), str(root / "theme"), framed=False)
        patch.setattr(CatalogPlugin, "on_files", _pages_in_mkdocs)  # before MkDocs binds the plugin's hooks
        mkdocs_build(load_mkdocs_config(str(EXAMPLE), str(root / "mkdocs"), str(root)))
    return {name: site_files(root / name) for name in ("framed", "theme", "mkdocs")}


def test_framed_pages_are_the_bytes_mkdocs_writes(sites):
    # the marker holds the hashes of the pages catgen wrote (MkDocs wrote these)
    framed, mkdocs = ({k: v for k, v in sites[name].items() if k != MARKER} for name in ("framed", "mkdocs"))
    pages_catgen_wrote = [len(json.loads(sites[name][MARKER])["pages"]) for name in ("framed", "mkdocs")]
    assert pages_catgen_wrote[1] < 20 < pages_catgen_wrote[0]  # MkDocs rendered the per-manifest pages
    assert framed.keys() == mkdocs.keys()
    assert [path for path in framed if framed[path] != mkdocs[path]] == []
    assert framed["sitemap.xml"].count(b"<loc>") > 80  # every page listed, the framed ones too


def test_rendering_every_page_with_the_theme_gives_the_same_site(sites):
    assert sites["framed"] == sites["theme"]


def test_a_framed_page_has_its_own_canonical_address_and_title(sites):
    page = sites["framed"]["models/credit-risk/3/index.html"].decode()
    assert '<link rel="canonical" href="https://example.org/catalog/models/credit-risk/3/">' in page
    assert "<title>credit-risk 3 · Model - Frames</title>" in page


# -- the proof, on small themes --------------------------------------------------


class _Theme:
    """A theme as ``Frames`` sees one: ``render(url, title, body)``. ``links`` is relative to the page."""

    def __init__(self, template: str, title_filter=str):
        self.template, self.title_filter = template, title_filter
        self.rendered = 0

    def render(self, url: str, title: str, body: str) -> str:
        self.rendered += 1
        up, models = posixpath.relpath("/", "/" + url), posixpath.relpath("/models", "/" + url)
        last = url.rstrip("/").rsplit("/", 1)[-1]
        return self.template.format(title=self.title_filter(title), body=body, url=url, up=up, models=models,
                                    last=last, upper=title.upper())


FAITHFUL = ('<title>{title} - site</title><link rel="canonical" href="https://x/{url}">'
            '<a href="{up}/">home</a><a href="{models}/">models</a><h2>{title}</h2>{body}<footer/>')
KNOWN = known_prefixes([], ["models/", "jobs/", "assets/catgen/catgen.css"])
PAGES = [("models/credit-risk/3/", "credit-risk 3 · Model"), ("models/a.b_c-d/1.0/", "a.b_c-d 1.0 · Model"),
         ("jobs/train-x/", "train-x · Job"), ("models/m/", "Used by model:m@1 (page 2)")]


def _body(n: int) -> str:
    return f'<div class="cg-page">\n<h1>page {n}</h1>\n<p>text {{}} &amp; more</p>\n</div>\n'


def test_a_faithful_theme_gets_frames_that_give_its_exact_pages():
    theme = _Theme(FAITHFUL)
    frames = Frames(theme, KNOWN)
    for n, (url, title) in enumerate(PAGES):
        html, loads = frames.page(url, title, _body(n))
        assert html == theme.render(url, title, _body(n)) and loads == []
        assert frames.frame_for(url) is not None
    assert theme.rendered == 2 * 3 + len(PAGES)  # two sentinels per key (depth 3, 2 under models, 2 under jobs)


def test_a_fingerprint_costs_one_sentinel_and_the_proof_one_more_when_a_page_needs_the_frame():
    """A rebuild asks the fingerprint of every key (which jobs keep their pages) and renders few pages."""
    theme = _Theme(FAITHFUL)
    frames = Frames(theme, KNOWN)
    fingerprints = {frames.fingerprint(url) for url, _ in PAGES}
    assert theme.rendered == 3 and len(fingerprints) == 3  # one sentinel per key
    assert frames.fingerprint("models/other/2/") in fingerprints and theme.rendered == 3
    frames.page(*PAGES[0], _body(0))
    assert theme.rendered == 3 + 1  # that key's second sentinel, and no more: the page is filled in its frame
    title, body, url = _sentinel("a", 3, ("models",))  # the key of PAGES[0]: its depth and linked prefix
    assert frames.fingerprint(PAGES[0][0]) == hashlib.sha256(theme.render(url, title, body).encode()).hexdigest()


@pytest.mark.parametrize("template", [
    FAITHFUL.replace("<h2>{title}", "<h2>{upper}"),  # the title transformed
    FAITHFUL + "<nav>{last}</nav>",  # the address in pieces
    FAITHFUL + "<aside>{body}</aside>",  # the body twice
])
def test_a_theme_that_does_more_with_a_page_gets_no_frame_and_still_its_exact_pages(template):
    theme = _Theme(template)
    frames = Frames(theme, KNOWN)
    for n, (url, title) in enumerate(PAGES):
        assert frames.page(url, title, _body(n))[0] == theme.render(url, title, _body(n))
        assert frames.frame_for(url) is None


@pytest.mark.parametrize("title", ["a <b> title", "two  spaces", " leading", "a & b", 'quo"te'])
def test_a_title_the_proof_does_not_cover_is_rendered_by_the_theme(title):
    """A theme that escapes titles and collapses their spaces: a proven frame, which such titles would break."""
    theme = _Theme(FAITHFUL, title_filter=lambda text: html.escape(" ".join(text.split())))
    frames = Frames(theme, KNOWN)
    assert frames.frame_for("models/a/1/") is not None
    assert frames.page("models/a/1/", title, _body(0))[0] == theme.render("models/a/1/", title, _body(0))
    assert frames.page("models/a/1/", "a 1", _body(0))[0] == theme.render("models/a/1/", "a 1", _body(0))


def test_a_body_without_a_heading_is_rendered_by_the_theme():
    """Material adds an ``<h1>`` of the title to a body without one: the sentinels all have one."""
    theme = _Theme(FAITHFUL)
    Frames(theme, KNOWN).page("models/a/1/", "a 1 · Model", "<p>no heading</p>")
    assert theme.rendered == 1  # the page itself, no sentinel


def test_the_frame_key_is_how_far_an_address_runs_along_a_linkable_one():
    known = known_prefixes([], ["models/", "models/credit-risk/notes/", "assets/x.css"])
    assert frame_key("models/a/1/", known) == frame_key("models/b/2/", known) == (3, ("models",))
    assert frame_key("models/credit-risk/3/", known) == (3, ("models", "credit-risk"))
    assert frame_key("jobs/t/", known) == (2, ())


def test_a_body_that_loads_from_another_host_is_reported_with_its_page():
    frames = Frames(_Theme(FAITHFUL), KNOWN)
    body = '<div class="cg-page">\n<h1>x</h1><img src="https://elsewhere.example/a.png">\n</div>\n'
    assert frames.page("models/a/1/", "a 1 · Model", body)[1] == [
        ("<img src=https://elsewhere.example/a.png>", "https://elsewhere.example/a.png")]


def test_a_frame_is_cut_only_where_the_body_occurs_once():
    assert Frame.cut("<p>B</p><p>B</p>", "T", "B", "u/") is None
    cut = Frame.cut("<t>T</t><p>B</p><a href=u/>", "T", "B", "u/")
    assert cut.fill("X", "Y", "v/") == "<t>X</t><p>Y</p><a href=v/>"

