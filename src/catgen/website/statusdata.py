"""The /status/ page's data: enough to compute the status document (SPEC §8) at any past moment.

Rather than one document per change point (which grows with points × assets),
it holds pieces, each valid from a moment until another (``null``: since
always, or still): per stage the asset versions' memberships, and per
deployment the §8 entry it showed on its endpoint. The state at T is the pieces
with ``from <= T < until`` in file order (sorted as ``status_document`` sorts),
so the page's script only filters and groups; everything it shows was computed
here by ``catgen.history`` (``Timeline`` and ``report``). Changes after "now"
are left out (they have not happened); "now" itself is never written, so two
builds of the same catalog and history give the same bytes.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone

from catgen.dates import parse_timestamp
from catgen.history import report
from catgen.history.report import stamp, status_document
from catgen.history.timeline import VERSIONED_KINDS

TIMELINE_PATH = "status/timeline.json"
FORMAT = "catgen-status-timeline/1"
_BEFORE_ALL = datetime(1, 1, 1, tzinfo=timezone.utc)


def status_timeline(site) -> dict:
    """The page's data: how far history reaches, "now" (the working tree), stage memberships and deployment entries.

    Computed once per build (the page embeds it and the build writes it as ``TIMELINE_PATH``).
    """
    if site.status_data is None:
        site.status_data = _strict(_status_timeline(site))
    return site.status_data


def _status_timeline(site) -> dict:
    timeline = site.timeline
    now = status_document(timeline, timeline.now, past=False)
    now["at"] = None  # the build's time stays out of the site: two builds must be byte-identical
    stages = timeline.stage_names()
    order = {name: index for index, name in enumerate(stages)}
    memberships = sorted(_memberships(timeline, stages), key=lambda m: (order[m["stage"]], m["ref"], m["from"] or ""))
    served = sorted(_deployment_pieces(timeline, set(stages)), key=lambda d: (
        order[d["stage"]], d["workspace"], d["endpoint"], d["entry"]["deployment"], d["entry"]["path"], d["from"]))
    history = timeline.history
    return {"format": FORMAT,
            "history": {"available": history.available, "from": stamp(history.oldest), "note": site.history_note},
            "now": now, "stages": stages, "assets": memberships, "deployments": served,
            "urls": _addresses(site, now, memberships, served)}


def _memberships(timeline, stages: list) -> list:
    """(stage, asset, from, until) while the asset is in the stage: ``Timeline.assets_in`` at each of its own events."""
    order = {stage: index for index, stage in enumerate(stages)}
    known = set(stages)
    found = []
    for kind in VERSIONED_KINDS:
        for asset in timeline.catalog.of_kind(kind):
            if asset not in timeline.graph.nodes:
                continue
            created = timeline.created(asset)
            for stage in sorted(timeline.graph.possible_stages(asset, timeline.policy) & known, key=order.__getitem__):
                history = timeline.graph.stage_history(asset, stage)
                moments = sorted({d for d in [created, *history.dates] if d is not None and d <= timeline.now})
                found += [{"stage": stage, "ref": asset.ref, "from": start, "until": until}
                          for start, until in _spells(lambda at: _member(timeline, asset, stage, created, at), moments)]
    return found


def _member(timeline, asset, stage: str, created, at: datetime) -> bool:
    return (created is None or created <= at) and timeline.graph.in_stage(asset, stage, timeline.policy, at=at)


def _spells(holds, moments: list) -> list:
    """(from, until) stamps (None: always, still) of the spells when ``holds``, which changes only at ``moments``."""
    spells, start, inside = [], None, holds(_BEFORE_ALL)
    for moment in moments:
        now_inside = holds(moment)
        if now_inside and not inside:
            start = moment
        elif inside and not now_inside:
            spells.append((stamp(start), stamp(moment)))
        inside = now_inside
    return spells + ([(stamp(start), None)] if inside else [])


def _deployment_pieces(timeline, stages: set) -> list:
    """Each committed deployment version's §8 entry on its endpoint, split where its promotion or approvals change."""
    pieces = []
    for path, versions in timeline.versions.items():
        for index, version in enumerate(versions):
            start = version.change.date
            if version.spec is None or start > timeline.now:
                continue
            until = versions[index + 1].change.date if index + 1 < len(versions) else None
            until = until if until is not None and until <= timeline.now else None
            # The same run start as Timeline.deployments_at(start) finds.
            served = timeline.served(path, version.name, version.spec, versions[: index + 1])
            workspace = timeline.manifest_of(served.workspace)
            stage = workspace.spec.get("stage") if workspace is not None else None
            if stage in stages:
                pieces += _version_pieces(timeline, stage, workspace.ref, served, start, until)
    return pieces


def _version_pieces(timeline, stage: str, workspace: str, served, start: datetime, until) -> list:
    model = timeline.manifest_of(served.model)
    moments = [start] + sorted(d for d in _entry_moments(timeline, model, stage)
                               if start < d <= timeline.now and (until is None or d < until))
    pieces = []
    for moment in moments:
        entry = report.deployment_entry(timeline, stage, served, moment)  # the entry status_document gives
        if pieces and pieces[-1]["entry"] == entry:
            continue
        if pieces:
            pieces[-1]["until"] = stamp(moment)
        pieces.append({"stage": stage, "workspace": workspace, "endpoint": served.endpoint or "",
                       "from": stamp(moment), "until": stamp(until), "entry": entry})
    return pieces


def _entry_moments(timeline, model, stage: str) -> set:
    """When the model's standing promotion for ``stage`` or its approvers may change."""
    if model is None:
        return set()
    history = timeline.graph.stage_history(model, stage)
    moments = {d for d in history.dates}
    for promotion in history.promotions:
        approvals = promotion.spec.get("approvals")
        for approval in approvals if isinstance(approvals, list) else []:
            moments.add(parse_timestamp(approval.get("at")) if isinstance(approval, dict) else None)
    moments.discard(None)
    return moments


def _addresses(site, now: dict, memberships: list, served: list) -> dict:
    """Site address of every reference shown that has a page (the script links them)."""
    refs = {m["ref"] for m in memberships} | {d["workspace"] for d in served}
    entries = [d["entry"] for d in served]
    for stage in now["stages"]:
        refs.update(stage["assets"])
        for endpoint in stage["endpoints"]:
            refs.add(endpoint["workspace"])
            entries += endpoint["deployments"]
    for entry in entries:
        refs.update(r for r in (entry["deployment"], entry["model"], entry["promotion"]) if r)
    found = {}
    for ref in sorted(refs):
        manifest = site.timeline.manifest_of(ref)
        address = site.url(manifest) if manifest is not None else None
        if address is not None:
            found[ref] = address
    return found


def _strict(value):
    """Plain JSON values only: a NaN or infinity (YAML ``.nan`` traffic) or any other object becomes text."""
    if isinstance(value, dict):
        return {str(k): _strict(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strict(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def timeline_json(data: dict) -> str:
    """Strict, deterministic JSON; ``<`` escaped so the text can sit inside a ``<script>`` element."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
