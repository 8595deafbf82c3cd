"""Aliases as Promotions: first seen, unchanged, moved, gone, back; against what earlier imports wrote."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from catgen.importing.mlflow.aliases import NO_HISTORY, plan_promotions, recorded_events
from catgen.importing.mlflow.mapping import plan_assets
from catgen.importing.mlflow.store import RegisteredModel, Run, Snapshot, Version
from catgen.importing.plan import apply_plan
from catgen.load.catalog import open_catalog
from catgen.load.yamlsafe import load

from testing.catalogs import DEV_TEST_PROD_POLICY, WORKSPACE, check, write

RUN = "c" * 32
DAY = datetime(2026, 1, 10, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "catalog"
    write(folder, "policy.yaml", DEV_TEST_PROD_POLICY)
    write(folder, "workspaces/dev.yaml", WORKSPACE)
    return folder


def snapshot(aliases: dict, *, name="churn", users=None, ready=("1", "2")):
    users = users or {}
    versions = tuple(Version(name, number, "", {}, 1_700_000_000_000, users.get(number), "READY" if number in ready
                             else "PENDING_REGISTRATION", f"runs:/{RUN}/m", RUN, None, None) for number in ("1", "2"))
    run = Run(RUN, "FINISHED", 1_700_000_000_000, 1_700_000_060_000, None, {}, {}, {})
    return Snapshot("sqlite:///x.db", [RegisteredModel(name, "", {}, dict(aliases), versions)], {RUN: run})


def step(root, snap, now, *, stages=None, requested_by=None, every_model=True):
    """One import: the plan of assets and promotions applied; the promotions written, as documents."""
    catalog = open_catalog(str(root), cache=False)
    plan, planned = plan_assets(snap, "dev", None)
    promotions = plan_promotions(snap, planned, stages or {"champion": "prod"}, catalog, requested_by=requested_by,
                                 now=now, every_model=every_model)
    plan.manifests += promotions.manifests
    outcome = apply_plan(plan, catalog, dry_run=False)
    assert not outcome.refused
    written = [load((root / path).read_bytes()).data for path in outcome.written if path.startswith("promotions/")]
    return written, promotions


def test_an_alias_seen_for_the_first_time_is_a_promotion_dated_now_that_says_so(root):
    (promotion,), _ = step(root, snapshot({"champion": "1"}), DAY)
    assert promotion["metadata"]["name"] == "churn-1-to-prod-champion-20260110T093000Z"
    assert promotion["metadata"]["tags"] == {"catgen.import": "mlflow", "mlflow.alias": "champion",
                                             "mlflow.model": "churn"}
    spec = promotion["spec"]
    assert (spec["stage"], spec["asset"], spec["date"], spec["approvals"]) == ("prod", "model:churn@1",
                                                                              "2026-01-10T09:30:00Z", [])
    assert NO_HISTORY in spec["reason"] and "revoke" not in spec and spec["requested_by"] == "mlflow-import"
    assert [f.code for f in check(root, DAY + timedelta(days=1)).findings] == []


def test_an_unchanged_alias_writes_nothing(root):
    step(root, snapshot({"champion": "1"}), DAY)
    written, _ = step(root, snapshot({"champion": "1"}), DAY + timedelta(days=1))
    assert written == []


def test_a_moved_alias_is_a_new_promotion_naming_the_version_it_left(root):
    step(root, snapshot({"champion": "1"}), DAY)
    (promotion,), _ = step(root, snapshot({"champion": "2"}), DAY + timedelta(days=1))
    assert promotion["spec"]["asset"] == "model:churn@2" and promotion["spec"]["date"] == "2026-01-11T09:30:00Z"
    assert "(version 1 at the last import)" in promotion["spec"]["reason"]


def test_a_gone_alias_is_a_revocation_once_and_a_return_a_promotion(root):
    step(root, snapshot({"champion": "1"}), DAY)
    (revocation,), _ = step(root, snapshot({}), DAY + timedelta(days=1))
    assert revocation["spec"]["revoke"] is True and revocation["spec"]["asset"] == "model:churn@1"
    assert "approvals" not in revocation["spec"] and "is gone" in revocation["spec"]["reason"]
    assert revocation["metadata"]["name"].startswith("churn-1-revoke-prod-champion-")
    assert step(root, snapshot({}), DAY + timedelta(days=2))[0] == []
    (back,), _ = step(root, snapshot({"champion": "1"}), DAY + timedelta(days=3))
    assert back["spec"]["asset"] == "model:churn@1" and "revoke" not in back["spec"]
    assert "last import" not in back["spec"]["reason"]  # after a revocation there is no version it left
    assert [f.code for f in check(root, DAY + timedelta(days=4)).findings] == []


def test_a_model_gone_from_mlflow_loses_its_aliases_only_when_every_model_was_read(root):
    step(root, snapshot({"champion": "1"}), DAY)
    other = snapshot({}, name="fraud")
    assert step(root, other, DAY + timedelta(days=1), every_model=False)[0] == []
    (revocation,), _ = step(root, other, DAY + timedelta(days=1))
    assert revocation["spec"]["asset"] == "model:churn@1" and revocation["spec"]["revoke"] is True


def test_the_requester_is_who_was_named_else_the_version_s_mlflow_user_else_mlflow_import(root):
    users = {"1": "ann@contoso.com", "2": "Ann Smith"}  # the second is no person catgen can name (a space)
    (promotion,), _ = step(root, snapshot({"champion": "1"}, users=users), DAY)
    assert promotion["spec"]["requested_by"] == "ann@contoso.com"
    (promotion,), _ = step(root, snapshot({"champion": "2"}, users=users), DAY + timedelta(days=1))
    assert promotion["spec"]["requested_by"] == "mlflow-import"
    (promotion,), _ = step(root, snapshot({"champion": "1"}, users=users), DAY + timedelta(days=2),
                           requested_by="ops@contoso.com")
    assert promotion["spec"]["requested_by"] == "ops@contoso.com"


def test_an_alias_without_a_stage_is_reported_and_one_at_a_waiting_version_waits(root):
    written, promotions = step(root, snapshot({"champion": "2", "shadow": "1"}, ready=("1",)), DAY)
    assert written == []
    assert [(n.field, n.text.split(";")[0]) for n in promotions.not_carried] == [
        ("aliases.shadow", "points at version 1")]
    assert [n.field for n in promotions.skipped] == ["aliases.champion"]


def test_hand_written_promotions_are_not_import_records(root):
    write(root, "promotions/by-hand.yaml", """
        apiVersion: catgen/v1
        kind: Promotion
        metadata: {name: by-hand, tags: {mlflow.alias: champion}}
        spec: {stage: prod, asset: "model:churn@1", requested_by: ann, date: 2026-01-01}
    """)
    assert recorded_events(open_catalog(str(root), cache=False)) == {}
    step(root, snapshot({"champion": "1"}), DAY)
    records = recorded_events(open_catalog(str(root), cache=False))
    assert list(records) == [("churn", "champion", "prod")] and records[("churn", "champion", "prod")].version == "1"


def test_the_latest_record_wins_and_two_stages_are_followed_apart(root):
    stages = {"champion": "prod", "candidate": "test"}
    step(root, snapshot({"champion": "1", "candidate": "2"}), DAY, stages=stages)
    step(root, snapshot({"champion": "2", "candidate": "2"}), DAY + timedelta(hours=1), stages=stages)
    records = recorded_events(open_catalog(str(root), cache=False))
    assert {key: (r.version, r.revoke) for key, r in records.items()} == {
        ("churn", "champion", "prod"): ("2", False), ("churn", "candidate", "test"): ("2", False)}


def test_a_long_name_stays_within_128_characters(root):
    (promotion,), _ = step(root, snapshot({"champion": "1"}, name="m" * 120), DAY)
    name = promotion["metadata"]["name"]
    assert len(name) == 128 and name.endswith("-champion-20260110T093000Z")
