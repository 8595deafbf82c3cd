"""The lineage graph, built once from the catalog's resolved references.

Nodes are manifests; an edge runs from the manifest that writes a reference
to the manifest it names (deployment -> model -> job -> data), typed by the
field that made it and traceable to that field and its line. "Upstream" is
along the edges (what a thing came from), "downstream" against them (what
was made from it). State the rules need (stages reached, registries, homes)
is derived here, once.
"""

from __future__ import annotations

from functools import cached_property
from typing import NamedTuple

from catgen.dates import parse_timestamp

# (manifest kind, first path step after "spec") -> edge type
EDGE_TYPES = {
    ("Model", "job"): "trained_by",
    ("Model", "base_model"): "fine_tuned_from",
    ("Data", "job"): "produced_by",
    ("Job", "inputs"): "uses_data",  # "uses_model" when the input is a model
    ("Job", "component"): "runs_component",
    ("Job", "environment"): "uses_environment",
    ("Job", "baseline"): "baseline",
    ("Job", "parent"): "parent",
    ("Job", "workspace"): "runs_in",
    ("Component", "environment"): "uses_environment",
    ("Component", "steps"): "has_step",
    ("Promotion", "asset"): "promotes",
    ("Promotion", "registry"): "into_registry",
    ("Promotion", "evidence"): "evidence",
    ("Deployment", "model"): "deploys",
    ("Deployment", "environment"): "uses_environment",
    ("Deployment", "workspace"): "runs_in",
    ("Workspace", "registries"): "consumes",
}
HOME_FIELDS = ("workspace", "registry")
# Edges that place a thing somewhere rather than derive it from something.
PLACEMENT = frozenset({"home", "runs_in", "consumes", "into_registry"})


class Edge(NamedTuple):
    """One typed edge; a tuple because tens of thousands are made per check."""

    source: object  # Manifest
    target: object  # Manifest
    type: str
    ref: object  # the Ref that made it (field, line)


