"""Site test helpers: the example catalog built once per session (builds take seconds), and reading its pages.

Page tests assert on structure, not substrings: ``page_tree`` parses a page
into ``Node`` objects (``html.parser``, tolerant of HTML's optional end
tags), ``section`` finds the nodes under one ``<h2>``, ``rows`` reads a table.
``broken_links`` is a link checker over a whole built site.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from testing.catalogs import EXAMPLE
from catgen.website.build import build_site

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@contextlib.contextmanager
def working_dir(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def build(catalog: Path, site: Path, cwd: Path | None = None) -> dict:
    """Build ``catalog`` into ``site`` from ``cwd`` (default: the site's parent, which has no mkdocs.yml)."""
    with working_dir(cwd or site.parent):
        return build_site(str(catalog), str(site))


def recorded_example(root: Path, patch, now: str) -> dict:
    """The example catalog copied to ``root/catalog`` and built twice into ``root/site`` at ``now`` (``patch``, a
    ``pytest.MonkeyPatch``, sets it and a cache folder of its own, ``root/cache``): the second build, into a
    catgen site, records what each page read. The second build's statistics."""
    shutil.copytree(EXAMPLE, root / "catalog")
    patch.setenv("SOURCE_DATE_EPOCH", now)
    patch.setenv("CATGEN_CACHE_DIR", str(root / "cache"))
    build(root / "catalog", root / "site")
    return build(root / "catalog", root / "site")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("example-site")
    build(EXAMPLE, root / "site")
    return root / "site"


# -- reading pages -------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)  # Node or str

    def text(self) -> str:
        """All text inside, whitespace collapsed."""
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def find_all(self, tag: str | None = None, *, cls: str | None = None, id: str | None = None) -> list[Node]:
        """Every element below this one (depth first, document order) matching all the given conditions."""
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if ((tag is None or child.tag == tag) and (cls is None or cls in child.classes())
                        and (id is None or child.attrs.get("id") == id)):
                    found.append(child)
                found += child.find_all(tag, cls=cls, id=id)
        return found

    def find(self, tag: str | None = None, **conditions) -> Node:
        """The first match; an assertion error naming what was missing when there is none."""
        found = self.find_all(tag, **conditions)
        assert found, f"no <{tag or '*'}> {conditions} in <{self.tag}>"
        return found[0]

    def links(self) -> list[tuple[str, str | None]]:
        """(text, href) of every link below."""
        return [(a.text(), a.attrs.get("href")) for a in self.find_all("a")]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):  # an end tag closes what its start left open
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page_tree(site: Path, address: str) -> Node:
    """The catalog body (``div.cg-page``) of the page at ``address`` ("" the home page)."""
    return parse_html((site / address / "index.html").read_text("utf-8")).find("div", cls="cg-page")


def section(page: Node, title: str) -> Node:
    """The nodes between the ``<h2>`` whose text or id is ``title`` and the next ``<h2>``, under one node."""
    siblings = [c for c in page.children if isinstance(c, Node)]
    starts = [i for i, n in enumerate(siblings) if n.tag == "h2" and title in (n.text(), n.attrs.get("id"))]
    assert starts, f"no section {title!r}; sections: {[n.text() for n in siblings if n.tag == 'h2']}"
    body = Node("#section", {"title": title})
    for node in siblings[starts[0] + 1:]:
        if node.tag == "h2":
            break
        body.children.append(node)
    return body


def headers(table: Node) -> list[str]:
    return [th.text() for th in table.find("thead").find_all("th")]


def rows(table: Node) -> list[list[str]]:
    """The text of every body cell, row by row."""
    return [[td.text() for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]


def row_nodes(table: Node) -> list[Node]:
    return table.find("tbody").find_all("tr")


# -- links between the files of a built site -----------------------------------

LINK_ATTRIBUTES = ("href", "src", "action")


def page_links(html: str) -> list[str]:
    """Every ``href``/``src``/``action`` of every element of a page, in document order."""
    found, stack = [], [parse_html(html)]
    while stack:
        node = stack.pop()
        found += [node.attrs[a] for a in LINK_ATTRIBUTES if node.attrs.get(a)]
        stack += reversed([c for c in node.children if isinstance(c, Node)])
    return found


def resolve_link(site: Path, page: str, link: str) -> Path | None:
    """The file of the site that ``link`` on ``page`` (a path under ``site``) opens, as a static host
    serves it (a folder: its index.html); None for links that leave the site or stay on the page."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:  # another host, mailto:, data:, or "#anchor" / "?query"
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname("/" + page), unquote(parts.path)))
    target = site / path.lstrip("/")
    return target / "index.html" if parts.path.endswith("/") or target.is_dir() else target


def broken_links(site: Path) -> list[tuple[str, str]]:
    """(page, link) of every link of every HTML page of ``site`` whose target file does not exist
    (links that leave the site or the site's root folder count as broken too)."""
    broken = []
    for file in sorted(site.rglob("*.html")):
        page = file.relative_to(site).as_posix()
        for link in page_links(file.read_text("utf-8")):
            target = resolve_link(site, page, link)
            if target is not None and (not target.resolve().is_relative_to(site.resolve()) or not target.is_file()):
                broken.append((page, link))
    return broken


def site_files(root: Path) -> dict[str, bytes]:
    """{path under ``root``: content} of every file of a built site."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def page_html(site: Path, address: str) -> str:
    return (site / address / "index.html").read_text("utf-8")


# -- a site with git history ---------------------------------------------------

STORY_NOW = "1727000000"  # 2024-09-22T10:13:20Z: after every step of testing.story


def build_story_site(tmp_path: Path, monkeypatch) -> tuple[Path, dict]:
    """testing.story's repository built into ``tmp_path/site`` at ``STORY_NOW``: (site, commit of each step)."""
    from testing.story import story_repo

    repo, commits = story_repo(tmp_path, monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", STORY_NOW)
    build(repo.catalog, tmp_path / "site", cwd=repo.path)
    return tmp_path / "site", commits
