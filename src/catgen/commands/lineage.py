"""``catgen lineage REF``: walk the lineage graph up and/or down and print it (see ``catgen.graph.walk``)."""

from __future__ import annotations

import json
import sys

from catgen.commands._refs import find
from catgen.graph.lineage import LineageGraph
from catgen.graph.walk import Commit, Step, walk, walkable
from catgen.load.catalog import open_catalog


def run(ref: str, catalog_root: str, *, upstream: bool, downstream: bool, depth: int | None,
        output_format: str) -> int:
    catalog = open_catalog(catalog_root)
    graph = LineageGraph.build(catalog)
    root = find(catalog, ref)
    # --upstream and --downstream together mean both, as neither does: each flag only narrows the walk.
    directions = [d for d, wanted in (("up", upstream), ("down", downstream)) if wanted] or ["up", "down"]
    steps = [step for d in directions for step in walk(graph, root, d, depth)]
    sys.stdout.write(FORMATS[output_format](root, steps))
    return 0


INDENTED_AT_MOST = 32  # steps deeper than this are indented as deep, and say their depth


def as_text(root, steps: list[Step]) -> str:
    """An indented tree. Indenting every step by its depth made a chain of n fine-tuned models n x n of text: a step
    deeper than ``INDENTED_AT_MOST`` keeps that indent and writes its depth, ``[33] -> fine_tuned_from: ...``."""
    lines = [root.ref]
    for step in steps:
        arrow = "<-" if step.direction == "down" else "->"
        note = " (listed elsewhere)" if step.repeated and walkable(step.node) else ""
        indent = "  " * min(step.depth, INDENTED_AT_MOST)
        depth = f"[{step.depth}] " if step.depth > INDENTED_AT_MOST else ""
        lines.append(f"{indent}{depth}{arrow} {step.type}: {step.node.ref}{note}")
    return "\n".join(lines) + "\n"


def as_json(root, steps: list[Step]) -> str:
    nodes = {root.ref: _node(root)}
    edges = []
    for step in steps:
        nodes.setdefault(step.node.ref, _node(step.node))
        source, target = (step.parent, step.node) if step.direction == "up" else (step.node, step.parent)
        edges.append({"source": source.ref, "target": target.ref, "type": step.type})
    unique_edges = sorted({json.dumps(e, sort_keys=True) for e in edges})
    document = {"root": root.ref, "nodes": [nodes[k] for k in sorted(nodes)],
                "edges": [json.loads(e) for e in unique_edges]}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _node(node) -> dict:
    if isinstance(node, Commit):
        return {"ref": node.ref, "kind": "Commit", "repository": node.repository, "commit": node.sha}
    return {"ref": node.ref, "kind": node.kind, "path": node.path}


def _edges(steps: list[Step]) -> list[tuple]:
    found = set()
    for step in steps:
        source, target = (step.parent, step.node) if step.direction == "up" else (step.node, step.parent)
        found.add((source.ref, target.ref, step.type))
    return sorted(found)


def as_dot(root, steps: list[Step]) -> str:
    refs = sorted({root.ref} | {s.node.ref for s in steps})
    lines = ["digraph lineage {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    lines += [f"  {_dot_quote(ref)}{' [style=bold]' if ref == root.ref else ''};" for ref in refs]
    lines += [f"  {_dot_quote(s)} -> {_dot_quote(t)} [label={_dot_quote(kind)}];" for s, t, kind in _edges(steps)]
    return "\n".join(lines + ["}"]) + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def as_mermaid(root, steps: list[Step]) -> str:
    refs = sorted({root.ref} | {s.node.ref for s in steps})
    ids = {ref: f"n{i}" for i, ref in enumerate(refs)}
    lines = ["flowchart LR"]
    lines += [f'  {ids[ref]}["{_mermaid_text(ref)}"]' for ref in refs]
    lines += [f"  {ids[s]} -->|{_mermaid_text(kind)}| {ids[t]}" for s, t, kind in _edges(steps)]
    lines.append(f"  style {ids[root.ref]} stroke-width:3px")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "#124;")


FORMATS = {"text": as_text, "json": as_json, "dot": as_dot, "mermaid": as_mermaid}
