"""Online endpoints and deployments: the traffic split, inline model and environment, names made global."""

from testing.azureml_files import azure_file, fixture, import_files, manifest, new_catalog, notes
from testing.catalogs import check, codes

DEPLOYMENT = """$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: blue
endpoint_name: {endpoint}
model: azureml:credit:3
"""


def test_blue_green_deployments_take_their_endpoint_s_traffic(tmp_path):
    root = new_catalog(tmp_path)
    plan, outcome = import_files(root, fixture("endpoint"), fixture("model.yml"))
    blue = manifest(root, "deployments/credit-endpoint-blue.yaml")["spec"]
    green = manifest(root, "deployments/credit-endpoint-green.yaml")["spec"]
    assert (blue["traffic"], green["traffic"]) == (90, 10) and blue["endpoint"] == green["endpoint"]
    assert blue["model"].startswith("model:credit-endpoint-blue-model@h")  # the inline model, named
    assert blue["environment"].startswith("environment:credit-endpoint-blue-environment@h")
    assert green["model"] == "model:credit@3" and green["environment"] == "environment:sklearn-1.5@26"
    assert manifest(root, "environments/sklearn-1.5/26.yaml")["spec"]["registry"] == "registry:azureml"
    lost = notes(plan.not_carried, "endpoint.yml")
    assert [field for field, _ in lost] == ["public_network_access", "auth_mode"] and "enabled" in lost[0][1]
    assert ("code_configuration", "no catgen field holds it") in notes(plan.not_carried, "blue.yml")
    assert codes(check(root), "CG513") == [] and plan.skipped == []


def test_without_its_endpoint_file_a_deployment_s_traffic_is_reported_unknown(tmp_path):
    root = new_catalog(tmp_path)
    plan, _ = import_files(root, fixture("endpoint/green.yml"))
    assert "traffic" not in manifest(root, "deployments/credit-endpoint-green.yaml")["spec"]
    assert notes(plan.not_carried)[0][0] == "traffic"


def test_blue_on_two_endpoints_is_two_deployments_and_a_template_without_endpoint_collides(tmp_path):
    root = new_catalog(tmp_path)
    first = azure_file(tmp_path, "a/blue.yml", DEPLOYMENT.format(endpoint="one"))
    second = azure_file(tmp_path, "b/blue.yml", DEPLOYMENT.format(endpoint="two"))
    _, outcome = import_files(root, first, second, dry_run=True)
    assert outcome.written[-2:] == ["deployments/one-blue.yaml", "deployments/two-blue.yaml"]
    _, outcome = import_files(root, first, second, templates={"deployment": "{name}", "job": "{name}"})
    assert outcome.written == []  # the placeholders for model:credit@3 go with the files that planned them
    assert sorted(note.source for note in outcome.refused if "name collision" in note.text) == [first, second]
    assert not (root / "deployments").exists()
