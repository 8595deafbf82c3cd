"""``catgen diff --format markdown``: the review for a pull request (GitHub, Azure DevOps).

A one-line verdict first, then a table of gates per promotion, the
deployments that switch, placement and policy changes, and the long lists
(findings, changed manifests) collapsed in ``<details>``.

Text from manifests stays text: every piece of it goes through ``inline``,
which writes each character that Markdown or HTML could read as markup
(``| < > & ` * _ [ ] \\ # ~ ! $``, the ``:`` of ``://``) as an HTML character reference,
and line breaks and invisible controls as visible escapes (``log_safe``). So
no manifest can open or close a code span, a fence, a table cell, a link or a
``<details>``, and no URL in it becomes a link. catgen writes no code fences.
"""

from __future__ import annotations

import re

from catgen.errors import log_safe
from catgen.review.text import headline, switch_text

OPEN_LIST_LIMIT = 10  # longer lists of findings are collapsed
# Characters Markdown, GFM or HTML read as markup inline ($ is math on GitHub); "://" and "www."
# would become links. Text is never placed at the start of a line, so list and heading markers are inert.
_MARKUP = re.compile(r"[\\`*_\[\]<>#|&~!$]|:(?=//)|(?<=www)\.", re.IGNORECASE)


def inline(text) -> str:
    """``text`` as inert Markdown inline text: one line, every markup character a character reference."""
    return _MARKUP.sub(lambda m: f"&#{ord(m.group())};", log_safe(str(text)))


def render(review, stream, *, strict: bool = False) -> None:
    stream.write("\n".join(document(review, strict=strict)) + "\n")


def document(review, *, strict: bool = False) -> list[str]:
    mark = "✅" if review.exit_code(strict) == 0 else "❌"
    found = [f"{mark} **{inline(review.verdict(strict))}** (base {_code(review.base[:12])})", ""]
    for promotion in review.promotions:
        found += _promotion(promotion)
    if review.deployments:
        found += ["### Deployments", "", "| Deployment | Switch |", "|---|---|"]
        found += [f"| {inline(d.deployment)} | {inline(switch_text(d))} |" for d in review.deployments]
        found.append("")
    if review.workspaces or review.policy_change:
        found += ["### Placement and policy", ""]
        found += [f"- the workspace {inline(ref)}: {inline(', '.join(moves))}" for ref, _, moves in review.workspaces]
        if review.policy_change:
            found.append(f"- the policy: {inline(review.policy_change)} (the base's policy judged this change)")
        found.append("")
    found += _findings(review.result.findings)
    found += _changes(review.change_rows())
    return found


def _promotion(promotion) -> list[str]:
    mark = "✅" if promotion.ok else "❌"
    found = [f"### {mark} {inline(headline(promotion))}", ""]
    if promotion.gates:
        found += ["| Gate | Result | Detail |", "|---|---|---|"]
        found += [f"| {inline(g.gate)} | {'✅ ok' if g.ok else '❌ fails'} | {inline(g.detail)} |"
                  for g in promotion.gates]
    elif promotion.revoke:
        found.append("A revocation needs no approvals; no gate judges it.")
    else:
        found.append("No gate of the judging policy applies to it.")
    found.append("")
    return found


def _findings(findings: list) -> list[str]:
    if not findings:
        return ["No findings.", ""]
    errors = sum(1 for f in findings if f.level == "error")
    title = f"{len(findings)} finding{'s' if len(findings) != 1 else ''} ({errors} error{'s' if errors != 1 else ''})"
    rows = ["| Level | Rule | Where | Message |", "|---|---|---|---|"]
    rows += [f"| {f.level} | {f.code} {inline(f.name)} | {inline(f'{f.path}:{f.line}')} | {inline(f.message)} |"
             for f in findings]
    if len(findings) <= OPEN_LIST_LIMIT:
        return [f"### {title}", "", *rows, ""]
    return _collapsed(title, rows)


def _changes(rows: list[tuple]) -> list[str]:
    if not rows:
        return []
    table = ["| Change | Manifest | Path |", "|---|---|---|"]
    table += [f"| {change} | {inline(ref or '(no identity)')} | {inline(path)} |" for ref, path, change in rows]
    return _collapsed(f"{len(rows)} manifest{'s' if len(rows) != 1 else ''} changed", table)


def _collapsed(title: str, body: list[str]) -> list[str]:
    """A ``<details>`` block; the blank lines let both GitHub and Azure DevOps render the table inside."""
    return ["<details>", f"<summary>{title}</summary>", "", *body, "", "</details>", ""]


def _code(sha: str) -> str:
    return f"`{sha}`" if sha.isalnum() else inline(sha)
