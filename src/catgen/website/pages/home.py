"""The home page: check status, counts per kind, the stage board, the latest promotions.

The board and the latest promotions are "as of" the build's day (its date only, so two builds
of one day stay byte-identical; with ``SOURCE_DATE_EPOCH`` that moment's day): a promotion dated
after now is never counted in a stage nor listed as done; both show it under "Pending".
"""

from __future__ import annotations

from catgen.model import KINDS
from catgen.website import urls
from catgen.website.markup import badge, link, more, page, section, table
from catgen.website.pages.checks import check_status
from catgen.website.pages.context import PageContext
from catgen.website.pages.marks import mark_html
from catgen.website.pages.promotions import promoted_asset_cell, promotion_target_cell
from catgen.website.sitemodel import IN_FORCE, PENDING
from catgen.website.text import esc

BOARD_CAP = 20  # entries per stage column on the home page
LATEST_PROMOTIONS = 10


def home_page(ctx: PageContext) -> tuple[str, str]:
    site = ctx.site
    counts = [[link(ctx.href(urls.index_url(KINDS[k].plural)), esc(KINDS[k].plural.capitalize())), str(len(ms))]
              for k, ms in site.by_kind.items()]
    body = section("Check status", check_status(ctx))
    body += section("Catalog", table(["Kind", "Manifests"], counts))
    body += section("Stage board", _as_of(site) + _stage_board(ctx), anchor="stages")
    promotions = site.promotions_in_date_order()
    done = [p for p in promotions if not site.is_pending(p)]
    pending = [p for p in promotions if site.is_pending(p)]
    body += section("Latest promotions", _promotion_table(ctx, done[-LATEST_PROMOTIONS:][::-1]) or
                    "<p>No promotions yet.</p>", anchor="latest-promotions")
    body += section("Pending promotions", (f'<p class="cg-pending-note">Dated after {site.day()}: not in force '
                                          "yet, so in no stage above.</p>" + _promotion_table(ctx, pending))
                    if pending else "", anchor="pending-promotions")
    body += (f'<p>{link(ctx.href("catalog.json"), "catalog.json")} — the whole catalog and lineage graph, '
             f'machine-readable. {link(ctx.href("status/"), "Status")}: what served where, now or at any past date. '
             f'{link(ctx.href("audit/"), "Audit trail")}.</p>')
    return "Home", page("Catalog", body)


def _as_of(site) -> str:
    return (f'<p class="cg-as-of">As of <time datetime="{site.day()}">{site.day()}</time> (UTC), the day of the '
            "build: promotions dated after the build are listed as pending, never counted in a stage.</p>")


def _promotion_table(ctx, promotions: list) -> str:
    rows = [[esc(p.spec.get("date")), promoted_asset_cell(ctx, p), promotion_target_cell(p, ctx),
             esc(p.spec.get("requested_by")), ctx.ref(p, p.name)] for p in promotions]
    return table(["Date", "Asset", "To", "Requested by", "Promotion"], rows) if rows else ""


def _stage_board(ctx) -> str:
    """Model versions by the furthest stage they are in now, with where they are deployed; then pending ones."""
    site = ctx.site
    stages = site.policy.stage_names
    if not stages:
        return "<p>The policy defines no stages.</p>"
    columns = {s: [] for s in stages}
    pending = []
    for model in site.by_kind["Model"]:
        marks = site.stage_marks(model)
        reached = [m for m in marks if m.reached and m.stage in columns]
        if reached:
            furthest = max(reached, key=lambda m: site.policy.position(m.stage))
            columns[furthest.stage].append((model, furthest))
        pending += [(model, m) for m in marks if m.state == PENDING]
    board = "".join(_stage_column(ctx, stage, columns[stage]) for stage in stages)
    items = "".join(f"<li>{ctx.ref(m, f'{m.name} {m.version}')} {mark_html(ctx, mark, m)}</li>" for m, mark in pending)
    waiting = f'<h3>Pending</h3><ul class="cg-board-pending">{items}</ul>' if items else ""
    return f'<div class="cg-board">{board}</div>{waiting}'


def _stage_column(ctx, stage: str, entries: list) -> str:
    """One stage's models by creation date, newest first, capped with a link to the model index.

    A model in the stage with error findings carries its "with errors" mark.
    """
    created = {m: ctx.site.created(m) for m, _mark in entries}
    entries = sorted(entries, key=lambda e: (created[e[0]] is None, str(created[e[0]])), reverse=True)
    items = "".join(f"<li>{ctx.ref(m, f'{m.name} {m.version}')}{_marked(ctx, m, mark)}{_deployed_in(ctx, m)}</li>"
                    for m, mark in entries[:BOARD_CAP])
    return (f'<div class="cg-stage-column"><h3>{badge(stage, "cg-stage")}</h3><ul>{items or "<li>—</li>"}</ul>'
            f'{more(len(entries) - BOARD_CAP, ctx.href("models/"))}</div>')


def _marked(ctx, model, mark) -> str:
    return " " + mark_html(ctx, mark, model) if mark.state != IN_FORCE else ""


def _deployed_in(ctx, model) -> str:
    places = []
    for deployment in ctx.site.deployments_of(model):
        workspace = ctx.site.deployment_workspace(deployment)
        where = f" ({esc(workspace.name)})" if workspace is not None else ""
        places.append(ctx.ref(deployment, deployment.name) + where)
    return f' <span class="cg-deployed">deployed: {", ".join(places)}</span>' if places else ""
