"""Azure ML references: pinned, moving, registry and job-output forms, and the --labels file."""

import pytest

from catgen.errors import CatalogError
from catgen.importing.azureml.references import job_output, parse_reference, read_labels


@pytest.mark.parametrize("text, kind, expected", [
    ("azureml:credit:3", "Model", ("credit", "3", None, None)),
    ("azureml:credit@latest", "Model", ("credit", None, "latest", None)),
    ("azureml:credit", "Model", ("credit", None, "latest", None)),
    ("azureml://registries/azureml/models/credit/versions/3", "Model", ("credit", "3", None, "azureml")),
    ("azureml://registries/azureml/environments/sklearn-1.5/labels/latest", "Environment",
     ("sklearn-1.5", None, "latest", "azureml")),
    ("azureml://locations/eastus/workspaces/ws/data/loans/versions/7", "Data", ("loans", "7", None, None)),
])
def test_each_reference_form_names_an_asset(text, kind, expected):
    ref = parse_reference(text, kind)
    assert (ref.name, ref.version, ref.label, ref.registry) == expected and ref.moving == (expected[1] is None)


def test_a_long_form_of_another_kind_or_a_datastore_path_is_no_reference():
    assert parse_reference("azureml://registries/r/models/m/versions/1", "Environment") is None
    assert parse_reference("azureml://datastores/blob/paths/x", "Data") is None


def test_a_job_output_path_names_the_training_job():
    assert job_output("azureml://jobs/train-7/outputs/artifacts/paths/model/") == ("train-7", "artifacts")
    assert job_output("azureml://datastores/blob/paths/model/") is None


def test_labels_map_references_as_written_to_versions(tmp_path):
    path = tmp_path / "labels.yml"
    path.write_text('azureml:env@latest: "1.10"\nazureml:m@latest: 4\n')
    assert read_labels(str(path)) == {"azureml:env@latest": "1.10", "azureml:m@latest": "4"}


@pytest.mark.parametrize("text, reason", [
    ("azureml:env@latest: 1.10\n", "quoted string"),
    ("azureml:env@latest: [1]\n", "quoted string"),
    ("- a\n", "mapping"),
])
def test_a_version_yaml_would_change_is_an_error_that_stops_the_import(tmp_path, text, reason):
    path = tmp_path / "labels.yml"
    path.write_text(text)
    with pytest.raises(CatalogError, match=reason):
        read_labels(str(path))