class LineageGraph:
    """A networkx MultiDiGraph of manifests plus the derived promotion state."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.nodes: dict = {}  # manifest -> None: the graph's nodes, in path order
        # Adjacency as plain lists: rules ask for a node's edges ~10 times per
        # manifest, and building and querying networkx views cost far more
        # than dict lookups. The networkx graph is built on demand (``nx``).
        self._out: dict = {}
        self._in: dict = {}
        self._promotions: dict = {}  # asset -> [Promotion manifests], date order

    @classmethod
    def build(cls, catalog) -> "LineageGraph":
        graph = cls(catalog)
        for manifest in catalog.manifests:
            if manifest.problem is None and manifest.kind is not None:
                graph.nodes[manifest] = None
        for manifest in graph.nodes:
            for ref in manifest.refs:
                # A reference of a kind its field does not accept is CG303 and
                # nothing else: it makes no edge for other rules to act on.
                if ref.target is not None and ref.target in graph.nodes and ref.kind in ref.accepts:
                    graph._add(manifest, ref)
        for promotions in graph._promotions.values():
            promotions.sort(key=lambda p: (promotion_date(p) or _NEVER, p.relpath))
        return graph

    def _add(self, manifest, ref) -> None:
        edge_type = edge_type_of(manifest.kind, ref)
        edge = Edge(manifest, ref.target, edge_type, ref)
        self._out.setdefault(manifest, []).append(edge)
        self._in.setdefault(ref.target, []).append(edge)
        if edge_type == "promotes":
            self._promotions.setdefault(ref.target, []).append(manifest)

    @cached_property
    def nx(self):
        """The graph as a networkx MultiDiGraph (edge key: the field; attribute ``edge``)."""
        import networkx as nx  # imported on demand: most checks never need it

        graph = nx.MultiDiGraph()
        graph.add_nodes_from(self.nodes)
        graph.add_edges_from((e.source, e.target, e.ref.field, {"edge": e}) for e in self.edges())
        return graph

    def edges(self):
        """Every edge, in path order of the source, then field order."""
        for node in self.nodes:
            yield from self._out.get(node, ())

    # -- walking -------------------------------------------------------------

    def out_edges(self, node, types=None) -> list[Edge]:
        edges = self._out.get(node, ())
        return [e for e in edges if types is None or e.type in types]

    def in_edges(self, node, types=None) -> list[Edge]:
        edges = self._in.get(node, ())
        return [e for e in edges if types is None or e.type in types]

    def target(self, node, edge_type):
        """The one manifest ``node`` points at by ``edge_type`` (first by field), or None."""
        edges = self.out_edges(node, {edge_type})
        return min(edges, key=lambda e: e.ref.field).target if edges else None

    def cycles(self) -> list[list]:
        """One cycle per strongly connected component that has one (linear time)."""
        suspects = self._not_acyclic()
        if not suspects:
            return []
        import networkx as nx

        found = []
        simple = nx.DiGraph()
        simple.add_edges_from((e.source, e.target) for e in self.edges()
                              if e.source in suspects and e.target in suspects)
        for component in nx.strongly_connected_components(simple):
            nodes = sorted(component, key=lambda m: m.relpath)
            if len(nodes) == 1 and not simple.has_edge(nodes[0], nodes[0]):
                continue
            edges = nx.find_cycle(simple.subgraph(component), source=nodes[0])
            found.append([edge[0] for edge in edges])
        return sorted(found, key=lambda cycle: min(m.relpath for m in cycle))

    def _not_acyclic(self) -> set:
        """Nodes a topological peel cannot remove: those on or behind a cycle.

        Kahn's algorithm over plain dicts is ~10x cheaper than networkx's
        strongly connected components; SCCs then run on what is left, which
        in a healthy catalog is nothing.
        """
        remaining = {node: len(self._out.get(node, ())) for node in self.nodes}
        ready = [node for node, count in remaining.items() if count == 0]
        while ready:
            node = ready.pop()
            del remaining[node]
            for edge in self._in.get(node, ()):
                if edge.source in remaining:
                    remaining[edge.source] -= 1
                    if remaining[edge.source] == 0:
                        ready.append(edge.source)
        return set(remaining)

    # -- derived state -------------------------------------------------------

    def home(self, asset):
        """(``"workspace"`` | ``"registry"``, the manifest) of a versioned asset, or None.

        Read from the ``home`` edges, so a home reference of the wrong kind
        (CG303) places the asset nowhere, like every other wrong-kind reference.
        """
        edges = self.out_edges(asset, {"home"})
        return (edges[0].ref.path[1], edges[0].target) if edges else None

    def promotions(self, asset) -> list:
        """Promotions of ``asset``, oldest first."""
        return self._promotions.get(asset, [])

    def stage_promotions(self, asset, stage: str) -> list:
        return [p for p in self.promotions(asset) if p.spec.get("stage") == stage]

    def registries(self, asset, *, by=None) -> list:
        """Registries ``asset`` is in (its home or a registry promotion dated no later than ``by``)."""
        found = []
        home = self.home(asset)
        if home and home[0] == "registry":
            found.append(home[1])
        for promotion in self.promotions(asset):
            registry = self.target(promotion, "into_registry")
            if registry is not None and registry not in found and _not_after(promotion, by):
                found.append(registry)
        return found

    def stages(self, asset, policy) -> list[str]:
        """Stages ``asset`` has reached: the first stage and every stage it was promoted to."""
        reached = [policy.first_stage.name] if policy.first_stage else []
        for promotion in self.promotions(asset):
            stage = promotion.spec.get("stage")
            if isinstance(stage, str) and stage not in reached:
                reached.append(stage)
        return reached


def edge_type_of(kind: str, ref) -> str:
    step = ref.path[1] if len(ref.path) > 1 else ref.path[0]
    if step in HOME_FIELDS and kind in ("Model", "Environment", "Component", "Data"):
        return "home"
    edge_type = EDGE_TYPES.get((kind, step), step)
    if edge_type == "uses_data" and ref.kind == "Model":
        return "uses_model"
    return edge_type


def promotion_date(promotion):
    return parse_timestamp(promotion.spec.get("date"))


def _not_after(promotion, by) -> bool:
    if by is None:
        return True
    date = promotion_date(promotion)
    return date is not None and date <= by


_NEVER = parse_timestamp("9999-12-31")
