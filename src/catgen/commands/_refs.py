"""Finding the manifest a command-line reference names, with help when it leaves out a needed version."""

from __future__ import annotations

from catgen.errors import CatalogError
from catgen.model import KINDS, parse_ref_text, ref_text
from catgen.website.sitemodel import version_key

SHOWN_VERSIONS = 10  # the latest ones; a long history is summed up, so the reason stays one readable line


def find(catalog, text: str):
    """``catalog.find(text)``, but ``model:credit-risk`` (no version) says which versions exist."""
    kind, name, version = parse_ref_text(text)
    if kind is not None and version is None and KINDS[kind].versioned:
        versions = sorted({v for k, n, v in catalog.index if (k, n) == (kind, name) and v is not None}, key=version_key)
        if versions:
            shown = [f"{ref_text(kind, name, v)}" for v in versions[-SHOWN_VERSIONS:]]
            earlier = len(versions) - len(shown)
            more = f" (and {earlier} earlier)" if earlier else ""
            raise CatalogError(f"{text} needs a version: the catalog has {', '.join(shown)}{more}")
    return catalog.find(text)
