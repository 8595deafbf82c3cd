"""Command, sweep and pipeline job definitions: status unknown, inline assets named, the pipeline graph kept."""

import json

from testing.azureml_files import fixture, import_files, manifest, new_catalog, notes
from testing.catalogs import check


def test_a_command_job_runs_an_inline_component_with_its_inputs_as_data_and_parameters(tmp_path):
    root = new_catalog(tmp_path)
    plan, outcome = import_files(root, fixture("job-command.yml"), fixture("environment-image.yml"))
    job = manifest(root, "jobs/train-credit-0912.yaml")["spec"]
    assert (job["type"], job["status"], job["compute"]) == ("command", "unknown", "cpu-cluster")
    assert job["parameters"] == {"epochs": 10}
    loans, reference = job["inputs"]["loans"], job["inputs"]["reference"]
    assert loans.startswith("data:train-credit-0912-loans@h") and reference == "data:loans-prod@7"
    assert manifest(root, "data/loans-prod/7.yaml")["metadata"]["tags"]["catgen.import"] == "reference-only"
    component = manifest(root, f"components/train-credit-0912-component/{job['component'].split('@')[1]}.yaml")
    assert component["spec"]["environment"] == "environment:lightgbm-env@1.10"
    assert component["spec"]["command"].startswith("python main.py")
    assert {field for field, _ in notes(plan.not_carried)} == {"code", "display_name", "experiment_name"}
    assert [f.code for f in check(root).findings] == []


def test_a_sweep_keeps_its_search_space_objective_and_limits_in_parameters(tmp_path):
    root = new_catalog(tmp_path)
    import_files(root, fixture("job-sweep.yml"))
    spec = manifest(root, "jobs/sweep-credit.yaml")["spec"]
    assert spec["type"] == "sweep" and spec["status"] == "unknown"
    parameters = spec["parameters"]
    assert parameters["sweep.search_space.learning_rate.type"] == "uniform"
    assert parameters["sweep.search_space.learning_rate.max_value"] == 0.9
    assert json.loads(parameters["sweep.search_space.boosting.values"]) == ["gbdt", "dart"]
    assert parameters["sweep.objective.primary_metric"] == "test-multi_logloss"
    assert parameters["sweep.limits.max_total_trials"] == 20 and parameters["sweep.sampling_algorithm"] == "random"
    trial = manifest(root, f"components/sweep-credit-trial/{spec['component'].split('@')[1]}.yaml")["spec"]
    assert trial["environment"] == "environment:AzureML-lightgbm-3.3@12"  # @latest pinned by the labels


def test_a_pipeline_becomes_a_parent_job_child_jobs_their_components_and_the_data_between_them(tmp_path):
    root = new_catalog(tmp_path)
    plan, outcome = import_files(root, fixture("pipeline/pipeline.yml"), fixture("environment-image.yml"))
    parent = manifest(root, "jobs/credit-pipeline.yaml")["spec"]
    assert (parent["type"], parent["compute"], parent["parameters"]) == ("pipeline", "cpu-cluster", {"max_epochs": 20})
    train = manifest(root, "jobs/credit-pipeline-train_job.yaml")["spec"]
    score = manifest(root, "jobs/credit-pipeline-score_job.yaml")["spec"]
    assert train["parent"] == score["parent"] == "job:credit-pipeline"
    assert train["inputs"]["training_data"] == parent["inputs"]["raw"]  # ${{parent.inputs.raw}}
    assert train["parameters"] == {"max_epochs": 20} and train["compute"] == "cpu-cluster"
    assert train["component"].startswith("component:pipeline_train@h")  # a local component file: content version
    flowing = score["inputs"]["model_input"]  # ${{parent.jobs.train_job.outputs.model_output}}, an mlflow_model
    assert flowing.startswith("model:credit-pipeline-train_job-model_output@h")
    model = manifest(root, f"models/credit-pipeline-train_job-model_output/{flowing.split('@')[1]}.yaml")["spec"]
    assert model["job"] == "job:credit-pipeline-train_job" and model["type"] == "mlflow_model"
    assert ("settings.default_datastore", "no catgen field holds it") in notes(plan.not_carried)
    assert plan.skipped == [] and outcome.refused == []
    assert [f.code for f in check(root).findings] == []
