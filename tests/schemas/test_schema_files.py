"""Checks of the JSON Schema files shipped in src/catgen/schemas/.

These tests read the files straight from the source tree (no import of catgen), check that
each is a valid draft 2020-12 schema, and validate small manifests against them through a
``referencing`` registry that holds only the local files (no network access).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "src" / "catgen" / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

KIND_FILES = {
    "Registry": "registry.json",
    "Workspace": "workspace.json",
    "Model": "model.json",
    "Environment": "environment.json",
    "Component": "component.json",
    "Data": "data.json",
    "Job": "job.json",
    "Promotion": "promotion.json",
    "Deployment": "deployment.json",
    "Policy": "policy.json",
}
ALL_FILES = ["envelope.json", *KIND_FILES.values()]
VERSIONED = {"Model", "Environment", "Component", "Data"}


def _load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


SCHEMAS = {name: _load(name) for name in ALL_FILES}


def _no_fetch(uri: str):
    raise NoSuchResource(ref=uri)


REGISTRY = Registry(retrieve=_no_fetch).with_resources(
    (name, Resource.from_contents(schema)) for name, schema in SCHEMAS.items()
).crawl()


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(SCHEMAS[KIND_FILES[kind]], registry=REGISTRY)


def errors(kind: str, manifest: dict) -> list:
    return list(validator(kind).iter_errors(manifest))


def _walk(node, path=()):
    """Yield (path, mapping) for every mapping in a JSON document."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


# --------------------------------------------------------------------------- files


def test_schema_folder_holds_exactly_the_expected_files():
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == sorted(ALL_FILES)


@pytest.mark.parametrize("name", ALL_FILES)
def test_file_is_a_valid_2020_12_schema_with_conventions(name):
    text = (SCHEMA_DIR / name).read_text(encoding="utf-8")
    assert text.endswith("\n")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DIALECT
    assert "$id" not in schema  # identified by where it is read from: envelope.json resolves next to it
    assert isinstance(schema["title"], str) and schema["title"]
    assert isinstance(schema["description"], str) and schema["description"]


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_property_has_a_description(name):
    missing = []
    for path, node in _walk(SCHEMAS[name]):
        props = node.get("properties")
        if path and path[-1] == "properties":
            continue  # a property literally named "properties" is not a keyword
        if isinstance(props, dict):
            for prop, sub in props.items():
                if "description" not in sub:
                    missing.append("/".join(map(str, (*path, "properties", prop))))
    assert not missing, missing


@pytest.mark.parametrize("name", ALL_FILES)
def test_refs_stay_inside_the_schema_folder(name):
    for path, node in _walk(SCHEMAS[name]):
        ref = node.get("$ref")
        if not isinstance(ref, str) or (path and path[-1] == "properties"):
            continue
        parts = urlsplit(ref)
        assert not parts.scheme and not parts.netloc, f"absolute $ref {ref!r} in {name}"
        assert parts.path == "" or parts.path in ALL_FILES, f"$ref {ref!r} in {name}"
        assert not parts.path.startswith(("/", "..")), ref


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_ref_resolves_locally(name):
    resolver = REGISTRY.resolver(base_uri=name)
    for path, node in _walk(SCHEMAS[name]):
        ref = node.get("$ref")
        if isinstance(ref, str) and not (path and path[-1] == "properties"):
            resolver.lookup(ref)  # raises if unresolvable (and never fetches)


@pytest.mark.parametrize("kind", list(KIND_FILES))
def test_kind_file_envelope(kind):
    schema = SCHEMAS[KIND_FILES[kind]]
    assert schema["type"] == "object"
    assert schema["required"] == ["apiVersion", "kind", "metadata", "spec"]
    assert schema["additionalProperties"] is False
    props = schema["properties"]
    assert props["apiVersion"]["const"] == "catgen/v1"
    assert props["kind"]["const"] == kind
    expected = "metadata_versioned" if kind in VERSIONED else "metadata"
    assert props["metadata"]["$ref"] == f"envelope.json#/$defs/{expected}"
    assert props["spec"]["type"] == "object"
    assert props["spec"]["additionalProperties"] is False


# ------------------------------------------------------------------- valid manifests

