"""``review.incumbents``: the version a stage serves or holds, from an index of the base made once per review.

Compared with the scan it replaced (every deployment and every version for each promotion, kept here as the
reference) for every asset version and stage of the example catalog, as it is and with deployments and versions
added that tie, rank by path, or write a traffic that is no finite number.
"""

from __future__ import annotations

import pytest

from catgen.graph.lineage import LineageGraph, promotion_date
from catgen.load.catalog import open_catalog
from catgen.model import ASSET_KINDS
from catgen.policy import read_policy
from catgen.review.gates import Incumbent
from catgen.review.incumbents import Incumbents

from testing.catalogs import write


def reference(graph, policy, asset, stage) -> Incumbent | None:
    """The scan of ``review.changes`` before the index (as of commit 574ab6a), but that a traffic that is no
    finite number ranks as 0 (it is CG201; ``max`` over NaN depended on the order)."""
    serving = []
    for deployment in graph.catalog.of_kind("Deployment"):
        workspace, model = graph.target(deployment, "runs_in"), graph.target(deployment, "deploys")
        if workspace is None or model is None or workspace.spec.get("stage") != stage.name:
            continue
        if model.kind == asset.kind and model.name == asset.name and model.version != asset.version:
            traffic = deployment.spec.get("traffic")
            number = isinstance(traffic, (int, float)) and not isinstance(traffic, bool) and traffic == traffic
            serving.append((traffic if number and abs(traffic) != float("inf") else 0, deployment.relpath, model))
    if serving:
        return Incumbent(max(serving, key=lambda s: (s[0], s[1]))[2], serves=True)
    holding = []
    for other in graph.catalog.of_kind(asset.kind):
        if other.name == asset.name and other.version != asset.version and other in graph.nodes:
            latest = graph.stage_history(other, stage.name).latest()
            if latest is not None and graph.in_stage(other, stage.name, policy):
                holding.append((promotion_date(latest) or "", latest.relpath, other))
    if holding:
        return Incumbent(max(holding, key=lambda h: (str(h[0]), h[1]))[2], serves=False)
    return None


def _deployment(name: str, workspace: str, model: str, traffic) -> str:
    return (f"apiVersion: catgen/v1\nkind: Deployment\nmetadata: {{name: {name}}}\n"
            f"spec: {{workspace: '{workspace}', endpoint: e-{name}, model: '{model}', "
            f"environment: 'environment:lightgbm-py311@2', traffic: {traffic}}}\n")


def _more(root) -> None:
    """Deployments that tie on traffic (the path decides), write .nan or .inf, or deploy the same version twice."""
    for name, workspace, model, traffic in [
        ("a-tie", "workspace:ml-prod-weu", "model:credit-risk@1", 90),
        ("z-tie", "workspace:ml-prod-weu", "model:credit-risk@2", 90),
        ("nan", "workspace:ml-prod-weu", "model:credit-risk@1", ".nan"),
        ("inf", "workspace:ml-test-eus", "model:credit-risk@1", ".inf"),
        ("dev-3", "workspace:ml-dev-eus", "model:credit-risk@3", 5),
        ("dev-2", "workspace:ml-dev-eus", "model:credit-risk@2", "'ten'"),
    ]:
        write(root, f"deployments/{name}.yaml", _deployment(name, workspace, model, traffic))


@pytest.mark.parametrize("edited", [False, True])
def test_every_assets_incumbent_in_every_stage_is_the_scans(example, edited):
    if edited:
        _more(example)
    catalog = open_catalog(str(example), cache=False)
    graph, policy = LineageGraph.build(catalog), read_policy(catalog.policy)
    incumbents = Incumbents(graph, policy)
    asked = 0
    for asset in [m for m in catalog.manifests if m.kind in ASSET_KINDS]:
        for stage in policy.stages:
            assert incumbents.of(asset, stage) == reference(graph, policy, asset, stage), (asset.ref, stage.name)
            asked += 1
    assert asked > 50


def test_the_base_is_read_once_however_many_promotions_ask(example):
    catalog = open_catalog(str(example), cache=False)
    graph, policy = LineageGraph.build(catalog), read_policy(catalog.policy)
    targets = []
    target = graph.target
    graph.target = lambda manifest, field: targets.append(field) or target(manifest, field)
    incumbents = Incumbents(graph, policy)
    models = [m for m in catalog.manifests if m.kind == "Model"]
    for _ in range(20):
        for model in models:
            incumbents.of(model, policy.stages[-1])
    assert len(targets) == 2 * len(catalog.of_kind("Deployment"))  # each deployment's workspace and model, once
