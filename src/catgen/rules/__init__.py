"""The rule registry: every rule catgen defines, by code, from its family module.

Families (one module each, tests in ``tests/rules/test_<family>.py``):
CG1xx ``loading``, CG2xx ``schema``, CG3xx ``identity``, CG4xx ``immutability``,
CG5xx ``promotion`` (with ``placement`` and ``metrics``), CG6xx ``lineage``, CG7xx ``security``.

``FAMILIES`` holds one module per family (its docs page, ``docs/rules/<module>.md``,
shows every rule of the family); a family too large for one module lists its
other modules in ``MODULES`` too.

The family modules are imported on first use of ``RULES`` (or of ``FAMILIES``,
``MODULES``), not with this package: a warm re-check that finds nothing changed
reports the stored findings without running a rule, and importing them all cost
it about 20 ms (benchmarks/README.md, issue 17). ``RULES`` is then a plain dict
behind a mapping.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from catgen.rules.base import Context, Rule, rule


def _modules() -> tuple[list, list]:
    """(FAMILIES, MODULES), imported now; Python imports each module once."""
    from catgen.rules import identity, immutability, lineage, loading, metrics, placement, promotion, schema, security

    families = [loading, schema, identity, immutability, promotion, lineage, security]
    return families, [loading, schema, identity, immutability, promotion, placement, metrics, lineage, security]


class _Registry(MutableMapping):
    """Code -> ``Rule`` of every family module, read from the modules on first use."""

    def __init__(self):
        self._rules: dict | None = None

    def _all(self) -> dict:
        if self._rules is None:
            self._rules = dict(sorted((r.code, r) for module in _modules()[1] for r in module.RULES))
        return self._rules

    def __getitem__(self, code: str) -> Rule:
        return self._all()[code]

    def __setitem__(self, code: str, found: Rule) -> None:  # tests add rules not written yet
        self._all()[code] = found

    def __delitem__(self, code: str) -> None:
        del self._all()[code]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return f"RULES({self._all()!r})"


RULES: MutableMapping = _Registry()


def __getattr__(name: str):
    """``FAMILIES`` and ``MODULES`` on first use (PEP 562); kept as this module's attributes after."""
    if name not in ("FAMILIES", "MODULES"):  # a submodule not imported yet: Python imports it then
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    families, modules = _modules()
    globals().update(FAMILIES=families, MODULES=modules)
    return globals()[name]


__all__ = ["Context", "Rule", "RULES", "FAMILIES", "MODULES", "rule"]
