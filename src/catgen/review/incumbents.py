"""Which other version of an asset a stage serves or holds in the base: what a promotion's regression gates compare
with (``review.gates``).

The base is indexed once per review: the deployments each stage runs, by the name of the model they deploy, and
each name's versions that hold a stage. Scanning every deployment and every version for each promotion made a
review cost promotions times deployments (2,000 promotions against 4,000 deployments: 5 s).
"""

from __future__ import annotations

import math
from operator import itemgetter

from catgen.graph.lineage import promotion_date
from catgen.review.gates import Incumbent


_RANK = itemgetter(0, 1)  # (traffic or date, path): the path breaks ties, as it did in the scan this replaced


class Incumbents:
    """The incumbents of ``base_graph``'s catalog under ``policy``, each question answered from an index."""

    def __init__(self, base_graph, policy):
        self.graph, self.policy = base_graph, policy
        self._serving: dict | None = None  # (stage, kind, name) -> models deployed there, most traffic first
        self._versions: dict = {}  # kind -> name -> the versions in the graph, in catalog order
        self._holding: dict = {}  # (kind, name, stage) -> versions in the stage, latest promotion first

    def of(self, asset, stage) -> Incumbent | None:
        """The other version of ``asset`` that ``stage`` serves in the base (most traffic, then the last path), else
        the one it holds (the latest promotion, then the last path)."""
        for model in self._serving_index().get((stage.name, asset.kind, asset.name), ()):
            if model.version != asset.version:
                return Incumbent(model, serves=True)
        for other in self._holding_of(asset.kind, asset.name, stage.name):
            if other.version != asset.version:
                return Incumbent(other, serves=False)
        return None

    def _serving_index(self) -> dict:
        if self._serving is None:
            found: dict = {}
            graph = self.graph
            for deployment in graph.catalog.of_kind("Deployment"):
                workspace = graph.target(deployment, "runs_in")
                model = graph.target(deployment, "deploys")
                stage = workspace.spec.get("stage") if workspace is not None else None
                if model is not None and isinstance(stage, str):
                    found.setdefault((stage, model.kind, model.name), []).append(
                        (_traffic(deployment), deployment.relpath, model))
            self._serving = {key: [model for *_, model in sorted(entries, key=_RANK, reverse=True)]
                             for key, entries in found.items()}
        return self._serving

    def _holding_of(self, kind: str, name: str, stage: str) -> list:
        key = (kind, name, stage)
        if key not in self._holding:
            graph, entries = self.graph, []
            for other in self._versions_of(kind, name):
                latest = graph.stage_history(other, stage).latest()
                if latest is not None and graph.in_stage(other, stage, self.policy):
                    entries.append((str(promotion_date(latest) or ""), latest.relpath, other))
            self._holding[key] = [other for *_, other in sorted(entries, key=_RANK, reverse=True)]
        return self._holding[key]

    def _versions_of(self, kind: str, name: str) -> list:
        """The versions named ``name`` of ``kind`` in the graph, in catalog order (each kind indexed once)."""
        if kind not in self._versions:
            by_name: dict = {}
            nodes = self.graph.nodes
            for other in self.graph.catalog.of_kind(kind):
                if other in nodes:
                    by_name.setdefault(other.name, []).append(other)
            self._versions[kind] = by_name
        return self._versions[kind].get(name, ())


def _traffic(deployment) -> float:
    """Its traffic as a number to rank by (none, or one that is no finite number, CG201: 0)."""
    traffic = deployment.spec.get("traffic")
    ok = isinstance(traffic, (int, float)) and not isinstance(traffic, bool) and math.isfinite(traffic)
    return traffic if ok else 0
