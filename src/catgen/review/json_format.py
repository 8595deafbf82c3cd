"""``catgen diff --format json``: the contract of SPEC §8, keys stable, more may be added.

Values are exact; characters a CI log could act on are written as ``\\uXXXX``
escapes, as in ``catgen check --format json`` (``reporters._inert``).
"""

from __future__ import annotations

from catgen.reporters._inert import inert_json


def render(review, stream, *, strict: bool = False) -> None:
    stream.write(inert_json(as_document(review, strict=strict), indent=2, sort_keys=False))
    stream.write("\n")


def as_document(review, *, strict: bool = False) -> dict:
    result = review.result
    return {
        "base": review.base,
        "verdict": review.verdict(strict),
        "changes": [{"ref": ref, "path": path, "change": change} for ref, path, change in review.change_rows()],
        "promotions": [_promotion(p) for p in review.promotions],
        "deployments": [_deployment(d) for d in review.deployments],
        "workspaces": [{"workspace": ref, "path": path, "changes": moves} for ref, path, moves in review.workspaces],
        "policy": {"changed": review.policy_change is not None, "summary": review.policy_change},
        "findings": [f.as_dict() for f in result.findings],
        "summary": {**result.summary(), "exit_code": review.exit_code(strict)},
    }


def _promotion(review) -> dict:
    return {
        "promotion": review.promotion.ref if review.promotion.identified else None,
        "path": review.promotion.path,
        "change": review.change,
        "asset": review.asset,
        "stage": review.stage,
        "registry": review.registry,
        "revoke": review.revoke,
        "ok": review.ok,
        "gates": [g.as_dict() for g in review.gates],
    }


def _deployment(switch) -> dict:
    return {
        "deployment": switch.deployment,
        "path": switch.path,
        "workspace": switch.workspace,
        "endpoint": switch.endpoint,
        "model": {"from": switch.model[0], "to": switch.model[1]},
        "traffic": {"from": switch.traffic[0], "to": switch.traffic[1]},
    }
