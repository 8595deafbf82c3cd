"""The home page: check status, counts per kind, the stage board, the latest promotions."""

from __future__ import annotations

from catgen.model import KINDS
from catgen.website import urls
from catgen.website.markup import badge, link, more, page, section, table
from catgen.website.pages.checks import check_status
from catgen.website.pages.context import PageContext
from catgen.website.pages.promotions import promoted_asset_cell, promotion_target_cell
from catgen.website.text import esc

BOARD_CAP = 20  # entries per stage column on the home page
LATEST_PROMOTIONS = 10


def home_page(ctx: PageContext) -> tuple[str, str]:
    site = ctx.site
    counts = [[link(ctx.href(urls.index_url(KINDS[k].plural)), esc(KINDS[k].plural.capitalize())), str(len(ms))]
              for k, ms in site.by_kind.items()]
    body = section("Check status", check_status(ctx))
    body += section("Catalog", table(["Kind", "Manifests"], counts))
    body += section("Stage board", _stage_board(ctx), anchor="stages")
    latest = site.promotions_in_date_order()[-LATEST_PROMOTIONS:][::-1]
    rows = [[esc(p.spec.get("date")), promoted_asset_cell(ctx, p), promotion_target_cell(p),
             esc(p.spec.get("requested_by")), ctx.ref(p, p.name)] for p in latest]
    headers = ["Date", "Asset", "To", "Requested by", "Promotion"]
    body += section("Latest promotions", table(headers, rows) if rows else "<p>No promotions yet.</p>")
    body += (f'<p>{link(ctx.href("catalog.json"), "catalog.json")} — the whole catalog and lineage graph, '
             f'machine-readable. {link(ctx.href("status/"), "Status")}: what served where, now or at any past date. '
             f'{link(ctx.href("audit/"), "Audit trail")}.</p>')
    return "Home", page("Catalog", body)


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
    return f'<div class="cg-board">{"".join(_stage_column(ctx, stage, columns[stage]) for stage in stages)}</div>'


def _stage_column(ctx, stage: str, models: list) -> str:
    """One stage's models by creation date, newest first, capped with a link to the model index."""
    models = sorted(models, key=lambda m: (m.metadata.get("created") is None, str(m.metadata.get("created"))),
                    reverse=True)
    items = "".join(f"<li>{ctx.ref(m, f'{m.name} {m.version}')}{_deployed_in(ctx, m)}</li>" for m in models[:BOARD_CAP])
    return (f'<div class="cg-stage-column"><h3>{badge(stage, "cg-stage")}</h3><ul>{items or "<li>—</li>"}</ul>'
            f'{more(len(models) - BOARD_CAP, ctx.href("models/"))}</div>')


def _deployed_in(ctx, model) -> str:
    places = []
    for deployment in ctx.site.deployments_of(model):
        workspace = ctx.site.deployment_workspace(deployment)
        where = f" ({esc(workspace.name)})" if workspace is not None else ""
        places.append(ctx.ref(deployment, deployment.name) + where)
    return f' <span class="cg-deployed">deployed: {", ".join(places)}</span>' if places else ""
