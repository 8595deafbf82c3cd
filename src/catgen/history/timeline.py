"""What the catalog held at a time T: asset versions per stage, deployments per endpoint (SPEC §5, §8).

Stages at T come from the dated promotion events of the working tree's catalog
(``LineageGraph.in_stage(..., at=T)``): promotions are append-only records, so
their dates, not their commits, say when an asset entered or left a stage.
Deployments are mutable and their history is git's: the state at T is the last
commit at or before T (committer date, first-parent on HEAD) that touched each
deployment manifest, deleted ones included; "now" is the working tree.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime

from catgen.dates import parse_timestamp
from catgen.errors import log_safe
from catgen.graph.lineage import LineageGraph, is_revocation
from catgen.history.gitlog import history_of
from catgen.load import yamlsafe
from catgen.load.catalog import open_catalog
from catgen.model import parse_ref_text
from catgen.policy import read_policy

VERSIONED_KINDS = ("Model", "Environment", "Component", "Data")
DEPLOYMENTS_FOLDER = "deployments/"


@dataclass
class Version:
    """One committed version of a deployment manifest (``spec`` None when deleted or unreadable)."""

    change: object  # gitlog.FileChange
    name: str | None
    spec: dict | None


@dataclass
class Served:
    """One deployment as it stood at T."""

    ref: str
    relpath: str
    workspace: str | None
    endpoint: str | None
    model: str | None
    traffic: object
    since: datetime | None  # from when it has served its current model
    commit: str | None  # the commit that gave it that model (None: not committed, or no history)


class Timeline:
    """The catalog (working tree) plus its git history, asked about any time."""

    def __init__(self, catalog, graph, policy, history, now: datetime):
        self.catalog, self.graph, self.policy, self.history, self.now = catalog, graph, policy, history, now
        current = {m.relpath for m in catalog.of_kind("Deployment")}
        past = {p for p in history.files if p.startswith(DEPLOYMENTS_FOLDER)}
        self.deployment_paths = sorted(current | past)
        changes = [c for path in self.deployment_paths for c in history.changes(path)]
        blobs = history.contents(changes)
        self.versions = {path: [_version(c, blobs) for c in history.changes(path)] for path in self.deployment_paths}
        self._with_events: dict | None = None  # stage -> the asset versions that may be in it (``assets_in``)

    # -- assets ----------------------------------------------------------------

    def created(self, manifest) -> datetime | None:
        """metadata.created when readable, else the date of the commit that first added the file."""
        declared = parse_timestamp(manifest.metadata.get("created"))
        if declared is not None:
            return declared
        changes = self.history.changes(manifest.relpath)
        return changes[0].date if changes else None

    def stage_names(self) -> list[str]:
        """Policy stages in order, then every other stage a promotion or workspace names, sorted."""
        names = list(self.policy.stage_names)
        others = {stage for _, stage, _ in self.graph.stage_histories()}
        # A stage written as a list or a mapping (CG201) names none, and could not even be put in a set.
        others |= {stage for stage in (w.spec.get("stage") for w in self.catalog.of_kind("Workspace"))
                   if isinstance(stage, str)}
        return names + sorted(others - set(names))

    def assets_in(self, stage: str, at: datetime) -> list:
        """Asset versions in ``stage`` at ``at`` (those created after ``at`` did not exist yet)."""
        found = []
        for asset in self._may_be_in(stage):
            if asset not in self.graph.nodes:
                continue
            created = self.created(asset)
            if created is not None and created > at:
                continue
            if self.graph.in_stage(asset, stage, self.policy, at=at):
                found.append(asset)
        return sorted(found, key=lambda m: m.ref)

    def _may_be_in(self, stage: str) -> list:
        """The asset versions ``stage`` is among the ``LineageGraph.possible_stages`` of, in the catalog's order
        (asking every version about every stage cost their product: 2,000 promotions to as many stage names made
        ``catgen status`` take 3.7 s)."""
        if self._with_events is None:
            self._with_events = {}
            for kind in VERSIONED_KINDS:
                for asset in self.catalog.of_kind(kind):
                    for name in self.graph.possible_stages(asset, self.policy):
                        self._with_events.setdefault(name, []).append(asset)
        return self._with_events.get(stage, [])

    def standing_promotion(self, asset, stage: str, at: datetime):
        """(latest event for ``stage`` at or before ``at``, is it a revocation), or (None, False)."""
        latest = self.graph.stage_history(asset, stage).latest(at=at)
        return latest, latest is not None and is_revocation(latest)

    # -- deployments -----------------------------------------------------------

    def deployments_at(self, at: datetime | None) -> list[Served]:
        """Every deployment at ``at`` from git; ``None`` means now: the working tree."""
        if at is None:
            return self._working_tree()
        served = []
        for path in self.deployment_paths:
            versions = [v for v in self.versions[path] if v.change.date <= at]
            if versions and versions[-1].spec is not None:
                served.append(self.served(path, versions[-1].name, versions[-1].spec, versions))
        return sorted(served, key=lambda s: (s.ref, s.relpath))

    def _working_tree(self) -> list[Served]:
        served = []
        for manifest in self.catalog.of_kind("Deployment"):
            if manifest not in self.graph.nodes:
                continue
            versions = list(self.versions.get(manifest.relpath, []))
            if not versions or versions[-1].spec != manifest.spec:  # a change not committed yet: it starts now
                versions.append(Version(None, manifest.name, manifest.spec))
            served.append(self.served(manifest.relpath, manifest.name, manifest.spec, versions))
        return sorted(served, key=lambda s: (s.ref, s.relpath))

    def served(self, path: str, name, spec: dict, versions: list[Version]) -> Served:
        start = _run_start(versions)
        if start.change is not None:
            since, commit = start.change.date, start.change.commit
        else:  # uncommitted: from now on; without any history, since when is unknown
            since, commit = (self.now if self.history.available else None), None
        return Served(f"deployment:{name}", path, _text(spec.get("workspace")), _text(spec.get("endpoint")),
                      _text(spec.get("model")), spec.get("traffic"), since, commit)

    def manifest_of(self, ref_text: str | None):
        """The catalog's manifest a reference names, or None."""
        if not ref_text:
            return None
        kind, name, version = parse_ref_text(ref_text)
        return self.catalog.get(kind, name, version) if kind else None


def _run_start(versions: list[Version]) -> Version:
    """The first version of the unbroken run that serves the last version's model (traffic changes do not count)."""
    start = versions[-1]
    model = start.spec.get("model") if start.spec else None
    for version in reversed(versions[:-1]):
        if version.spec is None or version.spec.get("model") != model:
            break
        start = version
    return start


def _version(change, blobs: dict) -> Version:
    raw = blobs.get(change.blob) if change.blob else None
    if raw is None or len(raw) > yamlsafe.MAX_BYTES:
        return Version(change, None, None)
    document = yamlsafe.load(raw)
    data = document.data if isinstance(document, yamlsafe.Document) else {}
    spec, metadata = data.get("spec"), data.get("metadata")
    if not isinstance(spec, dict) or data.get("kind") != "Deployment":
        return Version(change, None, None)
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return Version(change, name if isinstance(name, str) else None, spec)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def open_timeline(catalog_root: str, now: datetime) -> Timeline:
    """Open the catalog and read its history once; a note on missing history goes to stderr (log-safe)."""
    catalog = open_catalog(catalog_root)
    history = history_of(catalog)
    if history.note:
        sys.stderr.write(log_safe(history.note) + "\n")
    return Timeline(catalog, LineageGraph.build(catalog), read_policy(catalog.policy), history, now)
