"""``catgen import mlflow`` end to end: a real MLflow store, a real git repository, re-imports, ``check --base``.

One journey per module (an MLflow store takes seconds to create): a dry run, the first
import, a re-import without change, an alias moved with a description and a tag changed,
an alias removed, the running run ended; each import is committed, then the catalog is
checked against the first commit.
"""

from __future__ import annotations

import json
import time

import pytest

from catgen.load.yamlsafe import load

from testing.catalogs import DEV_TEST_PROD_POLICY, WORKSPACE, write
from testing.cli import one_error_line, run
from testing.gitrepo import GitRepo, isolate_git
from testing.mlflow_store import build_store

pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")

ALIASES = ("--alias", "champion=test", "--alias", "challenger=prod")


def _files(repo: GitRepo) -> set:
    return {p.relative_to(repo.catalog).as_posix() for p in repo.catalog.rglob("*.yaml")}


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    top = tmp_path_factory.mktemp("journey")
    (top / "store").mkdir()
    store = build_store(top / "store")
    record = {"store": store}
    with pytest.MonkeyPatch.context() as patch:
        isolate_git(top, patch)
        patch.setenv("CATGEN_CACHE_DIR", str(top / "cache"))
        patch.delenv("GITHUB_ACTIONS", raising=False)
        repo = record["repo"] = GitRepo(top / "repo")
        write(repo.catalog, "policy.yaml", DEV_TEST_PROD_POLICY)
        write(repo.catalog, "workspaces/dev.yaml", WORKSPACE)
        record["empty"] = repo.commit("an empty catalog")
        patch.chdir(repo.path)
        start = int(time.time()) + 60  # after everything the store recorded: no date in the future

        def step(name: str, seconds: int, *extra: str, review=None) -> None:
            """One import, reviewed (``review`` edits what it wrote) and merged (committed)."""
            patch.setenv("SOURCE_DATE_EPOCH", str(start + seconds))
            before = _files(repo)
            record[name] = run("import", "mlflow", "--tracking-uri", store.uri, "--workspace", "dev", *ALIASES, *extra)
            record[name + ".new"] = _files(repo) - before
            if review:
                review()
            record[name + ".commit"] = repo.commit(name)

        step("dry", 0, "--dry-run")
        step("first", 0, review=lambda: repo.edit("data/churn-train/5e1f0c2a.yaml", "unclassified", "production"))
        step("again", 60)
        store.client.set_registered_model_alias("churn", "champion", "2")
        store.client.update_model_version("churn", "1", description="Retired: see version 2.")
        store.client.set_model_version_tag("churn", "1", "reviewed", "twice")
        step("moved", 120)
        store.client.delete_registered_model_alias("churn", "challenger")
        step("gone", 180)
        store.client.set_terminated(store.runs["live"])
        step("ended", 240)
        patch.setenv("SOURCE_DATE_EPOCH", str(start + 300))
        record["check"] = run("check", "catalog", "--base", record["first.commit"], "--format", "json")
        repo.edit(f"jobs/mlflow-run-{store.runs['train']}.yaml", "auc: 0.88", "auc: 0.98")  # the control
        record["tampered"] = run("check", "catalog", "--base", record["first.commit"], "--format", "json")
    return record


def _changes(journey, name: str) -> list[str]:
    before = journey[{"again": "first", "moved": "again", "gone": "moved", "ended": "gone"}[name] + ".commit"]
    return journey["repo"].git("diff", "--name-status", before, journey[name + ".commit"]).splitlines()


def _codes(result) -> list[str]:
    code, out, err = result
    assert code in (0, 1), err
    return [finding["code"] for finding in json.loads(out)["findings"]]


def test_a_dry_run_reports_what_it_would_write_and_writes_nothing(journey):
    code, out, _ = journey["dry"]
    assert code == 1  # the version of the running run is skipped
    assert journey["dry.new"] == set()
    assert "would write catalog/models/churn/1.yaml" in out.splitlines()
    assert out.splitlines()[-1].endswith("(dry run: nothing written)")


