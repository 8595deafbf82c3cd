"""``catgen rules [CODE]``: what a rule checks, from its docstring (the same text as the rules page and SARIF help).

Without CODE, every rule on one line each: code, name, default level, summary.
CODE is a rule code in any case (``cg302``) or a rule's name (``dangling-ref``);
anything else is one line naming ``catgen rules`` (exit 2).
"""

from __future__ import annotations

import sys

from catgen.errors import CatalogError
from catgen.rules import FAMILIES, RULES


def run(code: str | None) -> int:
    if code is None:
        sys.stdout.write("".join(summary_line(rule) for rule in RULES.values()))
        return 0
    sys.stdout.write(explanation(find_rule(code)))
    return 0


def find_rule(text: str):
    """The rule whose code (any case) or name is ``text``, or a one-line ``CatalogError``."""
    wanted = text.strip()
    found = RULES.get(wanted.upper()) or next((r for r in RULES.values() if r.name == wanted.lower()), None)
    if found is None:
        raise CatalogError(f"{text!r} is not a catgen rule; `catgen rules` lists every rule")
    return found


def summary_line(rule) -> str:
    width = max(len(r.name) for r in RULES.values())
    return f"{rule.code}  {rule.name:<{width}}  {rule.level:<7}  {rule.summary}\n"


def explanation(rule) -> str:
    """Code and name, level, family and what the policy may do with it, then the rule's documentation."""
    if rule.policy_controlled:
        control = "the policy may change its level (spec.rules) or waive it for one subject (spec.exceptions)"
    else:
        control = "it applies to every manifest: the policy can neither lower nor waive it"
    lines = [
        f"{rule.code} {rule.name}",
        f"level:  {rule.level} by default; {control}",
        f"family: {family_of(rule)}",
        "",
        rule.doc.strip() or rule.summary,
    ]
    return "\n".join(lines) + "\n"


def family_of(rule) -> str:
    """``CG3xx: identity, references and the policy's structure``: the family module's first line."""
    for module in FAMILIES:
        first = (module.__doc__ or "").strip().split("\n", 1)[0]
        if first.startswith(rule.family):
            return first.rstrip(".")
    return rule.family
