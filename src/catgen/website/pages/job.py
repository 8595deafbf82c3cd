"""The job page: its run, and its parameters, inputs and metrics compared with its baseline job.

Every chart comes with a table, so the numbers are readable without SVG or
JavaScript.
"""

from __future__ import annotations

from catgen.website.graphics.charts import compare_bars_svg
from catgen.website.markup import badge, dl, page, section, table
from catgen.website.pages.context import PageContext
from catgen.website.pages.sections import (
    code_html, fields_section, findings, header, lineage_section, metric_number, ref_field,
)
from catgen.website.text import esc, uri_html


def job_page(ctx: PageContext, job) -> tuple[str, str]:
    spec = job.spec
    baseline = ctx.site.graph.target(job, "baseline")
    status = badge(str(spec.get("status")), f"cg-status-{esc(spec.get('status'))}")
    summary = [("Status", status), ("Workspace", ref_field(ctx, job, "workspace")),
               ("Started", esc(spec.get("started"))), ("Ended", esc(spec.get("ended"))),
               ("Code", code_html(job_code(ctx, job))),
               ("Logs", uri_html(spec.get("logs")) if spec.get("logs") is not None else "—")]
    if baseline is not None:
        summary.append(("Baseline", ctx.ref(baseline)))
    made = [e.source for e in ctx.site.graph.in_edges(job, {"trained_by", "produced_by"})]
    if made:
        summary.append(("Produced", ", ".join(ctx.ref(m) for m in sorted(made, key=lambda m: m.relpath))))
    body = header(ctx, job) + dl(summary)
    title = "Compared with the baseline" if baseline else "Parameters and metrics"
    body += section(title, job_comparison(ctx, job, baseline), anchor="comparison")
    body += lineage_section(ctx, job) + fields_section(ctx, job) + findings(ctx, job)
    return f"{job.name} · Job", page(esc(job.name), body, subtitle="Job")


def job_code(ctx, job):
    """The code a job ran: its own ``code``, else its component's."""
    code = job.spec.get("code")
    if isinstance(code, dict):
        return code
    component = ctx.site.graph.target(job, "runs_component")
    return component.spec.get("code") if component is not None else None


def job_comparison(ctx, job, baseline) -> str:
    """Parameters and metrics of ``job`` next to its baseline's; differences highlighted."""
    body = _inputs_comparison(ctx, job, baseline)
    for field in ("parameters", "metrics"):
        mine = _mapping(job, field)
        theirs = _mapping(baseline, field) if baseline is not None else {}
        if not mine and not theirs:
            continue
        body += f"<h3>{field.capitalize()}</h3>" + _comparison_table(job, baseline, mine, theirs)
        if field == "metrics" and baseline is not None:
            body += _compare_chart(job, baseline, mine, theirs)
    return body or "<p>No parameters or metrics.</p>"


def _inputs_comparison(ctx, job, baseline) -> str:
    """The data each run trained on, with its classification: sample vs production at a glance."""
    mine, theirs = _inputs(ctx, job), _inputs(ctx, baseline) if baseline is not None else {}
    if not mine and not theirs:
        return ""
    headers = ["Input", esc(job.name)] + ([esc(baseline.name)] if baseline is not None else [])
    rows, attrs = [], []
    for name in sorted(set(mine) | set(theirs), key=str):
        row = [f"<code>{esc(name)}</code>", input_cell(ctx, mine.get(name))]
        if baseline is not None:
            row.append(input_cell(ctx, theirs.get(name)))
        rows.append(row)
        attrs.append('class="cg-diff"' if baseline is not None and mine.get(name) is not theirs.get(name) else "")
    return "<h3>Inputs</h3>" + table(headers, rows, cls="cg-compare", row_attrs=attrs)


def _inputs(ctx, job) -> dict:
    return {e.ref.path[-1]: e.target for e in ctx.site.graph.out_edges(job, {"uses_data", "uses_model"})}


def input_cell(ctx, target) -> str:
    """A job input's link, with the data's classification (sample, production, ...)."""
    if target is None:
        return "—"
    classification = target.spec.get("classification") if target.kind == "Data" else None
    return ctx.ref(target) + (f" ({esc(classification)})" if classification else "")


def _mapping(manifest, field: str) -> dict:
    value = manifest.spec.get(field)
    return value if isinstance(value, dict) else {}


def _comparison_table(job, baseline, mine: dict, theirs: dict) -> str:
    names = sorted(set(mine) | set(theirs), key=str)
    headers = ["Name", esc(job.name)] + ([esc(baseline.name), "Difference"] if baseline is not None else [])
    rows, attrs = [], []
    for name in names:
        a, b = mine.get(name), theirs.get(name)
        row = [f"<code>{esc(name)}</code>", esc(a if name in mine else "—")]
        if baseline is not None:
            row += [esc(b if name in theirs else "—"), _difference(a, b)]
        rows.append(row)
        differs = baseline is not None and (name not in mine or name not in theirs or a != b)
        attrs.append('class="cg-diff"' if differs else "")
    return table(headers, rows, cls="cg-compare", row_attrs=attrs)


def _difference(a, b) -> str:
    x, y = metric_number(a), metric_number(b)
    if x is not None and y is not None:
        delta = x - y
        return esc(f"{delta:+.6g}") if delta else "="
    return "=" if a == b else "≠"


def _compare_chart(job, baseline, mine: dict, theirs: dict) -> str:
    names = sorted(set(mine) | set(theirs), key=str)
    rows = [(str(n), metric_number(mine.get(n)), metric_number(theirs.get(n))) for n in names]
    rows = [r for r in rows if r[1] is not None or r[2] is not None]
    if not rows:
        return ""
    svg = compare_bars_svg("Metrics vs baseline", rows, label_a=str(job.name), label_b=str(baseline.name))
    return f'<figure class="cg-chart">{svg}</figure>'
