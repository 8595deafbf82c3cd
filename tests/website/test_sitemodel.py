"""The site model's stage marks (SPEC §7) and the findings a page shows: computed once, at a fixed "now"."""

from __future__ import annotations

import gc
from datetime import timedelta

import pytest

from testing.catalogs import EXAMPLE
from testing.marks import ERROR_PROMOTION, NOW, PENDING_PROMOTION, REVOCATION, marks_site, write_marks_catalog
from catgen.checking.engine import run_check
from catgen.load.catalog import open_catalog
from catgen.website import sitemodel
from catgen.website.sitemodel import ERRORS, IN_FORCE, PENDING, REVOCATION as REVOCATION_STATE, REVOKED, SiteModel


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> SiteModel:
    return marks_site(tmp_path_factory.mktemp("marks"))


def model(site, name: str, version: str):
    return site.catalog.get("Model", name, version)


def states(site, asset) -> dict:
    return {mark.stage: mark.state for mark in site.stage_marks(asset)}


def test_a_promotion_dated_after_now_is_pending_and_not_a_stage(site):
    one = model(site, "credit-risk", "1")
    assert states(site, one) == {"dev": IN_FORCE, "test": IN_FORCE, "prod": PENDING}
    assert site.stages(one) == ["dev", "test"]  # what the rules count (every event) would include prod
    assert "prod" in site.graph.stages(one, site.policy)
    mark = site.stage_marks(one)[-1]
    assert mark.event.name == PENDING_PROMOTION and not mark.reached


def test_the_same_promotion_is_in_force_once_now_passes_its_date(site):
    later = SiteModel.from_result(site.result, site.graph, now=NOW.replace(year=2026, month=4))
    one = model(later, "credit-risk", "1")
    # in force by date, but its own gate errors (CG503, CG509, ...) mark it
    assert states(later, one)["prod"] == ERRORS and "prod" in later.stages(one)
    assert {f.code for f in later.stage_marks(one)[-1].errors} >= {"CG503", "CG511"}


def test_a_revoked_stage_is_marked_revoked_by_the_revocation(site):
    two = model(site, "credit-risk", "2")
    assert states(site, two) == {"dev": IN_FORCE, "test": IN_FORCE, "prod": REVOKED}
    assert site.stage_marks(two)[-1].event.name == REVOCATION and "prod" not in site.stages(two)


def test_before_the_revocation_the_stage_was_in_force(site):
    before = SiteModel.from_result(site.result, site.graph, now=NOW.replace(year=2024, month=9, day=1))
    assert states(before, model(before, "credit-risk", "2"))["prod"] == IN_FORCE


def test_error_findings_about_the_promotion_mark_the_stage(site):
    emea = model(site, "fraud-detector-emea", "1")
    mark = site.stage_marks(emea)[-1]
    assert (mark.stage, mark.state, mark.event.name) == ("prod", ERRORS, ERROR_PROMOTION)
    assert [f.code for f in mark.errors] == ["CG503"] and mark.reached


def test_findings_about_an_asset_from_another_promotion_do_not_mark_its_other_stages(site):
    """credit-risk@1's prod-next-year gate errors name the model, yet its test promotion is clean."""
    one = model(site, "credit-risk", "1")
    assert site.stage_marks(one)[1].state == IN_FORCE
    assert {f.code for f in site.findings_about(one)} >= {"CG503", "CG511"}
    assert site.findings_of(one) == []  # none in its own file


def test_event_marks_say_what_each_promotion_is_now(site):
    promotion = {p.name: p for p in site.by_kind["Promotion"]}
    assert site.event_mark(promotion[PENDING_PROMOTION]).state == PENDING
    assert site.event_mark(promotion[REVOCATION]).state == REVOCATION_STATE
    revoked = site.event_mark(promotion["credit-risk-2-to-prod"])
    assert (revoked.state, revoked.event.name) == (REVOKED, REVOCATION)
    assert site.event_mark(promotion[ERROR_PROMOTION]).state == ERRORS
    assert site.event_mark(promotion["credit-risk-3-to-prod"]).state == IN_FORCE
    shared = site.event_mark(promotion["credit-risk-3-registry-contoso-ml"])
    assert (shared.stage, shared.state) == ("registry registry:contoso-ml", IN_FORCE)


def test_the_example_catalog_is_all_in_force():
    site = SiteModel.from_result(run_check(open_catalog(str(EXAMPLE), cache=False), now=NOW), now=NOW)
    marks = [m for kind in ("Model", "Data", "Environment") for a in site.by_kind[kind] for m in site.stage_marks(a)]
    assert marks and {m.state for m in marks} == {IN_FORCE}
    assert site.stages(model(site, "credit-risk", "3")) == ["dev", "test", "prod"]


def test_now_before_every_promotion_leaves_only_the_first_stage(site):
    early = SiteModel.from_result(site.result, site.graph, now=NOW - timedelta(days=3650))
    assert states(early, model(early, "credit-risk", "3")) == {"dev": IN_FORCE, "test": PENDING, "prod": PENDING}


def test_loading_pauses_the_cycle_collector_and_judges_at_one_now(monkeypatch):
    seen = []
    judge = sitemodel.run_check
    monkeypatch.setattr(sitemodel, "run_check", lambda catalog, now: seen.append((gc.isenabled(), now)) or
                        judge(catalog, now=now))
    site = SiteModel.load(str(EXAMPLE))
    assert seen == [(False, site.now)] and gc.isenabled()


def test_stage_marks_ask_only_the_first_stage_and_those_with_an_event(tmp_path, monkeypatch):
    # Asking every stage of the policy for every asset cost assets times stages.
    catalog = write_marks_catalog(tmp_path)
    policy = catalog / "policy.yaml"
    extra = "".join(f"    - name: x{i}\n" for i in range(40))
    policy.write_text(policy.read_text().replace("  immutable_kinds:\n", extra + "  immutable_kinds:\n"))
    site = SiteModel.from_result(run_check(open_catalog(str(catalog), cache=False), now=NOW), now=NOW)
    asked = []
    ask = SiteModel._stage_mark
    monkeypatch.setattr(SiteModel, "_stage_mark", lambda self, a, stage: asked.append(stage) or ask(self, a, stage))
    assets = [a for kind in ("Model", "Data", "Environment", "Component") for a in site.by_kind[kind]]
    marks = {a: site.stage_marks(a) for a in assets}
    assert len(asked) == sum(len({"dev", *site.graph.event_stages(a)}) for a in assets) and "x0" not in asked
    names = [s.name for s in site.policy.stages]
    for asset in assets:  # the marks the former walk over every stage made
        former = names + sorted(set(site.graph.event_stages(asset)) - set(names))
        assert marks[asset] == [m for m in (ask(site, asset, n) for n in former) if m is not None]
        held = [n for n in former if site.graph.in_stage(asset, n, site.policy)]
        assert site.graph.stages(asset, site.policy) == held
    assert states(site, model(site, "credit-risk", "2")) == {"dev": IN_FORCE, "test": IN_FORCE, "prod": REVOKED}
