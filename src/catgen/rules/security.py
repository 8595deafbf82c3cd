"""CG7xx: network exposure and personal data.

Where a stage sets ``private_network``, its workspaces and every registry
they consume have public network access disabled (the default) (CG701).
Where a stage does not set ``pii_allowed``, jobs in its workspaces may not
use data marked ``contains_pii`` (CG702).
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


def _workspaces(ctx):
    for workspace in ctx.catalog.of_kind("Workspace"):
        stage = ctx.policy.stage(workspace.spec.get("stage"))
        if stage is not None:
            yield workspace, stage


RULES = [public_network, pii_exposure]
