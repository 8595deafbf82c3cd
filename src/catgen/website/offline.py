"""What a built site would fetch from other hosts: the check behind "the site works with no network".

A project's ``mkdocs.yml`` (``extra_javascript``, ``extra_css``, a theme's
``custom_dir``, analytics) or a guide page (``<script src=https://...>``) can make
every page load something from elsewhere. ``remote_resources`` reads the built
HTML and CSS and lists every resource a browser loads by itself from an
absolute address: scripts, stylesheets, icons and preloads, images, media,
frames, embedded objects, ``<base href>``, CSS ``url()`` and ``@import``. Links
people follow (``<a href>``, ``<link rel=canonical>``...) are not resources.
What scripts request when they run cannot be seen in the files and is not
checked. The page writer checks each page it writes as it writes it, and the
build the files MkDocs wrote (``file_resources``); ``remote_resources`` reads
whatever is left. ``catgen build`` refuses a site with remote resources unless the
project's ``mkdocs.yml`` allows their addresses (docs/site.md).
"""

from __future__ import annotations

import hashlib
import os
import re
from html.parser import HTMLParser

ALLOW_SETTING = "allow_remote"  # under ``extra: catgen:`` in mkdocs.yml: address prefixes a site may load from

# Attributes that a browser fetches on its own, per tag (``link`` is judged by its ``rel``).
_FETCHED = {
    "script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "iframe": ("src",),
    "frame": ("src",), "embed": ("src",), "object": ("data",), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "input": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
    "base": ("href",),
}
_LINK_FETCHES = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "mask-icon", "preload", "modulepreload",
                 "prefetch", "prerender", "preconnect", "dns-prefetch", "manifest"}
_ABSOLUTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)  # a scheme with a host, or //host
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)
# Where ``_ResourceFinder`` can find anything: a tag it reads (its name ended as ``html.parser`` ends one), a
# ``style`` attribute (preceded as the parser finds attribute names), a ``<style>`` element's CSS.
_READ_TAGS = tuple("<" + name for name in sorted(set(_FETCHED) | {"link"}))
_READ_TAG = re.compile("(?:" + "|".join(map(re.escape, _READ_TAGS)) + ")(?=[\t\n\r\f />\x00]|\\Z)")
_STYLE_ATTRIBUTE = re.compile(r"style(?=\s*=)")  # no look behind: the regex would try it at every character
_ATTRIBUTE_START = "\"'/"
_FRAGMENT = re.compile(r"""\s*['"]?#""")  # url(#id): this page
_STEP = 4096  # characters first fed after the last place a resource could be
REMEMBERED_FROM = 16_384  # characters: shorter texts (a catalog page's body) cost less to parse than to look up
REMEMBERED_AT_MOST = 1024  # answers (a site's theme and guide pages, a few times over)
_REMEMBERED: dict[bytes, tuple] = {}  # a text's digest -> its resources, oldest first


def is_remote(address: str) -> bool:
    """True for an address on another host (``https://x``, ``//x``); ``data:``, relative and ``/x`` are local."""
    return bool(_ABSOLUTE.match(address or ""))


class _ResourceFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # ("<tag attr=address>", address) of each remote resource
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        names = _FETCHED.get(tag, ())
        if tag == "link" and _LINK_FETCHES & set(values.get("rel", "").lower().split()):
            names = ("href", "imagesrcset")
        for name in names:
            for address in _addresses(values.get(name, ""), srcset=name.endswith("srcset")):
                if is_remote(address):
                    self.found.append((f"<{tag} {name}={address}>", address))
        self.found += [(f"style=url({a})", a) for a in css_addresses(values.get("style", "")) if is_remote(a)]
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.found += [(f"<style> url({a})", a) for a in css_addresses(data) if is_remote(a)]


def _last_candidate(low: str) -> int:
    """Where the last place the parser could find a resource ends in this lowercased HTML text: a tag it reads
    (its name ended as ``html.parser`` ends one), a ``style`` attribute; the whole text when a ``<style>``
    element may load something; -1 where it can find nothing.

    Two regular expressions over the text, not a search from the end per tag name: the page writer asks this
    of every page body, and the 16 backward searches cost more than the rest of the check (78 against 20 µs).
    """
    if "<style" in low and _style_may_load(low):
        return len(low)
    last = -1
    for found in _READ_TAG.finditer(low):
        last = found.end()
    for found in _STYLE_ATTRIBUTE.finditer(low, last + 1):  # one after the last tag's end
        before = low[found.start() - 1] if found.start() else ""  # preceded as the parser finds attribute names
        if before and (before.isspace() or before in _ATTRIBUTE_START):
            last = found.end()
    return last


def _style_may_load(low: str) -> bool:
    if "@import" in low:
        return True
    start = low.find("url(")
    while start >= 0:
        if not _FRAGMENT.match(low, start + 4):
            return True
        start = low.find("url(", start + 4)
    return False


def _addresses(value: str, *, srcset: bool) -> list[str]:
    """The addresses in an attribute: one, or each candidate of a ``srcset`` ("a.png 1x, b.png 2x")."""
    if not srcset:
        return [value]
    return [part.split()[0] for part in value.split(",") if part.split()]


