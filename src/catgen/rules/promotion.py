"""CG5xx: promotion through the stages and use across workspaces and registries.

A stage with a ``promotion:`` block (a *gate*) admits an asset only through a
Promotion with ``stage: <S>`` that satisfies the gate: the asset reached the
``from`` stage first (CG502), enough distinct allowed approvals (CG503-CG505),
the asset is in a registry by the promotion's date (CG512), the training job's
metrics are within bounds and did not regress against the baseline job
(CG509, CG510). Dates are in order and not in the future (CG511). A model
deployed in a gated stage needs that Promotion (CG501). A job or deployment
may only use assets at home in its own workspace or available from a registry
its workspace consumes and that replicates to its region (CG506-CG508).

Promotion findings are reported in the Promotion's file; use findings in the
Job's or Deployment's file, at the reference that uses the asset.
"""

from __future__ import annotations

from catgen.dates import parse_timestamp
from catgen.model import person_key
from catgen.graph.lineage import promotion_date
from catgen.rules import promotion_examples
from catgen.rules._gates import completed, gated_promotions
from catgen.rules.base import rule

EPSILON = 1e-9  # bounds are inclusive; tolerate float noise such as 0.861 - 0.841


@rule("CG501", "not-promoted", examples=promotion_examples.CG501)
def not_promoted(ctx):
    """A deployment in a workspace of stage S runs a model that is not in stage S.

    A model is in stage S when a Promotion with ``stage: S`` exists for it;
    every model is in the first stage, and a stage without a ``promotion:``
    block needs no promotion. Reported at the deployment's ``model``; the
    gate's other requirements are then checked on that Promotion, not here.
    """
    for deployment, stage, model in _deployments_in_gated_stages(ctx):
        if not ctx.graph.stage_promotions(model, stage.name):
            yield ctx.finding(
                "CG501", deployment, ("spec", "model"),
                f"{model.ref} is deployed in stage {stage.name} but was never promoted to it; "
                f"add a Promotion with stage: {stage.name} (catgen promote {model.ref} --stage {stage.name})",
                subject=model.ref, value=True,
            )


@rule("CG502", "stage-skipped", examples=promotion_examples.CG502)
def stage_skipped(ctx):
    """A promotion to stage S whose asset has not reached the stage S is promoted from.

    ``from`` defaults to the stage before S. The asset has reached a stage when
    a Promotion to it exists (or it is the first stage).
    """
    for promotion, asset, stage in gated_promotions(ctx):
        source = stage.gate.from_stage
        if source is None or source == ctx.policy.first_stage.name:
            continue
        if not ctx.graph.stage_promotions(asset, source):
            yield ctx.finding(
                "CG502", promotion, ("spec", "stage"),
                f"{asset.ref} must reach {source} before {stage.name}; promote it to {source} first",
                subject=asset.ref, value=True,
            )


@rule("CG503", "approvals-missing", examples=promotion_examples.CG503)
def approvals_missing(ctx):
    """A promotion has fewer distinct valid approvals than its stage requires.

    Approvals count once per person (compared case-insensitively); approvals
    by people outside ``approvers`` or by the requester or owner (with
    ``separation_of_duties``) do not count.
    """
    for promotion, asset, stage in gated_promotions(ctx):
        gate = stage.gate
        if gate.approvals <= 0:
            continue
        valid = sorted({by for _, by in _approvals(promotion) if _counts(ctx, promotion, asset, gate, by)})
        if len(valid) < gate.approvals:
            pool = f" from {', '.join(sorted(gate.approvers))}" if gate.approvers else ""
            found = f"found {len(valid)}" + (f" ({', '.join(valid)})" if valid else "")
            where = ("spec", "approvals") if "approvals" in promotion.spec else ("spec", "stage")
            yield ctx.finding(
                "CG503", promotion, where,
                f"{stage.name} needs {gate.approvals} distinct approval{'s' if gate.approvals > 1 else ''}"
                f"{pool}; {found}",
                subject=asset.ref,
            )


