"""Page addresses (SPEC §7) and relative links between them.

Every address is a directory URL without a leading slash ("" is the home
page, "models/credit-risk/3/" a version page). Generated Markdown files live
at ``<address>index.md``, so an asset called ``index`` or a version called
``page`` can never collide with an index page; pagination uses ``_page/``,
which no valid name can start with. Names come only from identified
manifests (validated by the model), so an address never leaves the site.
"""

from __future__ import annotations

import posixpath

from catgen.model import KINDS

PAGE_SIZE = 200  # rows per index page


def manifest_url(manifest) -> str:
    """The page address of an identified, non-policy manifest."""
    kind = KINDS[manifest.kind]
    if kind.versioned:
        return f"{kind.plural}/{manifest.name}/{manifest.version}/"
    return f"{kind.plural}/{manifest.name}/"


def asset_url(kind: str, name: str) -> str:
    return f"{KINDS[kind].plural}/{name}/"


def index_url(plural: str, page: int = 1) -> str:
    return f"{plural}/" if page == 1 else f"{plural}/_page/{page}/"


def src_uri(url: str) -> str:
    """The generated Markdown file behind a directory address."""
    return f"{url}index.md"


def relative(from_url: str, to_url: str) -> str:
    """A link from page ``from_url`` to ``to_url`` that works on any static host."""
    rel = _relpath(to_url, from_url) if to_url != from_url else "."
    if to_url.endswith("/") or to_url == "":
        rel = rel.rstrip("/") + "/"
    return rel if rel != "./" else "./"


def _relpath(to_url: str, from_url: str) -> str:
    """``posixpath.relpath`` between the two as absolute paths; on plain addresses (no ``.`` or ``..`` part)
    without its normalising, which made it most of the cost of a page's links."""
    start, target = [p for p in from_url.split("/") if p], [p for p in to_url.split("/") if p]
    if "." in start or ".." in start or "." in target or ".." in target:
        return posixpath.relpath("/" + to_url, "/" + from_url)
    common = 0
    for mine, theirs in zip(start, target):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."
