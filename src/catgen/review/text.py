"""``catgen diff --format text``: the review as lines for a terminal or a CI log.

Every line that holds text catgen did not write (references, paths, details
quoting manifests) is ``log_safe``: a CI runner never reads it as a command.
"""

from __future__ import annotations

from catgen.errors import log_safe_line
from catgen.reporters.text import format_finding


def render(review, stream, *, strict: bool = False) -> None:
    for line in lines(review, strict=strict):
        stream.write(log_safe_line(line) + "\n")


def lines(review, *, strict: bool = False) -> list[str]:
    found = [review.verdict(strict) + f" (base {review.base})"]
    for promotion in review.promotions:
        found.append("")
        found.append(f"{_mark(promotion.ok)} {headline(promotion)}")
        found += [f"    {_mark(g.ok)} {g.gate}: {g.detail}" for g in promotion.gates]
    if review.deployments:
        found += ["", "Deployments:"]
        found += [f"    {d.deployment}: {switch_text(d)}" for d in review.deployments]
    if review.workspaces or review.policy_change:
        found += ["", "Placement and policy:"]
        found += [f"    {ref}: {', '.join(moves)}" for ref, _, moves in review.workspaces]
        if review.policy_change:
            found.append(f"    policy: {review.policy_change}")
    rows = review.change_rows()
    if rows:
        found += ["", f"Changed manifests ({len(rows)}):"]
        found += [f"    {change:<8} {ref or '(no identity)'} ({path})" for ref, path, change in rows]
    if review.result.findings:
        found += ["", "Findings:"]
        found += [format_finding(f) for f in review.result.findings]
    return found


def headline(promotion) -> str:
    """``promotion:x promotes model:y@4 to prod`` (or shares, or revokes)."""
    who = promotion.promotion.ref if promotion.promotion.identified else promotion.promotion.path
    asset = promotion.asset or "(no asset)"
    if promotion.registry is not None:
        return f"{who} shares {asset} into {promotion.registry}"
    if promotion.revoke:
        reason = promotion.promotion.spec.get("reason")
        return f"{who} revokes {asset} from {promotion.stage}" + (f": {reason}" if isinstance(reason, str) else "")
    return f"{who} promotes {asset} to {promotion.stage}"


def switch_text(switch) -> str:
    """``model:x@3 -> model:x@4, traffic 90 -> 100`` (only what switches)."""
    parts = []
    if switch.model[0] != switch.model[1]:
        parts.append(f"{switch.model[0] or '(none)'} -> {switch.model[1] or '(removed)'}")
    if switch.traffic[0] != switch.traffic[1]:
        parts.append(f"traffic {_number(switch.traffic[0])} -> {_number(switch.traffic[1])}")
    where = f" on endpoint {switch.endpoint} of {switch.workspace}" if switch.endpoint and switch.workspace else ""
    return ", ".join(parts) + where


def _number(value) -> str:
    return "(none)" if value is None else f"{value:g}"


def _mark(ok: bool) -> str:
    return "ok  " if ok else "FAIL"
