"""Pages for single manifests: version, asset, job, workspace, registry, deployment, promotion.

Each renderer returns ``(title, html)`` for one address. All manifest text
goes through ``esc``/``description_html``; links are relative, so the site
works from any static host and any sub-folder.
"""

from __future__ import annotations

from catgen.model import KINDS
from catgen.website import drawing, urls
from catgen.website.markup import badge, dl, level_badge, link, more, page, section, table
from catgen.website.text import description_html, esc

LINEAGE_LIST_CAP = 50  # rows of each lineage list before "+N more"


class PageContext:
    """Rendering state for one page: the site model and where links are relative to."""

    def __init__(self, site, url: str):
        self.site = site
        self.url = url

    def href(self, target_url: str | None) -> str | None:
        return urls.relative(self.url, target_url) if target_url is not None else None

    def ref(self, manifest, text: str | None = None) -> str:
        """A link to a manifest's page (plain text when it has none)."""
        label = esc(text if text is not None else manifest.ref)
        return link(self.href(self.site.url(manifest)), label)

    def stage_badges(self, asset) -> str:
        names = [s.name for s in self.site.policy.stages]
        return " ".join(badge(s, f"cg-stage cg-stage-{names.index(s) if s in names else 'x'}") for s in self.site.stages(asset))

    def rule_link(self, code: str) -> str:
        return link(self.href("rules/") + f"#{code.lower()}" if self.site.has_rules_page else None, esc(code))


# -- shared sections ---------------------------------------------------------


def header(ctx: PageContext, manifest) -> str:
    meta = manifest.metadata
    pairs = [("Kind", esc(manifest.kind)), ("File", f"<code>{esc(manifest.relpath)}</code>")]
    if meta.get("owner") is not None:
        pairs.append(("Owner", esc(meta.get("owner"))))
    if isinstance(meta.get("tags"), dict) and meta["tags"]:
        pairs.append(("Tags", " ".join(badge(f"{k}: {v}", "cg-tag") for k, v in sorted(meta["tags"].items(), key=lambda kv: str(kv[0])))))
    if meta.get("created") is not None:
        pairs.append(("Created", esc(meta.get("created"))))
    if ctx.site.findings_of(manifest):
        pairs.append(("Check", _findings_summary(ctx, manifest)))
    text = description_html(meta.get("description"))
    return (f'<div class="cg-description">{text}</div>' if text else "") + dl(pairs)


def _findings_summary(ctx, manifest) -> str:
    found = ctx.site.findings_of(manifest)
    errors = sum(1 for f in found if f.level == "error")
    warnings = len(found) - errors
    parts = ([level_badge("error") + f" {errors}"] if errors else []) + ([level_badge("warning") + f" {warnings}"] if warnings else [])
    return link("#findings", " ".join(parts))


def fields(ctx: PageContext, manifest) -> str:
    """Every field of the manifest as nested definition lists; references as links."""
    refs = {ref.path: ref for ref in manifest.refs}
    return f'<div class="cg-data">{_value(ctx, manifest.data, (), refs)}</div>'


def _value(ctx, value, path: tuple, refs: dict) -> str:
    if isinstance(value, dict):
        return dl([(esc(k), _value(ctx, v, path + (k,), refs)) for k, v in value.items()]) if value else "<em>{}</em>"
    if isinstance(value, list):
        items = "".join(f"<li>{_value(ctx, v, path + (i,), refs)}</li>" for i, v in enumerate(value))
        return f'<ol class="cg-list">{items}</ol>' if value else "<em>[]</em>"
    ref = refs.get(path)
    if ref is not None:
        if ref.target is not None:
            return f'<code>{ctx.ref(ref.target, ref.text)}</code>'
        return f'<code>{esc(ref.text)}</code> <span class="cg-missing">(not in the catalog)</span>'
    return f"<code>{esc(value)}</code>" if isinstance(value, str) and len(value) < 200 else esc(value)


