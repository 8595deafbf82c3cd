"""``/catalog.json``: every manifest and every lineage edge, for other tools.

Deterministic: manifests in path order, edges sorted, keys sorted. Dates and
other YAML scalars that are not JSON types are written as strings, and so are
numbers that are not finite (``.nan``, ``.inf``, ``-.inf``, as YAML writes them:
they are CG201, but the file must stay JSON, which has no NaN).
"""

from __future__ import annotations

import json
import math

FORMAT = "catgen-site/v1"


def catalog_json(site) -> str:
    manifests = [
        {"kind": m.kind, "name": m.name, "version": m.version, "path": m.relpath, "url": site.url(m),
         "data": finite_json(m.data),
         "findings": [f.as_dict() for f in site.findings_of(m)]}
        for m in site.catalog.manifests
        if m.problem is None and m.kind is not None
    ]
    edges = sorted(
        ({"source": e.source.ref, "target": e.target.ref, "type": e.type, "field": e.ref.field}
         for e in _edges(site.graph)),
        key=lambda e: (e["source"], e["field"], e["target"]),
    )
    summary = site.result.summary()
    document = {"format": FORMAT, "manifests": manifests, "edges": edges, "check": summary}
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False, default=str, allow_nan=False) + "\n"


def finite_json(value):
    """``value`` with every float that is not finite written as YAML spells it (a string)."""
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite_json(item) for item in value]
    return value


def _edges(graph):
    for _, _, data in graph.nx.edges(data=True):
        yield data["edge"]