CODE = {"repository": "https://github.com/contoso/credit-risk", "commit": "a1b2c3d"}

VALID = {
    "Registry": {
        "apiVersion": "catgen/v1",
        "kind": "Registry",
        "metadata": {"name": "contoso-ml", "owner": "platform@contoso.com"},
        "spec": {
            "location": "eastus",
            "replication_locations": ["eastus", "westeurope"],
            "public_network_access": "disabled",
            "provider": "azureml",
        },
    },
    "Workspace": {
        "apiVersion": "catgen/v1",
        "kind": "Workspace",
        "metadata": {"name": "prod-weu"},
        "spec": {
            "stage": "prod",
            "region": "westeurope",
            "subscription": "contoso-prod",
            "registries": ["registry:contoso-ml"],
            "public_network_access": "disabled",
        },
    },
    "Model": {
        "apiVersion": "catgen/v1",
        "kind": "Model",
        "metadata": {
            "name": "credit-risk",
            "version": "3",
            "description": "Gradient-boosted loan-default classifier.",
            "owner": "risk-team@contoso.com",
            "tags": {"framework": "lightgbm", "team/area": "risk"},
            "created": "2024-09-01T10:00:00Z",
        },
        "spec": {
            "type": "mlflow_model",
            "path": "azureml://registries/contoso-ml/models/credit-risk/versions/3",
            "sha256": "a" * 64,
            "registry": "registry:contoso-ml",
            "job": "job:train-credit-risk-0912",
            "base_model": "model:credit-risk@2",
        },
    },
    "Environment": {
        "apiVersion": "catgen/v1",
        "kind": "Environment",
        "metadata": {"name": "lightgbm-py311", "version": "1.10"},
        "spec": {
            "image": "mcr.microsoft.com/azureml/lightgbm@sha256:" + "0" * 64,
            "conda_file": "conda.yaml",
            "workspace": "workspace:dev-weu",
        },
    },
    "Component": {
        "apiVersion": "catgen/v1",
        "kind": "Component",
        "metadata": {"name": "train-lgbm", "version": "2"},
        "spec": {
            "type": "command",
            "workspace": "workspace:dev-weu",
            "environment": "environment:lightgbm-py311@1.10",
            "code": CODE,
            "command": "python train.py --data ${{inputs.data}}",
            "inputs": {"data": {"type": "uri_folder", "description": "Training data."}},
            "outputs": {"model": {"type": "mlflow_model"}},
        },
    },
    "Data": {
        "apiVersion": "catgen/v1",
        "kind": "Data",
        "metadata": {"name": "loans-prod", "version": "7", "created": "2024-09-01"},
        "spec": {
            "type": "uri_folder",
            "path": "abfss://data@contoso.dfs.core.windows.net/loans/7/",
            "classification": "production",
            "contains_pii": True,
            "sha256": "ABCDEF0123456789" * 4,
            "workspace": "workspace:prod-weu",
        },
    },
    "Job": {
        "apiVersion": "catgen/v1",
        "kind": "Job",
        "metadata": {"name": "train-credit-risk-0912"},
        "spec": {
            "workspace": "workspace:dev-weu",
            "type": "command",
            "status": "completed",
            "component": "component:train-lgbm@2",
            "environment": "environment:lightgbm-py311@1.10",
            "code": CODE,
            "compute": "cpu-cluster",
            "inputs": {"train": "data:loans-prod@7"},
            "parameters": {"learning_rate": 0.05, "n_estimators": 500, "objective": "binary", "early_stop": True},
            "metrics": {"auc": 0.91, "latency_ms": 12},
            "baseline": "job:train-credit-risk-sample",
            "logs": "https://ml.azure.com/runs/train-credit-risk-0912",
            "parent": "job:pipeline-0912",
            "started": "2024-09-12T08:00:00.123+02:00",
            "ended": "2024-09-12 10:00:00Z",
        },
    },
    "Promotion": {
        "apiVersion": "catgen/v1",
        "kind": "Promotion",
        "metadata": {"name": "credit-risk-3-prod"},
        "spec": {
            "asset": "model:credit-risk@3",
            "stage": "prod",
            "requested_by": "bob@contoso.com",
            "date": "2024-09-15T09:00:00Z",
            "approvals": [
                {"by": "alice@contoso.com", "at": "2024-09-15T10:00:00Z", "comment": "LGTM"},
                {"by": "carol@contoso.com", "at": "2024-09-15T11:00:00"},
            ],
            "evidence": ["job:eval-credit-risk-3"],
            "reason": "Better AUC.",
        },
    },
    "Deployment": {
        "apiVersion": "catgen/v1",
        "kind": "Deployment",
        "metadata": {"name": "credit-risk-blue"},
        "spec": {
            "workspace": "workspace:prod-weu",
            "endpoint": "credit-risk",
            "model": "model:credit-risk@3",
            "environment": "environment:lightgbm-py311@1.10",
            "traffic": 100,
            "instance_type": "Standard_DS3_v2",
            "instance_count": 2,
        },
    },
    "Policy": {
        "apiVersion": "catgen/v1",
        "kind": "Policy",
        "metadata": {"name": "default"},
        "spec": {
            "stages": [
                {"name": "dev"},
                {"name": "test", "promotion": {"approvals": 1}},
                {
                    "name": "prod",
                    "private_network": True,
                    "pii_allowed": True,
                    "promotion": {
                        "from": "test",
                        "approvals": 2,
                        "approvers": ["alice@contoso.com", "carol@contoso.com"],
                        "separation_of_duties": True,
                        "require_registry": True,
                        "require_lineage": True,
                        "training_data": ["production"],
                        "pinned_images": True,
                        "metrics": {"auc": {"min": 0.85}, "latency_ms": {"max": 50}},
                        "max_regression": {"auc": 0.02},
                    },
                },
            ],
            "immutable_kinds": ["Model", "Environment", "Component", "Data", "Job", "Promotion"],
            "mutable_fields": ["metadata.description", "metadata.tags"],
            "rules": {"CG605": {"level": "warning"}},
            "exceptions": [
                {
                    "rule": "CG605",
                    "subject": "environment:legacy-sklearn@1",
                    "reason": "Legacy image, being replaced.",
                    "expires": "2025-06-30",
                }
            ],
        },
    },
}

