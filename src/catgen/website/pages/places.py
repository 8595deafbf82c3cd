"""Where things live and run: workspace, registry and deployment pages."""

from __future__ import annotations

from catgen.history.report import deployment_events
from catgen.model import replicated_regions
from catgen.website.markup import badge, dl, page, section, table
from catgen.website.pages.context import PageContext
from catgen.website.pages.marks import mark_html
from catgen.website.pages.sections import capped_list, fields_section, findings, header, lineage_section, ref_field
from catgen.website.text import esc


def workspace_page(ctx: PageContext, workspace) -> tuple[str, str]:
    site, spec = ctx.site, workspace.spec
    region = spec.get("region")
    consumed = site.graph.out_edges(workspace, {"consumes"})
    replicating = [r for r in site.by_kind["Registry"] if region in replicated_regions(r)]
    summary = [("Stage", badge(str(spec.get("stage")), "cg-stage")), ("Region", esc(region)),
               ("Subscription", esc(spec.get("subscription")) or "—"),
               ("Public network access", esc(spec.get("public_network_access", "disabled"))),
               ("Consumes registries", ", ".join(ctx.ref(e.target) for e in consumed) or "—"),
               ("Registries replicating to its region", ", ".join(ctx.ref(r) for r in replicating) or "—")]
    placed = site.graph.in_edges(workspace, {"runs_in", "home"})
    deployments = sorted((e.source for e in placed if e.source.kind == "Deployment"), key=lambda m: m.name_order)
    deployment_rows = [[ctx.ref(d, d.name), esc(d.spec.get("endpoint")), ref_field(ctx, d, "model"),
                        esc(d.spec.get("traffic"))] for d in deployments]
    homed = sorted((e.source for e in placed if e.type == "home"), key=lambda m: m.relpath)
    jobs = sorted((e.source for e in placed if e.source.kind == "Job"), key=lambda m: m.name_order)
    deployed = table(["Deployment", "Endpoint", "Model", "Traffic"], deployment_rows, cls="cg-sortable")
    body = header(ctx, workspace) + dl(summary)
    body += section("Deployed here", deployed if deployment_rows else "<p>Nothing deployed.</p>")
    body += section("Assets registered here", capped_list(ctx, homed, owner=workspace))
    body += section("Jobs run here", capped_list(ctx, jobs, owner=workspace))
    body += fields_section(ctx, workspace) + findings(ctx, workspace)
    return f"{workspace.name} · Workspace", page(esc(workspace.name), body, subtitle="Workspace")


def registry_page(ctx: PageContext, registry) -> tuple[str, str]:
    site, spec = ctx.site, registry.spec
    replicas = spec.get("replication_locations") or []
    consumers = sorted((e.source for e in site.graph.in_edges(registry, {"consumes"})), key=lambda m: m.name_order)
    replicated = ", ".join(esc(r) for r in replicas) if isinstance(replicas, list) else esc(replicas)
    summary = [("Location", esc(spec.get("location"))), ("Replicates to", replicated),
               ("Public network access", esc(spec.get("public_network_access", "disabled"))),
               ("Provider", esc(spec.get("provider")) or "—"),
               ("Consumed by", ", ".join(ctx.ref(w) for w in consumers) or "—")]
    published = {e.source for e in site.graph.in_edges(registry, {"home"})}
    for promotion in (e.source for e in site.graph.in_edges(registry, {"into_registry"})):
        asset = site.graph.target(promotion, "promotes")
        if asset is not None:
            published.add(asset)
    listed = capped_list(ctx, sorted(published, key=lambda m: m.relpath), owner=registry)
    body = header(ctx, registry) + dl(summary)
    body += section("Published here", listed or "<p>Nothing published.</p>")
    body += fields_section(ctx, registry) + findings(ctx, registry)
    return f"{registry.name} · Registry", page(esc(registry.name), body, subtitle="Registry")


def deployment_page(ctx: PageContext, deployment) -> tuple[str, str]:
    """Which model serves where, at which stage and traffic share; lineage, fields, findings."""
    workspace = ctx.site.deployment_workspace(deployment)
    stage = workspace.spec.get("stage") if workspace is not None else None
    summary = [("Model", ref_field(ctx, deployment, "model")), ("Workspace", ref_field(ctx, deployment, "workspace")),
               ("Stage", badge(str(stage), "cg-stage") if stage else "—"),
               ("Model in the stage", _model_in_stage(ctx, ctx.site.graph.target(deployment, "deploys"), stage)),
               ("Traffic", esc(deployment.spec.get("traffic")))]
    body = header(ctx, deployment) + dl(summary) + deployment_history(ctx, deployment)
    body += lineage_section(ctx, deployment) + fields_section(ctx, deployment) + findings(ctx, deployment)
    return f"{deployment.name} · {deployment.kind}", page(esc(deployment.name), body, subtitle=esc(deployment.kind))


def _model_in_stage(ctx: PageContext, model, stage) -> str:
    """The deployed model's mark for the workspace's stage: in force, pending, revoked, with errors, or absent."""
    if model is None or not isinstance(stage, str):
        return "—"
    mark = next((m for m in ctx.site.stage_marks(model) if m.stage == stage), None)
    if mark is None:
        return f'<span class="cg-mark-absent">not promoted to {esc(stage)}</span>'
    return mark_html(ctx, mark, model)


HISTORY_HEADERS = ["Date", "Event", "Author", "Commit", "Model", "Traffic"]


def deployment_history(ctx: PageContext, deployment) -> str:
    """Each commit that changed the deployment's manifest, oldest first: model and traffic before and after."""
    events = deployment_events(ctx.site.timeline, deployment.relpath)
    if not events:
        note = ctx.site.history_note
        return section("History", f"<p>{esc(note or 'Not committed yet.')}</p>", anchor="history")
    rows = [[esc(e["date"]), esc(e["event"]), esc(e["author"]), f'<code title="{esc(e["commit"])}">'
             f'{esc(e["commit"][:12])}</code>', _before_after(ctx, e["model"], link_model=True),
             _before_after(ctx, e["traffic"])] for e in events]
    return section("History", table(HISTORY_HEADERS, rows, cls="cg-deployment-history"), anchor="history")


def _before_after(ctx: PageContext, change: dict, *, link_model: bool = False) -> str:
    def shown(value) -> str:
        if value is None:
            return "—"
        manifest = ctx.site.timeline.manifest_of(value) if link_model and isinstance(value, str) else None
        return ctx.ref(manifest, value) if manifest is not None else esc(value)
    if change["from"] == change["to"]:
        return shown(change["to"])
    return f"{shown(change['from'])} → {shown(change['to'])}"
