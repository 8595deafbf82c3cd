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
from catgen.wording import NAMED_AT_MOST, named_and_counted


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
    """A job or deployment uses a registry asset from a registry its workspace does not list in ``registries``.

    The message names the first ten registries that hold the asset and counts the rest.
    """
    for user, ref, workspace, asset in _uses(ctx):
        home = ctx.graph.home(asset)
        if home and home[0] == "registry" and not _consumed_registries(ctx, workspace, asset):
            names = _registry_names(ctx, asset)
            yield ctx.finding(
                "CG507", user, ref.path,
                f"{asset.ref} is in {names}, which {workspace.ref} does not consume; "
                "add it to the workspace's registries",
                subject=asset.ref, value=True,
            )


@rule("CG508", "region-not-replicated", examples=placement_examples.CG508)
def region_not_replicated(ctx):
    """A job or deployment uses a registry asset, but no registry it comes from replicates to the workspace's region.

    The message names the first ten of those registries and counts the rest.
    """
    for user, ref, workspace, asset in _uses(ctx):
        names = _not_replicating(ctx, workspace, asset)
        if names is not None:
            region = workspace.spec.get("region")
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
    """Registries that hold ``asset`` and that ``workspace`` lists in ``registries``, in ``graph.registries``' order
    (once per pair: three rules ask). The shorter side is walked: many workspaces may ask about an asset in many
    registries."""
    def both() -> list:
        holding, at = _holding(ctx, asset)
        consumed = ctx.once("consumes", workspace,
                            lambda: {edge.target for edge in ctx.graph.out_edges(workspace, {"consumes"})})
        if len(consumed) < len(holding):
            return sorted((r for r in consumed if r in at), key=at.__getitem__)
        return [r for r in holding if r in consumed]

    return ctx.once("consumed_registries", (workspace, asset), both)


def _holding(ctx, asset) -> tuple[list, dict]:
    """The registries ``asset`` is in (``graph.registries``) and each one's place among them, once per asset."""
    def read() -> tuple[list, dict]:
        registries = ctx.graph.registries(asset)
        return registries, {registry: at for at, registry in enumerate(registries)}

    return ctx.once("holding", asset, read)


def _not_replicating(ctx, workspace, asset) -> str | None:
    """The consumed registries ``asset`` comes from, as a message names them, when none replicates to the region of
    ``workspace``; else None. Once per workspace and asset, not once per use."""
    def names() -> str | None:
        registries = _consumed_registries(ctx, workspace, asset)
        region = workspace.spec.get("region")
        missing = registries and not any(region in replicated_regions(r) for r in registries)
        return _named(registries) if missing else None

    return ctx.once("not_replicating", (workspace, asset), names)


def _registry_names(ctx, asset) -> str:
    """The registries ``asset`` is in, as a message names them: once per asset, not once per use of it."""
    return ctx.once("registry_names", asset, lambda: _named(_holding(ctx, asset)[0]))


def _named(registries: list) -> str:
    return named_and_counted([r.ref for r in registries[:NAMED_AT_MOST]], len(registries))


RULES = [cross_workspace, registry_not_consumed, region_not_replicated]
