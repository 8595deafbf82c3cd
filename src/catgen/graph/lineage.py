"""The lineage graph, built once from the catalog's resolved references.

Nodes are manifests; an edge runs from the manifest that writes a reference
to the manifest it names (deployment -> model -> job -> data), typed by the
field that made it and traceable to that field and its line. "Upstream" is
along the edges (what a thing came from), "downstream" against them (what
was made from it). State the rules need (stages reached, registries, homes)
is derived here, once: each asset's events per stage and its registries are
indexed when the graph is built, so a question about one asset costs the same
whether it has two promotions or twenty thousand.
"""

from __future__ import annotations

from bisect import bisect_right
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
        self._stage_events: dict = {}  # asset -> {stage name: StageHistory}
        self._registry_dates: dict = {}  # asset -> {registry: earliest promotion date or None}, in date order
        self._neighbours: dict = {}  # (node, upstream, placement) -> ``neighbours``' answer, made once

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
        for asset, promotions in graph._promotions.items():
            promotions.sort(key=event_order)
            graph._index_events(asset, promotions)
        return graph

    def _index_events(self, asset, promotions) -> None:
        """Group an asset's date-ordered promotions by stage and note when it reached each registry."""
        stages: dict = {}
        registries: dict = {}
        for promotion in promotions:
            stage = promotion.spec.get("stage")
            if isinstance(stage, str):
                stages.setdefault(stage, StageHistory()).add(promotion)
            registry = self.target(promotion, "into_registry")
            if registry is not None and registry not in registries:
                registries[registry] = promotion_date(promotion)  # the first is the earliest: date order
        self._stage_events[asset] = stages
        self._registry_dates[asset] = registries

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
        graph.add_edges_from((e.source, e.target, e.ref.field, {"edge": e}) for e in self.keyed_edges())
        return graph

    def keyed_edges(self):
        """``edges`` with one edge per source, target and field (``nx``'s edge key; of two, the later), sources in
        node order: what ``nx`` holds, for whoever needs its edges without building it (``/catalog.json``)."""
        for node in self.nodes:
            yield from {(id(edge.target), edge.ref.field): edge for edge in self._out.get(node, ())}.values()

    def edges(self):
        """Every edge, in path order of the source, then field order."""
        for node in self.nodes:
            yield from self._out.get(node, ())

    # -- walking -------------------------------------------------------------

    def out_edges(self, node, types=None) -> list[Edge]:
        edges = self._out.get(node, ())
        return list(edges) if types is None else [e for e in edges if e.type in types]

    def in_edges(self, node, types=None) -> list[Edge]:
        edges = self._in.get(node, ())
        return [e for e in edges if types is None or e.type in types]

    def neighbours(self, node, upstream: bool, *, placement: bool = True) -> tuple[list, dict]:
        """The manifests one step from ``node`` (``upstream``: those it refers to; else those referring to it), each
        with the types of the edges between, in (type, ref, path) order (placement edges only with ``placement``);
        and each one's place in that order. Made once per node: a lineage picture asks about the same busy node
        (a pipeline of thousands of steps, the jobs that run it) for each of thousands of pages."""
        key = (node, upstream, placement)
        found = self._neighbours.get(key)
        if found is None:
            types: dict = {}
            for edge in self._out.get(node, ()) if upstream else self._in.get(node, ()):
                other = edge.target if upstream else edge.source
                if other is not node and (placement or edge.type not in PLACEMENT):
                    types.setdefault(other, set()).add(edge.type)
            ordered = sorted(types.items(), key=lambda item: (min(item[1]), item[0].ref, item[0].relpath))
            found = self._neighbours[key] = ([(other, sorted(kinds)) for other, kinds in ordered],
                                             {other: at for at, (other, _) in enumerate(ordered)})
        return found

    def target(self, node, edge_type):
        """The one manifest ``node`` points at by ``edge_type`` (first by field), or None."""
        first = None  # a loop, not min() over a filtered list: the rules ask some 25,000 times at 10k
        for edge in self._out.get(node, ()):
            if edge.type == edge_type and (first is None or edge.ref.field < first.ref.field):
                first = edge
        return None if first is None else first.target

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
        for edge in self._out.get(asset, ()):
            if edge.type == "home":
                return edge.ref.path[1], edge.target
        return None

    def promotions(self, asset) -> list:
        """Promotions of ``asset`` (revocations included), oldest first (by date, then path)."""
        return self._promotions.get(asset, [])

    def stage_history(self, asset, stage: str) -> "StageHistory":
        """The asset's events for ``stage``: promotions and revocations with ``stage: <stage>``, oldest first."""
        return self._stage_events.get(asset, {}).get(stage, _NO_HISTORY)

    def event_stages(self, asset) -> list[str]:
        """The stages ``asset`` has a promotion or revocation for (a ``stage`` that is no text names none)."""
        return list(self._stage_events.get(asset, ()))

    def stage_histories(self):
        """(asset, stage name, StageHistory) for every asset with an event for a stage."""
        for asset, stages in self._stage_events.items():
            for stage, history in stages.items():
                yield asset, stage, history

    def stage_promotions(self, asset, stage: str) -> list:
        """Promotions of ``asset`` to ``stage``, revocations left out, oldest first."""
        return self.stage_history(asset, stage).promotions

    def in_stage(self, asset, stage: str, policy, *, at=None) -> bool:
        """SPEC §5: the asset's latest event for ``stage`` is a promotion (every asset is in the first stage).

        ``at`` counts only events dated at or before it; without it every event
        counts, whatever its date (what the rules do).
        """
        latest = self.stage_history(asset, stage).latest(at=at)
        if latest is None:
            return policy.first_stage is not None and policy.first_stage.name == stage
        return not is_revocation(latest)

    def registries(self, asset, *, by=None) -> list:
        """Registries ``asset`` is in (its home or a registry promotion dated no later than ``by``)."""
        home = self.home(asset)
        at_home = home[1] if home and home[0] == "registry" else None
        found = [] if at_home is None else [at_home]
        # Each registry once: the dict's keys are, so only the home can repeat (a search of the list made a
        # thousand shares of one asset cost a million comparisons a call).
        for registry, date in self._registry_dates.get(asset, {}).items():
            if registry is not at_home and (by is None or (date is not None and date <= by)):
                found.append(registry)
        return found

    def stages(self, asset, policy, *, at=None) -> list[str]:
        """Stages ``asset`` is in (``in_stage``): the first stage unless revoked, in policy order, then the rest."""
        names = policy.in_order(self.possible_stages(asset, policy))
        return [name for name in names if self.in_stage(asset, name, policy, at=at)]

    def possible_stages(self, asset, policy) -> set[str]:
        """The stages ``asset`` can be in at any time (``in_stage``): the first (every version is, unless revoked)
        and those it has an event for. Asking every stage of the policy about every version cost their product."""
        first = policy.first_stage
        return {*self._stage_events.get(asset, ()), *([first.name] if first is not None else [])}


