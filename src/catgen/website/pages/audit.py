"""The audit trail: every promotion request and approval in date order."""

from __future__ import annotations

from catgen.website.markup import page, table
from catgen.website.pages.context import PageContext
from catgen.website.pages.promotions import promoted_asset_cell, promotion_target_cell
from catgen.website.text import esc

AUDIT_HEADERS = ["Date", "Event", "Asset", "To", "Who", "Comment", "Promotion"]


def audit_page(ctx: PageContext) -> tuple[str, str]:
    """Every promotion request and approval, oldest first, filterable by stage and asset."""
    events = _events(ctx.site)
    rows = [[esc(e[0]), esc(e[2]), promoted_asset_cell(ctx, e[5]), promotion_target_cell(e[5]), esc(e[3]), esc(e[4]),
             ctx.ref(e[5], e[5].name)] for e in events]
    attrs = [f'data-stage="{esc(e[6])}" data-asset="{esc(e[7])}"' for e in events]
    stages = sorted({e[6] for e in events})
    options = "".join(f'<option value="{esc(s)}">{esc(s)}</option>' for s in stages)
    controls = (f'<form class="cg-audit-filter" hidden><label>Stage <select name="stage"><option value="">any</option>'
                f'{options}</select></label> '
                '<label>Asset <input name="asset" type="search" placeholder="model:credit-risk"></label></form>')
    trail = table(AUDIT_HEADERS, rows, cls="cg-audit cg-sortable", row_attrs=attrs) if rows else "<p>No promotions.</p>"
    subtitle = f"{len(events)} events: every promotion request and approval in date order"
    return "Audit trail", page("Audit trail", controls + trail, subtitle=subtitle)


def _events(site) -> list[tuple]:
    """(date, 0 request / 1 approval, event, who, comment, promotion, target, asset), in date order."""
    events = []
    for promotion in site.by_kind["Promotion"]:
        spec = promotion.spec
        target = str(spec["stage"]) if "stage" in spec else f"registry:{spec.get('registry')}"
        asset = str(spec.get("asset"))
        events.append((str(spec.get("date")), 0, "requested", spec.get("requested_by"), "", promotion, target, asset))
        for approval in spec.get("approvals") or []:
            if isinstance(approval, dict):
                events.append((str(approval.get("at")), 1, "approved", approval.get("by"), approval.get("comment"),
                               promotion, target, asset))
    events.sort(key=lambda e: (e[0], e[1], e[5].name))
    return events