MINIMAL = {
    "Registry": {"location": "eastus", "replication_locations": ["eastus"]},
    "Workspace": {"stage": "dev", "region": "eastus"},
    "Model": {"type": "custom_model", "path": "models/m"},
    "Environment": {"image": "python:3.11"},
    "Component": {"type": "pipeline"},
    "Data": {"type": "uri_file", "path": "data.csv", "classification": "sample"},
    "Job": {"workspace": "workspace:dev", "type": "sweep", "status": "running"},
    "Promotion": {"asset": "data:x@1", "requested_by": "bob", "date": "2024-09-01"},
    "Deployment": {"workspace": "workspace:prod", "endpoint": "ep", "model": "model:m@1"},
    "Policy": {"stages": [{"name": "dev"}]},
}


def _minimal(kind: str) -> dict:
    metadata = {"name": "x", "version": "1"} if kind in VERSIONED else {"name": "x"}
    return {"apiVersion": "catgen/v1", "kind": kind, "metadata": metadata, "spec": copy.deepcopy(MINIMAL[kind])}


@pytest.mark.parametrize("kind", list(KIND_FILES))
def test_full_valid_manifest(kind):
    assert errors(kind, VALID[kind]) == []


@pytest.mark.parametrize("kind", list(KIND_FILES))
def test_minimal_valid_manifest(kind):
    assert errors(kind, _minimal(kind)) == []


# ----------------------------------------------------------------- invalid neighbours


def _mutated(kind: str, mutate) -> dict:
    manifest = copy.deepcopy(VALID[kind])
    mutate(manifest)
    return manifest


def _assert_error(kind, manifest, keyword):
    errs = errors(kind, manifest)
    assert errs, f"{kind}: expected a {keyword!r} error"
    assert keyword in {e.validator for e in errs}, [(e.validator, e.message) for e in errs]