def css_addresses(css: str) -> list[str]:
    """Every ``url(...)`` and ``@import`` address in a stylesheet."""
    return [first or second for first, second in _CSS_URL.findall(css)]


def html_resources(html: str) -> list[tuple[str, str]]:
    """(what, address) of every remote resource one HTML text loads (``_html_resources``), a long text's answer
    remembered by its digest: a process that builds again (``catgen serve``, the tests) reads the same theme
    and guide pages each time, and parsing them was a fifth of a build of the example catalog."""
    if len(html) < REMEMBERED_FROM:
        return _html_resources(html)
    key = hashlib.blake2b(html.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    found = _REMEMBERED.get(key)
    if found is None:
        found = _REMEMBERED[key] = tuple(_html_resources(html))
        if len(_REMEMBERED) > REMEMBERED_AT_MOST:
            del _REMEMBERED[next(iter(_REMEMBERED))]  # the oldest
    return list(found)


def _html_resources(html: str) -> list[tuple[str, str]]:
    """(what, address) of every remote resource one HTML text loads.

    Parsing is most of a build's check, so a text where the parser could find nothing (no tag it reads,
    no ``style`` attribute, no ``url(`` but to ``#`` nor ``@import`` in a ``<style>``) is not parsed, and
    a text is parsed only up to its last such place: once the parser is past it, in plain text (nothing
    held back that could be markup, not inside a ``<script>`` or ``<style>``), the rest is text that a
    fresh parser would find nothing in (the audit page's 5 MB table after its filter form).
    """
    low = html.lower()  # the parser lowercases names as ``str.lower`` does
    last = _last_candidate(low) if len(low) == len(html) else len(html)  # a few letters lowercase to two
    if last < 0:
        return []
    finder = _ResourceFinder()
    finder.feed(html[:last])
    step = _STEP
    while last < len(html) and not _settled(finder):  # each step twice the last: an unclosed construct costs
        finder.feed(html[last:last + step])           # a few feeds, not one per 4 KB of what it holds back
        last, step = last + step, step * 2
    if last >= len(html):
        finder.close()
    return finder.found


def framed_resources(html: str, body: str) -> list[tuple[str, str]]:
    """``html_resources`` of a page that holds ``body`` once, read as the frame around it and the body apart.

    The body of a catalog page holds no tag the parser reads, so a 5 MB audit page is not parsed when its
    frame (the theme's ``<link>`` and ``<script>``) is: as the page writer checks its framed pages. A body
    the page does not hold exactly once (a plugin changed it) is read with the page.
    """
    if not body or html.count(body) != 1:
        return html_resources(html)
    return html_resources(html.replace(body, "", 1)) + html_resources(body)


def _settled(finder: HTMLParser) -> bool:
    """In plain text: nothing held back that could be markup, not inside a ``<script>`` or ``<style>`` (a parser
    without these attributes, another Python's, is never taken to be: it reads the whole text)."""
    return getattr(finder, "cdata_elem", "?") is None and "<" not in getattr(finder, "rawdata", "<")


def remote_resources(site: str, allowed: tuple[str, ...] = (), checked=frozenset()) -> list[tuple[str, str]]:
    """(file under ``site``, what it loads) for every remote resource whose address no ``allowed`` prefix covers,
    in the files not ``checked`` already (paths under ``site``, as shown: the page writer checks its pages)."""
    found = []
    for shown in site_files(site):
        if shown not in checked:
            found += [(shown, what) for what, address in file_resources(site, shown)
                      if not address.strip().startswith(allowed)]
    return found


def site_files(site: str) -> list[str]:
    """The HTML and CSS files under ``site`` (as shown: relative, with ``/``), in ``os.walk`` order, names sorted."""
    found = []
    for root, dirs, names in os.walk(site):
        dirs.sort()
        for name in sorted(names):
            if name.endswith((".html", ".htm", ".css")):
                found.append(os.path.relpath(os.path.join(root, name), site).replace(os.sep, "/"))
    return found


def file_resources(site: str, shown: str, body: str | None = None) -> list[tuple[str, str]]:
    """(what, address) of every remote resource of one HTML or CSS file (``shown``: its path under ``site``;
    ``body``: the catalog page body it holds, when it is one, ``framed_resources``)."""
    text = _read(os.path.join(site, shown))
    if shown.endswith(".css"):
        return [(f"url({a})", a) for a in css_addresses(text) if is_remote(a)]
    return framed_resources(text, body) if body else html_resources(text)


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def allowed_prefixes(extra) -> tuple[str, ...]:
    """The address prefixes ``extra: catgen: allow_remote:`` of mkdocs.yml allows (none by default)."""
    settings = extra.get("catgen") if hasattr(extra, "get") else None
    prefixes = settings.get(ALLOW_SETTING) if isinstance(settings, dict) else None
    if isinstance(prefixes, str):
        prefixes = [prefixes]
    return tuple(p for p in prefixes or () if isinstance(p, str) and is_remote(p))
