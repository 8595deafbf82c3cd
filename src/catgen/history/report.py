"""The documents ``catgen status`` and ``catgen history`` print, as plain data (SPEC §8)."""

from __future__ import annotations

from datetime import datetime

from catgen.dates import parse_timestamp, utc_text
from catgen.graph.lineage import is_revocation, promotion_date


def stamp(moment: datetime | None) -> str | None:
    return utc_text(moment) if moment else None


def status_document(timeline, at: datetime, *, past: bool, stage: str | None = None) -> dict:
    """SPEC §8's JSON: per stage (policy order, then the rest sorted) its assets and endpoints at ``at``."""
    served = timeline.deployments_at(at if past else None)
    stages = []
    for name in timeline.stage_names():
        if stage is not None and name != stage:
            continue
        assets = [a.ref for a in timeline.assets_in(name, at)]
        stages.append({"name": name, "assets": assets, "endpoints": _endpoints(timeline, name, served, at)})
    return {"at": stamp(at), "stages": stages}


def _endpoints(timeline, stage: str, served, at: datetime) -> list:
    endpoints: dict = {}
    for deployment in served:
        workspace = timeline.manifest_of(deployment.workspace)
        if workspace is None or workspace.spec.get("stage") != stage:
            continue
        key = (workspace.ref, deployment.endpoint or "")
        endpoints.setdefault(key, []).append(deployment_entry(timeline, stage, deployment, at))
    return [{"workspace": w, "endpoint": e, "deployments": endpoints[(w, e)]} for w, e in sorted(endpoints)]


def deployment_entry(timeline, stage: str, deployment, at: datetime) -> dict:
    model = timeline.manifest_of(deployment.model)
    event, revoked = timeline.standing_promotion(model, stage, at) if model is not None else (None, False)
    promotion = None if revoked else event
    entry = {"deployment": deployment.ref, "model": model.ref if model is not None else deployment.model,
             "traffic": deployment.traffic, "since": stamp(deployment.since), "commit": deployment.commit,
             "promotion": promotion.ref if promotion is not None else None,
             "approved_by": approvers(promotion, at) if promotion is not None else [],
             "path": deployment.relpath}
    if revoked:
        entry["revoked_by"] = event.ref
    entry["training"] = training(timeline, model)
    return entry


def approvers(promotion, at: datetime | None) -> list[str]:
    """Who approved ``promotion`` at or before ``at`` (an approval without a readable date is counted)."""
    found = []
    for approval in _approvals(promotion):
        when = parse_timestamp(approval.get("at"))
        if at is None or when is None or when <= at:
            found.append(approval["by"])
    return found


def _approvals(promotion) -> list[dict]:
    items = promotion.spec.get("approvals")
    if not isinstance(items, list):
        return []
    return [a for a in items if isinstance(a, dict) and isinstance(a.get("by"), str)]


def training(timeline, model) -> dict | None:
    """The model's training job, its data, code commit, environment and logs, or None."""
    job = timeline.graph.target(model, "trained_by") if model is not None else None
    if job is None:
        return None
    code = job.spec.get("code") if isinstance(job.spec.get("code"), dict) else {}
    data = [e.target.ref for e in timeline.graph.out_edges(job, {"uses_data"})]
    environment = timeline.graph.target(job, "uses_environment")
    return {"job": job.ref, "data": sorted(data), "code": code.get("commit"), "repository": code.get("repository"),
            "environment": environment.ref if environment is not None else None, "logs": job.spec.get("logs")}


# -- history -------------------------------------------------------------------

def asset_events(timeline, asset) -> list[dict]:
    """Creation, registry sharing, promotions with each approval, revocations; date order."""
    changes = timeline.history.changes(asset.relpath)
    created = {"event": "created", "date": stamp(timeline.created(asset)), "path": asset.relpath}
    if changes:
        created.update(commit=changes[0].commit, author=changes[0].author)
    events = [created]
    for promotion in timeline.graph.promotions(asset):
        date = stamp(promotion_date(promotion))
        base = {"date": date, "promotion": promotion.ref, "requested_by": promotion.spec.get("requested_by")}
        if "registry" in promotion.spec:
            events.append({"event": "shared", **base, "registry": promotion.spec.get("registry")})
        elif is_revocation(promotion):
            events.append({"event": "revoked", **base, "stage": promotion.spec.get("stage"),
                           "reason": promotion.spec.get("reason")})
        else:
            events.append({"event": "promoted", **base, "stage": promotion.spec.get("stage")})
            for approval in _approvals(promotion):
                events.append({"event": "approved", "date": stamp(parse_timestamp(approval.get("at"))),
                               "promotion": promotion.ref, "stage": promotion.spec.get("stage"),
                               "by": approval["by"], "comment": approval.get("comment")})
    return _in_date_order(events)


def deployment_events(timeline, relpath: str) -> list[dict]:
    """Each commit that changed the deployment's manifest: model and traffic before and after."""
    events, before = [], None
    for version in timeline.versions.get(relpath, []):
        change = version.change
        after = version.spec
        # A committed file that is no readable Deployment (broken YAML, too large, another kind) was not deleted.
        kind = ("deleted" if change.blob is None else "unreadable") if after is None else \
            ("added" if before is None else "changed")
        events.append({"event": kind, "date": stamp(change.date), "commit": change.commit, "author": change.author,
                       "model": {"from": _field(before, "model"), "to": _field(after, "model")},
                       "traffic": {"from": _field(before, "traffic"), "to": _field(after, "traffic")}})
        before = after
    return events


def _field(spec, key):
    return spec.get(key) if spec else None


def _in_date_order(events: list[dict]) -> list[dict]:
    # Stable: at one instant the order written above holds (a promotion before its approvals); undated last.
    return sorted(events, key=lambda e: (e["date"] is None, e["date"] or ""))