def test_the_first_import_writes_models_jobs_data_and_promotions(journey):
    code, out, _ = journey["first"]
    runs = journey["store"].runs
    new = journey["first.new"]
    assert {"models/churn/1.yaml", "models/churn/2.yaml", "data/churn-train/5e1f0c2a.yaml",
            f"jobs/mlflow-run-{runs['train']}.yaml", f"jobs/mlflow-run-{runs['sweep']}.yaml",
            f"jobs/mlflow-run-{runs['retrain']}.yaml"} < new
    assert "models/churn/3.yaml" not in new and f"jobs/mlflow-run-{runs['live']}.yaml" not in new
    assert sorted(p.split("-20")[0] for p in new if p.startswith("promotions/")) == [
        "promotions/churn-1-to-test-champion", "promotions/churn-2-to-prod-challenger"]
    assert code == 1 and f"skipped mlflow model churn v3: its run {runs['live']} is RUNNING" in out
    assert "not carried over mlflow model churn: aliases" not in out  # both aliases have a stage


def test_a_re_import_without_change_writes_nothing(journey):
    code, out, _ = journey["again"]
    assert out.splitlines()[-1].startswith("0 written, 0 updated, 5 unchanged, 0 refused, 1 skipped")
    assert journey["again.new"] == set() and _changes(journey, "again") == []


def test_data_classified_in_review_is_left_as_the_reviewer_wrote_it(journey):
    path = journey["repo"].catalog / "data/churn-train/5e1f0c2a.yaml"
    assert load(path.read_bytes()).data["spec"]["classification"] == "production"
    assert "data/churn-train" not in journey["again"][1]


def test_a_moved_alias_is_a_new_promotion_and_a_description_change_touches_only_mutable_fields(journey):
    changes = _changes(journey, "moved")
    assert [c.split("\t")[0] for c in changes] == ["M", "A"]
    assert changes[0] == "M\tcatalog/models/churn/1.yaml"
    assert changes[1].startswith("A\tcatalog/promotions/churn-2-to-test-champion-")
    repo = journey["repo"]
    before, after = (load(repo.git("show", f"{journey[c + '.commit']}:catalog/models/churn/1.yaml").encode()).data
                     for c in ("again", "moved"))
    assert after["metadata"]["description"] == "Retired: see version 2." and after["metadata"]["tags"]["reviewed"] == (
        "twice")
    for data in (before, after):
        del data["metadata"]["description"], data["metadata"]["tags"]
    assert before == after
    promotion = load((repo.path / changes[1].split("\t")[1]).read_bytes()).data
    assert "MLflow keeps no alias history" in promotion["spec"]["reason"]
    assert "(version 1 at the last import)" in promotion["spec"]["reason"]


def test_a_removed_alias_is_a_revocation(journey):
    (change,) = _changes(journey, "gone")
    assert change.startswith("A\tcatalog/promotions/churn-2-revoke-prod-challenger-")
    spec = load((journey["repo"].path / change.split("\t")[1]).read_bytes()).data["spec"]
    assert spec["revoke"] is True and spec["asset"] == "model:churn@2" and "is gone" in spec["reason"]


def test_a_run_that_has_ended_brings_its_version_in(journey):
    code, _, _ = journey["ended"]
    live = journey["store"].runs["live"]
    assert code == 0
    assert sorted(_changes(journey, "ended")) == [f"A\tcatalog/jobs/mlflow-run-{live}.yaml",
                                                  "A\tcatalog/models/churn/3.yaml"]


def test_check_against_the_first_import_finds_nothing_rewritten_and_would_see_a_rewrite(journey):
    assert _codes(journey["check"]) == []
    assert journey["check"][0] == 0
    assert _codes(journey["tampered"]) == ["CG401"]  # the control: the same check does see a rewrite


@pytest.mark.parametrize("extra, message", [
    (("--workspace", "prod"), "no workspace named 'prod' in the catalog"),
    (("--workspace", "dev", "--registry", "shared"), "no registry named 'shared'"),
    (("--workspace", "dev", "--alias", "champion"), "write ALIAS=STAGE"),
    (("--workspace", "dev", "--alias", "champion=staging"), "the policy defines no stage 'staging' (its stages: dev"),
    (("--workspace", "dev", "--alias", "a=dev", "--alias", "a=test"), "is given two stages"),
    (("--workspace", "dev", "--requested-by", "Ann Smith"), "--requested-by must name one person"),
    (("--workspace", "dev", "--tracking-uri", "sqlite:///nowhere.db"), "no MLflow store at sqlite:///nowhere.db"),
])
def test_what_cannot_run_stops_with_one_line(tmp_path, extra, message):
    write(tmp_path / "catalog", "policy.yaml", DEV_TEST_PROD_POLICY)
    write(tmp_path / "catalog", "workspaces/dev.yaml", WORKSPACE)
    code, out, err = run("import", "mlflow", *extra)
    assert code == 2 and out == ""
    assert message in one_error_line(err)
    assert not (tmp_path / "nowhere.db").exists()
