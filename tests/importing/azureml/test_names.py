"""Names: templates, slugs, inline names and content versions, local paths relative to the imported file."""

import pytest

from catgen.errors import CatalogError
from catgen.importing.azureml.names import content_version, read_templates, relative_uri, slug


def test_templates_override_the_defaults_and_bad_ones_stop_the_import():
    assert read_templates([]) == {"deployment": "{endpoint}-{name}", "job": "{name}"}
    assert read_templates(["deployment={workspace}-{endpoint}-{name}"])["deployment"] == "{workspace}-{endpoint}-{name}"
    for bad in ("deployment", "model={name}", "job={oops}-{name}", "job=fixed"):
        with pytest.raises(CatalogError):
            read_templates([bad])


def test_slug_makes_a_valid_name():
    assert slug("Train credit (v2)!") == "Train-credit-v2" and slug("///") == "unnamed" and len(slug("a" * 300)) == 128


def test_content_versions_follow_the_content_only():
    assert content_version({"a": 1, "b": 2}) == content_version({"b": 2, "a": 1}) != content_version({"a": 2})


def test_local_paths_become_relative_to_the_imported_file_and_uris_stay():
    assert relative_uri("cli/assets", "sample-data/") == "cli/assets/sample-data/"
    assert relative_uri("cli/jobs", "../data") == "cli/data"
    assert relative_uri("x", "azureml://datastores/b/paths/p") == "azureml://datastores/b/paths/p"
    assert relative_uri("x", "https://host/file.csv") == "https://host/file.csv"
