"""Pages about the whole catalog: home, kind indexes, audit trail, checks, search."""

from __future__ import annotations

import re

from catgen.model import KINDS
from catgen.website import urls
from catgen.website.markup import badge, level_badge, link, more, page, section, table
from catgen.website.pages import PageContext
from catgen.website.text import esc

BOARD_CAP = 20  # entries per stage column on the home page
LATEST_PROMOTIONS = 10
SUMMARY_CHARS = 120


def home_page(ctx: PageContext) -> tuple[str, str]:
    site = ctx.site
    counts = [[link(ctx.href(urls.index_url(KINDS[k].plural)), esc(KINDS[k].plural.capitalize())), str(len(ms))] for k, ms in site.by_kind.items()]
    body = section("Check status", _check_status(ctx))
    body += section("Catalog", table(["Kind", "Manifests"], counts))
    body += section("Stage board", _stage_board(ctx), anchor="stages")
    latest = site.promotions_in_date_order()[-LATEST_PROMOTIONS:][::-1]
    rows = [[esc(p.spec.get("date")), _asset_cell(ctx, p), _target_cell(p), esc(p.spec.get("requested_by")), ctx.ref(p, p.name)] for p in latest]
    body += section("Latest promotions", table(["Date", "Asset", "To", "Requested by", "Promotion"], rows) if rows else "<p>No promotions yet.</p>")
    body += f'<p>{link(ctx.href("catalog.json"), "catalog.json")} — the whole catalog and lineage graph, machine-readable. {link(ctx.href("audit/"), "Audit trail")}.</p>'
    return "Home", page("Catalog", body)


def _check_status(ctx) -> str:
    result = ctx.site.result
    status = level_badge("error") + f" {result.errors} errors" if result.errors else badge("passing", "cg-level-ok")
    return f'<p class="cg-check-status">{status}, {result.warnings} warnings, {len(result.waived)} waived — {link(ctx.href("checks/"), "all findings")}</p>'


def _stage_board(ctx) -> str:
    """Model versions by the furthest stage they reached, with where they are deployed."""
    site = ctx.site
    stages = [s.name for s in site.policy.stages]
    if not stages:
        return "<p>The policy defines no stages.</p>"
    columns = {s: [] for s in stages}
    for model in site.by_kind["Model"]:
        reached = [s for s in site.stages(model) if s in columns]
        if reached:
            columns[max(reached, key=stages.index)].append(model)
    cells = []
    for stage in stages:
        models = sorted(columns[stage], key=lambda m: (m.metadata.get("created") is None, str(m.metadata.get("created"))), reverse=True)
        items = "".join(f"<li>{ctx.ref(m, f'{m.name} {m.version}')}{_deployed_in(ctx, m)}</li>" for m in models[:BOARD_CAP])
        cells.append(f'<div class="cg-stage-column"><h3>{badge(stage, "cg-stage")}</h3><ul>{items or "<li>—</li>"}</ul>{more(len(models) - BOARD_CAP, ctx.href("models/"))}</div>')
    return f'<div class="cg-board">{"".join(cells)}</div>'


def _deployed_in(ctx, model) -> str:
    places = []
    for deployment in ctx.site.deployments_of(model):
        workspace = ctx.site.deployment_workspace(deployment)
        places.append(ctx.ref(deployment, deployment.name) + (f" ({esc(workspace.name)})" if workspace is not None else ""))
    return f' <span class="cg-deployed">deployed: {", ".join(places)}</span>' if places else ""


def _asset_cell(ctx, promotion) -> str:
    asset = ctx.site.graph.target(promotion, "promotes")
    return ctx.ref(asset) if asset is not None else f"<code>{esc(promotion.spec.get('asset'))}</code>"


def _target_cell(promotion) -> str:
    spec = promotion.spec
    return badge(str(spec["stage"]), "cg-stage") if "stage" in spec else f"registry <code>{esc(spec.get('registry'))}</code>"


# -- kind indexes --------------------------------------------------------------


