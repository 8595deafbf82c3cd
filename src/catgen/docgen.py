"""Generate ``docs/rules.md`` from the rule registry, so the rules page never drifts.

Every rule documents itself in its docstring (first paragraph: the summary).
This module turns ``catgen.rules.RULES`` into one Markdown page: a table per
family (code, name, default level, summary), then each rule's full text.
A test compares ``docs/rules.md`` with this output; after adding or changing
a rule, regenerate the page with::

    python -m catgen.docgen > docs/rules.md
"""

from __future__ import annotations

import sys
from itertools import groupby

from catgen.rules import FAMILIES, RULES

REGENERATE = "python -m catgen.docgen > docs/rules.md"

INTRO = f"""\
# Rules

<!-- Generated from the rules' docstrings by `{REGENERATE}`. Do not edit by hand. -->

`catgen check` runs every rule below over the whole catalog. Each finding names its
rule's code and name, the file, line and column, and the *subject* (the asset at fault).

Rules CG1xx-CG3xx apply to every manifest: they are always errors, and the policy can
neither lower them nor waive them. The policy's `rules:` can set any other rule to
`error`, `warning` or `off`, and its `exceptions:` can waive a rule for one subject
until a date. The "default level" column is the level when the policy says nothing.
"""


def rules_markdown(rules: dict | None = None) -> str:
    """The rules page: a summary table per family, then every rule's documentation."""
    rules = RULES if rules is None else rules
    ordered = sorted(rules.values(), key=lambda r: r.code)
    sections = [INTRO]
    for family, members in groupby(ordered, key=lambda r: r.family):
        sections.append(_family_section(family, list(members)))
    return "\n".join(sections)


def _family_section(family: str, members: list) -> str:
    lines = [f"## {_family_title(family)}", "", "| code | name | default level | summary |", "|---|---|---|---|"]
    for found in members:
        link = f"[{found.code}](#{_anchor(found)})"
        lines.append(f"| {link} | `{found.name}` | {found.level} | {_cell(found.summary)} |")
    lines.append("")
    for found in members:
        lines += [f"### {found.code} {found.name}", "", found.doc.strip() or found.summary, ""]
    return "\n".join(lines)


def _family_title(family: str) -> str:
    """``CG1xx: reading files safely``, from the first line of the family module's docstring."""
    for module in FAMILIES:
        title = (module.__doc__ or "").strip().split("\n", 1)[0].rstrip(".")
        if title.startswith(family):
            return title
    return family


def _anchor(found) -> str:
    """The heading id MkDocs and GitHub give ``### CG101 yaml-syntax``."""
    return f"{found.code} {found.name}".lower().replace(" ", "-")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


if __name__ == "__main__":
    sys.stdout.write(rules_markdown())
