"""What every rule module shares: the ``Rule`` record, the ``@rule`` decorator, the ``Context``.

A rule is a function ``check(ctx) -> Iterable[Finding]`` whose docstring
documents it (the docs and the SARIF rule descriptions are generated from it),
declared with its examples (``catgen.rules.example``): changes to the example
catalog that make it fire or not, shown on its family's docs page and run by
the test suite. Rules report at their default level; the check core applies
the policy's levels and exceptions afterwards, in one place.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Callable, Iterable

from catgen.model import Finding, Manifest


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    level: str  # default level: "error" or "warning"
    check: Callable[["Context"], Iterable[Finding]]
    examples: tuple = field(default=(), compare=False)  # of catgen.rules.example.Example: fails and passes

    @property
    def family(self) -> str:
        """``CG1xx`` and so on: the rule's hundred."""
        return self.code[:3] + "xx"

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n")[0].replace("\n", " ")

    @property
    def policy_controlled(self) -> bool:
        return policy_controlled(self.code)


def policy_controlled(code: str) -> bool:
    """CG1xx-CG3xx apply to every manifest: no level change, no exception (SPEC §6). Read from the code
    alone, so judging stored findings needs no rule module imported (a warm re-check: ``checking/incremental``)."""
    return code >= "CG4"


def rule(code: str, name: str, level: str = "error", *, examples=()):
    """Declare a rule and its examples; the module lists its rules in ``RULES`` explicitly."""

    def wrap(check):
        return Rule(code, name, level, check, tuple(examples))

    return wrap


class Context:
    """What rules read: the catalog, the policy that judges it, the lineage graph, the time."""

    def __init__(self, catalog, policy, now: datetime, rules: dict, base=None, own_policy=None):
        self.catalog = catalog
        self.policy = policy  # the policy that judges (the base's under --base)
        self.own_policy = own_policy if own_policy is not None else policy  # the catalog's own, as written
        self.now = now
        self.rules = rules
        self.base = base  # the base catalog of ``--base``, or None
        self._memo: dict = {}

    @cached_property
    def graph(self):
        from catgen.graph.lineage import LineageGraph  # built once, only when a rule needs it

        return LineageGraph.build(self.catalog)

    def memo(self, key: str, compute):
        """``compute(ctx)`` once per check: lists several rules walk (e.g. gated promotions)."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        return self._memo[key]

    def once(self, name: str, about, compute):
        """``compute()`` once per check for each ``about`` (a manifest, a pair of them): what rules ask of one
        thing again for each of many others (a job's pipeline for each promotion of its model, an asset's
        registries for each workspace using it) would cost their product."""
        known = self.memo(name, lambda _: {})
        if about not in known:
            known[about] = compute()
        return known[about]

    def finding(self, code: str, manifest: Manifest, path=(), message: str = "", *,
                subject=None, value=False) -> Finding:
        """A finding about ``manifest`` at the key (or value) ``path``."""
        line, column = manifest.locate(path, value=value)
        return self.finding_at(code, manifest.path, line, column, message, subject=subject)

    def finding_at(self, code: str, path: str, line: int, column: int, message: str, *, subject=None) -> Finding:
        found = self.rules[code]
        return Finding(code, found.name, found.level, path, line, column, _bounded(message), subject)


# Messages quote manifest text; a hostile 1 MiB value must not become a 1 MiB report line.
MAX_MESSAGE = 2000


def _bounded(message: str) -> str:
    if len(message) <= MAX_MESSAGE:
        return message
    return f"{message[: MAX_MESSAGE - 40]}... ({len(message) - MAX_MESSAGE + 40:,} more characters)"