def index_pages(site, kind: str):
    """``(url, title, html)`` for each page of one kind's index."""
    plural = KINDS[kind].plural
    manifests = site.by_kind[kind]
    pages = max(1, -(-len(manifests) // urls.PAGE_SIZE))
    for number in range(1, pages + 1):
        url = urls.index_url(plural, number)
        ctx = PageContext(site, url)
        chunk = manifests[(number - 1) * urls.PAGE_SIZE: number * urls.PAGE_SIZE]
        headers, rows = _index_rows(ctx, kind, chunk)
        body = _pager(ctx, plural, number, pages)
        body += '<p class="cg-filter-hint">Filter and sort this page with the box and column headers.</p>'
        body += table(headers, rows, cls="cg-sortable cg-filterable") if rows else "<p>None yet.</p>"
        body += _pager(ctx, plural, number, pages)
        suffix = f" (page {number} of {pages})" if pages > 1 else ""
        yield url, f"{plural.capitalize()}{suffix}", page(esc(plural.capitalize()) + esc(suffix), body, subtitle=f"{len(manifests)} {esc(kind)} manifests")


def _pager(ctx, plural: str, number: int, pages: int) -> str:
    if pages == 1:
        return ""
    links = [f"<strong>{n}</strong>" if n == number else link(ctx.href(urls.index_url(plural, n)), str(n)) for n in range(1, pages + 1)]
    return f'<nav class="cg-pager" aria-label="pages">{" ".join(links)}</nav>'


def _index_rows(ctx, kind: str, manifests: list) -> tuple[list, list]:
    versioned = KINDS[kind].versioned
    headers = ["Name"] + (["Version", "Stages"] if versioned else []) + [_extra_header(kind), "Owner", "Tags", "Description", "Findings"]
    rows = []
    for m in manifests:
        name = link(ctx.href(urls.asset_url(kind, m.name)), esc(m.name)) if versioned else ctx.ref(m, m.name)
        row = [name] + ([ctx.ref(m, m.version), ctx.stage_badges(m)] if versioned else [])
        tags = m.metadata.get("tags")
        row += [_extra_cell(ctx, m), esc(m.metadata.get("owner")), esc(", ".join(f"{k}: {v}" for k, v in tags.items())) if isinstance(tags, dict) else "",
                esc(summary_text(m.metadata.get("description"))), str(len(ctx.site.findings_of(m))) if ctx.site.findings_of(m) else ""]
        rows.append(row)
    return headers, rows


_EXTRA = {"Model": ("Type", "type"), "Environment": ("Image", "image"), "Component": ("Type", "type"), "Data": ("Classification", "classification"),
          "Job": ("Status", "status"), "Promotion": ("To", "stage"), "Deployment": ("Endpoint", "endpoint"), "Workspace": ("Stage", "stage"),
          "Registry": ("Location", "location")}


def _extra_header(kind: str) -> str:
    return _EXTRA[kind][0]


def _extra_cell(ctx, manifest) -> str:
    if manifest.kind == "Promotion":
        return _target_cell(manifest)
    return esc(manifest.spec.get(_EXTRA[manifest.kind][1]))


def summary_text(description) -> str:
    """The first sentence-ish of a description, as plain text (Markdown marks dropped)."""
    if not isinstance(description, str):
        return ""
    text = re.sub(r"[`*_#>\[\]]", "", " ".join(description.split()))
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


# -- audit, checks, search ---------------------------------------------------


def audit_page(ctx: PageContext) -> tuple[str, str]:
    """Every promotion request and approval, oldest first, filterable by stage and asset."""
    events = []
    for promotion in ctx.site.by_kind["Promotion"]:
        spec = promotion.spec
        target = str(spec["stage"]) if "stage" in spec else f"registry:{spec.get('registry')}"
        asset = str(spec.get("asset"))
        events.append((str(spec.get("date")), 0, "requested", spec.get("requested_by"), "", promotion, target, asset))
        for approval in spec.get("approvals") or []:
            if isinstance(approval, dict):
                events.append((str(approval.get("at")), 1, "approved", approval.get("by"), approval.get("comment"), promotion, target, asset))
    events.sort(key=lambda e: (e[0], e[1], e[5].name))
    rows = [[esc(e[0]), esc(e[2]), _asset_cell(ctx, e[5]), _target_cell(e[5]), esc(e[3]), esc(e[4]), ctx.ref(e[5], e[5].name)] for e in events]
    attrs = [f'data-stage="{esc(e[6])}" data-asset="{esc(e[7])}"' for e in events]
    stages = sorted({e[6] for e in events})
    options = "".join(f'<option value="{esc(s)}">{esc(s)}</option>' for s in stages)
    controls = (f'<form class="cg-audit-filter" hidden><label>Stage <select name="stage"><option value="">any</option>{options}</select></label> '
                '<label>Asset <input name="asset" type="search" placeholder="model:credit-risk"></label></form>')
    body = controls + (table(["Date", "Event", "Asset", "To", "Who", "Comment", "Promotion"], rows, cls="cg-audit cg-sortable", row_attrs=attrs) if rows else "<p>No promotions.</p>")
    return "Audit trail", page("Audit trail", body, subtitle=f"{len(events)} events: every promotion request and approval in date order")


def checks_page(ctx: PageContext) -> tuple[str, str]:
    """Every current finding, grouped by file, linked to the page of the manifest."""
    site = ctx.site
    by_path = {m.path: m for m in site.catalog.manifests}
    groups: dict = {}
    for finding in site.result.findings:
        groups.setdefault(finding.path, []).append(finding)
    body = _check_status(ctx).replace(link(ctx.href("checks/"), "all findings"), "findings by file below")
    for path in sorted(groups):
        manifest = by_path.get(path)
        shown = manifest.relpath if manifest is not None else path
        heading = f"<code>{esc(shown)}</code>" + (f" — {ctx.ref(manifest)}" if manifest is not None and site.url(manifest) else "")
        rows = [[level_badge(f.level), ctx.rule_link(f.code), esc(f.name), f"{f.line}:{f.column}", esc(f.message), esc(f.subject)] for f in groups[path]]
        body += f'<h2 class="cg-file">{heading}</h2>' + table(["Level", "Rule", "Name", "Line", "Message", "Subject"], rows)
    if site.result.waived:
        rows = [[esc(by_path[f.path].relpath if f.path in by_path else f.path), ctx.rule_link(f.code), esc(f.subject), esc(f.waived_by)] for f in site.result.waived]
        body += section("Waived by policy exceptions", table(["File", "Rule", "Subject", "Reason"], rows))
    if not groups:
        body += '<p class="cg-ok">No findings.</p>'
    return "Checks", page("Checks", body, subtitle="The current findings of catgen check")


def search_page(ctx: PageContext) -> tuple[str, str]:
    form = ('<form class="cg-search-form" action="./" method="get" role="search">'
            '<input type="search" name="q" placeholder="Search by name, tag, owner or description" aria-label="Search" autocomplete="off">'
            '<button type="submit">Search</button></form><div class="cg-search-results" aria-live="polite"></div>'
            '<noscript><p>Search needs JavaScript; the indexes list every manifest.</p></noscript>')
    return "Search", page("Search", form)
