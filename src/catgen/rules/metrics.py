"""CG5xx: the metric gates of a stage, read on a promoted model's training job.

Where a stage's gate sets ``metrics``, the training job of a model promoted to
it reports each gated metric within bounds (CG509); where it sets
``max_regression``, the job did not regress against its ``baseline`` job by
more than allowed (CG510). Reported in the Promotion's file, at its
``asset``; a revocation is never judged. Part of the promotion family: its
rules are documented on the promotion rules page.
"""

from __future__ import annotations

import math

from catgen.rules import metrics_examples
from catgen.rules._gates import completed, gated_promotions
from catgen.rules.base import rule

EPSILON = 1e-9  # bounds are inclusive; tolerate float noise such as 0.861 - 0.841


@rule("CG509", "metric-gate", examples=metrics_examples.CG509)
def metric_gate(ctx):
    """A model promoted to a stage lacks a metric the stage gates, or the metric is out of bounds.

    Metrics are read from the model's training job; ``min`` and ``max`` are
    inclusive. Where the stage requires lineage, a model without a completed
    training job is reported by CG601 alone; a metric that is not a finite
    number (``.inf``, ``.nan``) by CG201 alone.
    """
    for promotion, asset, stage in gated_promotions(ctx, kinds=("Model",)):
        if not stage.gate.metrics:
            continue
        job = ctx.graph.target(asset, "trained_by")
        if stage.gate.require_lineage and not completed(job):
            continue  # CG601 reports the missing or unfinished job, once
        metrics = job.spec.get("metrics") if job is not None and isinstance(job.spec.get("metrics"), dict) else {}
        for name, bounds in sorted(stage.gate.metrics.items()):
            problem = _metric_problem(name, metrics.get(name), bounds, job)
            if problem:
                message = f"{asset.ref}: {problem} (gate of {stage.name})"
                yield ctx.finding("CG509", promotion, ("spec", "asset"), message, subject=asset.ref, value=True)


@rule("CG510", "metric-regression", examples=metrics_examples.CG510)
def metric_regression(ctx):
    """A model's training job regressed against its baseline job by more than ``max_regression`` allows.

    Regression is ``baseline - value`` for metrics gated with ``min`` or not
    gated (higher is better) and ``value - baseline`` for metrics gated with
    ``max``; absolute. No finding when either value is missing.
    """
    for promotion, asset, stage in gated_promotions(ctx, kinds=("Model",)):
        job = ctx.graph.target(asset, "trained_by")
        if stage.gate.require_lineage and not completed(job):
            continue  # CG601 reports the missing or unfinished job, once
        baseline = ctx.graph.target(job, "baseline") if job is not None else None
        if baseline is None or not stage.gate.max_regression:
            continue
        for name, allowed in sorted(stage.gate.max_regression.items()):
            value, base = _number(job.spec.get("metrics"), name), _number(baseline.spec.get("metrics"), name)
            if value is None or base is None:
                continue
            bounds = stage.gate.metrics.get(name, {})
            lower_is_better = "max" in bounds and "min" not in bounds
            regression = value - base if lower_is_better else base - value
            if regression > allowed + EPSILON:
                yield ctx.finding(
                    "CG510", promotion, ("spec", "asset"),
                    f"{asset.ref}: {name} regressed by {regression:.4g} against baseline {baseline.ref} "
                    f"({base:g} -> {value:g}); {stage.name} allows {allowed:g}",
                    subject=asset.ref, value=True,
                )


def _metric_problem(name, value, bounds, job) -> str | None:
    if job is None:
        return f"metric {name} is gated but the model has no training job to read it from"
    if _is_num(value) and not math.isfinite(value):
        return None  # SPEC §2: not a number, it can neither pass nor fail; CG201 is its only finding
    if not _is_num(value):
        return f"metric {name} is missing from {job.ref}"
    low, high = bounds.get("min"), bounds.get("max")
    if _is_num(low) and value < low - EPSILON:
        return f"{name} is {value:g}, below the minimum {low:g}"
    if _is_num(high) and value > high + EPSILON:
        return f"{name} is {value:g}, above the maximum {high:g}"
    return None


def _number(metrics, name):
    """The metric's value; None when missing or not finite (CG201 reports a non-finite one, alone)."""
    value = metrics.get(name) if isinstance(metrics, dict) else None
    return value if _is_num(value) and math.isfinite(value) else None


def _is_num(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


RULES = [metric_gate, metric_regression]