def lineage(ctx: PageContext, manifest) -> str:
    """The drawn neighbourhood (when the drawing module is there) plus link lists both ways."""
    graph = ctx.site.graph
    drawn = drawing.lineage(ctx, manifest)
    up = sorted(graph.out_edges(manifest), key=lambda e: (e.type, e.ref.field))
    down = sorted(graph.in_edges(manifest), key=lambda e: (e.type, e.source.relpath))
    up_rows = [[esc(e.type), f"<code>{esc(e.ref.field)}</code>", ctx.ref(e.target)] for e in up]
    down_rows = [[esc(e.type), ctx.ref(e.source)] for e in down[:LINEAGE_LIST_CAP]]
    body = drawn
    body += section("Upstream", table(["Relation", "Field", "Manifest"], up_rows, cls="cg-lineage-up") if up_rows else "")
    body += section("Downstream", (table(["Relation", "Manifest"], down_rows, cls="cg-lineage-down") + more(len(down) - LINEAGE_LIST_CAP, None)) if down_rows else "")
    return section("Lineage", body or "<p>No lineage.</p>", anchor="lineage")


def findings(ctx: PageContext, manifest) -> str:
    found = ctx.site.findings_of(manifest)
    if not found:
        return section("Findings", '<p class="cg-ok">No findings.</p>', anchor="findings")
    rows = [[level_badge(f.level), ctx.rule_link(f.code), esc(f.name), f"{f.line}:{f.column}", esc(f.message),
             esc(f.subject)] for f in found]
    return section("Findings", table(["Level", "Rule", "Name", "Line", "Message", "Subject"], rows), anchor="findings")


def promotion_timeline(ctx: PageContext, asset) -> str:
    promotions = ctx.site.graph.promotions(asset)
    items = [_timeline_item(ctx, p) for p in promotions]
    return section("Promotions", f'<ol class="cg-timeline">{"".join(items)}</ol>' if items else "<p>Never promoted.</p>", anchor="promotions")


def _timeline_item(ctx, promotion) -> str:
    spec = promotion.spec
    target = f"stage {badge(str(spec['stage']), 'cg-stage')}" if "stage" in spec else f"registry <code>{esc(spec.get('registry'))}</code>"
    approvals = [a for a in spec.get("approvals") or [] if isinstance(a, dict)]
    approved = "".join(f"<li>approved by {esc(a.get('by'))} at {esc(a.get('at'))}{' — ' + esc(a.get('comment')) if a.get('comment') else ''}</li>" for a in approvals)
    return (
        f'<li><span class="cg-date">{esc(spec.get("date"))}</span> {ctx.ref(promotion, promotion.name)}: to {target}, '
        f"requested by {esc(spec.get('requested_by'))}<ul>{approved or '<li>no approvals</li>'}</ul></li>"
    )


# -- pages -------------------------------------------------------------------


def version_page(ctx: PageContext, manifest) -> tuple[str, str]:
    site = ctx.site
    asset_link = link(ctx.href(urls.asset_url(manifest.kind, manifest.name)), esc(manifest.name))
    home = site.graph.home(manifest)
    placement = [("Stages", ctx.stage_badges(manifest) or "—"), ("Home", ctx.ref(home[1]) if home else "—")]
    registries = site.graph.registries(manifest)
    placement.append(("Registries", ", ".join(ctx.ref(r) for r in registries) or "—"))
    if manifest.kind == "Model":
        deployed = site.deployments_of(manifest)
        placement.append(("Deployments", ", ".join(ctx.ref(d, d.name) for d in deployed) or "—"))
    body = header(ctx, manifest) + dl(placement) + _training(ctx, manifest)
    body += lineage(ctx, manifest) + promotion_timeline(ctx, manifest)
    body += section("Fields", fields(ctx, manifest), anchor="fields") + findings(ctx, manifest)
    title = f"{manifest.name} {manifest.version}"
    return f"{title} · {manifest.kind}", page(f"{asset_link} <small>version {esc(manifest.version)}</small>", body, subtitle=esc(manifest.kind))


