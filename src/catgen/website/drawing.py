"""Where pages meet the drawings: lineage SVG and metric charts.

The drawing functions live in ``catgen.website.svg`` and ``catgen.website.charts``.
Every chart comes with a table, so the numbers are readable without SVG or
JavaScript.
"""

from __future__ import annotations

import numbers

from catgen.website import charts, svg
from catgen.website.markup import table
from catgen.website.text import esc

LINEAGE_HOPS = 2
LINEAGE_CAP = 12


def lineage(ctx, manifest) -> str:
    """The bounded neighbourhood of ``manifest`` as inline SVG."""
    hood = svg.neighbourhood(ctx.site.graph, manifest, hops=LINEAGE_HOPS, cap=LINEAGE_CAP)
    return f'<div class="cg-lineage-svg">{svg.lineage_svg(hood, lambda m: _url_for(ctx, m), title=f"Lineage of {manifest.ref}")}</div>'


def _url_for(ctx, manifest) -> str:
    """Where a lineage node links to: its page, or /checks/ for a manifest without one."""
    target = ctx.site.url(manifest)
    return ctx.href(target if target is not None else "checks/")


def _number(value):
    return value if isinstance(value, numbers.Real) and not isinstance(value, bool) else None


def metrics_across_versions(ctx, versions: list) -> str:
    """One chart per metric of the versions' training jobs, plus one table of all of them."""
    jobs = [ctx.site.training_job(v) for v in versions]
    metrics = [j.spec.get("metrics") if j is not None and isinstance(j.spec.get("metrics"), dict) else {} for j in jobs]
    names = sorted({name for m in metrics for name in m}, key=str)
    if not names:
        return ""
    drawn = ""
    for name in names:
        series = [(str(v.version), _number(m.get(name))) for v, m in zip(versions, metrics)]
        drawn += f'<figure class="cg-chart">{charts.line_chart_svg(str(name), series, y_label=str(name))}</figure>'
    headers = ["Version", "Training job"] + [esc(n) for n in names]
    rows = [[ctx.ref(v, v.version), ctx.ref(j, j.name) if j is not None else "—"] + [esc(m.get(n, "—")) for n in names] for v, j, m in zip(versions, jobs, metrics)]
    return f'<div class="cg-charts">{drawn}</div>' + table(headers, rows, cls="cg-sortable cg-metrics")


def job_comparison(ctx, job, baseline) -> str:
    """Parameters and metrics of ``job`` next to its baseline's; differences highlighted."""
    body = _inputs_comparison(ctx, job, baseline)
    for field in ("parameters", "metrics"):
        mine = _mapping(job, field)
        theirs = _mapping(baseline, field) if baseline is not None else {}
        if not mine and not theirs:
            continue
        body += f"<h3>{field.capitalize()}</h3>" + _comparison_table(ctx, job, baseline, mine, theirs)
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
        row = [f"<code>{esc(name)}</code>", _input_cell(ctx, mine.get(name))]
        if baseline is not None:
            row.append(_input_cell(ctx, theirs.get(name)))
        rows.append(row)
        attrs.append('class="cg-diff"' if baseline is not None and mine.get(name) is not theirs.get(name) else "")
    return "<h3>Inputs</h3>" + table(headers, rows, cls="cg-compare", row_attrs=attrs)


def _inputs(ctx, job) -> dict:
    return {e.ref.path[-1]: e.target for e in ctx.site.graph.out_edges(job, {"uses_data", "uses_model"})}


def _input_cell(ctx, target) -> str:
    if target is None:
        return "—"
    classification = target.spec.get("classification") if target.kind == "Data" else None
    return ctx.ref(target) + (f" ({esc(classification)})" if classification else "")


def _mapping(manifest, field: str) -> dict:
    value = manifest.spec.get(field)
    return value if isinstance(value, dict) else {}


def _comparison_table(ctx, job, baseline, mine: dict, theirs: dict) -> str:
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
    x, y = _number(a), _number(b)
    if x is not None and y is not None:
        delta = x - y
        return esc(f"{delta:+.6g}") if delta else "="
    return "=" if a == b else "≠"


def _compare_chart(job, baseline, mine: dict, theirs: dict) -> str:
    rows = [(str(n), _number(mine.get(n)), _number(theirs.get(n))) for n in sorted(set(mine) | set(theirs), key=str)]
    rows = [r for r in rows if r[1] is not None or r[2] is not None]
    if not rows:
        return ""
    svg = charts.compare_bars_svg("Metrics vs baseline", rows, label_a=str(job.name), label_b=str(baseline.name))
    return f'<figure class="cg-chart">{svg}</figure>'

