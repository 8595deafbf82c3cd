"""Promotion pages, the promotion timeline of an asset, and the cells other pages show for a promotion."""

from __future__ import annotations

from bisect import bisect_left

from catgen.graph.lineage import event_order
from catgen.website.markup import badge, dl, link, page, section
from catgen.website.pages.context import PageContext
from catgen.website.pages.marks import event_mark_html, reason
from catgen.website.pages.sections import fields_section, findings, header, lineage_section, ref_field
from catgen.website.text import esc


AROUND = 50  # promotions of its asset a promotion page shows (as many as a page lists of other references)


def promotion_page(ctx: PageContext, promotion) -> tuple[str, str]:
    """What was promoted where and when, the asset's timeline about it, lineage, fields, findings."""
    spec = promotion.spec
    asset = ctx.site.graph.target(promotion, "promotes")
    mark = ctx.site.event_mark(promotion)
    summary = [("Asset", ctx.ref(asset) if asset else ref_field(ctx, promotion, "asset")),
               ("To", event_mark_html(ctx, promotion)),
               ("State", f'<span class="cg-mark-reason">{esc(mark.state)}: {esc(reason(ctx, mark))}</span>'),
               ("Date", esc(spec.get("date"))), ("Requested by", esc(spec.get("requested_by")))]
    body = header(ctx, promotion) + dl(summary)
    body += section("Timeline of the asset", promotion_timeline(ctx, asset, promotion)) if asset is not None else ""
    body += lineage_section(ctx, promotion) + fields_section(ctx, promotion) + findings(ctx, promotion)
    return f"{promotion.name} · {promotion.kind}", page(esc(promotion.name), body, subtitle=esc(promotion.kind))


def promotion_timeline(ctx: PageContext, asset, around=None) -> str:
    """The asset's promotions, oldest first; on the page of one of them (``around``), at most ``AROUND`` of them
    about it, and a link to the asset's page, which lists them all (every promotion page listing every other one
    made a site grow with the square of an asset's promotions: 4,000 took 3 minutes and 9 GB)."""
    promotions = ctx.site.graph.promotions(asset)
    shown, note = promotions, ""
    if around is not None and len(promotions) > AROUND:
        at = bisect_left(promotions, event_order(around), key=event_order)
        first = max(0, min(at - AROUND // 2, len(promotions) - AROUND))
        shown = promotions[first:first + AROUND]
        whole = link(ctx.href(ctx.site.url(asset)) + "#promotions" if ctx.site.url(asset) else None,
                     f"all {len(promotions):,} on the page of {esc(asset.ref)}")
        note = (f"<p>Promotions {first + 1:,} to {first + len(shown):,} of {len(promotions):,}, about this one; "
                f"{whole}.</p>\n")
    items = [_timeline_item(ctx, p) for p in shown]
    timeline = f'<ol class="cg-timeline">{"".join(items)}</ol>' if items else "<p>Never promoted.</p>"
    return section("Promotions", note + timeline, anchor="promotions")


def _timeline_item(ctx, promotion) -> str:
    spec = promotion.spec
    target = ("stage " if "stage" in spec else "") + event_mark_html(ctx, promotion)
    approvals = [a for a in spec.get("approvals") or [] if isinstance(a, dict)]
    approved = "".join(_approval_item(a) for a in approvals)
    return (
        f'<li><span class="cg-date">{esc(spec.get("date"))}</span> {ctx.ref(promotion, promotion.name)}: to {target}, '
        f"requested by {esc(spec.get('requested_by'))}<ul>{approved or '<li>no approvals</li>'}</ul></li>"
    )


def _approval_item(approval: dict) -> str:
    comment = " — " + esc(approval.get("comment")) if approval.get("comment") else ""
    return f"<li>approved by {esc(approval.get('by'))} at {esc(approval.get('at'))}{comment}</li>"


def promoted_asset_cell(ctx, promotion) -> str:
    """The promoted asset's link, or the reference as written when it resolves to nothing."""
    asset = ctx.site.graph.target(promotion, "promotes")
    return ctx.ref(asset) if asset is not None else f"<code>{esc(promotion.spec.get('asset'))}</code>"


def promotion_target_cell(promotion, ctx: PageContext | None = None) -> str:
    """Where a promotion goes: a stage badge, or the registry; with ``ctx``, marked with its state (``marks``)."""
    if ctx is not None:
        return event_mark_html(ctx, promotion)
    spec = promotion.spec
    return badge(str(spec["stage"]), "cg-stage") if "stage" in spec else _registry_target(spec)


def _registry_target(spec) -> str:
    return f"registry <code>{esc(spec.get('registry'))}</code>"