@pytest.mark.parametrize("kind", list(KIND_FILES))
def test_unknown_spec_field_is_rejected(kind):
    _assert_error(kind, _mutated(kind, lambda m: m["spec"].__setitem__("colour", "blue")), "additionalProperties")


@pytest.mark.parametrize("kind", list(KIND_FILES))
def test_unknown_top_level_and_metadata_fields_are_rejected(kind):
    _assert_error(kind, _mutated(kind, lambda m: m.__setitem__("status", {})), "additionalProperties")
    _assert_error(kind, _mutated(kind, lambda m: m["metadata"].__setitem__("labels", {})), "additionalProperties")


@pytest.mark.parametrize("kind", list(KIND_FILES))
@pytest.mark.parametrize("field", ["apiVersion", "kind", "metadata", "spec"])
def test_missing_envelope_field_is_rejected(kind, field):
    _assert_error(kind, _mutated(kind, lambda m: m.pop(field)), "required")


@pytest.mark.parametrize("kind", list(KIND_FILES))
def test_every_required_spec_field_is_enforced(kind):
    required = SCHEMAS[KIND_FILES[kind]]["properties"]["spec"]["required"]
    assert required
    for field in required:
        _assert_error(kind, _mutated(kind, lambda m: m["spec"].pop(field)), "required")


@pytest.mark.parametrize("kind", list(KIND_FILES))
def test_wrong_api_version_and_kind(kind):
    _assert_error(kind, _mutated(kind, lambda m: m.__setitem__("apiVersion", "catgen/v2")), "const")
    other = "Model" if kind != "Model" else "Data"
    _assert_error(kind, _mutated(kind, lambda m: m.__setitem__("kind", other)), "const")


WRONG_ENUM = {
    "Registry": lambda m: m["spec"].__setitem__("public_network_access", "on"),
    "Workspace": lambda m: m["spec"].__setitem__("public_network_access", True),
    "Model": lambda m: m["spec"].__setitem__("type", "onnx_model"),
    "Environment": None,  # no enum in Environment
    "Component": lambda m: m["spec"].__setitem__("type", "script"),
    "Data": lambda m: m["spec"].__setitem__("classification", "secret"),
    "Job": lambda m: m["spec"].__setitem__("status", "succeeded"),
    "Promotion": None,  # no enum in Promotion
    "Deployment": None,  # no enum in Deployment
    "Policy": lambda m: m["spec"]["rules"]["CG605"].__setitem__("level", "info"),
}


@pytest.mark.parametrize("kind", [k for k, v in WRONG_ENUM.items() if v])
def test_wrong_enum_is_rejected(kind):
    _assert_error(kind, _mutated(kind, WRONG_ENUM[kind]), "enum")


