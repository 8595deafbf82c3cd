"""CG7xx: network exposure, personal data, and what binds a workspace to its stage.

Where a stage sets ``private_network``, its workspaces and every registry
they consume have public network access disabled (the default) (CG701).
Where a stage does not set ``pii_allowed``, jobs in its workspaces may not
use data marked ``contains_pii`` (CG702). Where a stage lists
``subscriptions``, a workspace's stage must agree with its subscription (CG703).
"""

from __future__ import annotations

from catgen.rules import security_examples
from catgen.rules.base import rule


@rule("CG701", "public-network", examples=security_examples.CG701)
def public_network(ctx):
    """A workspace of a stage with ``private_network``, or a registry such a workspace consumes,
    has public network access enabled.

    Reported on the Workspace or Registry at ``public_network_access``.
    """
    reported = set()
    for workspace, stage in _workspaces(ctx):
        if not stage.private_network:
            continue
        candidates = [workspace] + [e.target for e in ctx.graph.out_edges(workspace, {"consumes"})]
        for exposed in candidates:
            if exposed.spec.get("public_network_access") == "enabled" and exposed not in reported:
                reported.add(exposed)
                why = "" if exposed is workspace else f", which {workspace.ref} consumes"
                yield ctx.finding(
                    "CG701", exposed, ("spec", "public_network_access"),
                    f"{exposed.ref}{why} allows public network access; "
                    f"stage {stage.name} requires private networking (set public_network_access: disabled)",
                    subject=exposed.ref, value=True,
                )


@rule("CG702", "pii-exposure", examples=security_examples.CG702)
def pii_exposure(ctx):
    """A job in a workspace of a stage without ``pii_allowed`` uses data with ``contains_pii: true``.

    Reported on the Job at the input; the subject is the data. Use anonymized
    data there, or run the job in a stage that allows personal data.
    """
    for workspace, stage in _workspaces(ctx):
        if stage.pii_allowed:
            continue
        for job_edge in ctx.graph.in_edges(workspace, {"runs_in"}):
            job = job_edge.source
            if job.kind != "Job":
                continue
            for edge in ctx.graph.out_edges(job, {"uses_data"}):
                if edge.target.spec.get("contains_pii") is True:
                    yield ctx.finding(
                        "CG702", job, edge.ref.path,
                        f"{edge.target.ref} contains personal data and stage {stage.name} does not allow it "
                        "(pii_allowed); use anonymized data",
                        subject=edge.target.ref, value=True,
                    )


@rule("CG703", "stage-binding", examples=security_examples.CG703)
def stage_binding(ctx):
    """A workspace's stage does not match the subscription it is in, where the policy binds subscriptions to stages.

    A workspace names its own stage, and the stage decides which gates what
    runs there must pass; so a workspace that simply says ``stage: dev`` would
    take whatever is deployed in it out of prod's rules. A stage that lists
    ``subscriptions`` binds them: a workspace in one of them must be of that
    stage, and a workspace of that stage must be in one of them (a workspace of
    such a stage without a ``subscription`` fails too). Subscriptions are
    compared case-insensitively. Reported on the Workspace at ``subscription``
    (at ``stage`` when it has none); the subject is the workspace. A workspace
    whose stage the policy does not define is CG306 alone.
    """
    for workspace, stage in _workspaces(ctx):
        subscription = workspace.spec.get("subscription")
        written = subscription if isinstance(subscription, str) else None
        owners = [s.name for s in ctx.policy.stages_binding(written)] if written is not None else []
        if stage.name in owners or (not owners and stage.subscriptions is None):
            continue
        if owners:
            problem = (f"is in subscription {written}, which the policy binds to stage {' and '.join(owners)}, "
                       f"but says it is of stage {stage.name}")
        elif written is None:
            problem = f"names no subscription, and stage {stage.name} lists the subscriptions its workspaces must be in"
        else:
            problem = f"is in subscription {written}, which is not one of the subscriptions of stage {stage.name}"
        at = ("spec", "subscription") if "subscription" in workspace.spec else ("spec", "stage")
        yield ctx.finding("CG703", workspace, at, f"{workspace.ref} {problem}", subject=workspace.ref)


def _workspaces(ctx):
    for workspace in ctx.catalog.of_kind("Workspace"):
        stage = ctx.policy.stage(workspace.spec.get("stage"))
        if stage is not None:
            yield workspace, stage


RULES = [public_network, pii_exposure, stage_binding]
