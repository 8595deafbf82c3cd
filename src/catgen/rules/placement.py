"""CG5xx: where an asset may be used: its own workspace, or a registry the workspace consumes.

A job or deployment may only use (SPEC §5 "uses") assets at home in its own
workspace or available from a registry its workspace lists in ``registries``
(CG506, CG507), and that registry must replicate to the workspace's region
(CG508). Reported in the Job's or Deployment's file, at the reference that uses
the asset; the subject is the asset used. Part of the promotion family: its
rules are documented on the promotion rules page.
"""

from __future__ import annotations

from catgen.model import replicated_regions
from catgen.rules import placement_examples
from catgen.rules.base import rule


@rule("CG506", "cross-workspace", examples=placement_examples.CG506)
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


@rule("CG507", "registry-not-consumed", examples=placement_examples.CG507)
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


@rule("CG508", "region-not-replicated", examples=placement_examples.CG508)
def region_not_replicated(ctx):
    """A job or deployment uses a registry asset, but no registry it comes from replicates to the workspace's region."""
    for user, ref, workspace, asset in _uses(ctx):
        registries = _consumed_registries(ctx, workspace, asset)
        region = workspace.spec.get("region")
        if registries and not any(region in replicated_regions(r) for r in registries):
            names = ", ".join(r.ref for r in registries)
            yield ctx.finding(
                "CG508", user, ref.path,
                f"{asset.ref} comes from {names}, which does not replicate to {region} "
                f"(the region of {workspace.ref}); add {region} to replication_locations",
                subject=asset.ref, value=True,
            )


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


RULES = [cross_workspace, registry_not_consumed, region_not_replicated]
