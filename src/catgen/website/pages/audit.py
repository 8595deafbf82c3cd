"""The audit trail (/audit/): promotion requests, approvals, revocations and deployment changes in date order.

Every row carries its filter values as data attributes (stage, assets, person,
day); the vendored ``catgen-audit.js`` shows the filter form, hides the rows
that do not match and keeps "N of M events" and each option's count in step.
Without a script every row shows and the form stays hidden. References never
break inside a word: each sits in a ``cg-ref`` span that does not wrap, and the
table scrolls sideways in its own box on a narrow screen. A promotion's stage
carries its state now (``marks``: pending, revoked, with errors), as on every
page that shows a stage.
"""

from __future__ import annotations

from collections import Counter

from catgen.history.report import stamp
from catgen.website.markup import badge, page, table
from catgen.website.pages.auditevents import AuditEvent, audit_events, stage_label
from catgen.website.pages.context import PageContext
from catgen.website.pages.promotions import promotion_target_cell
from catgen.website.sitemodel import IN_FORCE
from catgen.website.text import esc

AUDIT_HEADERS = ["Date", "Event", "Asset", "Stage", "Who", "Details", "Record"]
SUBTITLE = ("Every promotion request, approval and revocation, and every committed deployment change, "
            "in date order")


def audit_page(ctx: PageContext) -> tuple[str, str]:
    """The filter form, the count, and the events table (in a box that scrolls sideways)."""
    events = audit_events(ctx.site)
    if not events:
        return "Audit trail", page("Audit trail", "<p>No promotions and no deployment changes.</p>",
                                   subtitle=SUBTITLE)
    rows = [_row(ctx, e) for e in events]
    attrs = [_filter_attributes(e) for e in events]
    trail = table(AUDIT_HEADERS, rows, cls="cg-audit cg-sortable", row_attrs=attrs)
    count = (f'<p class="cg-audit-count" aria-live="polite"><span class="cg-audit-shown">{len(events)}</span> of '
             f'{len(events)} events</p>\n')
    body = _filter_form(events) + count + f'<div class="cg-audit-scroll">{trail}</div>\n' + _note(ctx.site)
    return "Audit trail", page("Audit trail", body, subtitle=SUBTITLE)


def _row(ctx: PageContext, event: AuditEvent) -> list[str]:
    date = stamp(event.date) if event.date else event.written
    return [f'<span class="cg-date">{esc(date) or "—"}</span>', esc(event.event), _asset_cell(ctx, event),
            _stage_cell(ctx, event), esc(event.who) or "—", _details(ctx, event), _record(ctx, event)]


def _asset_cell(ctx: PageContext, event: AuditEvent) -> str:
    if event.change is not None:  # a deployment change: the deployment (its page when it still exists)
        return _ref(ctx, event.subject, event.subject_ref)
    asset = ctx.site.graph.target(event.subject, "promotes")
    return _ref(ctx, asset, event.assets[0] if event.assets else "")


def _stage_cell(ctx: PageContext, event: AuditEvent) -> str:
    """A promotion's stage marked with its state now (``marks``: pending, revoked, with errors, linked to the
    reason); a registry in force as "registry <name>"; a deployment change its workspace's stage."""
    if event.change is None:
        mark = ctx.site.event_mark(event.subject)
        if "stage" in event.subject.spec or mark.state != IN_FORCE:
            return promotion_target_cell(event.subject, ctx)
    key = event.stage
    if not key:
        return "—"
    if key.startswith("registry:"):
        return f'<span class="cg-ref">registry <code>{esc(key.removeprefix("registry:"))}</code></span>'
    return badge(key, "cg-stage")


def _details(ctx: PageContext, event: AuditEvent) -> str:
    if event.change is None:
        return esc(event.comment)
    model, traffic = event.change["model"], event.change["traffic"]
    parts = []
    if model["from"] != model["to"]:
        parts.append(f"model {_model(ctx, model['from'])} → {_model(ctx, model['to'])}")
    else:
        parts.append(f"model {_model(ctx, model['to'])}")
    if traffic["from"] != traffic["to"]:
        parts.append(f"traffic {esc(_shown(traffic['from']))} → {esc(_shown(traffic['to']))}")
    return "; ".join(parts)


def _model(ctx: PageContext, ref) -> str:
    if not isinstance(ref, str):
        return "—"
    return _ref(ctx, ctx.site.timeline.manifest_of(ref), ref)


def _shown(value) -> str:
    return "—" if value is None else str(value)


def _record(ctx: PageContext, event: AuditEvent) -> str:
    if event.change is None:
        return _ref(ctx, event.subject, event.subject.name)
    commit = event.change["commit"] or ""
    return f'<span class="cg-ref"><code title="{esc(commit)}">{esc(commit[:12])}</code></span>'


def _ref(ctx: PageContext, manifest, text: str) -> str:
    """A reference that never wraps inside a word: a link to its page, or the text when it has none."""
    if manifest is not None and ctx.site.url(manifest) is not None:
        return f'<span class="cg-ref">{ctx.ref(manifest, text)}</span>'
    return f'<span class="cg-ref"><code>{esc(text)}</code></span>' if text else "—"


def _filter_attributes(event: AuditEvent) -> str:
    day = stamp(event.date)[:10] if event.date else ""
    assets = " ".join(event.assets + ([event.subject_ref] if event.change is not None else []))
    return (f'data-stage="{esc(event.stage)}" data-asset="{esc(assets)}" data-who="{esc(event.who)}" '
            f'data-date="{day}" data-event="{esc(event.event)}"')


def _filter_form(events: list[AuditEvent]) -> str:
    """Stage (readable labels, with counts), asset and person (type or pick), and a date range."""
    counts = Counter(e.stage for e in events if e.stage)
    stages = sorted(counts, key=lambda s: (s.startswith("registry:"), s))
    options = "".join(f'<option value="{esc(s)}">{esc(stage_label(s))} ({counts[s]})</option>' for s in stages)
    assets = sorted({a for e in events for a in e.assets + ([e.subject_ref] if e.change is not None else []) if a})
    people = sorted({e.who for e in events if e.who})
    return ('<form class="cg-audit-filter" hidden>'
            f'<label>Stage <select name="stage"><option value="">any ({len(events)})</option>{options}</select>'
            '</label><label>Asset <input name="asset" type="search" list="cg-audit-assets" '
            'placeholder="model:credit-risk"></label><label>Person <input name="person" type="search" '
            'list="cg-audit-people" placeholder="name or e-mail"></label>'
            '<label>From <input name="from" type="date"></label><label>To <input name="to" type="date"></label>'
            '<button type="reset">Clear</button></form>\n'
            f'<datalist id="cg-audit-assets">{_options(assets)}</datalist>'
            f'<datalist id="cg-audit-people">{_options(people)}</datalist>\n')


def _options(values: list[str]) -> str:
    return "".join(f'<option value="{esc(v)}"></option>' for v in values)


def _note(site) -> str:
    """How far back deployment changes reach (outside git or a shallow clone)."""
    note = site.history_note
    return f'<p class="cg-audit-history">Deployment changes: {esc(note)}.</p>\n' if note else ""
