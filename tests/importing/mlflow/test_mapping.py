"""MLflow runs, versions and datasets as Models, Jobs and Data: from plain snapshots, without MLflow."""

from __future__ import annotations

import json
import math

import pytest

from catgen.importing.mlflow.mapping import catgen_name, dataset_location, plan_assets
from catgen.importing.mlflow.store import DatasetInput, RegisteredModel, Run, Snapshot, Version
from catgen.importing.plan import render
from catgen.load.validation import file_problems
from catgen.load.yamlsafe import load

PARENT, CHILD = "a" * 32, "b" * 32
T0 = 1_725_184_800_000  # 2024-09-01T10:00:00Z in milliseconds


def run(run_id=CHILD, *, status="FINISHED", tags=None, metrics=None, params=None, datasets=(), parent=None):
    tags = dict(tags or {}, **({"mlflow.parentRunId": parent} if parent else {}))
    return Run(run_id, status, T0, T0 + 60_000, f"file:///art/{run_id}", params or {}, metrics or {}, tags,
               tuple(datasets))


def version(number="1", *, run_id=CHILD, status="READY", description="", tags=None, user=None, stage=None,
            source=None, logged=None):
    return Version("churn", number, description, tags or {}, T0, user, status, source or f"runs:/{run_id}/model",
                   run_id, logged, stage)


def snapshot(*versions, runs=(), name="churn", description="", tags=None, unreadable=None):
    model = RegisteredModel(name, description, tags or {}, {}, tuple(versions))
    return Snapshot("sqlite:///x.db", [model], {r.run_id: r for r in runs}, unreadable or {})


def plan_of(snap, registry=None):
    plan, planned = plan_assets(snap, "dev", registry)
    return plan, planned, {(d.document["kind"], d.document["metadata"]["name"]): d.document
                           for d in (p for p in plan.manifests)}


def notes(plan, *, skipped=False):
    return [(n.field, n.text) for n in (plan.skipped if skipped else plan.not_carried)]


def test_a_version_and_its_run_become_a_model_and_a_job_with_lineage():
    plan, planned, docs = plan_of(snapshot(version(description="First."), runs=[run(params={"depth": "6"})]))
    model, job = docs[("Model", "churn")], docs[("Job", f"mlflow-run-{CHILD}")]
    assert model["metadata"]["version"] == "1" and model["metadata"]["description"] == "First."
    assert model["spec"] == {"type": "mlflow_model", "path": "models:/churn/1", "workspace": "workspace:dev",
                             "job": f"job:mlflow-run-{CHILD}"}
    assert job["spec"]["status"] == "completed" and job["spec"]["parameters"] == {"depth": "6"}
    assert job["spec"]["logs"] == f"file:///art/{CHILD}" and job["spec"]["started"].year == 2024
    assert planned == {"churn": ("churn", {"1"})} and not plan.skipped and not plan.not_carried


def test_every_planned_manifest_passes_the_schema():
    data = DatasetInput("loans", "abc123", "http", json.dumps({"url": "https://x/loans.csv"}), "training")
    snap = snapshot(version(tags={"k": "v"}, user="ann@contoso.com"),
                    runs=[run(datasets=[data], parent=PARENT, metrics={"auc": 0.9},
                              tags={"mlflow.source.git.commit": "abc1234", "mlflow.source.git.repoURL": "r"}),
                          run(PARENT)])
    plan, _, _ = plan_of(snap, registry="shared")
    assert len(plan.manifests) == 4
    for planned in plan.manifests:
        assert file_problems(load(render(planned.document).encode()).data) == []


def test_models_are_at_home_in_the_registry_when_one_is_given():
    _, _, docs = plan_of(snapshot(version(), runs=[run()]), registry="shared")
    assert docs[("Model", "churn")]["spec"]["registry"] == "registry:shared"
    assert docs[("Job", f"mlflow-run-{CHILD}")]["spec"]["workspace"] == "workspace:dev"


