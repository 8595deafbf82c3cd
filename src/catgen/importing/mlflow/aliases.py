"""MLflow aliases as Promotions and revocations, by comparing them with what earlier imports recorded.

MLflow keeps only where each alias points now, not when it moved. catgen's
Promotions are append-only events, so an import compares, for each model, alias
and stage (``--alias ALIAS=STAGE``), the alias now with the last event an import
wrote for it (Promotions tagged ``catgen.import: mlflow`` and ``mlflow.alias``):

- the alias points where the last promotion says: nothing;
- it points at a version for the first time, or somewhere else (it moved), or
  again after a revocation: a Promotion of that version, dated now;
- it is gone while the last event is a promotion: a revocation of that version.

Each event is dated when the import first sees it, and its ``reason`` says so.
The version an alias left stays in the stage, as any catgen promotion does (a
stage may hold several versions); take it out by hand with ``catgen promote --revoke``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from catgen.dates import parse_timestamp
from catgen.importing.mlflow.mapping import IMPORTER, catgen_name, is_person
from catgen.importing.plan import IMPORT_TAG, Note, PlannedManifest
from catgen.model import parse_ref_text

ALIAS_TAG = "mlflow.alias"
MODEL_TAG = "mlflow.model"
DEFAULT_REQUESTER = "mlflow-import"
NO_HISTORY = "MLflow keeps no alias history, so this is dated when the import first saw it"


@dataclass(frozen=True)
class Recorded:
    """The last event an import wrote for one model, alias and stage."""

    version: str
    revoke: bool


@dataclass
class AliasPlan:
    manifests: list
    not_carried: list
    skipped: list


def recorded_events(catalog) -> dict:
    """(catgen model name, alias, stage) -> the latest ``Recorded`` event, by date then path (SPEC §5)."""
    latest: dict = {}
    for promotion in catalog.of_kind("Promotion"):
        tags = promotion.metadata.get("tags")
        if not isinstance(tags, dict) or tags.get(IMPORT_TAG) != IMPORTER or not isinstance(tags.get(ALIAS_TAG), str):
            continue
        kind, name, version = parse_ref_text(str(promotion.spec.get("asset", "")))
        stage, date = promotion.spec.get("stage"), parse_timestamp(promotion.spec.get("date"))
        if kind != "Model" or version is None or not isinstance(stage, str) or date is None:
            continue
        key, order = (name, tags[ALIAS_TAG], stage), (date, promotion.relpath)
        if key not in latest or order > latest[key][0]:
            latest[key] = (order, Recorded(version, promotion.spec.get("revoke") is True))
    return {key: recorded for key, (_, recorded) in latest.items()}


def plan_promotions(snapshot, planned: dict, alias_stages: dict, catalog, *, requested_by: str | None,
                    now: datetime, every_model: bool) -> AliasPlan:
    """The Promotions and revocations that bring the catalog up to the aliases MLflow has now.

    ``planned``: MLflow model name -> (catgen name, versions planned), from ``mapping.plan_assets``.
    ``every_model``: the import read every registered model, so a model gone from MLflow lost its aliases.
    """
    result = AliasPlan([], [], [])
    recorded = recorded_events(catalog)
    seen = set()
    for model in snapshot.models:
        if model.name not in planned:
            continue
        name, versions = planned[model.name]
        seen.add(name)
        for alias in sorted(set(model.aliases) - set(alias_stages)):
            result.not_carried.append(Note(f"mlflow model {model.name}", f"aliases.{alias}",
                                           f"points at version {model.aliases[alias]}; no stage given for it "
                                           f"(--alias {alias}=STAGE)"))
        users = {v.version: v.user_id for v in model.versions}
        for alias, stage in alias_stages.items():
            event = _Event(model.name, name, alias, stage, now)
            _compare(event, model.aliases.get(alias), recorded.get((name, alias, stage)), versions, catalog,
                     requested_by, users, result)
    if every_model:
        for (name, alias, stage), last in sorted(recorded.items()):
            if name not in seen and alias_stages.get(alias) == stage and not last.revoke:
                event = _Event(name, name, alias, stage, now)
                _compare(event, None, last, set(), catalog, requested_by, {}, result)
    return result


@dataclass(frozen=True)
class _Event:
    mlflow_name: str
    name: str  # the catgen model name
    alias: str
    stage: str
    now: datetime

    @property
    def source(self) -> str:
        return f"mlflow model {self.mlflow_name}"


def _compare(event: _Event, current: str | None, last: Recorded | None, versions: set, catalog,
             requested_by: str | None, users: dict, result: AliasPlan) -> None:
    said = f"MLflow alias {event.alias!r} of model {event.mlflow_name!r}"
    if current is None:
        if last is not None and not last.revoke:
            reason = (f"{said} is gone (it pointed at version {last.version} at the last import); {NO_HISTORY} "
                      "gone")
            who = _requester(requested_by, users.get(last.version))
            result.manifests.append(_promotion(event, last.version, who, reason, revoke=True))
        return
    if last is not None and not last.revoke and last.version == current:
        return
    if current not in versions and catalog.get("Model", event.name, current) is None:
        result.skipped.append(Note(event.source, f"aliases.{event.alias}", f"points at version {current}, which is "
                                   "not imported (see above): its promotion waits for it"))
        return
    was = "" if last is None or last.revoke else f" (version {last.version} at the last import)"
    reason = f"{said} pointed at version {current}{was}; {NO_HISTORY} there"
    who = _requester(requested_by, users.get(current))
    result.manifests.append(_promotion(event, current, who, reason, revoke=False))


def _requester(requested_by: str | None, user: str | None) -> str:
    """SPEC §8: WHO, else the MLflow user of the model version, else ``mlflow-import``."""
    if requested_by:
        return requested_by
    return user if is_person(user) else DEFAULT_REQUESTER


def _promotion(event: _Event, version: str, requested_by: str, reason: str, *, revoke: bool) -> PlannedManifest:
    stamp = event.now.strftime("%Y%m%dT%H%M%SZ")
    suffix = f"-{catgen_name(event.alias, 40) or 'alias'}-{stamp}"
    prefix = f"{event.name}-{version}-{'revoke' if revoke else 'to'}-{event.stage}"
    metadata = {"name": prefix[: 128 - len(suffix)] + suffix,
                "tags": {IMPORT_TAG: IMPORTER, ALIAS_TAG: event.alias, MODEL_TAG: event.mlflow_name}}
    spec: dict = {"stage": event.stage, "asset": f"model:{event.name}@{version}"}
    if revoke:
        spec["revoke"] = True
    spec.update({"reason": reason, "requested_by": requested_by, "date": event.now})
    if not revoke:
        spec["approvals"] = []  # MLflow records none: the policy's approval gates say what is missing
    document = {"apiVersion": "catgen/v1", "kind": "Promotion", "metadata": metadata, "spec": spec}
    return PlannedManifest(document, f"{event.source} alias {event.alias}")
