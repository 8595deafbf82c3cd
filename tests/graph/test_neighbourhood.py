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
