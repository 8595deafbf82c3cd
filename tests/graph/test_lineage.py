"""The lineage graph: typed edges from resolved references (each traceable to its field and line),
cycles, and the promotion state the rules read (homes, stages reached, registries)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from catgen.graph.lineage import LineageGraph
from catgen.load.catalog import open_catalog
from catgen.policy import read_policy

from testing.catalogs import EXAMPLE, POLICY, edit, line_of, write

MODEL_3 = "models/credit-risk/3.yaml"


@pytest.fixture(scope="module")
def example_graph():
    catalog = open_catalog(str(EXAMPLE), cache=False)
    return catalog, LineageGraph.build(catalog)


def typed(edges, end: str) -> set:
    return {(edge.type, getattr(edge, end).ref) for edge in edges}


def test_edges_are_typed_by_the_field_that_made_them(example_graph):
    catalog, graph = example_graph
    model = catalog.find("model:credit-risk@3")
    assert {("trained_by", "job:train-credit-risk-prod-0912"), ("home", "workspace:ml-prod-weu")} <= typed(
        graph.out_edges(model), "target")
    assert {("deploys", "deployment:credit-risk-prod-blue"), ("promotes", "promotion:credit-risk-3-to-prod")} <= typed(
        graph.in_edges(model), "source")
    assert graph.target(model, "trained_by") is catalog.find("job:train-credit-risk-prod-0912")
    assert graph.target(model, "fine_tuned_from") is None


def test_each_edge_points_at_the_file_and_line_of_its_reference(example_graph):
    catalog, graph = example_graph
    model = catalog.find("model:credit-risk@3")
    (edge,) = graph.out_edges(model, {"trained_by"})
    assert edge.source.relpath == MODEL_3 and edge.ref.field == "spec.job"
    assert edge.source.locate(edge.ref.path, value=True) == (line_of(EXAMPLE / MODEL_3, r"^\s+job: "), 8)


def test_the_example_is_acyclic_and_promotions_come_oldest_first(example_graph):
    catalog, graph = example_graph
    assert graph.cycles() == []
    model = catalog.find("model:credit-risk@3")
    dates = [p.spec["date"] for p in graph.promotions(model)]
    assert dates == sorted(dates) and len(dates) == 3
    policy = read_policy(catalog.policy)
    assert graph.stages(model, policy) == ["dev", "test", "prod"]
    assert [r.ref for r in graph.registries(model)] == ["registry:contoso-ml"]
    before_the_registry = datetime(2024, 9, 1, tzinfo=timezone.utc)
    assert graph.registries(model, by=before_the_registry) == []


JOB = """
apiVersion: catgen/v1
kind: Job
metadata:
  name: {name}
spec:
  workspace: workspace:dev
  parent: job:{parent}
"""


def test_a_cycle_is_found_once_with_its_members(tmp_path):
    root = tmp_path / "catalog"
    write(root, "policy.yaml", POLICY)
    write(root, "workspaces/dev.yaml", "apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: dev}\n"
                                         "spec: {stage: dev, region: eastus}\n")
    for name, parent in (("a", "b"), ("b", "a"), ("c", "a")):
        write(root, f"jobs/{name}.yaml", JOB.format(name=name, parent=parent))
    graph = LineageGraph.build(open_catalog(str(root), cache=False))
    assert [sorted(m.ref for m in cycle) for cycle in graph.cycles()] == [["job:a", "job:b"]]


def test_a_reference_of_the_wrong_kind_makes_no_edge(example):
    edit(example, "deployments/credit-risk-dev.yaml", "model: model:credit-risk@3",
         "model: job:train-credit-risk-dev-0901")
    catalog = open_catalog(str(example), cache=False)
    graph = LineageGraph.build(catalog)
    deployment = catalog.find("deployment:credit-risk-dev")
    assert graph.out_edges(deployment, {"deploys"}) == []
    assert graph.in_edges(catalog.find("job:train-credit-risk-dev-0901"), {"deploys"}) == []
