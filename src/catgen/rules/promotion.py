"""CG5xx: promotion through the stages and use across workspaces and registries.

A stage with a ``promotion:`` block (a *gate*) admits an asset only through a
Promotion with ``stage: <S>`` that satisfies the gate: the asset reached the
``from`` stage first (CG502), enough distinct allowed approvals (CG503-CG505),
the asset is in a registry by the promotion's date (CG512), the training job's
metrics are within bounds and did not regress against the baseline job
(CG509, CG510, in ``metrics``). Dates are in order and not in the future
(CG511). A model deployed in a gated stage needs that Promotion, and a model
revoked from a stage may not be deployed there (CG501). A job or deployment
may only use assets at home in its own workspace or available from a registry
its workspace consumes and that replicates to its region (CG506-CG508, in
``placement``). The deployments of one endpoint share at most 100 traffic (CG513).

A *revocation* (a Promotion with ``revoke: true``) takes its asset out of the
stage; it needs no approvals, so no gate judges it (``_gates``); only CG502
(nothing to revoke) and CG511 (dates) apply to it.

Promotion findings are reported in the Promotion's file; use findings in the
Job's or Deployment's file, at the reference that uses the asset.
"""

from __future__ import annotations

from catgen.dates import parse_timestamp
from catgen.model import person_key
from catgen.graph.lineage import is_revocation, promotion_date
from catgen.rules import promotion_examples
from catgen.rules._gates import gated_promotions
from catgen.rules.base import rule
from catgen.wording import NAMED_AT_MOST, named_and_counted

EPSILON = 1e-9  # traffic is a number: tolerate float noise such as 33.3 + 33.3 + 33.4
MAX_TRAFFIC = 100


@rule("CG501", "not-promoted", examples=promotion_examples.CG501)
def not_promoted(ctx):
    """A deployment in a workspace of stage S runs a model that is not in stage S.

    A model is in stage S when its latest event for S (Promotions with
    ``stage: S``, by date, then path; every event counts, whatever its date)
    is a promotion, not a revocation. With no event for S, every model is in
    the first stage and in a stage without a ``promotion:`` block, and in no
    other stage. Reported at the deployment's ``model``; the gate's other
    requirements are then checked on that Promotion, not here.
    """
    for deployment, stage, model in _deployments_in_stages(ctx):
        latest = ctx.graph.stage_history(model, stage.name).latest()
        if latest is not None and is_revocation(latest):
            yield ctx.finding(
                "CG501", deployment, ("spec", "model"),
                f"{model.ref} was revoked from stage {stage.name} by {latest.ref} ({latest.spec.get('date')}); "
                f"deploy another model, or promote it to {stage.name} again",
                subject=model.ref, value=True,
            )
        elif latest is None and not _open_stage(ctx, stage):
            yield ctx.finding(
                "CG501", deployment, ("spec", "model"),
                f"{model.ref} is deployed in stage {stage.name} but was never promoted to it; "
                f"add a Promotion with stage: {stage.name} (catgen promote {model.ref} --stage {stage.name})",
                subject=model.ref, value=True,
            )


@rule("CG502", "stage-skipped", examples=promotion_examples.CG502)
def stage_skipped(ctx):
    """A promotion to stage S whose asset has not reached the stage S is promoted from,
    or a revocation of a stage the asset is not in.

    ``from`` defaults to the stage before S. The asset has reached the ``from``
    stage when a Promotion to it exists (or it is the first stage) and was
    not revoked from it by the promotion's date. A revocation must follow a
    promotion of the asset to the stage (the event just before it, by date
    then path, is a promotion; in the first stage or a stage without a
    ``promotion:`` block every asset is in until revoked).
    """
    for promotion, asset, stage in gated_promotions(ctx):
        source = stage.gate.from_stage
        if source is not None:
            message = _from_stage_problem(ctx, promotion, asset, source)
            if message:
                yield ctx.finding("CG502", promotion, ("spec", "stage"), f"{message} before {stage.name}; "
                                  f"promote it to {source} first", subject=asset.ref, value=True)
    yield from _empty_revocations(ctx)


def _from_stage_problem(ctx, promotion, asset, source: str) -> str | None:
    history = ctx.graph.stage_history(asset, source)
    date = promotion_date(promotion)
    latest = history.latest(at=date) if date is not None else history.latest()
    if latest is not None and is_revocation(latest):
        return f"{asset.ref} was revoked from {source} by {latest.ref} and must reach {source} again"
    first = ctx.policy.first_stage
    if not history.promotions and not (first is not None and first.name == source):
        return f"{asset.ref} must reach {source}"
    return None  # reached, or promoted to ``source`` only later: CG511 reports the order


