"""The one model every page reads: catalog, check result, lineage graph, policy, git history.

Loaded and checked once per build; the catalog's git history is read once too
(``catgen.history``: one ``git log``), into ``timeline``. It decides which manifests get a page
(identified ones, the first of each case-insensitive identity) and
precomputes the relations pages ask for, so rendering stays linear.

Stage marks (``stage_marks``, ``event_mark``) say what each stage an asset shows
really is at ``now`` (SPEC §7): in force, pending (its promotion is dated after
now), revoked, or with errors (error findings about the promotion or the asset).
They are computed here once per asset, so every page shows the same truth.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime

from catgen.checking.engine import CheckResult, run_check
from catgen.dates import utc_now
from catgen.graph.lineage import LineageGraph, event_order, is_revocation, promotion_date
from catgen.history.gitlog import history_of
from catgen.history.timeline import Timeline
from catgen.load.catalog import Catalog, open_catalog
from catgen.processes import collector_paused
from catgen.model import KINDS, VERSIONED_ASSETS, Manifest, fold
from catgen.policy import Policy
from catgen.website import urls

IN_FORCE, PENDING, REVOKED, ERRORS = "in force", "pending", "revoked", "with errors"
REVOCATION = "revocation"  # the state of a revocation event in force (it takes the asset out; ``event_mark``)


@dataclass(frozen=True)
class StageMark:
    """One stage (or registry) as a page shows it: its state at ``SiteModel.now`` and the event that decides it.

    ``event`` is the Promotion to link as the reason (None for the first stage, which needs none);
    ``errors`` the error findings that mark it ``ERRORS``.
    """

    stage: str
    state: str
    event: object = None
    errors: tuple = ()

    @property
    def reached(self) -> bool:
        """In the stage now (SPEC §5 at now): in force, or in force with errors marked."""
        return self.state in (IN_FORCE, ERRORS)


# The attributes a build sets after the site model is loaded (the guide's rules page, once MkDocs lists the
# guide; the status timeline, made once the search index's process is forked): inputs that the processes
# forked at the start of a build (``pagereuse.ChangedInputs``) cannot evaluate. Every other attribute is set
# by ``from_result`` (``tests/website/test_pagereuse.py`` checks that a build sets no other).
SET_BY_THE_BUILD = frozenset({"has_rules_page", "status_data"})


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
    _about: dict | None = None  # finding subject -> findings (``findings_about``), indexed once
    _by_path: dict | None = None  # shown path -> manifest (``manifest_at``), indexed once
    _marks: dict = field(default_factory=dict)  # asset -> its stage marks (``stage_marks``), computed once each
    _event_marks: dict = field(default_factory=dict)  # promotion -> its own mark (``event_mark``), computed once each

    @property
    def catalog(self) -> Catalog:
        return self.result.catalog

    @classmethod
    def load(cls, catalog_root: str, *, now=None) -> "SiteModel":
        """The catalog opened, checked and modelled at one ``now``, with the cycle collector paused as
        ``catgen check`` does (loading makes no garbage cycles, and the collections cost a third of it)."""
        now = now or utc_now()
        with collector_paused():
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

    def versions_of(self, kind: str, name: str) -> list:
        """The versions of the asset ``kind``/``name`` that have pages, oldest first."""
        return self.assets.get((kind, name), [])

    def check_counts(self) -> tuple[int, int, int]:
        """The check's errors, warnings and waived findings (what the home page says of it)."""
        result = self.result
        return result.errors, result.warnings, len(result.waived)

    def created(self, manifest):
        """What ``manifest`` says of when it was made (``metadata.created``), or None: a call, so that a page
        sorting by it does not read the rest of the manifest (``pageinputs``: the home page's stage board)."""
        return manifest.metadata.get("created")

    def findings_of(self, manifest) -> list:
        """The check's findings in ``manifest``'s file (read from the result, never copied)."""
        return self.result.findings_in(manifest.path)

    def findings_about(self, manifest) -> list:
        """SPEC §7: the findings in ``manifest``'s file, then those in other files whose subject is ``manifest``."""
        if self._about is None:
            self._about = {}
            for found in self.result.findings:
                if found.subject is not None:
                    self._about.setdefault(found.subject, []).append(found)
        own = self.findings_of(manifest)
        return own + [f for f in self._about.get(manifest.ref, []) if f.path != manifest.path]

    def _errors_about(self, promotion, asset=None) -> tuple:
        """The error findings about ``promotion`` (its file, or naming it), then those in ``asset``'s own file.

        Findings about the asset from other files (another promotion's gates, a deployment) mark those, not this.
        """
        found = {id(f): f for f in self.findings_about(promotion) if f.level == "error"}
        found.update((id(f), f) for f in (self.findings_of(asset) if asset is not None else []) if f.level == "error")
        return tuple(found.values())

    def manifest_at(self, path: str):
        """The manifest in the file shown as ``path`` (a finding's ``path``), or None."""
        if self._by_path is None:
            self._by_path = {m.path: m for m in self.catalog.manifests}
        return self._by_path.get(path)

    def url(self, manifest) -> str | None:
        """The address of a manifest's page, or None when it has none."""
        return self.url_of.get(manifest)

    def stages(self, asset) -> list[str]:
        """The stages ``asset`` is in now (promotions dated after now do not count), in policy order."""
        return [mark.stage for mark in self.stage_marks(asset) if mark.reached]

    def stage_marks(self, asset) -> list[StageMark]:
        """Each stage ``asset`` is in, is pending for or was revoked from, in policy order then by name."""
        if asset not in self._marks:
            names = self.policy.in_order(self.graph.possible_stages(asset, self.policy))  # no other has a mark
            marks = (self._stage_mark(asset, name) for name in names)
            self._marks[asset] = [mark for mark in marks if mark is not None]
        return self._marks[asset]

    def _stage_mark(self, asset, stage: str) -> StageMark | None:
        history = self.graph.stage_history(asset, stage)
        count = bisect_right(history.dates, self.now)  # events in force now; an unreadable date never is
        current = history.events[count - 1] if count else None
        upcoming = next((e for e in history.events[count:] if not is_revocation(e)), None)
        if current is not None and not is_revocation(current):
            errors = self._errors_about(current, asset)
            return StageMark(stage, ERRORS if errors else IN_FORCE, current, errors)
        if upcoming is not None:
            return StageMark(stage, PENDING, upcoming)
        if current is not None:
            return StageMark(stage, REVOKED, current)
        first = self.policy.first_stage
        return StageMark(stage, IN_FORCE) if first is not None and first.name == stage else None

    def event_mark(self, promotion) -> StageMark:
        """One promotion's own state now: pending, revoked by a later event, with errors, a revocation, or in force."""
        if promotion not in self._event_marks:
            self._event_marks[promotion] = self._event_mark(promotion)
        return self._event_marks[promotion]

    def _event_mark(self, promotion) -> StageMark:
        spec = promotion.spec
        stage = spec.get("stage")
        label = str(stage) if "stage" in spec else f"registry {spec.get('registry')}"
        if self.is_pending(promotion):
            return StageMark(label, PENDING, promotion)
        asset = self.graph.target(promotion, "promotes")
        if isinstance(stage, str) and asset is not None and not is_revocation(promotion):
            history = self.graph.stage_history(asset, stage)
            count = bisect_right(history.dates, self.now)
            current = history.events[count - 1] if count else None
            # Among the first ``count`` events (the list is in ``event_order``): a comparison, where a search of
            # the list cost the square of the promotions to a stage once the latest was a revocation.
            if current is not None and is_revocation(current) and event_order(promotion) <= event_order(current):
                return StageMark(label, REVOKED, current)
        errors = self._errors_about(promotion)
        if errors:
            return StageMark(label, ERRORS, promotion, errors)
        return StageMark(label, REVOCATION if is_revocation(promotion) else IN_FORCE, promotion)

    def day(self) -> str:
        """The day of ``now`` (UTC, ``YYYY-MM-DD``): a page that shows no more of ``now`` reads this call, so a
        build later the same day keeps it (``now`` itself changes every build)."""
        return self.now.strftime("%Y-%m-%d")  # now is in UTC (dates.utc_now)

    def is_pending(self, promotion) -> bool:
        """Dated after now (or with no readable date): not in force yet."""
        date = promotion_date(promotion)
        return date is None or date > self.now

    def deployments_of(self, model) -> list:
        return sorted((e.source for e in self.graph.in_edges(model, {"deploys"})), key=lambda m: m.name_order)

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