@rule("CG504", "approver-not-allowed", examples=promotion_examples.CG504)
def approver_not_allowed(ctx):
    """An approval is by someone outside the stage's ``approvers`` list.

    Reported at the approval's ``by``; the approval does not count.
    """
    for promotion, asset, stage in gated_promotions(ctx):
        allowed = stage.gate.approvers
        if allowed is None:
            continue
        for index, by in _approvals(promotion):
            if by not in allowed:
                yield ctx.finding(
                    "CG504", promotion, ("spec", "approvals", index, "by"),
                    f"{by} may not approve promotions to {stage.name}; approvers are {', '.join(sorted(allowed))}",
                    subject=asset.ref, value=True,
                )


@rule("CG505", "self-approval", examples=promotion_examples.CG505)
def self_approval(ctx):
    """An approval by the promotion's requester or the asset's owner, where the stage sets ``separation_of_duties``.

    People are compared case-insensitively, so ``Alice@Contoso.com`` is
    ``alice@contoso.com``. The approval does not count.
    """
    for promotion, asset, stage in gated_promotions(ctx):
        if not stage.gate.separation_of_duties:
            continue
        for index, by in _approvals(promotion):
            role = _conflict(promotion, asset, by)
            if role:
                yield ctx.finding(
                    "CG505", promotion, ("spec", "approvals", index, "by"),
                    f"{by} is the {role} and may not approve it ({stage.name} requires separation of duties); "
                    "ask another approver",
                    subject=asset.ref, value=True,
                )


@rule("CG506", "cross-workspace", examples=promotion_examples.CG506)
def cross_workspace(ctx):
    """A job or deployment in workspace W uses an asset at home in another workspace that is in no registry W consumes.

    Share the asset first: promote it to a registry W lists in ``registries``.
    """
    for user, ref, workspace, asset in _uses(ctx):
        home = ctx.graph.home(asset)
        at_home_elsewhere = home and home[0] == "workspace" and home[1] is not workspace
        if at_home_elsewhere and not _consumed_registries(ctx, workspace, asset):
            yield ctx.finding(
                "CG506", user, ref.path,
                f"{asset.ref} is registered in {home[1].ref}, not {workspace.ref}; "
                f"promote it to a registry {workspace.ref} consumes",
                subject=asset.ref, value=True,
            )


@rule("CG507", "registry-not-consumed", examples=promotion_examples.CG507)
def registry_not_consumed(ctx):
    """A job or deployment uses a registry asset from a registry its workspace does not list in ``registries``."""
    for user, ref, workspace, asset in _uses(ctx):
        home = ctx.graph.home(asset)
        if home and home[0] == "registry" and not _consumed_registries(ctx, workspace, asset):
            names = ", ".join(r.ref for r in ctx.graph.registries(asset))
            yield ctx.finding(
                "CG507", user, ref.path,
                f"{asset.ref} is in {names}, which {workspace.ref} does not consume; "
                "add it to the workspace's registries",
                subject=asset.ref, value=True,
            )


@rule("CG508", "region-not-replicated", examples=promotion_examples.CG508)
def region_not_replicated(ctx):
    """A job or deployment uses a registry asset, but no registry it comes from replicates to the workspace's region."""
    for user, ref, workspace, asset in _uses(ctx):
        registries = _consumed_registries(ctx, workspace, asset)
        region = workspace.spec.get("region")
        if registries and not any(region in (r.spec.get("replication_locations") or []) for r in registries):
            names = ", ".join(r.ref for r in registries)
            yield ctx.finding(
                "CG508", user, ref.path,
                f"{asset.ref} comes from {names}, which does not replicate to {region} "
                f"(the region of {workspace.ref}); add {region} to replication_locations",
                subject=asset.ref, value=True,
            )


@rule("CG509", "metric-gate", examples=promotion_examples.CG509)
def metric_gate(ctx):
    """A model promoted to a stage lacks a metric the stage gates, or the metric is out of bounds.

    Metrics are read from the model's training job; ``min`` and ``max`` are
    inclusive. Where the stage requires lineage, a model without a completed
    training job is reported by CG601 alone.
    """
    for promotion, asset, stage in gated_promotions(ctx, kinds=("Model",)):
        if not stage.gate.metrics:
            continue
        job = ctx.graph.target(asset, "trained_by")
        if stage.gate.require_lineage and not completed(job):
            continue  # CG601 reports the missing or unfinished job, once
        metrics = job.spec.get("metrics") if job is not None and isinstance(job.spec.get("metrics"), dict) else {}
        for name, bounds in sorted(stage.gate.metrics.items()):
            problem = _metric_problem(name, metrics.get(name), bounds, job)
            if problem:
                message = f"{asset.ref}: {problem} (gate of {stage.name})"
                yield ctx.finding("CG509", promotion, ("spec", "asset"), message, subject=asset.ref, value=True)


