"""Models, environments, data, components, registries and workspaces, as the format defines them."""

from testing.azureml_files import azure_file, fixture, import_files, manifest, new_catalog, notes
from testing.catalogs import check, write


def test_a_model_keeps_its_version_type_tags_and_its_training_job_as_lineage(tmp_path):
    root = new_catalog(tmp_path)
    plan, outcome = import_files(root, fixture("model.yml"))
    model = manifest(root, "models/credit/3.yaml")
    assert model["metadata"]["version"] == "3" and model["metadata"]["tags"] == {
        "framework": "lightgbm", "reviewed": "true", "catgen.import": "azureml"}
    assert model["spec"] == {"workspace": "workspace:dev", "type": "mlflow_model",
                             "path": "azureml://jobs/train-credit-0912/outputs/artifacts/paths/model/",
                             "job": "job:train-credit-0912"}
    job = manifest(root, "jobs/train-credit-0912.yaml")  # a reference-only placeholder: a run not recorded
    assert job["spec"]["status"] == "unknown" and job["metadata"]["tags"]["catgen.import"] == "reference-only"
    assert [field for field, _ in notes(plan.not_carried)] == ["stage"]
    assert [f.code for f in check(root).findings] == []


def test_an_image_environment_keeps_its_digest_and_its_conda_file_relative_to_the_file(tmp_path):
    root = new_catalog(tmp_path)
    import_files(root, fixture("environment-image.yml"))
    spec = manifest(root, "environments/lightgbm-env/1.10.yaml")["spec"]
    assert spec["image"].endswith("@sha256:" + "1c1e3f1e" * 8)
    assert spec["conda_file"] == fixture("conda.yml")


def test_a_docker_context_environment_gets_an_unpinned_placeholder_that_check_flags(tmp_path):
    root = new_catalog(tmp_path)
    write(root, "policy.yaml", "apiVersion: catgen/v1\nkind: Policy\nmetadata: {name: default}\nspec:\n  stages:\n"
                               "    - name: dev\n      promotion: {pinned_images: true}\n")
    plan, _ = import_files(root, fixture("environment-docker.yml"))
    image = manifest(root, "environments/docker-context-env/1.yaml")["spec"]["image"]
    assert image == "unbuilt:" + fixture("docker-contexts/python-and-pip") and "@sha256:" not in image
    assert notes(plan.not_carried)[0][0] == "build"
    write(root, "promotions/p.yaml", "apiVersion: catgen/v1\nkind: Promotion\nmetadata: {name: p}\nspec:\n"
                                     "  stage: dev\n  asset: environment:docker-context-env@1\n"
                                     "  requested_by: a@b.c\n  date: 2025-01-01\n")
    assert "CG605" in [f.code for f in check(root).findings]


def test_data_nobody_classified_is_unclassified_and_a_missing_version_needs_version(tmp_path):
    root = new_catalog(tmp_path)
    plan, outcome = import_files(root, fixture("data-local.yml"))
    assert outcome.written == [] and "give --version" in plan.skipped[0].text and plan.skipped[0].field == "version"
    import_files(root, fixture("data-local.yml"), version="2")
    spec = manifest(root, "data/titanic/2.yaml")["spec"]
    assert spec["classification"] == "unclassified" and spec["path"] == fixture("sample-data") + "/"


def test_a_version_written_as_a_number_yaml_changes_is_refused(tmp_path):
    root = new_catalog(tmp_path)
    path = azure_file(tmp_path, "m.yml", "$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json\n"
                                         "name: m\nversion: 1.10\npath: x\n")
    plan, _ = import_files(root, path)
    assert "quote it" in plan.skipped[0].text


def test_a_component_resolves_its_moving_environment_through_labels_into_a_registry_placeholder(tmp_path):
    root = new_catalog(tmp_path)
    plan, outcome = import_files(root, fixture("component-train.yml"))
    component = manifest(root, "components/train_credit/2.yaml")["spec"]
    assert component["environment"] == "environment:sklearn-1.5@26"
    assert component["outputs"] == {"model_output": {"type": "mlflow_model"}}
    assert component["inputs"]["learning_rate"] == {"type": "number", "default": 0.01, "optional": True}
    environment = manifest(root, "environments/sklearn-1.5/26.yaml")
    assert environment["spec"]["registry"] == "registry:azureml"
    registry = manifest(root, "registries/azureml.yaml")["spec"]
    assert registry["public_network_access"] == "enabled"  # Azure's public registry is never imported as private
    assert {field for field, _ in notes(plan.not_carried)} == {"code", "display_name"}


def test_a_component_with_an_unpinned_moving_reference_is_skipped_with_the_list(tmp_path):
    root = new_catalog(tmp_path)
    plan, outcome = import_files(root, fixture("component-train.yml"), labels={})
    assert plan.skipped[0].text == ("moving references not pinned by --labels: "
                                    "azureml://registries/azureml/environments/sklearn-1.5/labels/latest")
    assert outcome.written == []


def test_a_registry_without_network_setting_is_public_and_replicates_to_its_own_region(tmp_path):
    root = new_catalog(tmp_path)
    import_files(root, fixture("registry.yml"))
    assert manifest(root, "registries/contoso-ml.yaml")["spec"] == {
        "location": "eastus", "replication_locations": ["eastus", "westeurope"],
        "public_network_access": "enabled", "provider": "azureml"}


def test_a_private_registry_stays_private(tmp_path):
    root = new_catalog(tmp_path)
    path = azure_file(tmp_path, "r.yml", "$schema: https://azuremlschemas.azureedge.net/latest/registry.schema.json\n"
                                         "name: priv\nlocation: westeurope\npublic_network_access: Disabled\n")
    import_files(root, path)
    spec = manifest(root, "registries/priv.yaml")["spec"]
    assert spec["public_network_access"] == "disabled" and spec["replication_locations"] == ["westeurope"]


def test_a_workspace_needs_its_stage_from_the_command_line(tmp_path):
    root = new_catalog(tmp_path)
    path = azure_file(tmp_path, "w.yml", "$schema: https://azuremlschemas.azureedge.net/latest/workspace.schema.json\n"
                                         "name: ws-prod\nlocation: West Europe\n")
    plan, _ = import_files(root, path)
    assert "--stage" in plan.skipped[0].text
    import_files(root, path, stage="dev")
    assert manifest(root, "workspaces/ws-prod.yaml")["spec"] == {
        "stage": "dev", "region": "westeurope", "public_network_access": "enabled"}


def test_assets_imported_into_a_registry_are_at_home_there(tmp_path):
    root = new_catalog(tmp_path)
    write(root, "registries/shared.yaml", "apiVersion: catgen/v1\nkind: Registry\nmetadata: {name: shared}\n"
                                          "spec: {location: eastus, replication_locations: [eastus]}\n")
    plan, _ = import_files(root, fixture("environment-image.yml"), fixture("job-command.yml"), registry="shared")
    assert manifest(root, "environments/lightgbm-env/1.10.yaml")["spec"]["registry"] == "registry:shared"
    assert "--workspace" in plan.skipped[0].text  # a job runs in a workspace
