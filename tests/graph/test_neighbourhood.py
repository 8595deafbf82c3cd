"""The bounded lineage neighbourhood a page draws: what is collected, in which column, and what is left out."""

from __future__ import annotations

import pytest

from catgen.load.catalog import open_catalog
from catgen.graph.lineage import LineageGraph
from catgen.graph.neighbourhood import neighbourhood

from testing.catalogs import EXAMPLE


@pytest.fixture(scope="module")
def example():
    catalog = open_catalog(str(EXAMPLE), cache=False)
    return LineageGraph.build(catalog), {m.ref: m for m in catalog.manifests}


def layers_by_ref(hood) -> dict:
    return {node.manifest.ref: node.layer for node in hood.nodes}


def test_credit_risk_3_upstream_and_downstream(example):
    graph, by_ref = example
    layers = layers_by_ref(neighbourhood(graph, by_ref["model:credit-risk@3"]))
    assert layers["model:credit-risk@3"] == 0
    assert layers["job:train-credit-risk-prod-0912"] == -1
    assert layers["workspace:ml-prod-weu"] == -1  # its home: a placement edge, first hop
    for upstream in ("data:loans-prod@7", "environment:lightgbm-py311@2", "component:credit-risk-pipeline@1",
                     "job:train-credit-risk-dev-0901"):
        assert layers[upstream] == -2, upstream
    for downstream in ("deployment:credit-risk-prod-blue", "deployment:credit-risk-test",
                       "promotion:credit-risk-3-to-prod", "job:evaluate-credit-risk-3-test-0917"):
        assert layers[downstream] == 1, downstream


def test_placement_edges_are_followed_from_the_center_only(example):
    graph, by_ref = example
    layers = layers_by_ref(neighbourhood(graph, by_ref["model:credit-risk@3"]))
    # The workspace consumes the registry, and the job runs in the workspace:
    # followed beyond the first hop, placement would pull in the whole catalog.
    assert "registry:contoso-ml" not in layers
    job_hood = layers_by_ref(neighbourhood(graph, by_ref["job:train-credit-risk-prod-0912"]))
    assert job_hood["workspace:ml-prod-weu"] == -1
    assert "registry:contoso-ml" not in job_hood


def test_neighbours_are_ordered_by_edge_type_then_ref(example):
    graph, by_ref = example
    hood = neighbourhood(graph, by_ref["model:credit-risk@3"])
    downstream = [m.ref for layer, members in hood.columns() if layer == 1 for m in members]
    assert downstream[:3] == ["deployment:credit-risk-dev", "deployment:credit-risk-prod-blue",
                              "deployment:credit-risk-test"]
    assert downstream[-1] == "job:evaluate-credit-risk-3-test-0917"  # uses_model sorts after promotes


def test_hops_bound_the_walk(example):
    graph, by_ref = example
    center = by_ref["model:credit-risk@3"]
    assert set(layers_by_ref(neighbourhood(graph, center, hops=1)).values()) == {-1, 0, 1}
    only = neighbourhood(graph, center, hops=0)
    assert [n.manifest for n in only.nodes] == [center] and only.edges == ()


def test_edges_are_typed_and_point_at_what_was_referred_to(example):
    graph, by_ref = example
    hood = neighbourhood(graph, by_ref["model:credit-risk@3"])
    edges = {(e.source.ref, e.type, e.target.ref) for e in hood.edges}
    assert ("model:credit-risk@3", "trained_by", "job:train-credit-risk-prod-0912") in edges
    assert ("deployment:credit-risk-prod-blue", "deploys", "model:credit-risk@3") in edges
    assert ("job:train-credit-risk-prod-0912", "uses_data", "data:loans-prod@7") in edges


@pytest.mark.parametrize("ref", ["model:credit-risk@3", "workspace:ml-prod-weu", "environment:lightgbm-py311@2"])
def test_every_edge_joins_neighbouring_columns_left_to_right(example, ref):
    graph, by_ref = example
    hood = neighbourhood(graph, by_ref[ref])
    layers = {id(node.manifest): node.layer for node in hood.nodes}
    assert hood.edges and all(layers[id(e.target)] == layers[id(e.source)] - 1 for e in hood.edges)
    assert len({id(node.manifest) for node in hood.nodes}) == len(hood.nodes)
    assert all(len(members) <= 12 for _, members in hood.columns())


# The walk as it was before the graph kept each node's neighbours (as of commit 3dc5509): the reference the
# bounded walk must equal on every center and cap.
def _reference_walk(graph, walk, direction: str, hops: int, cap: int) -> None:
    from catgen.graph.lineage import PLACEMENT
    from catgen.graph.neighbourhood import UPSTREAM, Overflow

    def neighbours_of(node, with_placement):
        edges = graph.out_edges(node) if direction == UPSTREAM else graph.in_edges(node)
        types: dict = {}
        for edge in edges:
            other = edge.target if direction == UPSTREAM else edge.source
            if other is node or (edge.type in PLACEMENT and not with_placement):
                continue
            types.setdefault(other, set()).add(edge.type)
        ordered = sorted(types.items(), key=lambda item: (min(item[1]), item[0].ref, item[0].relpath))
        return [(other, sorted(edge_types)) for other, edge_types in ordered]

    sign = -1 if direction == UPSTREAM else 1
    frontier = [walk.center]
    for depth in range(hops):
        layer = sign * (depth + 1)
        reached = []
        node_cap = cap if depth == 0 else min(cap, max(1, walk.layer_cap // max(len(frontier), 1)))
        for node in frontier:
            shown = hidden = 0
            for neighbour, types in neighbours_of(node, depth == 0):
                known = neighbour in walk.layers
                if known and walk.layers[neighbour] != layer:
                    continue
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


@pytest.mark.parametrize("cap, layer_cap", [(12, None), (2, None), (1, 3), (3, 2)])
def test_every_neighbourhood_is_the_one_the_unbounded_walk_draws(example, monkeypatch, cap, layer_cap):
    """The walk stops visiting a node's neighbours once it shows as many as it may, and counts the rest: a busy
    node's thousands of neighbours were sorted and visited on each of thousands of pages (a pipeline of 2,000
    steps run by 2,000 jobs: a 10 s build, growing with their product)."""
    from catgen.graph import neighbourhood as module

    graph, by_ref = example
    for center in sorted(by_ref.values(), key=lambda m: m.relpath):
        for hops in (1, 2, 3):
            bounded = neighbourhood(graph, center, hops=hops, cap=cap, layer_cap=layer_cap)
            with monkeypatch.context() as patch:
                patch.setattr(module, "_walk_direction", _reference_walk)
                assert neighbourhood(graph, center, hops=hops, cap=cap, layer_cap=layer_cap) == bounded, center.ref


def test_a_busy_nodes_neighbours_are_found_once_per_graph(example):
    graph, by_ref = example
    environment = by_ref["environment:lightgbm-py311@2"]
    first = graph.neighbours(environment, False, placement=False)
    assert graph.neighbours(environment, False, placement=False) is first  # kept, not made again
    assert [other.ref for other, _ in first[0]] == sorted((other.ref for other, _ in first[0]),
                                                          key=lambda ref: (min(dict(first[0])[by_ref[ref]]), ref))
    assert first[1] == {other: at for at, (other, _) in enumerate(first[0])}