def test_a_version_whose_run_or_parent_run_has_not_ended_waits():
    plan, planned, docs = plan_of(snapshot(version(), runs=[run(status="RUNNING")]))
    assert not docs and planned["churn"][1] == set()
    assert "RUNNING" in notes(plan, skipped=True)[0][1]
    plan, _, docs = plan_of(snapshot(version(), runs=[run(parent=PARENT), run(PARENT, status="SCHEDULED")]))
    assert not docs and f"parent run {PARENT}" in notes(plan, skipped=True)[0][1]
    _, _, docs = plan_of(snapshot(version(), runs=[run(parent=PARENT), run(PARENT, status="KILLED")]))
    assert docs[("Job", f"mlflow-run-{PARENT}")]["spec"]["status"] == "canceled"
    assert docs[("Job", f"mlflow-run-{CHILD}")]["spec"]["parent"] == f"job:mlflow-run-{PARENT}"


def test_a_failed_run_is_imported_as_failed():
    _, _, docs = plan_of(snapshot(version(), runs=[run(status="FAILED")]))
    assert docs[("Job", f"mlflow-run-{CHILD}")]["spec"]["status"] == "failed"


def test_a_version_not_ready_or_with_an_unreadable_run_is_reported():
    plan, _, docs = plan_of(snapshot(version(status="PENDING_REGISTRATION"), runs=[run()]))
    assert not docs and "PENDING_REGISTRATION" in notes(plan, skipped=True)[0][1]
    plan, _, docs = plan_of(snapshot(version(), unreadable={CHILD: "Run not found"}))
    assert "job" not in docs[("Model", "churn")]["spec"]
    assert notes(plan) == [(None, "could not be read (Run not found): no job for it")]
    plan, _, docs = plan_of(snapshot(version(run_id=None, source="s3://b/m")))
    assert docs[("Model", "churn")]["metadata"]["tags"]["mlflow.source"] == "s3://b/m"
    assert notes(plan) == [("run_id", "registered without a run: no training job")]


def test_names_catgen_does_not_allow_are_rewritten_or_skipped():
    assert catgen_name("Churn model/v2 (EU)") == "Churn-model-v2-EU-"
    assert catgen_name("__x") == "x" and catgen_name("///") is None
    plan, planned, docs = plan_of(snapshot(version(), runs=[run()], name="Churn model"))
    assert ("Model", "Churn-model") in docs and planned["Churn model"][0] == "Churn-model"
    assert docs[("Model", "Churn-model")]["spec"]["path"] == "models:/Churn model/1"
    assert notes(plan)[0][0] == "name"
    plan, planned, docs = plan_of(snapshot(version(), runs=[run()], name="???"))
    assert not docs and not planned and notes(plan, skipped=True)[0][0] == "name"


def test_tags_merge_model_and_version_and_report_what_catgen_cannot_hold():
    tags = {"team": "fraud", "ok": "1", "bad key": "x", "long": "y" * 1001}
    plan, _, docs = plan_of(snapshot(version(tags=tags), runs=[run()], tags={"team": "risk", "area": "eu"}))
    assert docs[("Model", "churn")]["metadata"]["tags"] == {
        "area": "eu", "ok": "1", "team": "fraud", "mlflow.source": f"runs:/{CHILD}/model", "catgen.import": "mlflow"}
    assert sorted(field for field, _ in notes(plan)) == ["tags.bad key", "tags.long"]


def test_descriptions_owner_and_logged_model():
    _, _, docs = plan_of(snapshot(version(user="ann@contoso.com", logged="m-1"), description="Model text.",
                                  runs=[run(tags={"mlflow.note.content": "Run text."})]))
    model, job = docs[("Model", "churn")], docs[("Job", f"mlflow-run-{CHILD}")]
    assert model["metadata"]["description"] == "Model text." and model["metadata"]["owner"] == "ann@contoso.com"
    assert model["metadata"]["tags"]["mlflow.logged_model"] == "m-1"
    assert job["metadata"]["description"] == "Run text." and "mlflow.note.content" not in job["metadata"]["tags"]
    _, _, docs = plan_of(snapshot(version(user="Ann Smith"), runs=[run()]))
    assert "owner" not in docs[("Model", "churn")]["metadata"] and "description" not in docs[("Model", "churn")][
        "metadata"]


