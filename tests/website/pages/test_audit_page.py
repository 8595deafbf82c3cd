"""The audit trail: every promotion request and approval, in date order, filterable by stage and asset."""

from __future__ import annotations

import yaml

from testing.catalogs import EXAMPLE
from testing.site import headers, page_tree, row_nodes, rows


def test_audit_lists_every_promotion_and_approval_in_date_order(example_site):
    table = page_tree(example_site, "audit").find("table", cls="cg-audit")
    assert headers(table) == ["Date", "Event", "Asset", "To", "Who", "Comment", "Promotion"]
    dates = [row[0] for row in rows(table)]
    assert dates == sorted(dates) and len(dates) > 14
    promotions = [yaml.safe_load(p.read_text()) for p in (EXAMPLE / "promotions").rglob("*.yaml")]
    approvals = sum(len(p["spec"].get("approvals") or []) for p in promotions)
    events = [row[1] for row in rows(table)]
    assert events.count("requested") == len(promotions) and events.count("approved") == approvals
    first = row_nodes(table)[0]
    assert first.attrs["data-stage"] == rows(table)[0][3] and first.attrs["data-asset"] == rows(table)[0][2]
