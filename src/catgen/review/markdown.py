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
# Bytes of the whole review: GitHub shows a step's job summary up to 1 MiB and refuses a longer one whole, so a
# change of thousands of promotions or findings left reviewers nothing. What does not fit is counted instead.
BUDGET = 900_000
# Characters Markdown, GFM or HTML read as markup inline ($ is math on GitHub); "://" and "www."
# would become links. Text is never placed at the start of a line, so list and heading markers are inert.
_MARKUP = re.compile(r"[\\`*_\[\]<>#|&~!$]|:(?=//)|(?<=www)\.", re.IGNORECASE)


def inline(text) -> str:
    """``text`` as inert Markdown inline text: one line, every markup character a character reference."""
    return _MARKUP.sub(lambda m: f"&#{ord(m.group())};", log_safe(str(text)))


def render(review, stream, *, strict: bool = False) -> None:
    stream.write("\n".join(document(review, strict=strict)) + "\n")


def document(review, *, strict: bool = False) -> list[str]:
    """The review's lines, at most ``BUDGET`` bytes: the verdict always, then each part while it fits; what does
    not is counted in a last line."""
    mark = "✅" if review.exit_code(strict) == 0 else "❌"
    found = [f"{mark} **{inline(review.verdict(strict))}** (base {_code(review.base[:12])})", ""]
    room = _Room(BUDGET, found)
    for shown, promotion in enumerate(review.promotions):
        if not room.take(found, _promotion(promotion)):
            room.left_out.append(f"{len(review.promotions) - shown:,} promotions")
            break
    if review.deployments:
        rows = [f"| {inline(d.deployment)} | {inline(switch_text(d))} |" for d in review.deployments]
        room.take_rows(found, ["### Deployments", "", "| Deployment | Switch |", "|---|---|"], rows, [""],
                       "deployment switches")
    if review.workspaces or review.policy_change:
        lines = ["### Placement and policy", ""]
        lines += [f"- the workspace {inline(ref)}: {inline(', '.join(moves))}" for ref, _, moves in review.workspaces]
        if review.policy_change:
            lines.append(f"- the policy: {inline(review.policy_change)} (the base's policy judged this change)")
        if not room.take(found, lines + [""]):
            room.left_out.append("the placement and policy changes")
    _findings(room, found, review.result.findings)
    _changes(room, found, review.change_rows())
    if room.left_out:
        found += [f"Not shown, for length: {', '.join(room.left_out)}. `catgen diff --format json` lists them all.",
                  ""]
    return found


class _Room:
    """What is left of the byte budget while a review is written (a line is its UTF-8 bytes and a newline)."""

    NOTE = 400  # kept for the line that says what was left out

    def __init__(self, budget: int, written: list[str]):
        self.left = budget - self.NOTE - _size(written)
        self.left_out: list[str] = []

    def take(self, found: list[str], lines: list[str]) -> bool:
        """Add ``lines`` to ``found`` when they fit."""
        size = _size(lines)
        if size > self.left:
            return False
        self.left -= size
        found += lines
        return True

    def take_rows(self, found: list[str], head: list[str], rows: list[str], tail: list[str], what: str) -> None:
        """``head``, as many of ``rows`` as fit, then ``tail``; the rows left out counted as ``what``."""
        fitting, size = 0, _size(head) + _size(tail)
        for row in rows:
            if size + len(row.encode()) + 1 > self.left:
                break
            size += len(row.encode()) + 1
            fitting += 1
        if fitting < len(rows):
            self.left_out.append(f"{len(rows) - fitting:,} {what}")
        if fitting:
            self.take(found, head + rows[:fitting] + tail)


def _size(lines: list[str]) -> int:
    return sum(len(line.encode()) + 1 for line in lines)


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


def _findings(room: _Room, found: list[str], findings: list) -> None:
    if not findings:
        room.take(found, ["No findings.", ""])
        return
    errors = sum(1 for f in findings if f.level == "error")
    title = f"{len(findings)} finding{'s' if len(findings) != 1 else ''} ({errors} error{'s' if errors != 1 else ''})"
    table = ["| Level | Rule | Where | Message |", "|---|---|---|---|"]
    rows = [f"| {f.level} | {f.code} {inline(f.name)} | {inline(f'{f.path}:{f.line}')} | {inline(f.message)} |"
            for f in findings]
    if len(findings) <= OPEN_LIST_LIMIT:
        room.take_rows(found, [f"### {title}", "", *table], rows, [""], "findings")
    else:
        room.take_rows(found, _details_head(title) + table, rows, DETAILS_TAIL, "findings")


def _changes(room: _Room, found: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    table = ["| Change | Manifest | Path |", "|---|---|---|"]
    lines = [f"| {change} | {inline(ref or '(no identity)')} | {inline(path)} |" for ref, path, change in rows]
    title = f"{len(rows)} manifest{'s' if len(rows) != 1 else ''} changed"
    room.take_rows(found, _details_head(title) + table, lines, DETAILS_TAIL, "changed manifests")


def _details_head(title: str) -> list[str]:
    """A ``<details>`` block's start (``DETAILS_TAIL`` ends it); the blank lines let both GitHub and Azure DevOps
    render the table inside."""
    return ["<details>", f"<summary>{title}</summary>", ""]


DETAILS_TAIL = ["", "</details>", ""]


def _code(sha: str) -> str:
    return f"`{sha}`" if sha.isalnum() else inline(sha)
