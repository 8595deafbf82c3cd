"""What the gate families share: the Promotions a stage's gate judges, and what a completed job is.

The promotion (CG5xx) and lineage (CG6xx) rules both judge each Promotion to a
stage with a ``promotion:`` block; the list is walked by a dozen rules, so it
is computed once per check (``Context.memo``). Rule families import this
module, never each other. A revocation (``revoke: true``) is no promotion to
judge: it needs no approvals, registry, lineage or metrics, so it is left out.
"""

from __future__ import annotations

from catgen.graph.lineage import is_revocation


def gated_promotions(ctx, kinds=None):
    """(promotion, asset, stage) for every Promotion to a stage with a gate, revocations left out."""
    for promotion, asset, stage in ctx.memo("gated_promotions", _gated_promotions):
        if kinds is None or asset.kind in kinds:
            yield promotion, asset, stage


def _gated_promotions(ctx) -> list:
    found = []
    for promotion in ctx.catalog.of_kind("Promotion"):
        stage = ctx.policy.stage(promotion.spec.get("stage"))
        asset = ctx.graph.target(promotion, "promotes")
        if stage is not None and stage.gate is not None and asset is not None and not is_revocation(promotion):
            found.append((promotion, asset, stage))
    return found


def completed(job) -> bool:
    """The training job exists and finished: only then is there lineage (and metrics) to read."""
    return job is not None and job.spec.get("status") == "completed"