@rule("CG510", "metric-regression", examples=promotion_examples.CG510)
def metric_regression(ctx):
    """A model's training job regressed against its baseline job by more than ``max_regression`` allows.

    Regression is ``baseline - value`` for metrics gated with ``min`` or not
    gated (higher is better) and ``value - baseline`` for metrics gated with
    ``max``; absolute. No finding when either value is missing.
    """
    for promotion, asset, stage in gated_promotions(ctx, kinds=("Model",)):
        job = ctx.graph.target(asset, "trained_by")
        if stage.gate.require_lineage and not completed(job):
            continue  # CG601 reports the missing or unfinished job, once
        baseline = ctx.graph.target(job, "baseline") if job is not None else None
        if baseline is None or not stage.gate.max_regression:
            continue
        for name, allowed in sorted(stage.gate.max_regression.items()):
            value, base = _number(job.spec.get("metrics"), name), _number(baseline.spec.get("metrics"), name)
            if value is None or base is None:
                continue
            bounds = stage.gate.metrics.get(name, {})
            lower_is_better = "max" in bounds and "min" not in bounds
            regression = value - base if lower_is_better else base - value
            if regression > allowed + EPSILON:
                yield ctx.finding(
                    "CG510", promotion, ("spec", "asset"),
                    f"{asset.ref}: {name} regressed by {regression:.4g} against baseline {baseline.ref} "
                    f"({base:g} -> {value:g}); {stage.name} allows {allowed:g}",
                    subject=asset.ref, value=True,
                )


@rule("CG511", "chronology", examples=promotion_examples.CG511)
def chronology(ctx):
    """Dates out of order: an approval before the request, a promotion before the asset was created
    or before the promotion to its ``from`` stage, or a date in the future.

    Reported at the date. A bare date means 00:00 UTC; a timestamp without a
    zone is UTC. Applies to every promotion.
    """
    for promotion in ctx.catalog.of_kind("Promotion"):
        asset = ctx.graph.target(promotion, "promotes")
        if asset is not None:
            yield from _promotion_chronology(ctx, promotion, asset)


@rule("CG512", "not-in-registry", examples=promotion_examples.CG512)
def not_in_registry(ctx):
    """A promotion to a stage with ``require_registry`` whose asset is in no registry by the promotion's date.

    An asset is in a registry when that is its home, or when a Promotion with
    ``registry:`` dated no later than this promotion exists for it.
    """
    for promotion, asset, stage in gated_promotions(ctx):
        if stage.gate.require_registry and not ctx.graph.registries(asset, by=promotion_date(promotion)):
            yield ctx.finding(
                "CG512", promotion, ("spec", "asset"),
                f"{asset.ref} must be in a registry before it is promoted to {stage.name}; "
                f"promote it to a registry first (catgen promote {asset.ref} --registry <name>)",
                subject=asset.ref, value=True,
            )


def _deployments_in_gated_stages(ctx):
    for deployment in ctx.catalog.of_kind("Deployment"):
        workspace = ctx.graph.target(deployment, "runs_in")
        model = ctx.graph.target(deployment, "deploys")
        stage = ctx.policy.stage(workspace.spec.get("stage")) if workspace is not None else None
        if model is not None and stage is not None and stage.gate is not None and stage is not ctx.policy.first_stage:
            yield deployment, stage, model


def _approvals(promotion):
    """(index, approver as a ``person_key``) of each well-formed approval."""
    approvals = promotion.spec.get("approvals")
    for index, approval in enumerate(approvals if isinstance(approvals, list) else []):
        if isinstance(approval, dict) and isinstance(approval.get("by"), str):
            yield index, person_key(approval["by"])


def _conflict(promotion, asset, by: str) -> str | None:
    requester, owner = promotion.spec.get("requested_by"), asset.metadata.get("owner")
    if isinstance(requester, str) and person_key(requester) == by:
        return "requester of this promotion"
    if isinstance(owner, str) and person_key(owner) == by:
        return f"owner of {asset.ref}"
    return None


