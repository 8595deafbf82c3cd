"""The bounded lineage neighbourhood of one manifest, the piece of the graph a page draws.

A version page shows where a thing came from (upstream: along the lineage
edges, towards jobs, data, environments, components) and what was made from
it (downstream: deployments, promotions, fine-tuned models). On a huge
catalog a node can have thousands of neighbours, so ``neighbourhood`` keeps a
bounded piece of the graph: ``hops`` steps each way, at most ``cap``
neighbours per node and direction (``Overflow`` counts the rest) and at most
``layer_cap`` nodes per column. Drawing it is the site's business
(``catgen.website.graphics.lineage``); this module knows nothing of pages.
"""

from __future__ import annotations

from dataclasses import dataclass


UPSTREAM = "upstream"
DOWNSTREAM = "downstream"

@dataclass(frozen=True)
class HoodNode:
    manifest: object  # catgen.model.Manifest
    layer: int  # < 0 upstream (hops away), 0 the center, > 0 downstream


@dataclass(frozen=True)
class HoodEdge:
    """One lineage edge: ``source`` refers to ``target`` (so ``target`` is upstream)."""

    source: object
    target: object
    type: str


@dataclass(frozen=True)
class Overflow:
    """``hidden`` neighbours of ``manifest`` in ``direction`` that were left out."""

    manifest: object
    direction: str  # UPSTREAM or DOWNSTREAM
    hidden: int


@dataclass(frozen=True)
class Neighbourhood:
    center: object
    nodes: tuple  # HoodNode, in walk order: the center first
    edges: tuple  # HoodEdge, in walk order, no duplicates
    overflow: tuple  # Overflow, in walk order

    def columns(self) -> list[tuple[int, list]]:
        """(layer, [manifests in walk order]) from the leftmost column to the rightmost."""
        by_layer: dict[int, list] = {}
        for node in self.nodes:
            by_layer.setdefault(node.layer, []).append(node.manifest)
        return sorted(by_layer.items(), key=lambda item: item[0])

    def hidden(self, manifest, direction: str) -> int:
        return sum(o.hidden for o in self.overflow if o.manifest is manifest and o.direction == direction)


class _Walk:
    """The growing neighbourhood while both directions are walked."""

    def __init__(self, center, layer_cap: int):
        self.center = center
        self.layer_cap = layer_cap
        self.layers = {center: 0}  # manifest -> layer; insertion order is walk order
        self.per_layer: dict[int, int] = {}
        self.edges: dict[tuple, HoodEdge] = {}  # (source id, target id, type) -> edge
        self.overflow: list[Overflow] = []

    def has_room(self, layer: int) -> bool:
        return self.per_layer.get(layer, 0) < self.layer_cap

    def add_node(self, manifest, layer: int) -> None:
        self.layers[manifest] = layer
        self.per_layer[layer] = self.per_layer.get(layer, 0) + 1

    def add_edge(self, source, target, edge_type: str) -> None:
        self.edges.setdefault((id(source), id(target), edge_type), HoodEdge(source, target, edge_type))

    def result(self) -> Neighbourhood:
        nodes = tuple(HoodNode(m, layer) for m, layer in self.layers.items())
        return Neighbourhood(self.center, nodes, tuple(self.edges.values()), tuple(self.overflow))


def neighbourhood(graph, center, *, hops: int = 2, cap: int = 12, layer_cap: int | None = None) -> Neighbourhood:
    """The lineage of ``center`` within ``hops`` steps each way, bounded for drawing.

    Neighbours are visited in (edge type, ref) order; a node shows at most
    ``cap`` of them per direction and a column holds at most ``layer_cap``
    nodes (default ``cap``), the rest counted in ``overflow``. Placement
    edges (workspace, registry) are followed only from the center: every
    asset in a workspace would otherwise be two hops from every other.
    Only edges between neighbouring columns are kept (a node is placed at
    its shortest distance), so the drawing reads left to right.
    """
    walk = _Walk(center, cap if layer_cap is None else layer_cap)
    for direction in (UPSTREAM, DOWNSTREAM):
        _walk_direction(graph, walk, direction, hops, cap)
    return walk.result()


def _walk_direction(graph, walk: _Walk, direction: str, hops: int, cap: int) -> None:
    sign = -1 if direction == UPSTREAM else 1
    frontier = [walk.center]
    for depth in range(hops):
        layer = sign * (depth + 1)
        reached = []
        # Beyond the first hop the column is shared: each node gets a fair part of it.
        node_cap = cap if depth == 0 else min(cap, max(1, walk.layer_cap // max(len(frontier), 1)))
        for node in frontier:
            shown = hidden = 0
            neighbours, at = graph.neighbours(node, direction == UPSTREAM, placement=depth == 0)
            for index, (neighbour, types) in enumerate(neighbours):
                if shown >= node_cap:  # every one left is hidden, but those drawn elsewhere: no need to visit each
                    hidden += _left_unseen(walk, neighbours, at, index, layer)
                    break
                known = neighbour in walk.layers
                if known and walk.layers[neighbour] != layer:
                    continue  # already drawn elsewhere: an edge within a column or back across it is noise
                if shown >= node_cap or not (known or walk.has_room(layer)):
                    hidden += 1
                    continue
                shown += 1
                if not known:
                    walk.add_node(neighbour, layer)
                    reached.append(neighbour)
                for edge_type in types:
                    source, target = (node, neighbour) if direction == UPSTREAM else (neighbour, node)
                    walk.add_edge(source, target, edge_type)
            if hidden:
                walk.overflow.append(Overflow(node, direction, hidden))
        frontier = reached


def _left_unseen(walk: _Walk, neighbours: list, at: dict, index: int, layer: int) -> int:
    """How many of ``neighbours`` from ``index`` on are not drawn in another column (``walk.layers`` is small: a
    busy node's thousands of neighbours are counted, not visited, on each of thousands of pages)."""
    elsewhere = sum(1 for manifest, drawn in walk.layers.items() if drawn != layer and at.get(manifest, -1) >= index)
    return len(neighbours) - index - elsewhere