def _empty_revocations(ctx):
    """CG502 on each revocation whose stage the asset was not in just before it."""
    for asset, stage_name, history in ctx.graph.stage_histories():
        stage = ctx.policy.stage(stage_name)
        if stage is None:
            continue
        before = None
        for event in history.events:
            in_stage = _open_stage(ctx, stage) if before is None else not is_revocation(before)
            if is_revocation(event) and not in_stage:
                why = "was never promoted to it" if before is None else f"was already revoked by {before.ref}"
                yield ctx.finding(
                    "CG502", event, ("spec", "stage"),
                    f"{asset.ref} is not in {stage_name} before this revocation ({why}); there is nothing to revoke",
                    subject=asset.ref, value=True,
                )
            before = event


def _open_stage(ctx, stage) -> bool:
    """Every asset is in this stage until revoked: the first stage, or one without a ``promotion:`` block."""
    return stage is ctx.policy.first_stage or stage.gate is None


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
            pool = f" from {_approvers_named(ctx, stage)}" if gate.approvers else ""
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
                    f"{by} may not approve promotions to {stage.name}; approvers are {_approvers_named(ctx, stage)}",
                    subject=asset.ref, value=True,
                )


def _approvers_named(ctx, stage) -> str:
    """A stage's approvers, sorted, ten named and the rest counted, made once per stage: each finding about an
    approval says them, and naming all of them made approvals times approvers of report."""
    approvers = stage.gate.approvers
    return ctx.once("approvers named", stage.name, lambda: named_and_counted(sorted(approvers), len(approvers)))


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


@rule("CG513", "endpoint-traffic", examples=promotion_examples.CG513)
def endpoint_traffic(ctx):
    """The deployments of one endpoint (same ``workspace`` and ``endpoint``) give it more than 100 traffic in total.

    Endpoint names compare case-insensitively, so ``Scoring`` and ``scoring``
    are one endpoint; a deployment without a numeric ``traffic`` counts 0.
    Reported on each deployment of the endpoint after the first in path
    order, once the running total passes 100, at its ``traffic``; the
    subject is that deployment. The message names the endpoint's first ten
    deployments with their traffic and counts the rest.
    """
    for (workspace, endpoint), deployments in _endpoints(ctx).items():
        total, named = 0, []
        for count, deployment in enumerate(deployments, 1):
            traffic = _traffic(deployment)
            total += traffic
            if len(named) < NAMED_AT_MOST:
                named.append(f"{deployment.ref} {traffic:g}")
            if total > MAX_TRAFFIC + EPSILON and count > 1:
                where = ("spec", "traffic") if "traffic" in deployment.spec else ("spec", "endpoint")
                yield ctx.finding(
                    "CG513", deployment, where,
                    f"endpoint {endpoint} of {workspace} gets {total:g} traffic in total "
                    f"({named_and_counted(named, count)}); "
                    f"its deployments may share at most {MAX_TRAFFIC}",
                    subject=deployment.ref, value=True,
                )


def _endpoints(ctx) -> dict:
    """(workspace, endpoint) -> its deployments in path order; names compare case-insensitively (SPEC §3)."""
    found: dict = {}
    for deployment in ctx.catalog.of_kind("Deployment"):
        workspace, endpoint = deployment.spec.get("workspace"), deployment.spec.get("endpoint")
        if isinstance(workspace, str) and isinstance(endpoint, str):
            resolved = ctx.graph.target(deployment, "runs_in")
            key = (resolved.ref if resolved is not None else workspace.casefold(), endpoint.casefold())
            found.setdefault(key, []).append(deployment)
    return {(workspace, group[0].spec["endpoint"]): group for (workspace, _), group in found.items()}


def _traffic(deployment) -> float:
    traffic = deployment.spec.get("traffic")
    return traffic if isinstance(traffic, (int, float)) and not isinstance(traffic, bool) else 0


def _deployments_in_stages(ctx):
    for deployment in ctx.catalog.of_kind("Deployment"):
        workspace = ctx.graph.target(deployment, "runs_in")
        model = ctx.graph.target(deployment, "deploys")
        stage = ctx.policy.stage(workspace.spec.get("stage")) if workspace is not None else None
        if model is not None and stage is not None:
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
    if source is None or is_revocation(promotion):
        return  # a revocation needs no earlier stage
    earliest = ctx.graph.stage_history(asset, source).first_promotion_date()
    if earliest is not None and date < earliest:
        yield ctx.finding(
            "CG511", promotion, ("spec", "date"),
            f"the promotion to {stage.name} ({promotion.spec['date']}) predates the promotion of {asset.ref} "
            f"to {source}",
            subject=asset.ref, value=True,
        )


RULES = [
    not_promoted, stage_skipped, approvals_missing, approver_not_allowed, self_approval,
    chronology, not_in_registry, endpoint_traffic,
]
