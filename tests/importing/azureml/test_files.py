"""Reading and classifying Azure ML files: `$schema`, careful guesses, and one-line refusals of hostile files."""

import pytest

from catgen.importing.azureml.files import Refusal, classify, find_files, read_yaml

from testing.azureml_files import azure_file, fixture, import_files, new_catalog


@pytest.mark.parametrize("relpath, kind", [
    ("model.yml", "model"), ("environment-image.yml", "environment"), ("data-local.yml", "data"),
    ("component-train.yml", "commandComponent"), ("job-command.yml", "commandJob"), ("job-sweep.yml", "sweepJob"),
    ("pipeline/pipeline.yml", "pipelineJob"), ("endpoint/endpoint.yml", "managedOnlineEndpoint"),
    ("endpoint/blue.yml", "managedOnlineDeployment"), ("registry.yml", "registry"),
])
def test_the_schema_line_names_the_kind(relpath, kind):
    path = fixture(relpath)
    assert classify(path, read_yaml(path)).kind == kind


def test_a_deployment_without_schema_is_guessed_and_an_ambiguous_pipeline_refused(tmp_path):
    deployment = azure_file(tmp_path, "d.yml", "name: blue\nendpoint_name: e\nmodel: azureml:m:1\n")
    found = classify(deployment, read_yaml(deployment))
    assert (found.kind, found.guessed) == ("managedOnlineDeployment", True)
    pipeline = azure_file(tmp_path, "p.yml", "type: pipeline\njobs: {a: {command: echo}}\n")
    with pytest.raises(Refusal, match="add the \\$schema line"):
        classify(pipeline, read_yaml(pipeline))


@pytest.mark.parametrize("text, reason", [
    ("name: !!python/object/apply:os.system [echo owned]\n", "CG104"),
    ("a: &b {path: x}\nc: *b\n", "CG103"),
    ("a: 1\na: 2\n", "CG102"),
    ("name: svc\nreplicas: 3\n", "not Azure ML YAML"),
    ("name: env\nchannels: [conda-forge]\ndependencies: [python=3.11]\n", "conda environment file"),
    ("$schema: https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json\nname: b\n", "does not import"),
    ("$schema: https://example.com/other\nname: b\n", "not an Azure ML schema"),
    ("$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json\nname: <MODEL_NAME>\npath: x\n",
     "template placeholders (<MODEL_NAME>)"),
])
def test_a_file_that_cannot_be_imported_is_skipped_with_one_line(tmp_path, text, reason):
    root = new_catalog(tmp_path)
    path = azure_file(tmp_path, "in/f.yml", text)
    plan, outcome = import_files(root, path)
    assert len(plan.skipped) == 1 and reason in plan.skipped[0].text and "\n" not in plan.skipped[0].text
    assert outcome.written == []


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    path = azure_file(tmp_path, "big.yml", "name: x\ndescription: " + "a" * (1 << 20) + "\n")
    with pytest.raises(Refusal, match="CG105"):
        read_yaml(path)


def test_folders_are_searched_for_yaml_files_in_order_hidden_ones_skipped(tmp_path):
    for relpath in ("b.yml", "a/c.yaml", ".hidden/d.yml", "a/.e.yml", "a/notes.txt"):
        azure_file(tmp_path, f"in/{relpath}", "x: 1\n")
    assert [p[len(str(tmp_path)) + 4:] for p in find_files([str(tmp_path / "in")])] == ["b.yml", "a/c.yaml"]
