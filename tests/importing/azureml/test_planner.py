"""The whole import: every fixture at once, idempotence, dry run, published versions never rewritten, determinism."""

import os

from testing.azureml_files import FILES, azure_file, fixture, import_files, new_catalog
from testing.catalogs import check


def _snapshot(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def test_every_fixture_imports_and_checks_clean_and_a_second_import_changes_nothing(tmp_path):
    root = new_catalog(tmp_path)
    plan, outcome = import_files(root, str(FILES), version="1")
    assert plan.skipped == [] and outcome.refused == [] and len(outcome.written) > 30
    # the one finding is deliberate: dev uses an environment of the azureml registry that dev does not list
    assert [(f.code, f.path) for f in check(root).findings] == [
        ("CG507", "catalog/deployments/credit-endpoint-green.yaml")]
    before = _snapshot(root)
    stamps = {p: os.stat(root / p).st_mtime_ns for p in before}
    plan, again = import_files(root, str(FILES), version="1")
    assert again.written == again.updated == again.refused == []
    # placeholders are planned only while the catalog lacks what they stand for
    full = {path for path in outcome.written if "reference-only" not in (root / path).read_text()}
    assert set(again.unchanged) == full
    assert _snapshot(root) == before and {p: os.stat(root / p).st_mtime_ns for p in before} == stamps


def test_the_same_files_give_byte_identical_catalogs(tmp_path):
    first, second = new_catalog(tmp_path / "one"), new_catalog(tmp_path / "two")
    import_files(first, str(FILES), version="1")
    import_files(second, str(FILES), version="1")
    assert _snapshot(first) == _snapshot(second)


def test_a_dry_run_reports_the_same_and_writes_nothing(tmp_path):
    root = new_catalog(tmp_path)
    before = _snapshot(root)
    _, dry = import_files(root, str(FILES), version="1", dry_run=True)
    _, real = import_files(root, str(FILES), version="1")
    assert dry.written == real.written and dry.dry_run and before != _snapshot(root)


def test_a_changed_azure_file_that_would_modify_a_published_version_is_refused(tmp_path):
    root = new_catalog(tmp_path)
    text = (FILES / "model.yml").read_text()
    import_files(root, azure_file(tmp_path, "in/model.yml", text))
    published = (root / "models/credit/3.yaml").read_bytes()
    changed = azure_file(tmp_path, "in/model.yml", text.replace("type: mlflow_model", "type: custom_model"))
    plan, outcome = import_files(root, changed)
    assert outcome.updated == [] and "never rewritten" in outcome.refused[0].text
    assert (root / "models/credit/3.yaml").read_bytes() == published


def test_a_new_description_in_azure_updates_only_the_mutable_field(tmp_path):
    root = new_catalog(tmp_path)
    text = (FILES / "model.yml").read_text()
    import_files(root, azure_file(tmp_path, "in/model.yml", text))
    changed = azure_file(tmp_path, "in/model.yml", text.replace("Credit default classifier.", "Retired."))
    _, outcome = import_files(root, changed)
    assert outcome.updated == ["models/credit/3.yaml"] and outcome.refused == []
    assert "description: Retired." in (root / "models/credit/3.yaml").read_text()


def test_an_asset_the_catalog_already_holds_gets_no_placeholder(tmp_path):
    root = new_catalog(tmp_path)
    import_files(root, fixture("model.yml"))
    _, outcome = import_files(root, fixture("endpoint/green.yml"))
    assert "models/credit/3.yaml" not in outcome.written + outcome.updated + outcome.unchanged
    assert outcome.refused == []