OTHER_INVALID = [
    # (kind, mutation, expected keyword)
    ("Registry", lambda m: m["spec"].__setitem__("location", "East US"), "pattern"),
    ("Registry", lambda m: m["spec"].__setitem__("replication_locations", []), "minItems"),
    ("Registry", lambda m: m["spec"].__setitem__("replication_locations", ["eastus", "eastus"]), "uniqueItems"),
    ("Workspace", lambda m: m["spec"].__setitem__("stage", ""), "minLength"),
    ("Workspace", lambda m: m["spec"].__setitem__("registries", "registry:contoso-ml"), "type"),
    ("Model", lambda m: m["spec"].__setitem__("sha256", "abc"), "pattern"),
    ("Model", lambda m: m["spec"].__setitem__("job", ""), "minLength"),
    ("Model", lambda m: m["metadata"].__setitem__("name", "-bad"), "pattern"),
    ("Model", lambda m: m["metadata"].__setitem__("version", 3), "type"),
    ("Model", lambda m: m["metadata"].__setitem__("created", "yesterday"), "pattern"),
    ("Model", lambda m: m["metadata"]["tags"].__setitem__("n", 1), "type"),
    ("Environment", lambda m: m["spec"].__setitem__("image", ""), "minLength"),
    ("Component", lambda m: m["spec"].__setitem__("code", {"repository": "r", "commit": "xyz"}), "pattern"),
    ("Component", lambda m: m["spec"]["code"].pop("commit"), "required"),
    ("Component", lambda m: m["spec"]["code"].__setitem__("branch", "main"), "additionalProperties"),
    ("Component", lambda m: m["spec"]["inputs"]["data"].pop("type"), "required"),
    ("Component", lambda m: m["spec"]["outputs"]["model"].__setitem__("mode", "rw"), "additionalProperties"),
    ("Data", lambda m: m["spec"].__setitem__("contains_pii", "yes"), "type"),
    ("Job", lambda m: m["spec"]["metrics"].__setitem__("auc", "0.9"), "type"),
    ("Job", lambda m: m["spec"]["metrics"].__setitem__("ok", True), "type"),
    ("Job", lambda m: m["spec"]["parameters"].__setitem__("layers", [1, 2]), "type"),
    ("Job", lambda m: m["spec"]["parameters"].__setitem__("none", None), "type"),
    ("Job", lambda m: m["spec"]["inputs"].__setitem__("x", {"path": "p"}), "type"),
    ("Job", lambda m: m["spec"].__setitem__("ended", "2024-13-01"), "pattern"),
    ("Promotion", lambda m: m["spec"]["approvals"][0].pop("at"), "required"),
    ("Promotion", lambda m: m["spec"]["approvals"][0].__setitem__("by", ""), "minLength"),
    ("Promotion", lambda m: m["spec"].__setitem__("date", "15/09/2024"), "pattern"),
    ("Promotion", lambda m: m["metadata"].__setitem__("version", "1"), "additionalProperties"),
    ("Deployment", lambda m: m["spec"].__setitem__("traffic", 101), "maximum"),
    ("Deployment", lambda m: m["spec"].__setitem__("traffic", -1), "minimum"),
    ("Deployment", lambda m: m["spec"].__setitem__("instance_count", 0), "minimum"),
    ("Deployment", lambda m: m["spec"].__setitem__("instance_count", 1.5), "type"),
    ("Deployment", lambda m: m["spec"].__setitem__("endpoint", "bad endpoint"), "pattern"),
    ("Policy", lambda m: m["spec"].__setitem__("stages", []), "minItems"),
    ("Policy", lambda m: m["spec"]["stages"][0].__setitem__("name", "Dev"), "pattern"),
    ("Policy", lambda m: m["spec"]["stages"][2]["promotion"].__setitem__("approvals", -1), "minimum"),
    ("Policy", lambda m: m["spec"]["stages"][2]["promotion"].__setitem__("approvers", []), "minItems"),
    ("Policy", lambda m: m["spec"]["stages"][2]["promotion"].__setitem__("training_data", ["secret"]), "enum"),
    ("Policy", lambda m: m["spec"]["stages"][2]["promotion"]["metrics"].__setitem__("f1", {}), "minProperties"),
    ("Policy", lambda m: m["spec"]["stages"][2]["promotion"]["metrics"]["auc"].__setitem__("target", 1),
     "additionalProperties"),
    ("Policy", lambda m: m["spec"]["stages"][2]["promotion"]["max_regression"].__setitem__("auc", -0.1), "minimum"),
    ("Policy", lambda m: m["spec"]["stages"][2]["promotion"].__setitem__("gate", True), "additionalProperties"),
    ("Policy", lambda m: m["spec"].__setitem__("immutable_kinds", ["Model", "Widget"]), "enum"),
    ("Policy", lambda m: m["spec"].__setitem__("mutable_fields", ["description"]), "pattern"),
    ("Policy", lambda m: m["spec"]["rules"].__setitem__("X1", {"level": "off"}), "pattern"),
    ("Policy", lambda m: m["spec"]["rules"].__setitem__("CG101", {}), "required"),
    ("Policy", lambda m: m["spec"]["exceptions"][0].pop("expires"), "required"),
    ("Policy", lambda m: m["spec"]["exceptions"][0].__setitem__("rule", "605"), "pattern"),
    ("Policy", lambda m: m["metadata"].__setitem__("version", "1"), "additionalProperties"),
]


@pytest.mark.parametrize("case", range(len(OTHER_INVALID)))
def test_other_invalid_neighbours(case):
    kind, mutate, keyword = OTHER_INVALID[case]
    _assert_error(kind, _mutated(kind, mutate), keyword)


