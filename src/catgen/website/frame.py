"""Page frames: the theme's page around a catalog body, rendered once per kind of address and filled per page.

Per-manifest pages are not in the navigation, so the theme wraps each of
them in the same page except for the title, the body and the page's own
address; every link the theme writes is relative, and depends only on the
page's depth and on how far its address runs along the address of a file
the theme can link to (``frame_key``). ``ThemeRenderer`` renders a page as
MkDocs' build does (the same plugin events and template); ``Frames`` renders
two sentinel pages per key, cuts the first at its title, body and address,
and keeps the frame only when filling it with the second's parts gives the
second's exact bytes. A theme or plugin that does anything else with those
parts (escapes or encodes a title, reads the body, draws the address) fails
that proof, and its pages are rendered by ``ThemeRenderer`` one by one.
"""

from __future__ import annotations

import hashlib
import json
import re

from mkdocs.commands.build import get_context
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page

from catgen.website.offline import html_resources

BODY_PLACEHOLDER = "<!-- catgen: page body -->\n"
# Titles the proof covers: every character class a sentinel title holds, single spaces between words.
PLAIN_TITLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@()/+·-]*(?: [A-Za-z0-9._:@()/+·-]+)*")
PLAIN_URL = re.compile(r"(?:[A-Za-z0-9._-]+/)+")
_SENTINEL_TITLE = "cgframe{0}-title_1.x · A:b@c/d+e (f)"
_SENTINEL_BODY = '<div class="cg-page">\n<h1>cgframe{0}-body</h1>\n</div>\n'
_SENTINEL_PART = "cgframe{0}-part-{1}"
TITLE, BODY, URL = 0, 1, 2  # the slots of a frame


def front_matter(title: str) -> str:
    return f"---\ntitle: {json.dumps(title)}\nhide: [toc]\n---\n\n"


class ThemeRenderer:
    """A page rendered as MkDocs' build renders one (``_populate_page`` and ``_build_page``), without a file."""

    def __init__(self, config, nav, env, files, bodies: dict):
        self.config, self.nav, self.env, self.files = config, nav, env, files
        self.doc_files = files.documentation_pages()
        self.bodies = bodies  # the plugin's src_uri -> body, which its ``on_page_content`` puts in place

    def render(self, url: str, title: str, body: str) -> str:
        config, plugins = self.config, self.config.plugins
        file = File.generated(config, url + "index.md", content=front_matter(title) + BODY_PLACEHOLDER,
                              inclusion=InclusionLevel.NOT_IN_NAV)
        page = Page(None, file, config)
        self.bodies[file.src_uri] = body
        config._current_page = page
        try:
            page = plugins.on_pre_page(page, config=config, files=self.files)
            page.read_source(config)
            page.markdown = plugins.on_page_markdown(page.markdown, page=page, config=config, files=self.files)
            page.render(config, self.files)
            page.content = plugins.on_page_content(page.content, page=page, config=config, files=self.files)
            page.active = True
            context = get_context(self.nav, self.doc_files, config, page)
            template = self.env.get_template(page.meta.get("template", "main.html"))
            context = plugins.on_page_context(context, page=page, config=config, nav=self.nav)
            return plugins.on_post_page(template.render(context), page=page, config=config)
        finally:
            page.active = False
            config._current_page = None
            del self.bodies[file.src_uri]


def known_prefixes(files, nav_urls=()) -> set[tuple]:
    """Every leading run of path parts of every file and navigation address a theme can link to."""
    known = set()
    for path in [f.url for f in files] + [f.dest_uri for f in files] + list(nav_urls):
        parts = [p for p in str(path).split("/") if p]
        known.update(tuple(parts[:i]) for i in range(1, len(parts) + 1))
    return known


def frame_key(url: str, known: set) -> tuple:
    """(depth, the leading parts of ``url`` that some linkable address shares): what the theme's links depend on."""
    parts = tuple(p for p in url.split("/") if p)
    shared = max((i for i in range(1, len(parts) + 1) if parts[:i] in known), default=0)
    return len(parts), parts[:shared]