def _training(ctx, asset) -> str:
    """Where a model or data version came from: its job and that job's inputs, code and environment."""
    job = ctx.site.training_job(asset)
    if job is None:
        return ""
    graph = ctx.site.graph
    pairs = [("Made by job", ctx.ref(job)), ("Job status", esc(job.spec.get("status")))]
    component = graph.target(job, "runs_component")
    environments = [graph.target(job, "uses_environment")] + ([graph.target(component, "uses_environment")] if component is not None else [])
    code = job.spec.get("code") if isinstance(job.spec.get("code"), dict) else (component.spec.get("code") if component is not None else None)
    inputs = sorted(graph.out_edges(job, {"uses_data", "uses_model"}), key=lambda e: e.ref.field)
    pairs.append(("Inputs", ", ".join(f"<code>{esc(e.ref.path[-1])}</code>: {ctx.ref(e.target)}" for e in inputs) or "—"))
    pairs.append(("Component", ctx.ref(component) if component is not None else "—"))
    pairs.append(("Environments", ", ".join(ctx.ref(e) for e in dict.fromkeys(e for e in environments if e is not None)) or "—"))
    if isinstance(code, dict):
        pairs.append(("Code", f"<code>{esc(code.get('repository'))}</code> @ <code>{esc(code.get('commit'))}</code>"))
    baseline = graph.target(job, "baseline")
    if baseline is not None:
        pairs.append(("Baseline job", ctx.ref(baseline)))
    return section("Training", dl(pairs), anchor="training")


def asset_page(ctx: PageContext, kind: str, name: str, versions: list) -> tuple[str, str]:
    site = ctx.site
    rows = []
    for v in reversed(versions):  # newest first
        home = site.graph.home(v)
        deployed = site.deployments_of(v) if kind == "Model" else []
        rows.append([
            ctx.ref(v, v.version), esc(v.metadata.get("created")), ctx.stage_badges(v), ctx.ref(home[1]) if home else "—",
            ", ".join(ctx.ref(r) for r in site.graph.registries(v)) or "—", ", ".join(ctx.ref(d, d.name) for d in deployed) or "—",
        ])
    latest = versions[-1]
    body = header(ctx, latest)
    body += section("Versions", table(["Version", "Created", "Stages", "Home", "Registries", "Deployed as"], rows, cls="cg-sortable"), anchor="versions")
    body += section("Metrics across versions", drawing.metrics_across_versions(ctx, versions), anchor="metrics")
    return f"{name} · {kind}", page(esc(name), body, subtitle=f"{esc(kind)} · {len(versions)} version{'s' if len(versions) != 1 else ''}")


def job_page(ctx: PageContext, job) -> tuple[str, str]:
    spec = job.spec
    baseline = ctx.site.graph.target(job, "baseline")
    summary = [("Status", badge(str(spec.get("status")), f"cg-status-{esc(spec.get('status'))}")), ("Workspace", _ref_field(ctx, job, "workspace")), ("Started", esc(spec.get("started"))), ("Ended", esc(spec.get("ended")))]
    if baseline is not None:
        summary.append(("Baseline", ctx.ref(baseline)))
    made = [e.source for e in ctx.site.graph.in_edges(job, {"trained_by", "produced_by"})]
    if made:
        summary.append(("Produced", ", ".join(ctx.ref(m) for m in sorted(made, key=lambda m: m.relpath))))
    body = header(ctx, job) + dl(summary)
    body += section("Compared with the baseline" if baseline else "Parameters and metrics", drawing.job_comparison(ctx, job, baseline), anchor="comparison")
    body += lineage(ctx, job) + section("Fields", fields(ctx, job), anchor="fields") + findings(ctx, job)
    return f"{job.name} · Job", page(esc(job.name), body, subtitle="Job")


def _ref_field(ctx, manifest, field: str) -> str:
    for ref in manifest.refs:
        if ref.path == ("spec", field):
            return ctx.ref(ref.target) if ref.target is not None else f"<code>{esc(ref.text)}</code>"
    return "—"


