"""``/catalog.json``: every manifest and every lineage edge, for other tools.

Deterministic: manifests in path order, edges sorted, keys sorted. Dates and
other YAML scalars that are not JSON types are written as strings, and so are
numbers that are not finite (``.nan``, ``.inf``, ``-.inf``, as YAML writes them:
they are CG201, but the file must stay JSON, which has no NaN).

The text is ``json.dumps(catalog_document(site), **JSON_SETTINGS) + "\\n"``, but made
a manifest at a time (``catalog_json_pieces``): at 50,000 manifests the whole
document and its text held at once cost the build's data-files process about
700 MB. With ``indent``, a newline in the text is always one that the encoder
put between items (a newline inside a string is written ``\\n``), so a value
encoded alone is indented deeper by adding spaces after each of its newlines.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

FORMAT = "catgen-site/v1"
JSON_SETTINGS = {"sort_keys": True, "indent": 1, "ensure_ascii": False, "default": str, "allow_nan": False}
_ENCODER = json.JSONEncoder(**JSON_SETTINGS)
_quoted = json.encoder.encode_basestring  # a string as ``_ENCODER`` writes it (``ensure_ascii`` False)


def catalog_json_pieces(site) -> Iterator[str]:
    """The text of ``/catalog.json`` in pieces of about one manifest each, each made when asked for."""
    # The document's keys in sorted order: check, edges, format, manifests.
    yield '{\n "check": ' + _encoded(site.result.summary(), 1) + ',\n "edges": '
    yield from _array_pieces(_edges(site), 1, _edge_text)
    yield ',\n "format": ' + _encoded(FORMAT, 1) + ',\n "manifests": '
    yield from _array_pieces((_manifest_entry(site, m, finite=False) for m in _shown(site)), 1, _indented)
    yield "\n}\n"


def catalog_document(site) -> dict:
    """The document ``/catalog.json`` holds, all of it in memory: the reference the streamed text is checked
    against (the build writes ``catalog_json_pieces``)."""
    return {"format": FORMAT, "manifests": [_manifest_entry(site, m) for m in _shown(site)],
            "edges": list(_edges(site)), "check": site.result.summary()}


def _shown(site):
    return (m for m in site.catalog.manifests if m.problem is None and m.kind is not None)


def _manifest_entry(site, manifest, finite: bool = True) -> dict:
    """A manifest as the document lists it (``finite=False``: its data as it is, for ``_indented``)."""
    return {"kind": manifest.kind, "name": manifest.name, "version": manifest.version, "path": manifest.relpath,
            "url": site.url(manifest), "data": finite_json(manifest.data) if finite else manifest.data,
            "findings": [f.as_dict() for f in site.findings_of(manifest)]}


def _edges(site) -> Iterator[dict]:
    """The lineage edges, sorted by (source, field, target); ties (sources of one reference) in node order."""
    edges = sorted(((e.source.ref, e.ref.field, e.target.ref, e.type) for e in site.graph.keyed_edges()),
                   key=lambda edge: edge[:3])
    for source, field, target, kind in edges:
        yield {"source": source, "target": target, "type": kind, "field": field}


def _array_pieces(items, depth: int, encoded=None) -> Iterator[str]:
    """A JSON array of ``items`` as ``json.dumps`` indents it at ``depth``, a piece per item (``encoded``:
    the item's text at ``depth + 1``, default ``_encoded``)."""
    between = "\n" + " " * (depth + 1)
    encoded = encoded or _encoded
    empty = True
    for item in items:
        yield ("[" if empty else ",") + between + encoded(item, depth + 1)
        empty = False
    yield "[]" if empty else "\n" + " " * depth + "]"


def _edge_text(edge: dict, depth: int) -> str:
    """An edge as ``_encoded`` writes it, made without ``json``'s Python encoder (which ``indent`` makes it use:
    at 10k, 27,000 edges took it 0.14 s) when its four values are strings, as they are."""
    if not all(type(value) is str for value in edge.values()):
        return _encoded(edge, depth)
    inner, outer = "\n" + " " * (depth + 1), "\n" + " " * depth
    return ("{" + inner + '"field": ' + _quoted(edge["field"]) + "," + inner + '"source": ' + _quoted(edge["source"])
            + "," + inner + '"target": ' + _quoted(edge["target"]) + "," + inner + '"type": ' + _quoted(edge["type"])
            + outer + "}")


def _encoded(value, depth: int) -> str:
    """``value`` as ``json.dumps`` writes it ``depth`` levels deep (``JSON_SETTINGS``: one space a level)."""
    return _ENCODER.encode(value).replace("\n", "\n" + " " * depth)


def _indented(value, depth: int) -> str:
    """``_encoded(finite_json(value), depth)``, made without ``json``'s Python encoder (which ``indent`` makes it
    use: at 10k, 0.25 s of the catalog's process) for the values manifests hold: text, numbers, booleans, null,
    lists and dicts with text keys. Anything else (a date, a key of another type) is ``_encoded``'s."""
    kind = type(value)
    if kind is str:
        return _quoted(value)
    if kind is dict:
        if not value:
            return "{}"
        if not all(type(key) is str for key in value):
            return _encoded(finite_json(value), depth)
        inner = "\n" + " " * (depth + 1)
        return ("{" + ",".join(inner + _quoted(key) + ": " + _indented(item, depth + 1)
                               for key, item in sorted(value.items())) + "\n" + " " * depth + "}")
    if kind is list:
        if not value:
            return "[]"
        inner = "\n" + " " * (depth + 1)
        return "[" + ",".join(inner + _indented(item, depth + 1) for item in value) + "\n" + " " * depth + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value) if math.isfinite(value) else _quoted(finite_json(value))
    return _encoded(finite_json(value), depth)


def finite_json(value):
    """``value`` with every float that is not finite written as YAML spells it (a string)."""
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite_json(item) for item in value]
    return value
