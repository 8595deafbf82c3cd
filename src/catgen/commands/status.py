"""``catgen status``: per stage, what was in it and what served on its endpoints, now or at ``--at`` (SPEC §8)."""

from __future__ import annotations

import json
import sys

from catgen.dates import parse_timestamp, utc_now
from catgen.errors import CatalogError, log_safe_line
from catgen.history.report import status_document
from catgen.history.timeline import open_timeline
from catgen.review.markdown import inline


def run(catalog_root: str, *, at: str | None, stage: str | None, output_format: str) -> int:
    now = utc_now()
    moment = now
    if at is not None:
        moment = parse_timestamp(at)  # a bare date is 00:00 UTC (SPEC §5)
        if moment is None:
            raise CatalogError(f"--at {at!r} is not a date or timestamp (e.g. 2024-09-25 or 2024-09-25T14:00:00Z)")
    timeline = open_timeline(catalog_root, now)
    if stage is not None and stage not in timeline.stage_names():
        raise CatalogError(f"no stage {stage!r} (stages: {', '.join(timeline.stage_names()) or 'none'})")
    document = status_document(timeline, moment, past=at is not None, stage=stage)
    sys.stdout.write(FORMATS[output_format](document))
    return 0


def as_json(document: dict) -> str:
    return json.dumps(document, indent=2) + "\n"


def as_text(document: dict) -> str:
    lines = [f"as of {document['at']}"]
    for stage in document["stages"]:
        lines += ["", f"{stage['name']}: {len(stage['assets'])} asset versions"]
        lines += [f"  {ref}" for ref in stage["assets"]]
        for endpoint in stage["endpoints"]:
            lines.append(f"  endpoint {endpoint['endpoint']} in {endpoint['workspace']}")
            for entry in endpoint["deployments"]:
                lines += [f"    {line}" for line in _deployment_lines(entry)]
    # Endpoint names, repositories and log URIs are manifest text: no line may read as a CI command.
    return "\n".join(log_safe_line(line) for line in lines) + "\n"


def _deployment_lines(entry: dict) -> list[str]:
    since = f"since {entry['since']}" if entry["since"] else "since: unknown (no git history)"
    commit = f" (commit {entry['commit'][:12]})" if entry["commit"] else ""
    lines = [f"{entry['deployment']}: {entry['model']} at {entry['traffic']}% traffic, {since}{commit}"]
    if entry["promotion"]:
        approved = ", ".join(entry["approved_by"]) or "nobody"
        lines.append(f"  promoted by {entry['promotion']}, approved by {approved}")
    elif entry.get("revoked_by"):
        lines.append(f"  REVOKED by {entry['revoked_by']}: serving without a standing promotion")
    else:
        lines.append("  no promotion to this stage")
    training = entry.get("training")
    if training:
        lines.append(f"  trained by {training['job']} on {', '.join(training['data']) or 'no data'}")
        lines.append(f"  code {training['repository'] or '?'} @ {training['code'] or '?'}, "
                     f"environment {training['environment'] or '?'}, logs {training['logs'] or '?'}")
    return lines


def as_markdown(document: dict) -> str:
    lines = [f"# Status as of {document['at']}"]
    for stage in document["stages"]:
        lines += ["", f"## {stage['name']}", "", "Asset versions: " + (", ".join(f"`{r}`" for r in stage["assets"])
                                                                       or "none")]
        for endpoint in stage["endpoints"]:
            lines += ["", f"### {inline(endpoint['endpoint'])} in {inline(endpoint['workspace'])}", ""]
            # Manifest text stays text: every markup character becomes a character reference.
            lines += [f"- {inline(line)}" if not line.startswith("  ") else f"  - {inline(line.strip())}"
                      for entry in endpoint["deployments"] for line in _deployment_lines(entry)]
    return "\n".join(lines) + "\n"


FORMATS = {"text": as_text, "json": as_json, "markdown": as_markdown}
