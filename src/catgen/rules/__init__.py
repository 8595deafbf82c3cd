"""The rule registry: every rule catgen defines, by code, from its family module.

Families (one module each, tests in ``tests/rules/test_<family>.py``):
CG1xx ``loading``, CG2xx ``schema``, CG3xx ``identity``, CG4xx ``immutability``,
CG5xx ``promotion`` (with ``placement`` and ``metrics``), CG6xx ``lineage``, CG7xx ``security``.

``FAMILIES`` holds one module per family (its docs page, ``docs/rules/<module>.md``,
shows every rule of the family); a family too large for one module lists its
other modules in ``MODULES`` too.
"""

from __future__ import annotations

from catgen.rules import identity, immutability, lineage, loading, metrics, placement, promotion, schema, security
from catgen.rules.base import Context, Rule, rule

FAMILIES = [loading, schema, identity, immutability, promotion, lineage, security]
MODULES = [loading, schema, identity, immutability, promotion, placement, metrics, lineage, security]
RULES: dict[str, Rule] = dict(sorted((r.code, r) for module in MODULES for r in module.RULES))

__all__ = ["Context", "Rule", "RULES", "FAMILIES", "MODULES", "rule"]
