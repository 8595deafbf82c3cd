"""``catgen history REF``: every event of one asset version or deployment, in date order (SPEC §8)."""

from __future__ import annotations

import json
import sys

from catgen.commands._refs import find
from catgen.dates import utc_now
from catgen.errors import CatalogError, log_safe_line
from catgen.history.report import asset_events, deployment_events
from catgen.history.timeline import VERSIONED_KINDS, open_timeline


def run(ref: str, catalog_root: str, *, output_format: str) -> int:
    timeline = open_timeline(catalog_root, utc_now())
    try:
        manifest = find(timeline.catalog, ref)
    except CatalogError:
        manifest = None
    if manifest is not None and manifest.kind in VERSIONED_KINDS:
        document = {"ref": manifest.ref, "events": asset_events(timeline, manifest)}
    elif manifest is not None and manifest.kind == "Deployment":
        document = {"ref": manifest.ref, "events": deployment_events(timeline, manifest.relpath)}
    elif ref.startswith("deployment:") and _deleted_path(timeline, ref):
        document = {"ref": ref, "events": deployment_events(timeline, _deleted_path(timeline, ref))}
    elif manifest is None:
        find(timeline.catalog, ref)  # raises the one-line error, with its near miss
    else:
        raise CatalogError(f"{ref} is a {manifest.kind}: history follows asset versions and deployments")
    sys.stdout.write(FORMATS[output_format](document))
    return 0


def _deleted_path(timeline, ref: str) -> str | None:
    """A deployment that no longer exists keeps its history: the path of its last committed version."""
    name = ref.removeprefix("deployment:")
    for path in timeline.deployment_paths:
        if any(version.name == name for version in timeline.versions.get(path, [])):
            return path
    return None


def as_json(document: dict) -> str:
    return json.dumps(document, indent=2) + "\n"


def as_text(document: dict) -> str:
    lines = [document["ref"]]
    for event in document["events"]:
        lines.append(f"  {event['date'] or 'undated':20}  {event['event']:9} {_detail(event)}")
    # Reasons, authors and paths are outside text: no line of theirs may read as a CI command.
    return "\n".join(log_safe_line(line) for line in lines) + "\n"


def _detail(event: dict) -> str:
    kind = event["event"]
    if kind == "created":
        where = f" (commit {event['commit'][:12]} by {event['author']})" if "commit" in event else ""
        return f"{event['path']}{where}"
    if kind == "shared":
        return f"into {event['registry']} by {event['promotion']}"
    if kind == "promoted":
        return f"to {event['stage']} by {event['promotion']} (requested by {event['requested_by']})"
    if kind == "approved":
        return f"{event['promotion']} for {event['stage']} by {event['by']}"
    if kind == "revoked":
        return f"from {event['stage']} by {event['promotion']}: {event['reason']}"
    model, traffic = event["model"], event["traffic"]
    return (f"commit {event['commit'][:12]} by {event['author']}: model {_shown(model['from'])} -> "
            f"{_shown(model['to'])}, traffic {_shown(traffic['from'])} -> {_shown(traffic['to'])}")


def _shown(value) -> str:
    return "none" if value is None else str(value)


FORMATS = {"text": as_text, "json": as_json}
