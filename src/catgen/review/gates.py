"""Each gate of the judging policy on one promotion: ok or not, and why, in words a reviewer reads.

Whether a gate holds is the check's word, never a second opinion: a gate is
ok when the check reported (or waived) no finding of the gate's rules on the
promotion's file; a waived finding still fails its gate here, with the
waiver's reason, since the reviewer should see it. Only the metric gates,
which one rule (CG509, CG510) judges for every metric at once, are read
metric by metric, with the same bounds and tolerance as that rule
(``catgen.rules.metrics``), so a rule set to ``off`` leaves them failing in
the review while the check passes them. The detail adds what the
check does not say: who approved, the metric's value, its bound, and the value
of the version the stage holds now.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from catgen.model import person_key
from catgen.rules.metrics import EPSILON

# gate name -> the rules that judge it (SPEC §6)
GATE_RULES = {
    "approvals": ("CG503",),
    "approvers": ("CG504",),
    "separation_of_duties": ("CG505",),
    "from": ("CG502",),
    "require_registry": ("CG512",),
    "require_lineage": ("CG601", "CG602", "CG603", "CG604"),
    "training_data": ("CG606",),
    "pinned_images": ("CG605",),
}
MODEL_ONLY = frozenset({"require_lineage", "training_data"})  # the rules judge these on models alone


@dataclass(frozen=True)
class GateResult:
    gate: str
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        return {"gate": self.gate, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True)
class Incumbent:
    """The version of the same asset the stage holds now (in the base), and how: serves or holds."""

    asset: object  # a Manifest of the base catalog
    serves: bool


def judge_gates(result, promotion, asset, stage, incumbent: Incumbent | None) -> list[GateResult]:
    """Every gate ``stage`` sets, judged on ``promotion`` of ``asset`` (in the order of SPEC §5)."""
    gate = stage.gate
    findings = _findings_by_code(result, promotion.path)
    graph = result.graph
    found: list[GateResult] = []
    for name in gate.settings():
        if name in MODEL_ONLY and asset.kind != "Model":
            continue
        problems = [f for code in GATE_RULES[name] for f in findings.get(code, [])]
        detail = _problem_detail(problems) if problems else _passing_detail(name, graph, promotion, asset, stage)
        if name == "approvals":  # the count says it all; a waiver still shows
            waivers = [f"waived: {f.waived_by}" for f in problems if getattr(f, "waived_by", None)]
            detail = "; ".join([approvals_detail(promotion, asset, gate), *waivers])
        found.append(GateResult(name, not problems, detail))
    if asset.kind == "Model":
        job = graph.target(asset, "trained_by")
        for name, bounds in sorted(gate.metrics.items()):
            found.append(metric_gate(name, bounds, job, stage, incumbent))
        for name, allowed in sorted(gate.max_regression.items()):
            found.append(regression_gate(name, allowed, job, gate, graph))
    return found


def _findings_by_code(result, path: str) -> dict:
    by_code: dict = {}
    for found in result.findings_in(path):
        by_code.setdefault(found.code, []).append(found)
    for found in result.waived:
        if found.path == path:
            by_code.setdefault(found.code, []).append(found)
    return by_code


def _problem_detail(problems: list) -> str:
    parts = []
    for found in problems:
        waived = f" (waived: {found.waived_by})" if getattr(found, "waived_by", None) else ""
        parts.append(f"{found.code}: {found.message}{waived}")
    return "; ".join(parts)


def approvals_detail(promotion, asset, gate) -> str:
    """``1 of 2 (alice@contoso.com)``: the distinct approvals that count, as the check counts them."""
    counted, seen = [], set()
    approvals = promotion.spec.get("approvals")
    for approval in approvals if isinstance(approvals, list) else []:
        by = approval.get("by") if isinstance(approval, dict) else None
        if not isinstance(by, str) or person_key(by) in seen:
            continue
        seen.add(person_key(by))
        if _counts(promotion, asset, gate, person_key(by)):
            counted.append(by)
    who = f" ({', '.join(counted)})" if counted else ""
    return f"{len(counted)} of {gate.approvals}{who}"


def _counts(promotion, asset, gate, key: str) -> bool:
    if gate.approvers is not None and key not in gate.approvers:
        return False
    if not gate.separation_of_duties:
        return True
    people = (promotion.spec.get("requested_by"), asset.metadata.get("owner"))
    return all(not isinstance(person, str) or person_key(person) != key for person in people)


def _passing_detail(name: str, graph, promotion, asset, stage) -> str:
    gate = stage.gate
    if name == "from":
        return f"{asset.ref} reached {gate.from_stage} first"
    if name == "approvers":
        return f"every approval is by one of {', '.join(sorted(gate.approvers))}"
    if name == "separation_of_duties":
        return "no approval by the requester or the asset's owner"
    if name == "require_registry":
        registries = graph.registries(asset)
        return f"in {', '.join(r.ref for r in registries)}" if registries else "in a registry"
    if name == "require_lineage":
        job = graph.target(asset, "trained_by")
        return f"lineage complete: trained by {job.ref} ({job.spec.get('status')})" if job else "lineage complete"
    if name == "training_data":
        job = graph.target(asset, "trained_by")
        inputs = graph.out_edges(job, {"uses_data"}) if job is not None else []
        trained_on = ", ".join(f"{e.target.ref} ({e.target.spec.get('classification')})" for e in inputs)
        return f"trained on {trained_on or 'no data'}; allowed: {', '.join(sorted(gate.training_data))}"
    return "every environment is pinned by digest"


def metric_gate(name: str, bounds: dict, job, stage, incumbent) -> GateResult:
    """``metric:<name>``: the training job's value against its bounds and against the incumbent's."""
    value = _metric(job, name)
    low, high = _number(bounds.get("min")), _number(bounds.get("max"))
    bound = _bound_text(low, high)
    if job is None:
        return GateResult(f"metric:{name}", False, f"{name} is gated ({bound}) but the model has no training job")
    if value is None:
        return GateResult(f"metric:{name}", False, f"{name} is missing from {job.ref} ({bound})")
    ok = (low is None or value >= low - EPSILON) and (high is None or value <= high + EPSILON)
    if job.spec.get("status") != "completed" and stage.gate.require_lineage:
        ok = False
    detail = f"{name} {value:g} against {bound}" + _against_incumbent(name, stage, incumbent)
    return GateResult(f"metric:{name}", ok, detail)


def regression_gate(name: str, allowed, job, gate, graph) -> GateResult:
    """``regression:<name>``: the training job against its baseline job, as CG510 measures it."""
    baseline = graph.target(job, "baseline") if job is not None else None
    value, base = _metric(job, name), _metric(baseline, name)
    if baseline is None or value is None or base is None:
        missing = "no baseline job" if baseline is None else f"{name} missing from the job or its baseline"
        return GateResult(f"regression:{name}", True, f"nothing to compare ({missing}); allowed {allowed:g}")
    bounds = gate.metrics.get(name, {})
    lower_is_better = "max" in bounds and "min" not in bounds
    regression = value - base if lower_is_better else base - value
    detail = (f"{name} {value:g} against {base:g} for baseline {baseline.ref}: "
              f"regression {max(regression, 0):.4g}, allowed {allowed:g}")
    return GateResult(f"regression:{name}", regression <= allowed + EPSILON, detail)


def incumbent_job(incumbent):
    """The training job of the incumbent, read in the base catalog's own references."""
    for ref in incumbent.asset.refs:
        if ref.path[:2] == ("spec", "job"):
            return ref.target
    return None


def _against_incumbent(name: str, stage, incumbent) -> str:
    if incumbent is None:
        return f"; {stage.name} holds no other version now"
    how = "serves" if incumbent.serves else "holds"
    value = _metric(incumbent_job(incumbent), name)
    shown = f"{value:g}" if value is not None else "no value"
    return f" and against {shown} for {incumbent.asset.ref}, which {stage.name} {how} now"


def _bound_text(low, high) -> str:
    if low is not None and high is not None:
        return f"the bounds {low:g} to {high:g}"
    if low is not None:
        return f"a minimum of {low:g}"
    return f"a maximum of {high:g}" if high is not None else "no bound"


def _metric(job, name: str):
    metrics = job.spec.get("metrics") if job is not None else None
    return _number(metrics.get(name)) if isinstance(metrics, dict) else None


def _number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    return None
