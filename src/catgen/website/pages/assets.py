"""Versioned assets (models, environments, components, data): the asset page and each version's page.

The asset page charts every metric of the versions' training jobs, with a
table of the same numbers next to the charts.
"""

from __future__ import annotations

from catgen.history.report import stamp
from catgen.website import urls
from catgen.website.graphics.charts import line_chart_svg
from catgen.website.markup import dl, link, page, section, table
from catgen.website.pages.context import PageContext
from catgen.website.pages.job import input_cell, job_code
from catgen.website.pages.promotions import promotion_timeline
from catgen.website.pages.sections import code_html, fields_section, findings, header, lineage_section, metric_number
from catgen.website.text import esc, uri_html

VERSION_HEADERS = ["Version", "Created", "Stages", "Home", "Registries", "Deployed as"]


def asset_page(ctx: PageContext, kind: str, name: str, versions: list) -> tuple[str, str]:
    site = ctx.site
    rows = []
    for v in reversed(versions):  # newest first
        home = site.graph.home(v)
        deployed = site.deployments_of(v) if kind == "Model" else []
        rows.append([
            ctx.ref(v, v.version), esc(v.metadata.get("created")), ctx.stage_badges(v),
            ctx.ref(home[1]) if home else "—",
            ", ".join(ctx.ref(r) for r in site.graph.registries(v)) or "—",
            ", ".join(ctx.ref(d, d.name) for d in deployed) or "—",
        ])
    latest = versions[-1]
    body = header(ctx, latest)
    body += section("Versions", table(VERSION_HEADERS, rows, cls="cg-sortable"), anchor="versions")
    body += section("Metrics across versions", metrics_across_versions(ctx, versions), anchor="metrics")
    subtitle = f"{esc(kind)} · {len(versions)} version{'s' if len(versions) != 1 else ''}"
    return f"{name} · {kind}", page(esc(name), body, subtitle=subtitle)


def metrics_across_versions(ctx, versions: list) -> str:
    """One chart per metric of the versions' training jobs, plus one table of all of them."""
    jobs = [ctx.site.training_job(v) for v in versions]
    metrics = [j.spec.get("metrics") if j is not None and isinstance(j.spec.get("metrics"), dict) else {} for j in jobs]
    names = sorted({name for m in metrics for name in m}, key=str)
    if not names:
        return ""
    drawn = ""
    for name in names:
        series = [(str(v.version), metric_number(m.get(name))) for v, m in zip(versions, metrics)]
        drawn += f'<figure class="cg-chart">{line_chart_svg(str(name), series, y_label=str(name))}</figure>'
    headers = ["Version", "Training job"] + [esc(n) for n in names]
    rows = [[ctx.ref(v, v.version), ctx.ref(j, j.name) if j is not None else "—"]
            + [esc(m.get(n, "—")) for n in names] for v, j, m in zip(versions, jobs, metrics)]
    return f'<div class="cg-charts">{drawn}</div>' + table(headers, rows, cls="cg-sortable cg-metrics")


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
    body = header(ctx, manifest) + dl(placement) + _training(ctx, manifest) + _metrics(ctx, manifest)
    body += _serving(ctx, manifest) if manifest.kind == "Model" else ""
    body += lineage_section(ctx, manifest) + promotion_timeline(ctx, manifest)
    body += fields_section(ctx, manifest) + findings(ctx, manifest)
    title = f"{manifest.name} {manifest.version}"
    heading = f"{asset_link} <small>version {esc(manifest.version)}</small>"
    return f"{title} · {manifest.kind}", page(heading, body, subtitle=esc(manifest.kind))