def _counts(ctx, promotion, asset, gate, by: str) -> bool:
    if gate.approvers is not None and by not in gate.approvers:
        return False
    return not (gate.separation_of_duties and _conflict(promotion, asset, by))


USE_EDGES = frozenset({"runs_component", "uses_environment", "uses_data", "uses_model", "deploys"})


def _uses(ctx) -> list:
    """(user, ref, workspace, asset): each asset a job or deployment uses directly (SPEC §5 "uses")."""
    return ctx.memo("uses", _collect_uses)


def _collect_uses(ctx) -> list:
    found = []
    for user in ctx.catalog.of_kind("Job") + ctx.catalog.of_kind("Deployment"):
        workspace = ctx.graph.target(user, "runs_in")
        if workspace is not None:
            found += [(user, edge.ref, workspace, edge.target) for edge in ctx.graph.out_edges(user, USE_EDGES)]
    return found


def _consumed_registries(ctx, workspace, asset) -> list:
    """Registries that hold ``asset`` and that ``workspace`` lists in ``registries`` (memoized: three rules ask)."""
    known = ctx.memo("consumed_registries", lambda _: {})
    if (workspace, asset) not in known:
        consumed = {edge.target for edge in ctx.graph.out_edges(workspace, {"consumes"})}
        known[(workspace, asset)] = [r for r in ctx.graph.registries(asset) if r in consumed]
    return known[(workspace, asset)]


def _metric_problem(name, value, bounds, job) -> str | None:
    if job is None:
        return f"metric {name} is gated but the model has no training job to read it from"
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"metric {name} is missing from {job.ref}"
    low, high = bounds.get("min"), bounds.get("max")
    if _is_num(low) and value < low - EPSILON:
        return f"{name} is {value:g}, below the minimum {low:g}"
    if _is_num(high) and value > high + EPSILON:
        return f"{name} is {value:g}, above the maximum {high:g}"
    return None


def _number(metrics, name):
    value = metrics.get(name) if isinstance(metrics, dict) else None
    return value if _is_num(value) else None


def _is_num(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _promotion_chronology(ctx, promotion, asset):
    date = promotion_date(promotion)
    if date is None:
        return
    where = ("spec", "date")
    if date > ctx.now:
        yield ctx.finding(
            "CG511", promotion, where, f"the promotion is dated {promotion.spec['date']}, in the future",
            subject=asset.ref, value=True,
        )
    created = parse_timestamp(asset.metadata.get("created"))
    if created is not None and date < created:
        yield ctx.finding(
            "CG511", promotion, where,
            f"the promotion ({promotion.spec['date']}) predates the creation of {asset.ref} "
            f"({asset.metadata['created']})",
            subject=asset.ref, value=True,
        )
    yield from _before_from_stage(ctx, promotion, asset, date)
    for index, approval in enumerate(promotion.spec.get("approvals") or []):
        at = parse_timestamp(approval.get("at")) if isinstance(approval, dict) else None
        if at is None:
            continue
        path = ("spec", "approvals", index, "at")
        if at < date:
            yield ctx.finding(
                "CG511", promotion, path,
                f"approval by {approval.get('by')} ({approval['at']}) predates the request ({promotion.spec['date']})",
                subject=asset.ref, value=True,
            )
        elif at > ctx.now:
            yield ctx.finding(
                "CG511", promotion, path, f"approval by {approval.get('by')} is dated {approval['at']}, in the future",
                subject=asset.ref, value=True,
            )


def _before_from_stage(ctx, promotion, asset, date):
    stage = ctx.policy.stage(promotion.spec.get("stage"))
    source = stage.gate.from_stage if stage is not None and stage.gate is not None else None
    promotions = ctx.graph.stage_promotions(asset, source) if source else []
    earlier = [d for p in promotions if (d := promotion_date(p)) is not None]
    if earlier and date < min(earlier):
        yield ctx.finding(
            "CG511", promotion, ("spec", "date"),
            f"the promotion to {stage.name} ({promotion.spec['date']}) predates the promotion of {asset.ref} "
            f"to {source}",
            subject=asset.ref, value=True,
        )


RULES = [
    not_promoted, stage_skipped, approvals_missing, approver_not_allowed, self_approval,
    cross_workspace, registry_not_consumed, region_not_replicated, metric_gate,
    metric_regression, chronology, not_in_registry,
]
