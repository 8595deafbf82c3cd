"""``catgen lineage REF``: walk the lineage graph up and/or down and print it.

Upstream follows references (what the asset came from: job, data,
environment, component, the code commit, the baseline job); downstream
follows them backwards (deployments, promotions, fine-tuned models). A code
commit is not a manifest, so it appears as a leaf ``commit:<repository>@<sha>``.
Placement (``home``, ``runs_in``) is shown but not walked through, so one
workspace does not pull in the whole catalog.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from catgen.graph.lineage import LineageGraph
from catgen.load.catalog import open_catalog

STOP_AT = frozenset({"Workspace", "Registry"})  # shown, not walked through
SKIP_EDGES = frozenset({"consumes"})


@dataclass(frozen=True)
class Step:
    """One edge of the walk: ``parent`` -[type]-> ``node`` at ``depth``, in walking direction."""

    parent: object
    node: object  # Manifest or Commit
    type: str
    direction: str  # "up" or "down"
    depth: int
    repeated: bool  # already printed elsewhere in this walk


@dataclass(frozen=True)
class Commit:
    repository: str
    sha: str

    @property
    def ref(self) -> str:
        return f"commit:{self.repository}@{self.sha}"

    kind = "Commit"


def run(ref: str, catalog_root: str, *, upstream: bool, downstream: bool, depth: int | None, output_format: str) -> int:
    catalog = open_catalog(catalog_root)
    graph = LineageGraph.build(catalog)
    root = catalog.find(ref)
    directions = [d for d, wanted in (("up", upstream), ("down", downstream)) if wanted] or ["up", "down"]
    steps = [step for d in directions for step in walk(graph, root, d, depth)]
    sys.stdout.write(FORMATS[output_format](root, steps))
    return 0


def walk(graph, root, direction: str, max_depth: int | None) -> list[Step]:
    """Preorder depth-first walk, children in (edge type, ref) order.

    Each node is expanded once, where it is nearest the root (so a job's own
    inputs print under the job, not under some longer path that meets them).
    """
    nearest = _nearest_depths(graph, root, direction, max_depth)
    steps: list[Step] = []
    expanded = {root}
    stack = [(root, child, kind, 1) for kind, child in reversed(_children(graph, root, direction))]
    while stack:
        parent, node, kind, depth = stack.pop()
        expand = node not in expanded and nearest.get(node) == depth and _walkable(node)
        steps.append(Step(parent, node, kind, direction, depth, node in expanded or (nearest.get(node, depth) < depth)))
        if expand and (max_depth is None or depth < max_depth):
            expanded.add(node)
            stack.extend((node, child, kind, depth + 1) for kind, child in reversed(_children(graph, node, direction)))
        elif node not in expanded and nearest.get(node) == depth:
            expanded.add(node)
    return steps


def _nearest_depths(graph, root, direction: str, max_depth: int | None) -> dict:
    """Breadth-first: the smallest depth at which each node is reached."""
    depths, frontier = {root: 0}, [root]
    while frontier:
        following = []
        for node in frontier:
            if depths[node] == max_depth or not _walkable(node):
                continue
            for _, child in _children(graph, node, direction):
                if child not in depths:
                    depths[child] = depths[node] + 1
                    following.append(child)
        frontier = following
    return depths


def _walkable(node) -> bool:
    return not isinstance(node, Commit) and node.kind not in STOP_AT


def _children(graph, node, direction: str) -> list:
    if direction == "up":
        edges = [(e.type, e.target) for e in graph.out_edges(node) if e.type not in SKIP_EDGES]
        code = node.spec.get("code") if node.kind in ("Job", "Component") else None
        if isinstance(code, dict) and isinstance(code.get("commit"), str):
            edges.append(("code", Commit(str(code.get("repository", "")), code["commit"])))
    else:
        edges = [(e.type, e.source) for e in graph.in_edges(node) if e.type not in SKIP_EDGES]
    return sorted(set(edges), key=lambda pair: (pair[0], pair[1].ref))


def as_text(root, steps: list[Step]) -> str:
    lines = [root.ref]
    for step in steps:
        arrow = "<-" if step.direction == "down" else "->"
        note = " (listed elsewhere)" if step.repeated and _walkable(step.node) else ""
        lines.append(f"{'  ' * step.depth}{arrow} {step.type}: {step.node.ref}{note}")
    return "\n".join(lines) + "\n"


def as_json(root, steps: list[Step]) -> str:
    nodes = {root.ref: _node(root)}
    edges = []
    for step in steps:
        nodes.setdefault(step.node.ref, _node(step.node))
        source, target = (step.parent, step.node) if step.direction == "up" else (step.node, step.parent)
        edges.append({"source": source.ref, "target": target.ref, "type": step.type})
    unique_edges = sorted({json.dumps(e, sort_keys=True) for e in edges})
    document = {"root": root.ref, "nodes": [nodes[k] for k in sorted(nodes)], "edges": [json.loads(e) for e in unique_edges]}
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