def _training(ctx, asset) -> str:
    """Where a model or data version came from: its job and that job's inputs, code and environment."""
    job = ctx.site.training_job(asset)
    if job is None:
        return ""
    graph = ctx.site.graph
    pairs = [("Made by job", ctx.ref(job)), ("Job status", esc(job.spec.get("status")))]
    component = graph.target(job, "runs_component")
    environments = [graph.target(job, "uses_environment")]
    environments += [graph.target(component, "uses_environment")] if component is not None else []
    inputs = sorted(graph.out_edges(job, {"uses_data", "uses_model"}), key=lambda e: e.ref.field)
    named_inputs = [f"<code>{esc(e.ref.path[-1])}</code>: {input_cell(ctx, e.target)}" for e in inputs]
    pairs.append(("Inputs", ", ".join(named_inputs) or "—"))
    pairs.append(("Component", ctx.ref(component) if component is not None else "—"))
    used = dict.fromkeys(e for e in environments if e is not None)
    pairs.append(("Environments", ", ".join(ctx.ref(e) for e in used) or "—"))
    pairs.append(("Code", code_html(job_code(ctx, job))))
    pairs.append(("Logs", uri_html(job.spec.get("logs")) if job.spec.get("logs") is not None else "—"))
    baseline = graph.target(job, "baseline")
    if baseline is not None:
        pairs.append(("Baseline job", ctx.ref(baseline)))
    return section("Training", dl(pairs), anchor="training")


def _metrics(ctx, asset) -> str:
    """The training job's metrics next to its baseline job's, with the policy's gates on each."""
    job = ctx.site.training_job(asset)
    mine = job.spec.get("metrics") if job is not None else None
    if not isinstance(mine, dict) or not mine:
        return ""
    baseline = ctx.site.graph.target(job, "baseline")
    theirs = baseline.spec.get("metrics") if baseline is not None else None
    theirs = theirs if isinstance(theirs, dict) else {}
    headers = ["Metric", "This version"] + ([f"Baseline {ctx.ref(baseline, baseline.name)}", "Difference"]
                                            if baseline is not None else []) + ["Policy gates"]
    rows = []
    for name in sorted(mine, key=str):
        a, b = metric_number(mine[name]), metric_number(theirs.get(name))
        row = [f"<code>{esc(name)}</code>", esc(mine[name])]
        if baseline is not None:
            row += [esc(theirs.get(name, "—")), esc(f"{a - b:+.6g}") if a is not None and b is not None else "—"]
        rows.append(row + [esc("; ".join(_gates_on(ctx.site.policy, name))) or "—"])
    return section("Metrics", table(headers, rows, cls="cg-version-metrics"), anchor="version-metrics")


def _gates_on(policy, metric) -> list[str]:
    """Each stage's bounds and allowed regression for ``metric`` (``min``/``max`` inclusive)."""
    found = []
    for stage in policy.stages:
        gate = stage.gate
        bounds = gate.metrics.get(metric) if gate is not None else None
        if isinstance(bounds, dict):
            limits = [f"{sign} {bounds[key]}" for key, sign in (("min", "≥"), ("max", "≤")) if key in bounds]
            found.append(f"{stage.name}: {' and '.join(limits)}")
        if gate is not None and metric in gate.max_regression:
            found.append(f"{stage.name}: regression ≤ {gate.max_regression[metric]} against the baseline")
    return found


SERVING_HEADERS = ["Deployment", "Endpoint", "From", "Until"]


def _serving(ctx, model) -> str:
    """Where and when the model has served: each committed run of a deployment on it (git history)."""
    spells = ctx.site.serving_spells(model)
    if not spells:
        return ""
    pages = {d.relpath: d for d in ctx.site.by_kind.get("Deployment", [])}
    rows = []
    for relpath, name, spec, start, until in sorted(spells, key=lambda s: (s[3], s[0])):
        deployment = pages.get(relpath)
        label = ctx.ref(deployment, deployment.name) if deployment is not None else esc(name or relpath)
        rows.append([label, esc(spec.get("endpoint")) or "—", esc(stamp(start)), esc(stamp(until)) or "now"])
    return section("Serving history", table(SERVING_HEADERS, rows, cls="cg-serving"), anchor="serving")