def test_a_deprecated_mlflow_stage_is_reported():
    plan, _, _ = plan_of(snapshot(version(stage="Production"), runs=[run()]))
    assert notes(plan)[0][0] == "current_stage" and "--alias" in notes(plan)[0][1]


@pytest.mark.parametrize("tags, code, note", [
    ({"mlflow.source.git.commit": "abc1234", "mlflow.source.git.repoURL": "https://g/r"},
     {"repository": "https://g/r", "commit": "abc1234"}, None),
    ({"mlflow.source.git.commit": "abc1234", "mlflow.gitRepoURL": "https://g/old"},
     {"repository": "https://g/old", "commit": "abc1234"}, None),
    ({"mlflow.source.git.commit": "abc1234"}, None, "a commit without a repository"),
    ({"mlflow.source.git.commit": "main", "mlflow.source.git.repoURL": "r"}, None, "not a commit"),
    ({}, None, None),
])
def test_git_tags_become_the_job_s_code(tags, code, note):
    plan, _, docs = plan_of(snapshot(version(), runs=[run(tags=tags)]))
    assert docs[("Job", f"mlflow-run-{CHILD}")]["spec"].get("code") == code
    texts = [text for _, text in notes(plan)]
    assert texts == [] if note is None else (len(texts) == 1 and note in texts[0])


def test_metrics_that_are_not_finite_are_reported_not_written():
    plan, _, docs = plan_of(snapshot(version(), runs=[run(metrics={"auc": 0.9, "loss": math.nan, "n": 3})]))
    assert docs[("Job", f"mlflow-run-{CHILD}")]["spec"]["metrics"] == {"auc": 0.9, "n": 3}
    assert notes(plan) == [("metrics.loss", "nan is not a finite number")]


def test_dataset_inputs_become_unclassified_data_named_by_name_and_digest():
    inputs = [DatasetInput("loans", "d1", "http", json.dumps({"url": "https://x/loans.csv"}), "training"),
              DatasetInput("loans", "d2", "s3", json.dumps({"uri": "s3://b/loans/"}), "eval"),
              DatasetInput("sales", "d3", "delta_table", json.dumps({"path": "/delta/sales"}), None),
              DatasetInput("code", "d4", "code", json.dumps({"tags": {}}), None)]
    plan, _, docs = plan_of(snapshot(version(), runs=[run(datasets=inputs)]))
    assert docs[("Job", f"mlflow-run-{CHILD}")]["spec"]["inputs"] == {
        "loans": "data:loans@d1", "loans-d2": "data:loans@d2", "sales": "data:sales@d3"}
    data = {(d.document["metadata"]["name"], d.document["metadata"]["version"]): d.document["spec"]
            for d in plan.manifests if d.document["kind"] == "Data"}
    assert data[("loans", "d1")] == {"workspace": "workspace:dev", "type": "uri_file", "path": "https://x/loans.csv",
                                     "classification": "unclassified"}
    assert data[("loans", "d2")]["type"] == "uri_folder" and data[("sales", "d3")]["type"] == "table"
    assert notes(plan) == [("inputs.code", "dataset without a location in its source: not imported")]


@pytest.mark.parametrize("source_type, source, expected", [
    ("http", '{"url": "https://x/a.csv"}', "https://x/a.csv"),
    ("huggingface", '{"path": "imdb", "split": "train"}', "hf://datasets/imdb"),
    ("local", '{"uri": "/data/a"}', "/data/a"),
    ("code", '{"tags": {}}', None),
    ("http", "not json", None),
    ("http", '["https://x"]', None),
    ("http", '{"url": "  "}', None),
])
def test_dataset_location(source_type, source, expected):
    assert dataset_location(source_type, source) == expected


def test_a_run_shared_by_two_versions_is_planned_once():
    plan, _, _ = plan_of(snapshot(version("1"), version("2"), runs=[run()]))
    assert [d.document["kind"] for d in plan.manifests] == ["Job", "Model", "Model"]
