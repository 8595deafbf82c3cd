"""What a built site would fetch from other hosts: the check behind "the site works with no network".

A project's ``mkdocs.yml`` (``extra_javascript``, ``extra_css``, a theme's
``custom_dir``, analytics) or a guide page (``<script src=https://...>``) can make
every page load something from elsewhere. ``remote_resources`` reads the built
HTML and CSS and lists every resource a browser loads by itself from an
absolute address: scripts, stylesheets, icons and preloads, images, media,
frames, embedded objects, ``<base href>``, CSS ``url()`` and ``@import``. Links
people follow (``<a href>``, ``<link rel=canonical>``...) are not resources.
What scripts request when they run cannot be seen in the files and is not
checked. ``catgen build`` refuses a site with remote resources unless the
project's ``mkdocs.yml`` allows their addresses (docs/site.md).
"""

from __future__ import annotations

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


def _addresses(value: str, *, srcset: bool) -> list[str]:
    """The addresses in an attribute: one, or each candidate of a ``srcset`` ("a.png 1x, b.png 2x")."""
    if not srcset:
        return [value]
    return [part.split()[0] for part in value.split(",") if part.split()]


def css_addresses(css: str) -> list[str]:
    """Every ``url(...)`` and ``@import`` address in a stylesheet."""
    return [first or second for first, second in _CSS_URL.findall(css)]


def remote_resources(site: str, allowed: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(file under ``site``, what it loads) for every remote resource whose address no ``allowed`` prefix covers."""
    found = []
    for root, dirs, names in os.walk(site):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            if name.endswith((".html", ".htm")):
                finder = _ResourceFinder()
                finder.feed(_read(path))
                finder.close()
                loads = finder.found
            elif name.endswith(".css"):
                loads = [(f"url({a})", a) for a in css_addresses(_read(path)) if is_remote(a)]
            else:
                continue
            shown = os.path.relpath(path, site).replace(os.sep, "/")
            found += [(shown, what) for what, address in loads if not address.strip().startswith(allowed)]
    return found


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
