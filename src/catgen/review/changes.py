"""What a change does, for the people who review it (``catgen diff``, SPEC §8).

One check against the base (``check_against_base``: the base's policy judges),
then the change read for a reviewer: the manifests added, modified and
deleted; each Promotion the change adds or edits, with every gate of the
judging policy (``review.gates``); each deployment whose model or traffic
switches; workspaces whose placement changed and the policy change, in the
words of CG404 and CG403; and the check's findings. The renderers
(``review.formats``) only lay this out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catgen.checking.base import ChangeSet, check_against_base
from catgen.diff import diff
from catgen.graph.lineage import LineageGraph, is_revocation
from catgen.review.gates import GateResult, judge_gates
from catgen.review.incumbents import Incumbents
from catgen.rules.immutability import POLICY_EDITORIAL_FIELDS, covered, summarize_policy_change

WORKSPACE_PLACEMENT = ("stage", "region", "subscription")  # what CG404 compares


@dataclass
class PromotionReview:
    promotion: object  # the working tree's Promotion manifest
    asset: str  # the reference as written
    stage: str | None
    registry: str | None
    revoke: bool
    change: str  # added | modified
    gates: list[GateResult] = field(default_factory=list)
    findings: list = field(default_factory=list)  # the check's findings in the promotion's file

    @property
    def ok(self) -> bool:
        return all(g.ok for g in self.gates) and not any(f.level == "error" for f in self.findings)


@dataclass
class DeploymentSwitch:
    deployment: str
    path: str
    model: tuple  # (from, to): references as written, or None
    traffic: tuple  # (from, to): numbers, or None
    workspace: str | None
    endpoint: str | None


@dataclass
class Review:
    base: str  # the base commit's full sha
    ref: str  # the base as the user named it
    result: object  # the CheckResult (the base's policy judged)
    changes: ChangeSet
    promotions: list[PromotionReview]
    deployments: list[DeploymentSwitch]
    workspaces: list[tuple]  # (workspace ref, path, ["stage dev -> prod", ...])
    policy_change: str | None  # the CG403 account in words, or None

    def exit_code(self, strict: bool = False) -> int:
        return self.result.exit_code(strict)

    def verdict(self, strict: bool = False) -> str:
        """One line: may it merge, the counts, the promotions that fail a gate."""
        errors, warnings = self.result.errors, self.result.warnings
        passes = self.exit_code(strict) == 0
        head = "passes the check" if passes else "fails the check"
        parts = [f"{errors} error{'s' if errors != 1 else ''}", f"{warnings} warning{'s' if warnings != 1 else ''}"]
        gated = [p for p in self.promotions if p.gates]
        if gated:
            failing = sum(1 for p in gated if not all(g.ok for g in p.gates))
            promotions = f"{len(gated)} promotion{'s' if len(gated) != 1 else ''}"
            parts.append(f"{failing} of {promotions} {'fails' if failing == 1 else 'fail'} a gate")
        return f"This change {head}: {', '.join(parts)}"

    def change_rows(self) -> list[tuple]:
        """(ref, path, added|modified|deleted) for every changed manifest, in path order."""
        rows = [(m, "added") for m in self.changes.added] + [(m, "modified") for m in self.changes.modified]
        rows += [(m, "deleted") for m in self.changes.deleted]
        was = self.changes.was  # a file that no longer parses is still named by what it was
        return sorted(((_ref_of(m) or _ref_of(was.get(m.relpath)), m.path, change) for m, change in rows),
                      key=lambda row: (row[1], row[2]))


def review_change(catalog, base, ref: str, *, now=None) -> Review:
    """Check ``catalog`` against ``base`` and read the change for a reviewer."""
    result = check_against_base(catalog, base, ref, now=now)
    changes = result.changes  # compared before the rules ran, once
    incumbents = Incumbents(LineageGraph.build(base), result.policy)
    touched = [(m, "added") for m in changes.added] + [(m, "modified") for m in changes.modified]
    promotions = [_review_promotion(result, incumbents, m, change) for m, change in touched if m.kind == "Promotion"]
    return Review(
        base=getattr(base.source, "commit", ref), ref=ref, result=result, changes=changes,
        promotions=sorted(promotions, key=lambda p: p.promotion.path),
        deployments=_deployment_switches(base, changes),
        workspaces=_workspace_changes(base, changes),
        policy_change=_policy_change(base, catalog),
    )


def _ref_of(manifest) -> str | None:
    return manifest.ref if manifest is not None and manifest.identified else None


def _review_promotion(result, incumbents: Incumbents, promotion, change: str) -> PromotionReview:
    spec = promotion.spec
    stage_name = spec.get("stage") if isinstance(spec.get("stage"), str) else None
    registry = spec.get("registry") if isinstance(spec.get("registry"), str) else None
    asset_ref = spec.get("asset") if isinstance(spec.get("asset"), str) else None
    review = PromotionReview(promotion, asset_ref, stage_name, registry, is_revocation(promotion), change,
                             findings=list(result.findings_in(promotion.path)))
    asset = result.graph.target(promotion, "promotes") if result.graph is not None else None
    stage = result.policy.stage(stage_name) if stage_name else None
    if stage is None or stage.gate is None or review.revoke:
        return review  # a registry share, an open stage or a revocation: no gate judges it (SPEC §5)
    if asset is None:
        review.gates = [GateResult(name, False, f"{asset_ref} names no asset in the catalog")
                        for name in stage.gate.names()]
        return review
    review.gates = judge_gates(result, promotion, asset, stage, incumbents.of(asset, stage))
    return review


def _deployment_switches(base, changes: ChangeSet) -> list[DeploymentSwitch]:
    before = {m.key: m for m in base.of_kind("Deployment") if m.identified}
    switches = []
    touched = [(m, False) for m in changes.added + changes.modified] + [(m, True) for m in changes.deleted]
    for manifest, deleted in touched:  # (asking the list of deleted ones of each cost changes x deletions)
        old = manifest if deleted else changes.was.get(manifest.relpath) or before.get(manifest.key)
        new = None if deleted or manifest.document is None else manifest
        if not manifest.identified and old is not None:  # a file that no longer parses: named by what it was
            manifest = old
        if manifest.kind != "Deployment":
            continue
        model = (_model(old), _model(new))
        traffic = (_traffic_as_written(old), _traffic_as_written(new))
        if model[0] != model[1] or traffic[0] != traffic[1]:
            spec = (new or old).spec
            switches.append(DeploymentSwitch(
                manifest.ref, manifest.path, model, traffic,
                spec.get("workspace") if isinstance(spec.get("workspace"), str) else None,
                spec.get("endpoint") if isinstance(spec.get("endpoint"), str) else None,
            ))
    return sorted(switches, key=lambda s: s.path)


def _model(deployment):
    model = deployment.spec.get("model") if deployment is not None else None
    return model if isinstance(model, str) else None


def _traffic_as_written(deployment):
    traffic = deployment.spec.get("traffic") if deployment is not None else None
    return traffic if isinstance(traffic, (int, float)) and not isinstance(traffic, bool) else None


def _workspace_changes(base, changes: ChangeSet) -> list[tuple]:
    """Workspaces whose stage, region or subscription the change sets differently (CG404's fields)."""
    before = {m.key: m for m in base.of_kind("Workspace") if m.identified}
    found = []
    for manifest in changes.added + changes.modified:
        old = before.get(manifest.key)
        if manifest.kind != "Workspace" or old is None:
            continue
        moves = [f"{name} {_shown(old.spec.get(name))} -> {_shown(manifest.spec.get(name))}"
                 for name in WORKSPACE_PLACEMENT if old.spec.get(name) != manifest.spec.get(name)]
        if moves:
            found.append((manifest.ref, manifest.path, moves))
    return found


def _shown(value) -> str:
    return "(none)" if value is None else str(value)


def _policy_change(base, catalog) -> str | None:
    before, after = base.policy, catalog.policy
    if before is None:
        return None if after is None else "the base has no policy; this change adds one"
    if after is None:
        return "the policy was deleted"
    changes = [c for c in diff(before.data, after.data) if not covered(c.path, POLICY_EDITORIAL_FIELDS)]
    return summarize_policy_change(before.data, after.data, changes) if changes else None
