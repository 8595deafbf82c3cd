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


# Stage membership (SPEC §5: "an asset is in stage S") ----------------------


def _revocation(name: str, stage: str, date: str) -> str:
    return f"""
        apiVersion: catgen/v1
        kind: Promotion
        metadata: {{name: {name}}}
        spec: {{stage: {stage}, asset: "model:credit-risk@3", revoke: true, reason: drift,
                requested_by: bob@contoso.com, date: "{date}"}}
    """


def _graph(root):
    catalog = open_catalog(str(root), cache=False)
    return catalog, LineageGraph.build(catalog), read_policy(catalog.policy)


def test_a_revocation_takes_the_asset_out_of_its_stage_from_its_date_on(example):
    write(example, "promotions/credit-risk-3-revoke-prod.yaml", _revocation("credit-risk-3-revoke-prod", "prod",
                                                                            "2024-10-20T08:00:00Z"))
    catalog, graph, policy = _graph(example)
    model = catalog.find("model:credit-risk@3")
    assert graph.in_stage(model, "prod", policy) is False
    assert graph.stages(model, policy) == ["dev", "test"]
    # at a time: before the revocation it was in prod, before the promotion it was not
    assert graph.stages(model, policy, at=datetime(2024, 10, 1, tzinfo=timezone.utc)) == ["dev", "test", "prod"]
    assert graph.stages(model, policy, at=datetime(2024, 9, 20, tzinfo=timezone.utc)) == ["dev", "test"]
    history = graph.stage_history(model, "prod")
    assert [p.ref for p in history.events] == ["promotion:credit-risk-3-to-prod", "promotion:credit-risk-3-revoke-prod"]
    assert [p.ref for p in graph.stage_promotions(model, "prod")] == ["promotion:credit-risk-3-to-prod"]


def test_every_asset_is_in_the_first_stage_until_revoked_there(example):
    write(example, "promotions/credit-risk-3-revoke-dev.yaml", _revocation("credit-risk-3-revoke-dev", "dev",
                                                                           "2024-10-20"))
    catalog, graph, policy = _graph(example)
    assert graph.in_stage(catalog.find("model:credit-risk@1"), "dev", policy) is True
    assert graph.in_stage(catalog.find("model:credit-risk@3"), "dev", policy) is False


def test_events_on_one_date_are_ordered_by_path(example):
    # Same date: "…-a-revoke" sorts before "…-to-prod", so the promotion is the latest event.
    write(example, "promotions/credit-risk-3-a-revoke.yaml", _revocation("credit-risk-3-a-revoke", "prod",
                                                                         "2024-09-23T10:00:00Z"))
    catalog, graph, policy = _graph(example)
    model = catalog.find("model:credit-risk@3")
    assert graph.stage_history(model, "prod").events[0].ref == "promotion:credit-risk-3-a-revoke"
    assert graph.in_stage(model, "prod", policy) is True


def test_registries_by_date_read_the_earliest_sharing(example):
    write(example, "promotions/credit-risk-3-registry-again.yaml", """
        apiVersion: catgen/v1
        kind: Promotion
        metadata: {name: credit-risk-3-registry-again}
        spec: {registry: "registry:contoso-ml", asset: "model:credit-risk@3", requested_by: bob@contoso.com,
               date: 2024-12-01}
    """)
    catalog, graph, _ = _graph(example)
    model = catalog.find("model:credit-risk@3")
    assert [r.ref for r in graph.registries(model)] == ["registry:contoso-ml"]
    assert [r.ref for r in graph.registries(model, by=datetime(2024, 9, 14, tzinfo=timezone.utc))] == [
        "registry:contoso-ml"]


def test_the_registries_of_an_asset_shared_thousands_of_times_are_listed_without_comparing_them(example_graph):
    """Each registry was looked for in the list made so far: 8,000 shares of one model made the check twice as
    slow (millions of comparisons a call). Registries are compared with nothing now; the home comes first, once."""
    catalog, graph = example_graph
    compared = []

    class Registry:
        def __eq__(self, other):
            compared.append(1)
            return self is other

        __hash__ = object.__hash__

    model = catalog.find("model:credit-risk@3")
    (home,) = graph.registries(model)
    shared = [Registry() for _ in range(3000)]
    saved = graph._registry_dates.get(model)
    graph._registry_dates[model] = {home: None, **{registry: None for registry in shared}}
    try:
        assert graph.registries(model) == [home] + shared
    finally:
        graph._registry_dates[model] = saved
    assert compared == []
