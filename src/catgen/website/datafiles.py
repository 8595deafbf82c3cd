"""The site's files that are not pages: catalog.json, the JSON schemas, the search index, the vendored assets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources

from catgen.load.schemas import SCHEMA_FILES, schema_text
from catgen.website import searchindex
from catgen.website.catalogjson import catalog_json_pieces
from catgen.website.statusdata import TIMELINE_PATH, status_timeline, timeline_json

# Vendored: the site loads nothing from another host.
ASSETS = ("catgen.css", "catgen.js", "catgen-status.js", "catgen-audit.js", "catgen-search.js")


def asset_paths(prefix: str = "") -> tuple[str, ...]:
    """Where the site serves ``ASSETS``: under the catalog's folder, so their scripts find its data next to them."""
    return tuple(f"{prefix}assets/catgen/{name}" for name in ASSETS)


ASSET_PATHS = asset_paths()  # with the catalog at /


# A file name's bytes that are not UTF-8 reach here as lone surrogates, which no file can be written
# with; in these JSON files they can only sit inside strings, where ``\\xNN`` (an escaped backslash)
# shows the byte as the reports do.
_SURROGATE = re.compile("[\ud800-\udfff]")


PARTS = ("catalog", "search")  # the catalog's files, and the search index: each may be written by its own process


def data_files(site, guide=(), prefix: str = "", parts=PARTS) -> Iterator[tuple[str, Iterator[str]]]:
    """(path under the site, its text in pieces) of the catalog, the status timeline, the schemas (``parts``
    "catalog") and the search index (of the catalog and the ``guide`` files: "search"), all under the catalog's
    folder ``prefix`` ("" the site's root).

    Each file's pieces are made as they are read, and each file when asked for: write each piece before
    asking for the next, and no more than a piece is held (at 50,000 manifests the texts are 120 MB, and
    making them all at once took 700 MB more).
    """
    if "catalog" in parts:
        yield prefix + "catalog.json", _escaped(catalog_json_pieces(site))
        yield prefix + TIMELINE_PATH, _escaped([timeline_json(status_timeline(site))])
        for name in SCHEMA_FILES:
            yield f"{prefix}schemas/{name}.json", _escaped([schema_text(name)])
    if "search" in parts:
        yield from search_files(searchindex.index_texts(site, guide, prefix), prefix)


def search_files(texts, prefix: str = "") -> Iterator[tuple[str, Iterator[str]]]:
    """The search index's ``texts`` (``searchindex``) as ``data_files`` gives them."""
    for path, text in texts:
        yield prefix + path, _escaped([text])


def _escaped(pieces) -> Iterator[str]:
    # A surrogate is one character, so escaping each piece alone escapes the whole text. Python knows
    # whether a text is ASCII without reading it: most pieces are, and are not searched (at 10k, the
    # search took 80 ms of 24 MB).
    return (piece if piece.isascii() else _SURROGATE.sub(_escaped_byte, piece) for piece in pieces)


def _escaped_byte(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\\\u{code:04x}"


def asset_bytes(name: str) -> bytes:
    """One of ``ASSETS``, as shipped in the package."""
    return resources.files("catgen.website").joinpath("assets", name).read_bytes()
