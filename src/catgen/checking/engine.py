"""The check core: run every rule over a loaded catalog, apply the policy, report.

The CLI only parses arguments; this module takes a catalog (loaded by any
source) and a reporter, so the same core serves ``catgen check``, the site's
``/checks/`` page and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from catgen.load.catalog import Catalog
from catgen.dates import utc_now
from catgen.model import Finding
from catgen.policy import Policy, read_policy
from catgen.rules import RULES, Context
from catgen.rules.base import policy_controlled


@dataclass
class CheckResult:
    """What a check found, and what judged: the one place findings live."""

    catalog: Catalog
    findings: list[Finding]  # reported findings (not "off", not waived), sorted
    waived: list[Finding] = field(default_factory=list)
    summary_extra: dict = field(default_factory=dict)
    graph: object = None  # the LineageGraph the rules used, for the site (built once)
    policy: Policy | None = None  # the policy that judged (the base's under --base)
    changes: object = None  # under --base: the checking.base.ChangeSet, compared before any rule ran
    judged: int | None = None  # files judged again by the warm re-check (checking/incremental.py); None: all
    _by_path: tuple = field(default=(None, {}), repr=False, compare=False)

    def findings_in(self, path: str) -> list[Finding]:
        """The reported findings in the file shown as ``path``, in report order."""
        indexed, by_path = self._by_path
        if indexed is not self.findings:  # findings were replaced (--changed): index them again
            by_path = {}
            for found in self.findings:
                by_path.setdefault(found.path, []).append(found)
            self._by_path = (self.findings, by_path)
        return by_path.get(path, [])

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.level == "warning")

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0

    def summary(self) -> dict:
        return {
            "manifests": len(self.catalog.manifests),
            "errors": self.errors,
            "warnings": self.warnings,
            "waived": len(self.waived),
            **self.summary_extra,
        }


def run_check(catalog: Catalog, *, now: datetime | None = None, policy: Policy | None = None, rules=RULES,
              base=None) -> CheckResult:
    """Check ``catalog``; ``policy`` (the base's, with ``--base``) judges it, else its own."""
    now = now or utc_now()
    own = read_policy(catalog.policy)
    judge = policy if policy is not None else own
    ctx = Context(catalog, judge, now, rules, base=base, own_policy=own)
    raw = raw_findings(ctx)
    reported, waived = apply_policy(raw, judge, now)
    reported.sort(key=lambda f: f.sort_key)
    return CheckResult(catalog, reported, waived, graph=ctx.graph, policy=judge)


def raw_findings(ctx: Context) -> list[Finding]:
    """What every rule finds, at its own level, before the policy's levels and exceptions.

    A large catalog's rules run on two cores (``checking/bothcores.py``), with the same findings in the same order.
    """
    from catgen.checking import bothcores  # not at the top: a warm re-check judges a few files, in this process

    if bothcores.split_pays(ctx):
        found = bothcores.findings_on_both_cores(ctx)
        if found is not None:
            return found
    return [found for checked in ctx.rules.values() for found in checked.check(ctx)]


def apply_policy(findings: list[Finding], policy: Policy, now: datetime) -> tuple[list, list]:
    """Set each finding's level from ``rules:``, drop "off", set aside waived ones."""
    reported, waived = [], []
    exceptions = _by_rule_and_subject(policy.exceptions)
    for found in findings:
        if not policy_controlled(found.code):
            reported.append(found)
            continue
        level = policy.levels.get(found.code, found.level)
        if level == "off":
            continue
        found = replace(found, level=level) if level != found.level else found
        exception = _matching_exception(exceptions.get((found.code, found.subject), ()), now)
        if exception is not None:
            waived.append(replace(found, waived_by=exception.reason))
        else:
            reported.append(found)
    return reported, waived


def _by_rule_and_subject(exceptions: list) -> dict:
    """The policy's exceptions by (rule, subject), in the policy's order: each finding looks up its own (a loop over
    every exception for every finding made a change with thousands of findings cost their product)."""
    found: dict = {}
    for exception in exceptions:
        found.setdefault((exception.rule, exception.subject), []).append(exception)
    return found


def _matching_exception(candidates, now: datetime):
    """The first of the exceptions for a finding's rule and subject that has not expired (only those are compared
    with "now", as the warm re-check's horizon notes)."""
    for exception in candidates:
        if exception.expires is not None and exception.expires >= now:
            return exception
    return None
