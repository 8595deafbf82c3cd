"""The site's files that are not pages: catalog.json, the JSON schemas, the search index, the vendored assets."""

from __future__ import annotations

from importlib import resources

from catgen.load.schemas import SCHEMA_FILES, schema_text
from catgen.website import searchindex
from catgen.website.catalogjson import catalog_json

ASSETS = ("catgen.css", "catgen.js")  # vendored: the site loads nothing from another host
ASSET_PATHS = tuple(f"assets/catgen/{name}" for name in ASSETS)  # where the site serves them


def data_files(site) -> dict[str, str]:
    """``{path under the site: text}`` of the catalog, the schemas and the search index."""
    data = {"catalog.json": catalog_json(site)}
    data.update({f"schemas/{name}.json": schema_text(name) for name in SCHEMA_FILES})
    data.update(searchindex.build_index(site))
    return data


def asset_bytes(name: str) -> bytes:
    """One of ``ASSETS``, as shipped in the package."""
    return resources.files("catgen.website").joinpath("assets", name).read_bytes()
