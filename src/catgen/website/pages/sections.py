"""Sections every manifest page shares: header, fields, lineage, findings, reference lists."""

from __future__ import annotations

import numbers

from catgen.graph.neighbourhood import neighbourhood
from catgen.website.graphics.lineage import lineage_svg
from catgen.website.markup import badge, dl, level_badge, link, more, section, table
from catgen.website.pages.context import PageContext
from catgen.website.text import description_html, esc

LINEAGE_HOPS = 2
LINEAGE_CAP = 12
LINEAGE_LIST_CAP = 50  # rows of each lineage list before "+N more"
FINDING_HEADERS = ["Level", "Rule", "Name", "Line", "Message", "Subject"]


def header(ctx: PageContext, manifest) -> str:
    meta = manifest.metadata
    pairs = [("Kind", esc(manifest.kind)), ("File", f"<code>{esc(manifest.relpath)}</code>")]
    if meta.get("owner") is not None:
        pairs.append(("Owner", esc(meta.get("owner"))))
    if isinstance(meta.get("tags"), dict) and meta["tags"]:
        tags = sorted(meta["tags"].items(), key=lambda kv: str(kv[0]))
        pairs.append(("Tags", " ".join(badge(f"{k}: {v}", "cg-tag") for k, v in tags)))
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
    parts = ([level_badge("error") + f" {errors}"] if errors else [])
    parts += [level_badge("warning") + f" {warnings}"] if warnings else []
    return link("#findings", " ".join(parts))


def fields(ctx: PageContext, manifest) -> str:
    """Every field of the manifest as nested definition lists; references as links."""
    refs = {ref.path: ref for ref in manifest.refs}
    return f'<div class="cg-data">{_value(ctx, manifest.data, (), refs)}</div>'


def fields_section(ctx: PageContext, manifest) -> str:
    return section("Fields", fields(ctx, manifest), anchor="fields")


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


def lineage_section(ctx: PageContext, manifest) -> str:
    """The lineage picture of ``manifest``'s neighbourhood, then its links listed both ways."""
    graph = ctx.site.graph
    up = sorted(graph.out_edges(manifest), key=lambda e: (e.type, e.ref.field))
    down = sorted(graph.in_edges(manifest), key=lambda e: (e.type, e.source.relpath))
    up_rows = [[esc(e.type), f"<code>{esc(e.ref.field)}</code>", ctx.ref(e.target)] for e in up]
    down_rows = [[esc(e.type), ctx.ref(e.source)] for e in down[:LINEAGE_LIST_CAP]]
    up_table = table(["Relation", "Field", "Manifest"], up_rows, cls="cg-lineage-up") if up_rows else ""
    down_table = table(["Relation", "Manifest"], down_rows, cls="cg-lineage-down") if down_rows else ""
    body = _lineage_picture(ctx, manifest)
    body += section("Upstream", up_table)
    body += section("Downstream", (down_table + more(len(down) - LINEAGE_LIST_CAP, None)) if down_rows else "")
    return section("Lineage", body or "<p>No lineage.</p>", anchor="lineage")


def _lineage_picture(ctx, manifest) -> str:
    hood = neighbourhood(ctx.site.graph, manifest, hops=LINEAGE_HOPS, cap=LINEAGE_CAP)
    picture = lineage_svg(hood, lambda m: _lineage_link(ctx, m), title=f"Lineage of {manifest.ref}")
    return f'<div class="cg-lineage-svg">{picture}</div>'


def _lineage_link(ctx, manifest) -> str:
    """Where a lineage node links to: its page, or /checks/ for a manifest without one."""
    target = ctx.site.url(manifest)
    return ctx.href(target if target is not None else "checks/")


def findings(ctx: PageContext, manifest) -> str:
    found = ctx.site.findings_of(manifest)
    if not found:
        return section("Findings", '<p class="cg-ok">No findings.</p>', anchor="findings")
    return section("Findings", table(FINDING_HEADERS, [finding_row(ctx, f) for f in found]), anchor="findings")


def finding_row(ctx: PageContext, finding) -> list[str]:
    f = finding
    return [level_badge(f.level), ctx.rule_link(f.code), esc(f.name), f"{f.line}:{f.column}", esc(f.message),
            esc(f.subject)]


def ref_field(ctx, manifest, field: str) -> str:
    """The link of reference ``spec.<field>`` (the text when it resolves to nothing), or a dash."""
    for ref in manifest.refs:
        if ref.path == ("spec", field):
            return ctx.ref(ref.target) if ref.target is not None else f"<code>{esc(ref.text)}</code>"
    return "—"


def capped_list(ctx, manifests: list, cap: int = 100) -> str:
    if not manifests:
        return ""
    items = "".join(f"<li>{ctx.ref(m)}</li>" for m in manifests[:cap])
    return f'<ul class="cg-refs">{items}</ul>' + more(len(manifests) - cap, None)


def metric_number(value):
    """``value`` when it is a real number (a bool is not), else None: what charts and differences use."""
    return value if isinstance(value, numbers.Real) and not isinstance(value, bool) else None