def workspace_page(ctx: PageContext, workspace) -> tuple[str, str]:
    site, spec = ctx.site, workspace.spec
    region = spec.get("region")
    consumed = site.graph.out_edges(workspace, {"consumes"})
    replicating = [r for r in site.by_kind["Registry"] if region in (r.spec.get("replication_locations") or [])]
    summary = [("Stage", badge(str(spec.get("stage")), "cg-stage")), ("Region", esc(region)), ("Subscription", esc(spec.get("subscription")) or "—"),
               ("Public network access", esc(spec.get("public_network_access", "disabled"))),
               ("Consumes registries", ", ".join(ctx.ref(e.target) for e in consumed) or "—"),
               ("Registries replicating to its region", ", ".join(ctx.ref(r) for r in replicating) or "—")]
    placed = site.graph.in_edges(workspace, {"runs_in", "home"})
    deployments = sorted((e.source for e in placed if e.source.kind == "Deployment"), key=lambda m: m.name)
    dep_rows = [[ctx.ref(d, d.name), esc(d.spec.get("endpoint")), _ref_field(ctx, d, "model"), esc(d.spec.get("traffic"))] for d in deployments]
    homed = sorted((e.source for e in placed if e.type == "home"), key=lambda m: m.relpath)
    jobs = sorted((e.source for e in placed if e.source.kind == "Job"), key=lambda m: m.name)
    body = header(ctx, workspace) + dl(summary)
    body += section("Deployed here", table(["Deployment", "Endpoint", "Model", "Traffic"], dep_rows, cls="cg-sortable") if dep_rows else "<p>Nothing deployed.</p>")
    body += section("Assets registered here", _capped_list(ctx, homed))
    body += section("Jobs run here", _capped_list(ctx, jobs))
    body += section("Fields", fields(ctx, workspace), anchor="fields") + findings(ctx, workspace)
    return f"{workspace.name} · Workspace", page(esc(workspace.name), body, subtitle="Workspace")


def registry_page(ctx: PageContext, registry) -> tuple[str, str]:
    site, spec = ctx.site, registry.spec
    replicas = spec.get("replication_locations") or []
    consumers = sorted((e.source for e in site.graph.in_edges(registry, {"consumes"})), key=lambda m: m.name)
    summary = [("Location", esc(spec.get("location"))), ("Replicates to", ", ".join(esc(r) for r in replicas) if isinstance(replicas, list) else esc(replicas)),
               ("Public network access", esc(spec.get("public_network_access", "disabled"))), ("Provider", esc(spec.get("provider")) or "—"),
               ("Consumed by", ", ".join(ctx.ref(w) for w in consumers) or "—")]
    published = {e.source for e in site.graph.in_edges(registry, {"home"})}
    for promotion in (e.source for e in site.graph.in_edges(registry, {"into_registry"})):
        asset = site.graph.target(promotion, "promotes")
        if asset is not None:
            published.add(asset)
    body = header(ctx, registry) + dl(summary)
    body += section("Published here", _capped_list(ctx, sorted(published, key=lambda m: m.relpath)) or "<p>Nothing published.</p>")
    body += section("Fields", fields(ctx, registry), anchor="fields") + findings(ctx, registry)
    return f"{registry.name} · Registry", page(esc(registry.name), body, subtitle="Registry")


def plain_page(ctx: PageContext, manifest) -> tuple[str, str]:
    """Deployments and promotions: summary, lineage, every field, findings."""
    body = header(ctx, manifest)
    if manifest.kind == "Promotion":
        asset = ctx.site.graph.target(manifest, "promotes")
        body += dl([("Asset", ctx.ref(asset) if asset else _ref_field(ctx, manifest, "asset")), ("Date", esc(manifest.spec.get("date"))), ("Requested by", esc(manifest.spec.get("requested_by")))])
        body += section("Timeline of the asset", promotion_timeline(ctx, asset)) if asset is not None else ""
    else:
        workspace = ctx.site.deployment_workspace(manifest)
        stage = workspace.spec.get("stage") if workspace is not None else None
        body += dl([("Model", _ref_field(ctx, manifest, "model")), ("Workspace", _ref_field(ctx, manifest, "workspace")), ("Stage", badge(str(stage), "cg-stage") if stage else "—"), ("Traffic", esc(manifest.spec.get("traffic")))])
    body += lineage(ctx, manifest) + section("Fields", fields(ctx, manifest), anchor="fields") + findings(ctx, manifest)
    return f"{manifest.name} · {manifest.kind}", page(esc(manifest.name), body, subtitle=esc(manifest.kind))


def _capped_list(ctx, manifests: list, cap: int = 100) -> str:
    if not manifests:
        return ""
    items = "".join(f"<li>{ctx.ref(m)}</li>" for m in manifests[:cap])
    return f'<ul class="cg-refs">{items}</ul>' + more(len(manifests) - cap, None)


def manifest_page(ctx: PageContext, manifest) -> tuple[str, str]:
    """The page of one manifest, by kind."""
    if KINDS[manifest.kind].versioned:
        return version_page(ctx, manifest)
    renderer = {"Job": job_page, "Workspace": workspace_page, "Registry": registry_page}.get(manifest.kind, plain_page)
    return renderer(ctx, manifest)
