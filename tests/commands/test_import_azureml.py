"""``catgen import azureml``: the report on standard output, exit 0/1/2, one line when it cannot run."""

import os

from testing.azureml_files import azure_file, fixture, new_catalog
from testing.cli import run


def test_an_import_that_takes_every_file_exits_0_and_reports_what_it_wrote(tmp_path):
    root = new_catalog(tmp_path)
    code, out, err = run("import", "azureml", fixture("registry.yml"), "--workspace", "dev", "--catalog", str(root))
    assert (code, err) == (0, "") and "write catalog/registries/contoso-ml.yaml" in out
    assert out.splitlines()[-1].startswith("1 written, 0 updated, 0 unchanged, 0 refused, 0 skipped")


def test_a_skipped_file_makes_exit_1_and_dry_run_writes_nothing(tmp_path):
    root = new_catalog(tmp_path)
    bad = azure_file(tmp_path, "bad.yml", "name: svc\nreplicas: 3\n")
    code, out, _ = run("import", "azureml", fixture("registry.yml"), bad, "--workspace", "dev",
                       "--catalog", str(root), "--dry-run")
    assert code == 1 and f"skipped {bad}: not Azure ML YAML" in out and "dry run" in out
    assert not (root / "registries").exists()


def test_labels_pin_moving_references(tmp_path):
    root = new_catalog(tmp_path)
    labels = azure_file(tmp_path, "labels.yml",
                        '"azureml://registries/azureml/environments/sklearn-1.5/labels/latest": "26"\n')
    code, out, _ = run("import", "azureml", fixture("component-train.yml"), "--workspace", "dev",
                       "--labels", labels, "--catalog", str(root))
    assert code == 0 and (root / "environments/sklearn-1.5/26.yaml").exists()


def test_what_stops_the_import_is_one_line_and_exit_2(tmp_path):
    root = new_catalog(tmp_path)
    for args, reason in (
        (["--workspace", "prod"], "no workspace named 'prod'"),
        (["--workspace", "dev", "--registry", "r"], "exactly one of --workspace and --registry"),
        (["--workspace", "dev", "--version", "latest"], "not a valid version"),
        (["--workspace", "dev", "--name-template", "job=x"], "--name-template"),
        (["--workspace", "dev", "--stage", "prod"], "no such stage"),
    ):
        code, out, err = run("import", "azureml", fixture("registry.yml"), "--catalog", str(root), *args)
        assert code == 2 and reason in err and len(err.splitlines()) == 1, (args, err)
    code, _, err = run("import", "azureml", str(tmp_path / "nowhere"), "--workspace", "dev", "--catalog", str(root))
    assert (code, err) == (2, f"catgen: error: {tmp_path / 'nowhere'}: no such file or folder\n")
    (tmp_path / "broken.yml").symlink_to(tmp_path / "nowhere.yml")
    for other in (os.devnull, str(tmp_path / "broken.yml")):
        code, _, err = run("import", "azureml", other, "--workspace", "dev", "--catalog", str(root))
        assert (code, err) == (2, f"catgen: error: {other}: not a file nor a folder\n")