# ------------------------------------------------------------- versions, timestamps


@pytest.mark.parametrize("kind", sorted(VERSIONED))
def test_version_is_required_for_versioned_kinds(kind):
    _assert_error(kind, _mutated(kind, lambda m: m["metadata"].pop("version")), "required")


@pytest.mark.parametrize("kind", sorted(set(KIND_FILES) - VERSIONED))
def test_version_is_forbidden_for_unversioned_kinds(kind):
    _assert_error(kind, _mutated(kind, lambda m: m["metadata"].__setitem__("version", "1")), "additionalProperties")


@pytest.mark.parametrize("version", ["1", "1.10", "3", "2024.09.01", "v2-rc_1", "latest2", "latest-1"])
def test_good_versions_are_accepted(version):
    assert errors("Model", _mutated("Model", lambda m: m["metadata"].__setitem__("version", version))) == []


@pytest.mark.parametrize("version", ["latest", "", "-1", ".1", "1 0", "a" * 65, "1/2"])
def test_bad_versions_are_rejected(version):
    errs = errors("Model", _mutated("Model", lambda m: m["metadata"].__setitem__("version", version)))
    assert [e.validator for e in errs] == ["pattern"]


def test_latest_rejected_and_1_10_accepted():
    assert errors("Data", _mutated("Data", lambda m: m["metadata"].__setitem__("version", "latest")))
    manifest = _mutated("Data", lambda m: m["metadata"].__setitem__("version", "1.10"))
    assert errors("Data", manifest) == []
    assert manifest["metadata"]["version"] == "1.10"


@pytest.mark.parametrize("name", ["a", "credit-risk", "A.b_c-9", "x" * 128])
def test_good_names(name):
    assert errors("Job", _mutated("Job", lambda m: m["metadata"].__setitem__("name", name))) == []


@pytest.mark.parametrize("name", ["", "-a", "_a", "a b", "a/b", "x" * 129, "é"])
def test_bad_names(name):
    _assert_error("Job", _mutated("Job", lambda m: m["metadata"].__setitem__("name", name)), "pattern")


@pytest.mark.parametrize(
    "value",
    [
        "2024-09-01",
        "2024-09-01T10:00:00Z",
        "2024-09-01T10:00:00",
        "2024-09-01T10:00:00.123+02:00",
        "2024-09-01 10:00:00Z",
        "2024-09-01T10:00Z",
        "2024-09-01T10:00:00-0500",
        "2024-09-01T10:00:00+02",
    ],
)
def test_good_timestamps(value):
    assert errors("Job", _mutated("Job", lambda m: m["spec"].__setitem__("started", value))) == []


@pytest.mark.parametrize(
    "value",
    ["", "2024", "2024-9-1", "2024-09-01T", "2024-09-01T25:00:00Z", "2024-09-01T10:00:00 Z",
     "01.09.2024", "2024-09-01T10:00:00Zjunk", "2024-00-10"],
)
def test_bad_timestamps(value):
    _assert_error("Job", _mutated("Job", lambda m: m["spec"].__setitem__("started", value)), "pattern")


def test_timestamp_must_be_a_string():
    _assert_error("Job", _mutated("Job", lambda m: m["spec"].__setitem__("started", 1725184800)), "type")


# ------------------------------------------------------------------ defaults, refs


def test_defaults_from_the_spec():
    reg = SCHEMAS["registry.json"]["properties"]["spec"]["properties"]
    ws = SCHEMAS["workspace.json"]["properties"]["spec"]["properties"]
    data = SCHEMAS["data.json"]["properties"]["spec"]["properties"]
    policy = SCHEMAS["policy.json"]["properties"]["spec"]["properties"]
    assert reg["public_network_access"]["default"] == "disabled"
    assert ws["public_network_access"]["default"] == "disabled"
    assert data["contains_pii"]["default"] is False
    assert policy["immutable_kinds"]["default"] == ["Model", "Environment", "Component", "Data", "Job", "Promotion"]
    assert policy["mutable_fields"]["default"] == ["metadata.description", "metadata.tags"]
    stage = policy["stages"]["items"]["properties"]
    assert stage["private_network"]["default"] is False
    assert stage["pii_allowed"]["default"] is False
    assert stage["promotion"]["properties"]["approvals"]["default"] == 0


