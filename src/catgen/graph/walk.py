"""The walk behind ``catgen lineage``: each node once, where it is nearest the root.

Upstream follows references (what the asset came from: job, data,
environment, component, the code commit, the baseline job); downstream
follows them backwards (deployments, promotions, fine-tuned models). A code
commit is not a manifest, so it appears as a leaf ``commit:<repository>@<sha>``.
Placement (``home``, ``runs_in``) is shown but not walked through, so one
workspace does not pull in the whole catalog.

The site's pictures use a different, bounded walk (``catgen.graph.neighbourhood``):
a page must stay small whatever the catalog, while this walk lists everything.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        expand = node not in expanded and nearest.get(node) == depth and walkable(node)
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
            if depths[node] == max_depth or not walkable(node):
                continue
            for _, child in _children(graph, node, direction):
                if child not in depths:
                    depths[child] = depths[node] + 1
                    following.append(child)
        frontier = following
    return depths


def walkable(node) -> bool:
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
