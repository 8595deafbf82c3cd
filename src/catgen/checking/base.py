"""Checking a change against its base: ``catgen check --base REF [--changed]``.

The base is the catalog as it is at a git revision, read from git's objects
(``catgen.load.gitsource.GitSource``). Three things follow from it:

- **The base's policy judges.** Stages, levels, exceptions, immutable kinds and
  mutable fields all come from the base, so a change cannot loosen the rules
  that judge it; a policy change or a new exception takes effect once it is
  merged. (A base without a policy, e.g. before the catalog existed, leaves
  nothing to judge with: the working tree's policy judges, the summary says
  so, and CG403 warns, at a level and without exceptions that policy cannot
  change: a policy with nothing above it must not hide that it judged itself.)
- **Immutability** (CG401-CG404, ``catgen.rules.immutability``) compares the
  two sides.
- **The change set**: manifests added, modified and deleted, matched by
  identity (case-insensitively) and compared as parsed data.

``--changed`` reports only the findings the change is responsible for:

1. every finding on a manifest the change added or modified, and
2. every finding the change *caused*: one that the base catalog, checked
   under the same (base) policy at the same time, does not have. Findings are
   compared by code, path, subject and message, not by line, so an edit that
   only moves a pre-existing problem to another line does not report it again.

So a deployment left untouched is still reported when the change removes the
promotion its model needs, while the problems the base already had are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from catgen.checking.engine import CheckResult, run_check
from catgen.dates import utc_now
from catgen.diff import same_data
from catgen.load.catalog import Catalog, open_catalog
from catgen.model import Manifest, fold
from catgen.policy import Policy, read_policy
from catgen.rules import RULES


@dataclass
class ChangeSet:
    """What the change did, manifest by manifest."""

    added: list[Manifest] = field(default_factory=list)  # working-tree manifests
    modified: list[Manifest] = field(default_factory=list)  # working-tree manifests
    deleted: list[Manifest] = field(default_factory=list)  # base manifests
    # relpath -> the base's manifest of a file modified out of or into an identity (it no longer parses, or
    # parses again): matched by its path, as no identity matches it
    was: dict[str, Manifest] = field(default_factory=dict)

    @property
    def touched_paths(self) -> set[str]:
        """Display paths of the files the change added, modified or deleted."""
        return {m.path for m in self.added + self.modified + self.deleted}

    def summary(self, ref: str, *, policy: str, only_changed: bool) -> dict:
        return {
            "base": ref, "added": len(self.added), "modified": len(self.modified), "deleted": len(self.deleted),
            "policy": policy, "only_changed": only_changed,
        }


def open_base(catalog: Catalog, catalog_root: str, ref: str) -> Catalog:
    """The catalog under ``catalog_root`` as it is at ``ref`` (empty if it did not exist there).

    It shares the working tree's parse cache: most base files have the same
    bytes as their working copy, so they are parsed once.
    """
    return open_catalog(catalog_root, ref=ref, cache=catalog.parse_cache or False)


def check_against_base(catalog: Catalog, base: Catalog, ref: str, *, changed_only: bool = False,
                       now: datetime | None = None, rules=RULES) -> CheckResult:
    """Check ``catalog`` as a change to ``base``: the base's policy judges (see the module doc)."""
    now = now or utc_now()
    if base.policy is not None:
        policy = read_policy(base.policy)
    else:
        policy = without_say_over(read_policy(catalog.policy), "CG403")
    # Compare the two sides before any other rule reads the data: what the files
    # say is compared, whatever a rule might normalise in place later.
    changes = compute_changes(base, catalog)
    result = run_check(catalog, now=now, policy=policy, rules=_comparisons_first(rules), base=base)
    if changed_only:
        before = run_check(base, now=now, policy=policy, rules=rules)
        result.findings = only_changed(result.findings, before.findings, changes)
        result.waived = only_changed(result.waived, before.waived, changes)
    judged_by = "base" if base.policy is not None else "working tree (the base has no policy)"
    result.summary_extra["changes"] = changes.summary(ref, policy=judged_by, only_changed=changed_only)
    result.changes = changes
    return result


def without_say_over(policy: Policy, code: str) -> Policy:
    """``policy`` with no level and no exception for the rule ``code``: it reports at its own level."""
    levels = {rule: level for rule, level in policy.levels.items() if rule != code}
    exceptions = [exception for exception in policy.exceptions if exception.rule != code]
    return replace(policy, levels=levels, exceptions=exceptions)


def _comparisons_first(rules: dict) -> dict:
    """The same rules, CG4xx (which compare with the base) first; the findings are sorted anyway."""
    return {**{code: r for code, r in rules.items() if r.family == "CG4xx"}, **rules}


def only_changed(findings: list, base_findings: list, changes: ChangeSet) -> list:
    """The findings about touched manifests, and those the base did not have."""
    known = {_comparable(found) for found in base_findings}
    touched = changes.touched_paths
    return [found for found in findings if found.path in touched or _comparable(found) not in known]


def _comparable(found) -> tuple:
    """A finding without its position: lines move when a file is edited."""
    return (found.code, found.path, found.subject, found.message)


def compute_changes(base: Catalog, catalog: Catalog) -> ChangeSet:
    """Added, modified and deleted manifests, matched by identity and compared as data.

    A file that has an identity on one side only (it no longer parses, or parses again) is matched by its path:
    it was modified, not deleted and added. A file whose identity changed is a deletion and an addition (CG402).
    """
    before, after = _by_identity(base), _by_identity(catalog)
    changes, added = ChangeSet(), []
    for key, manifest in after.items():
        old = before.get(key)
        if old is None:
            added.append(manifest)
        elif not _same_manifest(old, manifest):
            changes.modified.append(manifest)
    deleted = {manifest.relpath: manifest for key, manifest in before.items() if key not in after}
    for manifest in added:
        old = deleted.get(manifest.relpath)
        if old is not None and not (old.identified and manifest.identified):
            del deleted[manifest.relpath]
            changes.modified.append(manifest)
            changes.was[manifest.relpath] = old
        else:
            changes.added.append(manifest)
    changes.deleted = list(deleted.values())
    return changes


def _by_identity(catalog: Catalog) -> dict:
    """Each manifest by folded identity; a file with no identity by its path."""
    found: dict = {}
    for manifest in catalog.manifests:
        key = fold(manifest.key) if manifest.identified else None
        if key is None or key in found:  # no identity, or a duplicate (CG301): the file itself
            key = ("file", manifest.relpath)
        found.setdefault(key, manifest)
    return found


def _same_manifest(old: Manifest, new: Manifest) -> bool:
    if old.relpath != new.relpath:  # moved: where a manifest lives is part of it (CG107)
        return False
    if old.document is None or new.document is None:
        return old.problem == new.problem and old.document is None and new.document is None
    return same_data(old.data, new.data)
