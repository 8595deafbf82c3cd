"""The check core: run every rule over a loaded catalog, apply the policy, report.

The CLI only parses arguments; this module takes a catalog (loaded by any
source) and a reporter, so the same core serves ``catgen check``, the site's
``/checks/`` page and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from catgen.catalog import Catalog
from catgen.dates import utc_now
from catgen.model import Finding
from catgen.policy import Policy, read_policy
from catgen.rules import RULES, Context


@dataclass
class CheckResult:
    catalog: Catalog
    findings: list[Finding]  # reported findings (not "off", not waived), sorted
    waived: list[Finding] = field(default_factory=list)
    summary_extra: dict = field(default_factory=dict)
    graph: object = None  # the LineageGraph the rules used, for the site (built once)

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


def run_check(catalog: Catalog, *, now: datetime | None = None, policy: Policy | None = None, rules=RULES, base=None) -> CheckResult:
    """Check ``catalog``; ``policy`` (the base's, with ``--base``) judges it, else its own."""
    now = now or utc_now()
    judge = policy if policy is not None else read_policy(catalog.policy)
    ctx = Context(catalog, judge, now, rules, base=base)
    raw = [found for checked in rules.values() for found in checked.check(ctx)]
    reported, waived = apply_policy(raw, judge, rules, now)
    reported.sort(key=lambda f: f.sort_key)
    _attach(catalog, reported)
    return CheckResult(catalog, reported, waived, graph=ctx.graph)


def apply_policy(findings: list[Finding], policy: Policy, rules, now: datetime) -> tuple[list, list]:
    """Set each finding's level from ``rules:``, drop "off", set aside waived ones."""
    reported, waived = [], []
    for found in findings:
        if not rules[found.code].policy_controlled:
            reported.append(found)
            continue
        level = policy.levels.get(found.code, found.level)
        if level == "off":
            continue
        found = replace(found, level=level) if level != found.level else found
        exception = _matching_exception(found, policy, now)
        if exception is not None:
            waived.append(replace(found, waived_by=exception.reason))
        else:
            reported.append(found)
    return reported, waived


def _matching_exception(found: Finding, policy: Policy, now: datetime):
    for exception in policy.exceptions:
        if exception.rule == found.code and exception.subject == found.subject:
            if exception.expires is not None and exception.expires >= now:
                return exception
    return None


def _attach(catalog: Catalog, findings: list[Finding]) -> None:
    """Hang each finding on the manifest it is reported in, for the site's pages."""
    by_path = {m.path: m for m in catalog.manifests}
    for manifest in catalog.manifests:
        manifest.findings = []
    for found in findings:
        manifest = by_path.get(found.path)
        if manifest is not None:
            manifest.findings.append(found)