class StageHistory:
    """One asset's events for one stage, oldest first (by date, then path), with their dates for bisection."""

    __slots__ = ("events", "dates", "promotions")

    def __init__(self):
        self.events: list = []  # Promotion manifests with this ``stage:``, revocations included
        self.dates: list = []  # their dates; an unreadable date (CG201) sorts last, as _NEVER
        self.promotions: list = []  # the events that are not revocations

    def add(self, promotion) -> None:
        """Append the next event in date order."""
        self.events.append(promotion)
        self.dates.append(promotion_date(promotion) or _NEVER)
        if not is_revocation(promotion):
            self.promotions.append(promotion)

    def latest(self, *, at=None):
        """The last event (dated at or before ``at`` when given), or None."""
        # An unreadable date sorts as _NEVER, after any time asked about: never "at or before" it.
        count = len(self.events) if at is None else bisect_right(self.dates, at)
        return self.events[count - 1] if count else None

    def first_promotion_date(self):
        """The date of the earliest promotion (not revocation) with a readable date, or None."""
        return next((d for d in (promotion_date(p) for p in self.promotions) if d is not None), None)


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


def is_revocation(promotion) -> bool:
    """A Promotion with ``revoke: true`` takes its asset out of its stage (SPEC §5); only ``true`` revokes."""
    return promotion.spec.get("revoke") is True


def event_order(promotion):
    """SPEC §5: events are ordered by ``date``, then path; an unreadable date (CG201) sorts last."""
    return (promotion_date(promotion) or _NEVER, promotion.relpath)


_NEVER = parse_timestamp("9999-12-31")
_NO_HISTORY = StageHistory()
