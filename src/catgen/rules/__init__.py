"""The rule registry: every rule catgen defines, by code, from its family module.

Families (one module each, tests in ``tests/rules/test_<family>.py``):
CG1xx ``loading``, CG2xx ``schema``, CG3xx ``identity``, CG4xx ``immutability``,
CG5xx ``promotion``, CG6xx ``lineage``, CG7xx ``security``.
"""

from __future__ import annotations

from catgen.rules import identity, immutability, lineage, loading, promotion, schema, security
from catgen.rules.base import Context, Rule, rule

FAMILIES = [loading, schema, identity, immutability, promotion, lineage, security]
RULES: dict[str, Rule] = {r.code: r for family in FAMILIES for r in family.RULES}

__all__ = ["Context", "Rule", "RULES", "FAMILIES", "rule"]