def test_reference_syntax_is_not_checked_by_the_schema():
    # Reference syntax and kind are CG302-CG304 (Python), never CG201 (schema).
    manifest = _mutated("Deployment", lambda m: m["spec"].__setitem__("model", "not a ref at all"))
    assert errors("Deployment", manifest) == []
    manifest = _mutated("Deployment", lambda m: m["spec"].__setitem__("model", "workspace:prod-weu"))
    assert errors("Deployment", manifest) == []
    manifest = _mutated("Job", lambda m: m["spec"]["inputs"].__setitem__("x", "model:credit-risk"))
    assert errors("Job", manifest) == []


def test_no_conditional_or_combinator_keywords():
    banned = {"oneOf", "anyOf", "allOf", "if", "then", "else", "not", "dependentSchemas", "dependentRequired"}
    for name, schema in SCHEMAS.items():
        for path, node in _walk(schema):
            if path and path[-1] == "properties":
                continue
            assert not banned & set(node), f"{name}: {'/'.join(map(str, path))}"


def test_unknown_remote_ref_is_not_fetched():
    with pytest.raises(Exception):
        REGISTRY.resolver().lookup("https://example.com/other.json")


# ------------------------------------------------------------------ v1.1 additions

V1_1_VALID = [
    ("Data", lambda m: m["spec"].__setitem__("classification", "unclassified")),
    ("Job", lambda m: m["spec"].__setitem__("status", "unknown")),
    ("Promotion", lambda m: m["spec"].update(revoke=True, reason="faulty in production")),
    ("Promotion", lambda m: m["spec"].__setitem__("revoke", False)),
    ("Component", lambda m: m["spec"]["inputs"].__setitem__("lr", {
        "type": "number", "description": "learning rate", "optional": True, "default": 0.1, "min": 0, "max": 1,
        "enum": [0.1, 0.2]})),
    ("Component", lambda m: m["spec"]["inputs"].__setitem__("flag", {"type": "boolean", "default": False})),
    ("Component", lambda m: m["spec"]["outputs"].__setitem__("t", {"type": "triton_model", "optional": False})),
]


@pytest.mark.parametrize("case", range(len(V1_1_VALID)))
def test_v1_1_fields_are_accepted(case):
    kind, mutate = V1_1_VALID[case]
    assert errors(kind, _mutated(kind, mutate)) == []


V1_1_INVALID = [
    ("Promotion", lambda m: m["spec"].__setitem__("revoke", "yes"), "type"),
    ("Component", lambda m: m["spec"]["inputs"]["data"].__setitem__("type", "float"), "enum"),
    ("Component", lambda m: m["spec"]["inputs"]["data"].__setitem__("optional", "no"), "type"),
    ("Component", lambda m: m["spec"]["inputs"]["data"].__setitem__("default", {"a": 1}), "type"),
    ("Component", lambda m: m["spec"]["inputs"]["data"].__setitem__("min", "1"), "type"),
    ("Component", lambda m: m["spec"]["inputs"]["data"].__setitem__("enum", []), "minItems"),
    ("Component", lambda m: m["spec"]["inputs"]["data"].__setitem__("enum", ["a", "a"]), "uniqueItems"),
    ("Component", lambda m: m["spec"]["inputs"]["data"].__setitem__("enum", [["a"]]), "type"),
]


@pytest.mark.parametrize("case", range(len(V1_1_INVALID)))
def test_v1_1_invalid_neighbours(case):
    kind, mutate, keyword = V1_1_INVALID[case]
    _assert_error(kind, _mutated(kind, mutate), keyword)


def test_port_types_are_the_ten_of_the_spec():
    port = SCHEMAS["envelope.json"]["$defs"]["port"]["properties"]["type"]
    assert set(port["enum"]) == {
        "uri_file", "uri_folder", "mltable", "mlflow_model", "custom_model", "triton_model",
        "integer", "number", "string", "boolean",
    }
    assert SCHEMAS["promotion.json"]["properties"]["spec"]["properties"]["revoke"]["default"] is False
