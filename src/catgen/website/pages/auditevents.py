"""The audit trail's events: promotion requests, approvals and revocations, and every deployment change.

Promotions are dated records of the catalog; deployment changes are git's
(``SiteModel.timeline``: one ``git log`` for the whole build, deleted
deployments included), read through ``history.report.deployment_events``, the
same events ``catgen history`` prints. Each event carries what the page's
filters match on: a stage key and its readable label, the asset references it
concerns, the person, and its date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from catgen.dates import parse_timestamp
from catgen.graph.lineage import is_revocation, promotion_date
from catgen.history.report import deployment_events
from catgen.model import parse_ref_text

@dataclass
class AuditEvent:
    date: datetime | None  # None: the record's date is unreadable (CG201); sorts last
    written: str  # the date as written in the record (shown when unreadable)
    order: int  # at one instant: a request before its approvals, promotions before deployment changes
    event: str  # requested, approved, revoked, added, changed, deleted, unreadable
    stage: str  # the filter's key: a stage name or "registry:<name>" ("" when unknown)
    who: str
    subject: object  # the Promotion, or for a deployment change its current manifest (None when deleted)
    subject_ref: str  # the reference shown when ``subject`` has no page
    assets: list = field(default_factory=list)  # the asset references the event concerns
    comment: str = ""  # approval comment or revocation reason
    change: dict | None = None  # deployment changes: report.deployment_events' entry (commit, model, traffic)

    @property
    def sort_key(self) -> tuple:
        return (self.date is None, self.date.timestamp() if self.date else 0.0, self.order, self.subject_ref)


def audit_events(site) -> list[AuditEvent]:
    """Every promotion event and deployment change, oldest first (undated last)."""
    events = []
    for promotion in site.by_kind.get("Promotion", []):
        events += _promotion_events(promotion)
    events += _deployment_changes(site)
    return sorted(events, key=lambda e: e.sort_key)


def stage_label(key: str) -> str:
    """What a person reads for a filter key: ``prod``, ``registry contoso-ml``."""
    return f"registry {key.removeprefix('registry:')}" if key.startswith("registry:") else key


def _promotion_events(promotion) -> list[AuditEvent]:
    spec = promotion.spec
    if "stage" in spec:
        stage = _text(spec.get("stage"))
    else:
        registry = _text(spec.get("registry"))
        _, name, _ = parse_ref_text(registry)
        stage = f"registry:{name or registry}" if registry else ""
    assets = [_text(spec.get("asset"))]
    revoked = is_revocation(promotion)
    date_text = _text(spec.get("date"))
    first = AuditEvent(promotion_date(promotion), date_text, 0, "revoked" if revoked else "requested", stage,
                       _text(spec.get("requested_by")), promotion, promotion.ref, assets,
                       comment=_text(spec.get("reason")) if revoked else "")
    events = [first]
    approvals = spec.get("approvals")
    for approval in approvals if isinstance(approvals, list) else []:
        if isinstance(approval, dict):
            events.append(AuditEvent(parse_timestamp(approval.get("at")), _text(approval.get("at")), 1, "approved",
                                     stage, _text(approval.get("by")), promotion, promotion.ref, assets,
                                     comment=_text(approval.get("comment"))))
    return events


def _deployment_changes(site) -> list[AuditEvent]:
    timeline = site.timeline
    if timeline is None:
        return []
    current = {m.relpath: m for m in site.by_kind.get("Deployment", [])}
    events = []
    for relpath, versions in timeline.versions.items():
        before = None
        for version, change in zip(versions, deployment_events(timeline, relpath)):
            spec = version.spec if version.spec is not None else before
            name = version.name or _name_of(relpath)
            models = [m for m in (change["model"]["from"], change["model"]["to"]) if isinstance(m, str)]
            events.append(AuditEvent(version.change.date, change["date"] or "", 2, change["event"],
                                     _workspace_stage(timeline, spec), change["author"] or "",
                                     current.get(relpath), f"deployment:{name}", list(dict.fromkeys(models)),
                                     change=change))
            before = version.spec or before
    return events


def _workspace_stage(timeline, spec) -> str:
    """The stage of the workspace the deployment runs in (as of now: workspaces rarely change stage)."""
    workspace = timeline.manifest_of(_text(spec.get("workspace"))) if spec else None
    return _text(workspace.spec.get("stage")) if workspace is not None else ""


def _name_of(relpath: str) -> str:
    return relpath.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _text(value) -> str:
    return "" if value is None else str(value)
