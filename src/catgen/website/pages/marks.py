"""Stage marks as HTML (SPEC §7): a stage is shown as reached only when it is in force now.

The state comes from the site model (``SiteModel.stage_marks``/``event_mark``,
computed once). Only an in-force stage is the coloured ``cg-stage`` badge;
every other state is a ``cg-mark`` badge that says its state in words
("prod: pending") and links to its reason: the promotion dated after now, the
revocation, or the findings that put errors on it. The ``title`` repeats the
reason in one line.
"""

from __future__ import annotations

from catgen.graph.lineage import promotion_date
from catgen.history.report import stamp
from catgen.website.markup import link
from catgen.website.sitemodel import ERRORS, IN_FORCE, PENDING, REVOCATION, REVOKED, StageMark
from catgen.website.text import esc


def stage_marks(ctx, asset) -> str:
    """Every stage mark of ``asset``, space-separated ("" when it shows none)."""
    return " ".join(mark_html(ctx, mark, asset) for mark in ctx.site.stage_marks(asset))


def event_mark_html(ctx, promotion) -> str:
    """Where one promotion goes, marked with its own state (a registry in force reads "registry <name>")."""
    mark = ctx.site.event_mark(promotion)
    if mark.state == IN_FORCE and "stage" not in promotion.spec:
        return f"registry <code>{esc(promotion.spec.get('registry'))}</code>"
    return mark_html(ctx, mark, ctx.site.graph.target(promotion, "promotes"))


def mark_html(ctx, mark: StageMark, asset=None) -> str:
    """One mark: the in-force badge, or a worded badge linking to the reason."""
    attrs = f'data-stage="{esc(mark.stage)}" data-state="{esc(mark.state)}" title="{esc(reason(ctx, mark))}"'
    if mark.state == IN_FORCE:
        position = ctx.site.policy.position(mark.stage)
        order = "x" if position is None else position
        return f'<span class="cg-badge cg-stage cg-stage-{order}" {attrs}>{esc(mark.stage)}</span>'
    slug = mark.state.replace(" ", "-")
    badge = f'<span class="cg-badge cg-mark cg-mark-{slug}" {attrs}>{esc(mark.stage)}: {esc(mark.state)}</span>'
    return link(_reason_href(ctx, mark, asset), badge, cls="cg-mark-link")


def reason(ctx, mark: StageMark) -> str:
    """The mark's reason in one line of text."""
    event = mark.event
    name = event.name if event is not None else ""
    date = event.spec.get("date") if event is not None else None
    if mark.state == PENDING:
        when = promotion_date(event)
        if when is None:
            return f"{name} has no readable date: never in force"
        return f"{name} is dated {stamp(when)}, after now ({stamp(ctx.site.now)}): not in force yet"
    if mark.state == REVOKED:
        why = event.spec.get("reason")
        return f"revoked by {name} on {date}" + (f": {' '.join(str(why).split())}" if why else "")
    if mark.state == ERRORS:
        codes = ", ".join(dict.fromkeys(f.code for f in mark.errors))
        count = len(mark.errors)
        return f"{count} error finding{'s' if count != 1 else ''} ({codes}) about {name or 'the asset'}"
    if mark.state == REVOCATION:
        return f"{name}, dated {date}, takes the asset out of {mark.stage}"
    if event is None:
        return "the first stage: every asset is in it"
    return f"in force since {date} ({name})"


def _reason_href(ctx, mark: StageMark, asset) -> str | None:
    site = ctx.site
    if mark.state != ERRORS:
        return ctx.href(site.url(mark.event)) if mark.event is not None else None
    promotion_errors = {id(f) for f in site.findings_about(mark.event)} if mark.event is not None else set()
    where = mark.event if any(id(f) in promotion_errors for f in mark.errors) else asset
    target = site.url(where) if where is not None else None
    return ctx.href(target) + "#findings" if target is not None else ctx.href("checks/")
