"""The site's files that are not pages: catalog.json, the JSON schemas, the search index, the vendored assets."""

from __future__ import annotations

import re
from importlib import resources

from catgen.load.schemas import SCHEMA_FILES, schema_text
from catgen.website import searchindex
from catgen.website.catalogjson import catalog_json
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


def data_files(site, guide=(), prefix: str = "") -> dict[str, str]:
    """``{path under the site: text}`` of the catalog, the status timeline, the schemas and the search index
    (of the catalog and the ``guide`` files), all under the catalog's folder ``prefix`` ("" the site's root)."""
    data = {"catalog.json": catalog_json(site), TIMELINE_PATH: timeline_json(status_timeline(site))}
    data.update({f"schemas/{name}.json": schema_text(name) for name in SCHEMA_FILES})
    data.update(searchindex.build_index(site, guide, prefix))
    return {prefix + path: _SURROGATE.sub(_escaped_byte, text) for path, text in data.items()}


def _escaped_byte(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\\\u{code:04x}"


def asset_bytes(name: str) -> bytes:
    """One of ``ASSETS``, as shipped in the package."""
    return resources.files("catgen.website").joinpath("assets", name).read_bytes()
