"""The one model every page reads: catalog, check result, lineage graph, policy, git history.

Loaded and checked once per build; the catalog's git history is read once too
(``catgen.history``: one ``git log``), into ``timeline``. It decides which manifests get a page
(identified ones, the first of each case-insensitive identity) and
precomputes the relations pages ask for, so rendering stays linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from catgen.checking.engine import CheckResult, run_check
from catgen.dates import utc_now
from catgen.graph.lineage import LineageGraph, promotion_date
from catgen.history.gitlog import history_of
from catgen.history.timeline import Timeline
from catgen.load.catalog import Catalog, open_catalog
from catgen.model import KINDS, VERSIONED_ASSETS, Manifest, fold
from catgen.policy import Policy
from catgen.website import urls


@dataclass
class SiteModel:
    result: CheckResult
    graph: LineageGraph
    policy: Policy
    pages: list = field(default_factory=list)  # manifests that get a page, in path order
    by_kind: dict = field(default_factory=dict)  # kind name -> manifests with pages, sorted by name/version
    assets: dict = field(default_factory=dict)  # (kind, name) -> versions, oldest first
    url_of: dict = field(default_factory=dict)  # manifest -> address
    has_rules_page: bool = False  # the user guide has rules.md at /rules/ (finding codes link there)
    timeline: Timeline | None = None  # the catalog plus its git history (read once), asked about any time
    now: datetime | None = None  # dates.utc_now: SOURCE_DATE_EPOCH when set
    status_data: dict | None = None  # the /status/ page's timeline (``statusdata``), computed once
    _serving: dict | None = None  # model -> its serving spells (``serving_spells``), computed once

    @property
    def catalog(self) -> Catalog:
        return self.result.catalog

    @classmethod
    def load(cls, catalog_root: str, *, now=None) -> "SiteModel":
        now = now or utc_now()
        return cls.from_result(run_check(open_catalog(catalog_root), now=now), now=now)

    @classmethod
    def from_result(cls, result: CheckResult, graph: LineageGraph | None = None, *, now=None) -> "SiteModel":
        catalog = result.catalog
        site = cls(result, graph or result.graph or LineageGraph.build(catalog), result.policy)
        site.now = now or utc_now()
        site.timeline = Timeline(catalog, site.graph, site.policy, history_of(catalog), site.now)
        site.pages = [m for m in catalog.manifests if _has_page(catalog, m)]
        site.url_of = {m: urls.manifest_url(m) for m in site.pages}
        for kind in KINDS:
            if kind != "Policy":
                site.by_kind[kind] = sorted((m for m in site.pages if m.kind == kind), key=_identity_order)
        for kind in VERSIONED_ASSETS:
            for manifest in site.by_kind[kind]:
                site.assets.setdefault((kind, manifest.name), []).append(manifest)
        return site

    def findings_of(self, manifest) -> list:
        """The check's findings in ``manifest``'s file (read from the result, never copied)."""
        return self.result.findings_in(manifest.path)

    def url(self, manifest) -> str | None:
        """The address of a manifest's page, or None when it has none."""
        return self.url_of.get(manifest)

    def stages(self, asset) -> list[str]:
        return self.graph.stages(asset, self.policy)

    def deployments_of(self, model) -> list:
        return sorted((e.source for e in self.graph.in_edges(model, {"deploys"})), key=lambda m: m.name)

    def deployment_workspace(self, deployment):
        return self.graph.target(deployment, "runs_in")

    def training_job(self, asset):
        return self.graph.target(asset, "trained_by") or self.graph.target(asset, "produced_by")

    @property
    def history_note(self) -> str | None:
        """The history's note for a page: no "note:" prefix and no catalog path (pages show paths relative to it)."""
        note = self.timeline.history.note
        if note is None:
            return None
        root = getattr(self.catalog.source, "display_root", None)  # the path the note quotes (history_of)
        for form in ("for {}", "of {}"):
            note = note.replace(form.format(root), form.format("the catalog")) if root else note
        return note.removeprefix("note: ")

    def serving_spells(self, model) -> list[tuple]:
        """(deployment relpath, name, spec, from, until or None) of each committed run that served ``model``."""
        if self._serving is None:
            self._serving = {}
            for relpath, versions in self.timeline.versions.items():
                for start, end in _runs(versions):
                    served = self.timeline.manifest_of(start.spec.get("model"))
                    if served is not None:
                        until = end.change.date if end is not None else None
                        spell = (relpath, start.name, start.spec, start.change.date, until)
                        self._serving.setdefault(served, []).append(spell)
        return self._serving.get(model, [])

    def promotions_in_date_order(self) -> list:
        promotions = self.by_kind.get("Promotion", [])
        return sorted(promotions, key=lambda p: (_date_key(p), p.name))


def _runs(versions: list) -> list[tuple]:
    """(first version, the version that ended it or None) of each unbroken run of one model."""
    runs, start = [], None
    for version in versions:
        model = version.spec.get("model") if version.spec else None
        if start is not None and (not isinstance(model, str) or model != start.spec.get("model")):
            runs.append((start, version))
            start = None
        if start is None and isinstance(model, str):
            start = version
    return runs + ([(start, None)] if start is not None else [])


def _has_page(catalog: Catalog, manifest: Manifest) -> bool:
    if manifest.problem is not None or manifest.kind in (None, "Policy") or not manifest.identified:
        return False
    return catalog.folded.get(fold(manifest.key), [None])[0] is manifest


def version_key(version: str) -> tuple:
    """Natural order: 2 < 10, and 1.9 < 1.10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[._-]", version))


def _identity_order(manifest) -> tuple:
    return (manifest.name.casefold(), version_key(manifest.version) if manifest.version else ())


def _date_key(promotion) -> str:
    date = promotion_date(promotion)
    return date.isoformat() if date else "9999"