class Frame:
    """A rendered page cut at its title, body and address: text chunks and slots, alternating."""

    def __init__(self, chunks: list, loads: list):
        self.chunks = chunks  # str, or one of TITLE, BODY, URL
        self.loads = loads  # (what, address) of each remote resource of the frame itself (``offline``)

    @classmethod
    def cut(cls, html: str, title: str, body: str, url: str) -> "Frame | None":
        """The frame of ``html``, or None unless the body occurs exactly once (and title and url are distinct)."""
        if html.count(body) != 1 or title in url or url in title:
            return None
        slots = {title: TITLE, body: BODY, url: URL}
        pieces = re.split("(" + "|".join(re.escape(s) for s in sorted(slots, key=len, reverse=True)) + ")", html)
        return cls([slots[p] if i % 2 else p for i, p in enumerate(pieces)], html_resources(html))

    def fill(self, title: str, body: str, url: str) -> str:
        values = (title, body, url)
        return "".join(values[c] if isinstance(c, int) else c for c in self.chunks)


class Frames:
    """The proven frame of each key (None where the proof fails), rendered when first asked for."""

    def __init__(self, renderer: ThemeRenderer, known: set, *, enabled: bool = True):
        self.renderer, self.known = renderer, known
        self.enabled = enabled  # False: every page rendered by the theme (what the frames are tested against)
        self._frames: dict = {}  # key -> Frame or None
        # key -> (the first sentinel page, its hash): a rebuild that renders few pages needs the hashes of every
        # key's frame (``pagereuse``) but the proof (a second page) only for the keys it renders pages of.
        self._firsts: dict = {}

    def page(self, url: str, title: str, body: str) -> tuple[str, list]:
        """The page's HTML, its frame filled when one is proven for it, else rendered by the theme; and what it
        loads from other hosts (``offline``: a frame's loads are read once, each body on its own)."""
        frame = self.frame_for(url) if self.enabled and _spliceable(url, title, body) else None
        if frame is None:
            html = self.renderer.render(url, title, body)
            return html, html_resources(html)
        return frame.fill(title, body, url), frame.loads + html_resources(body)

    def fingerprint(self, url: str) -> str:
        """A hash of what the theme puts around a page at ``url`` (templates, navigation, plugins' output): the
        page cache's key besides the page's own title, body and address."""
        return self._first_page(frame_key(url, self.known))[1]

    def frame_for(self, url: str) -> Frame | None:
        return self._frame_of(frame_key(url, self.known))

    def _frame_of(self, key: tuple) -> Frame | None:
        if key not in self._frames:
            self._frames[key] = self._proven_frame(key)
        return self._frames[key]

    def _first_page(self, key: tuple) -> tuple[str, str]:
        found = self._firsts.get(key)
        if found is None:
            title, body, url = _sentinel("a", *key)
            html = self.renderer.render(url, title, body)
            found = self._firsts[key] = (html, hashlib.sha256(html.encode("utf-8", errors="surrogatepass")).hexdigest())
        return found

    def _proven_frame(self, key: tuple) -> Frame | None:
        depth, shared = key
        first, second = (_sentinel(mark, depth, shared) for mark in "ab")
        html = self._first_page(key)[0]
        if any(frame_key(s[2], self.known) != key for s in (first, second)):
            return None  # a sentinel address some file shares: no proof possible here
        frame = Frame.cut(html, *first)
        if frame is None or frame.fill(*second) != self.renderer.render(second[2], second[0], second[1]):
            return None
        return frame


def _sentinel(mark: str, depth: int, shared: tuple) -> tuple[str, str, str]:
    """(title, body, url) of a sentinel page for the key (depth, shared)."""
    parts = list(shared) + [_SENTINEL_PART.format(mark, i) for i in range(depth - len(shared))]
    return _SENTINEL_TITLE.format(mark), _SENTINEL_BODY.format(mark), "/".join(parts) + "/"


def _spliceable(url: str, title: str, body: str) -> bool:
    """A page the proof covers: a plain title and address, and a body with a heading as the sentinels have."""
    return bool(PLAIN_TITLE.fullmatch(title) and PLAIN_URL.fullmatch(url)) and "<h1" in body
