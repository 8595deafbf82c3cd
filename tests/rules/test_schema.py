"""CG201-CG202: the shape of each manifest.

CG201 is reported where the problem is written: a missing key at the mapping
that lacks it, an unknown key at that key, a wrong value at the value; the
message says in words what was expected. Each constraint between fields of
one manifest has a firing test and a valid neighbour. CG202 files are left out
of the graph, so references to them are not reported again.
"""

from __future__ import annotations

import pytest

from catgen.load.validation import CONSTRAINTS, constraints
from catgen.model import KINDS, VERSIONED_ASSETS

from testing.catalogs import POLICY, WORKSPACE, check, codes, edit, write

REGISTRY = """
apiVersion: catgen/v1
kind: Registry
metadata:
  name: shared
spec:
  location: eastus
  replication_locations:
    - eastus
    - westeurope
"""

ENVIRONMENT = """
apiVersion: catgen/v1
kind: Environment
metadata:
  name: py
  version: "1"
spec:
  workspace: workspace:dev
  image: python:3.11
"""

COMMAND_COMPONENT = """
apiVersion: catgen/v1
kind: Component
metadata:
  name: train
  version: "1"
spec:
  workspace: workspace:dev
  type: command
  environment: environment:py@1
  command: python train.py
"""

PIPELINE_COMPONENT = """
apiVersion: catgen/v1
kind: Component
metadata:
  name: pipe
  version: "1"
spec:
  workspace: workspace:dev
  type: pipeline
  steps:
    - component:train@1
"""

MODEL = """
apiVersion: catgen/v1
kind: Model
metadata:
  name: m
  version: "1"
  created: 2024-09-01T10:00:00Z
spec:
  workspace: workspace:dev
  type: custom_model
  path: models/m
"""

PROMOTION = """
apiVersion: catgen/v1
kind: Promotion
metadata:
  name: m-1-to-shared
spec:
  asset: model:m@1
  registry: registry:shared
  requested_by: bob@contoso.com
  date: 2024-09-02
  approvals:
    - by: alice@contoso.com
      at: 2024-09-02T10:00:00Z
"""

DEPLOYMENT = """
apiVersion: catgen/v1
kind: Deployment
metadata:
  name: d
spec:
  workspace: workspace:dev
  endpoint: scoring
  model: model:m@1
  traffic: 100
"""

FILES = {
    "policy.yaml": POLICY,
    "workspaces/dev.yaml": WORKSPACE,
    "registries/shared.yaml": REGISTRY,
    "environments/py/1.yaml": ENVIRONMENT,
    "components/train/1.yaml": COMMAND_COMPONENT,
    "components/pipe/1.yaml": PIPELINE_COMPONENT,
    "models/m/1.yaml": MODEL,
    "promotions/m-1-to-shared.yaml": PROMOTION,
    "deployments/d.yaml": DEPLOYMENT,
}


@pytest.fixture
def root(tmp_path):
    """A clean catalog with one manifest of most kinds."""
    catalog = tmp_path / "catalog"
    for relpath, text in FILES.items():
        write(catalog, relpath, text)
    return catalog



def schema_findings(root) -> list:
    """(code, relpath, line, message) of each CG2xx finding."""
    result = check(root)
    prefix = result.catalog.source.display("")
    return [(f.code, f.path.removeprefix(prefix), f.line, f.message)
            for f in result.findings if f.code.startswith("CG2")]


def test_the_base_catalog_is_clean(root):
    assert codes(check(root)) == []


# ------------------------------------------------------- where CG201 points


def test_missing_required_key_at_the_mapping_that_lacks_it(root):
    edit(root, "models/m/1.yaml", "  path: models/m\n", "")
    assert schema_findings(root) == [("CG201", "models/m/1.yaml", 7, "`spec` is missing required key `path`")]


def test_missing_several_required_keys_and_a_missing_spec(root):
    edit(root, "deployments/d.yaml", "  endpoint: scoring\n  model: model:m@1\n", "")
    edit(root, "workspaces/dev.yaml", "spec:\n  stage: dev\n  region: eastus\n", "")
    assert schema_findings(root) == [
        ("CG201", "deployments/d.yaml", 5, "`spec` is missing required keys `endpoint`, `model`"),
        ("CG201", "workspaces/dev.yaml", 1, "the manifest is missing required key `spec`"),
    ]


def test_unknown_key_at_that_keys_line(root):
    edit(root, "models/m/1.yaml", "  type: custom_model\n", "  type: custom_model\n  framework: lightgbm\n")
    [(code, path, line, message)] = schema_findings(root)
    assert (code, path, line) == ("CG201", "models/m/1.yaml", 10)
    assert message.startswith("unknown key `spec.framework`; expected one of ")
    assert "base_model" in message


@pytest.mark.parametrize(("key", "shown"), [
    ('"\\n"', "'\\n'"), ("'\n\n  '", "'\\n'"), ('"a\\tb"', "'a\\tb'"), ('"\\u2028"', "'\\u2028'"),
])
def test_an_unknown_key_that_breaks_lines_is_shown_escaped_on_one_line(root, key, shown):
    """A YAML key may hold line breaks (escaped in double quotes, or a folded line in single quotes)."""
    edit(root, "workspaces/dev.yaml", "  name: dev\n", f"  name: dev\n  ? {key}\n  : 0\n")
    [(code, path, line, message)] = schema_findings(root)
    assert (code, path, line) == ("CG201", "workspaces/dev.yaml", 5)
    assert message.startswith(f"unknown key `metadata.{shown}`; expected one of ")


def test_unknown_metadata_key(root):
    edit(root, "workspaces/dev.yaml", "  name: dev\n", "  name: dev\n  labels: {a: b}\n")
    assert [f[:3] for f in schema_findings(root)] == [("CG201", "workspaces/dev.yaml", 5)]


def test_wrong_type_at_the_value_line_with_a_readable_message(root):
    edit(root, "deployments/d.yaml", "  traffic: 100\n", "  traffic:\n    lots\n")
    assert schema_findings(root) == [
        ("CG201", "deployments/d.yaml", 10, "`spec.traffic` must be an integer from 0 to 100, got 'lots'"),
    ]


@pytest.mark.parametrize(
    "relpath, old, new, message",
    [
        ("models/m/1.yaml", "type: custom_model", "type: onnx",
         "`spec.type` must be one of custom_model, mlflow_model, triton_model, got 'onnx'"),
        ("workspaces/dev.yaml", "region: eastus", "region: East US",
         "`spec.region` must be a region name in lower case, such as eastus, got 'East US'"),
        ("models/m/1.yaml", "created: 2024-09-01T10:00:00Z", "created: yesterday",
         "`metadata.created` must be an ISO 8601 date or timestamp such as 2024-09-01 or 2024-09-01T10:00:00Z, "
         "got 'yesterday'"),
        ("workspaces/dev.yaml", "name: dev", "name: -dev",
         "`metadata.name` must be a name of letters, digits, '.', '_' and '-' that starts with a letter or digit "
         "(at most 128 characters), got '-dev'"),
        ("deployments/d.yaml", "traffic: 100", "traffic: 101",
         "`spec.traffic` must be an integer from 0 to 100, got 101"),
        ("deployments/d.yaml", "traffic: 100", "traffic: yes",
         "`spec.traffic` must be an integer from 0 to 100, got 'yes'"),
    ],
    ids=["enum", "region", "timestamp", "name", "maximum", "yes-is-a-string"],
)
def test_messages_say_what_was_expected(root, relpath, old, new, message):
    edit(root, relpath, old, new)
    assert [f[3] for f in schema_findings(root)] == [message]


def test_wrong_api_version_in_a_kind_schema_is_cg202_not_cg201(root):
    edit(root, "models/m/1.yaml", "apiVersion: catgen/v1", "apiVersion: catgen/v2")
    assert [f[:3] for f in schema_findings(root)] == [("CG202", "models/m/1.yaml", 1)]


# ------------------------------------------------ constraints between fields


def test_every_kind_has_its_row_in_the_constraints_table():
    assert set(CONSTRAINTS) == set(KINDS)
    homes = {kind for kind, checks in CONSTRAINTS.items() if any(c.__name__ == "_one_home" for c in checks)}
    assert homes == set(VERSIONED_ASSETS)


def test_constraints_are_reported_in_table_order():
    data = {
        "metadata": {"name": "nul", "created": "2024-02-30"},
        "spec": {"type": "command", "steps": [], "workspace": "workspace:a", "registry": "registry:b"},
    }
    assert [path for path, _, _ in constraints(data, "Component")] == [
        ("metadata", "name"), ("spec", "registry"), ("spec",), ("spec", "steps"), ("metadata", "created"),
    ]


def test_replication_locations_must_include_location(root):
    edit(root, "registries/shared.yaml", "    - eastus\n", "    - northeurope\n")
    assert schema_findings(root) == [
        ("CG201", "registries/shared.yaml", 7,
         "`replication_locations` must include the registry's own location 'eastus'"),
    ]


def test_two_homes(root):
    edit(root, "models/m/1.yaml", "  workspace: workspace:dev\n",
         "  workspace: workspace:dev\n  registry: registry:shared\n")
    [(code, path, line, message)] = schema_findings(root)
    assert (code, path, line) == ("CG201", "models/m/1.yaml", 9)
    assert "exactly one home" in message


def test_no_home(root):
    edit(root, "environments/py/1.yaml", "  workspace: workspace:dev\n", "")
    [(code, path, line, message)] = schema_findings(root)
    assert (code, path, line) == ("CG201", "environments/py/1.yaml", 6)
    assert "exactly one home" in message


def test_registry_home_is_a_valid_neighbour(root):
    edit(root, "environments/py/1.yaml", "workspace: workspace:dev", "registry: registry:shared")
    assert schema_findings(root) == []


def test_command_component_without_environment(root):
    edit(root, "components/train/1.yaml", "  environment: environment:py@1\n", "")
    assert schema_findings(root) == [("CG201", "components/train/1.yaml", 6,
                                      "a `command` component must name its `environment`")]


def test_steps_on_a_command_component(root):
    edit(root, "components/train/1.yaml", "  command: python train.py\n",
         "  command: python train.py\n  steps:\n    - component:pipe@1\n")
    assert schema_findings(root) == [("CG201", "components/train/1.yaml", 11,
                                      "only a `pipeline` component has `steps`")]


def test_pipeline_without_environment_is_a_valid_neighbour(root):
    assert "environment" not in (root / "components/pipe/1.yaml").read_text()
    assert schema_findings(root) == []


def test_promotion_with_both_registry_and_stage(root):
    edit(root, "promotions/m-1-to-shared.yaml", "  registry: registry:shared\n",
         "  registry: registry:shared\n  stage: dev\n")
    [(code, path, line, message)] = schema_findings(root)
    assert (code, path, line) == ("CG201", "promotions/m-1-to-shared.yaml", 8)  # at the second target
    assert "exactly one of `registry:`" in message


def test_promotion_with_neither_registry_nor_stage(root):
    edit(root, "promotions/m-1-to-shared.yaml", "  registry: registry:shared\n", "")
    assert [f[:3] for f in schema_findings(root)] == [("CG201", "promotions/m-1-to-shared.yaml", 5)]


def test_promotion_to_a_stage_is_a_valid_neighbour(root):
    edit(root, "promotions/m-1-to-shared.yaml", "registry: registry:shared", "stage: dev")
    assert schema_findings(root) == []


@pytest.mark.parametrize(
    "old, new, line, field",
    [
        ("date: 2024-09-02", "date: 2024-02-30", 9, "spec.date"),
        ("date: 2024-09-02", 'date: "2024-02-30"', 9, "spec.date"),
        ("at: 2024-09-02T10:00:00Z", "at: 2023-02-29T10:00:00Z", 12, "spec.approvals.0.at"),
    ],
    ids=["plain", "quoted", "approval"],
)
def test_impossible_date(root, old, new, line, field):
    edit(root, "promotions/m-1-to-shared.yaml", old, new)
    bad = new.split(": ", 1)[1].strip('"')
    assert schema_findings(root) == [("CG201", "promotions/m-1-to-shared.yaml", line,
                                      f"`{field}` is not a real date or time: {bad!r}")]


def test_leap_day_is_a_valid_neighbour(root):
    edit(root, "promotions/m-1-to-shared.yaml", "date: 2024-09-02", "date: 2024-02-29")
    edit(root, "promotions/m-1-to-shared.yaml", "at: 2024-09-02T10:00:00Z", "at: 2024-02-29T23:59:59+01:00")
    assert schema_findings(root) == []


@pytest.mark.parametrize("version", ["latest", "Latest", '"LATEST"'])
def test_version_latest_is_not_a_version(root, version):
    write(root, f"models/m/{version.strip(chr(34))}.yaml", MODEL.replace('version: "1"', f"version: {version}"))
    findings = [f for f in schema_findings(root) if f[1] != "models/m/1.yaml"]
    assert [f[:3] for f in findings] == [("CG201", f"models/m/{version.strip(chr(34))}.yaml", 5)]
    assert "not 'latest'" in findings[0][3]


def test_version_latest2_is_a_valid_neighbour(root):
    write(root, "models/m/latest2.yaml", MODEL.replace('version: "1"', "version: latest2"))
    assert schema_findings(root) == []


# --------------------------------------------------------------------- CG202


def test_cg202_bad_api_version(root):
    edit(root, "workspaces/dev.yaml", "apiVersion: catgen/v1", "apiVersion: catgen/v2")
    assert schema_findings(root) == [("CG202", "workspaces/dev.yaml", 1,
                                      "apiVersion must be catgen/v1, got 'catgen/v2'")]


def test_cg202_missing_api_version(root):
    edit(root, "workspaces/dev.yaml", "apiVersion: catgen/v1\n", "")
    assert [f[:3] for f in schema_findings(root)] == [("CG202", "workspaces/dev.yaml", 1)]


@pytest.mark.parametrize("kind", ["Widget", "model"])
def test_cg202_unknown_kind(root, kind):
    edit(root, "models/m/1.yaml", "kind: Model", f"kind: {kind}")
    [(code, path, line, message)] = schema_findings(root)
    assert (code, path, line) == ("CG202", "models/m/1.yaml", 2)
    assert message.startswith(f"unknown kind {kind!r}; expected one of Registry, Workspace, Model")


def test_cg202_file_is_left_out_and_references_to_it_are_not_reported(root):
    # The deployment and the promotion name model:m@1; only the CG202 is reported.
    edit(root, "models/m/1.yaml", "kind: Model", "kind: Modle")
    result = check(root)
    assert codes(result) == [("CG202", "models/m/1.yaml", 2)]
    assert result.catalog.get("Model", "m", "1") is None


def test_cg202_valid_neighbour_every_kind_is_known(root):
    assert [f for f in schema_findings(root) if f[0] == "CG202"] == []


def test_impossible_exception_expiry_date(root):
    # Without this finding the exception would silently never apply.
    write(root, "policy.yaml", POLICY + """\
  exceptions:
    - rule: CG605
      subject: environment:py@1
      reason: being replaced
      expires: 2025-02-30
""")
    assert schema_findings(root) == [
        ("CG201", "policy.yaml", 12, "`spec.exceptions.0.expires` is not a real date or time: '2025-02-30'"),
    ]


def test_real_exception_expiry_date_is_a_valid_neighbour(root):
    write(root, "policy.yaml", POLICY + """\
  exceptions:
    - rule: CG605
      subject: environment:py@1
      reason: being replaced
      expires: 2025-02-28
""")
    assert schema_findings(root) == []


# ---------------------------------------------------------------- catalog format v1.1


def test_every_unknown_key_is_reported_at_its_own_line(root):
    edit(root, "deployments/d.yaml", "  traffic: 100\n", "  traffic: 100\n  replicas: 3\n  zone: a\n  tier: b\n")
    assert [f[:3] for f in schema_findings(root)] == [
        ("CG201", "deployments/d.yaml", 10), ("CG201", "deployments/d.yaml", 11), ("CG201", "deployments/d.yaml", 12)]
    assert [f[3].split(";")[0] for f in schema_findings(root)] == [
        "unknown key `spec.replicas`", "unknown key `spec.zone`", "unknown key `spec.tier`"]


@pytest.mark.parametrize("value, word", [(".nan", "not a number"), (".inf", "infinite"), ("-.inf", "minus infinity")])
def test_a_number_that_is_not_finite_is_cg201_at_the_value_once(root, value, word):
    edit(root, "deployments/d.yaml", "  traffic: 100\n", f"  traffic:\n    {value}\n")
    [(code, path, line, message)] = schema_findings(root)
    assert (code, path, line) == ("CG201", "deployments/d.yaml", 10)
    assert message.startswith(f"`spec.traffic` is {word}")


def test_a_finite_float_is_a_valid_neighbour(root):
    write(root, "jobs/j.yaml", JOB.replace("    auc: 0.9\n", "    auc: 1.0e-300\n"))
    assert schema_findings(root) == []


JOB = """
apiVersion: catgen/v1
kind: Job
metadata:
  name: j
spec:
  workspace: workspace:dev
  type: command
  status: unknown
  metrics:
    auc: 0.9
"""


@pytest.mark.parametrize("person, code_point", [
    ('"bob@contoso.com "', "U+0020"), ('"bob@contoso.com\\u200b"', "U+200B"), ('"bob\\tx"', "U+0009"),
    ('"bob\\u00a0x"', "U+00A0"), ('"bob\\u202ex"', "U+202E"), ('"bob\\ue000"', "U+E000"),
])
def test_a_requester_written_with_a_hidden_character(root, person, code_point):
    edit(root, "promotions/m-1-to-shared.yaml", "requested_by: bob@contoso.com", f"requested_by: {person}")
    [(code, path, line, message)] = schema_findings(root)
    assert (code, path, line) == ("CG201", "promotions/m-1-to-shared.yaml", 8)
    assert f"`spec.requested_by` holds {code_point}" in message


def test_an_approver_and_an_owner_with_hidden_characters(root):
    edit(root, "promotions/m-1-to-shared.yaml", "- by: alice@contoso.com", '- by: "alice@contoso.com\\u2060"')
    edit(root, "models/m/1.yaml", "  created:", "  owner: \"risk team\"\n  created:")
    assert [f[:3] for f in schema_findings(root)] == [
        ("CG201", "models/m/1.yaml", 6), ("CG201", "promotions/m-1-to-shared.yaml", 11)]


def test_a_policy_approver_with_a_hidden_character(root):
    write(root, "policy.yaml", POLICY + '    - name: prod\n      promotion:\n        approvers: [a@x, "b@x\\u200c"]\n')
    assert [f[:3] for f in schema_findings(root)] == [("CG201", "policy.yaml", 10)]


def test_people_with_plain_unicode_are_a_valid_neighbour(root):
    edit(root, "promotions/m-1-to-shared.yaml", "requested_by: bob@contoso.com",
         "requested_by: jürgen.größ@contoso.de")
    edit(root, "models/m/1.yaml", "  created:", "  owner: 王芳@contoso.cn\n  created:")
    assert schema_findings(root) == []


COMPONENT_PORTS = """\
  inputs:
    lr:
      type: number
      default: 5
      min: 0
      max: 1
    layers:
      type: integer
      default: 2.5
    mode:
      type: string
      default: fast
      enum: [slow, medium]
    data:
      type: uri_folder
      min: 1
    flag:
      type: boolean
      enum: [true, 1]
"""


def test_component_ports_whose_values_do_not_fit(root):
    command = "  command: python train.py\n"
    edit(root, "components/train/1.yaml", command, command + COMPONENT_PORTS)
    assert [f[2:] for f in schema_findings(root)] == [
        (14, "`spec.inputs.lr.default` 5 is above `max` 1"),
        (19, "`spec.inputs.layers.default` must be an integer, as the port's type `integer` says, got 2.5"),
        (22, "`spec.inputs.mode.default` 'fast' is not one of its `enum`"),
        (26, "`spec.inputs.data.min` bounds only integer and number ports"),
        (29, "`spec.inputs.flag.enum[1]` must be true or false, as the port's type `boolean` says, got 1"),
    ]


def test_component_port_bounds_out_of_order_and_unknown_type(root):
    edit(root, "components/train/1.yaml", "  command: python train.py\n",
         "  command: python train.py\n  outputs:\n    n: {type: integer, min: 5, max: 1}\n    x: {type: float}\n")
    assert [f[2] for f in schema_findings(root)] == [12, 13]
    assert "`spec.outputs.n.max` 1 is below `min` 5" in [f[3] for f in schema_findings(root)]


def test_component_ports_that_fit_are_a_valid_neighbour(root):
    edit(root, "components/train/1.yaml", "  command: python train.py\n", "  command: python train.py\n  inputs:\n"
         "    lr: {type: number, optional: true, default: 0.1, min: 0, max: 1, enum: [0.1, 1]}\n"
         "    n: {type: integer, default: 3, min: 3}\n    m: {type: mlflow_model, default: azureml:m:1}\n")
    assert schema_findings(root) == []


def test_a_revocation_must_name_a_stage_and_a_reason(root):
    edit(root, "promotions/m-1-to-shared.yaml", "  date: 2024-09-02\n", "  date: 2024-09-02\n  revoke: true\n")
    assert [f[:3] for f in schema_findings(root)] == [
        ("CG201", "promotions/m-1-to-shared.yaml", 5), ("CG201", "promotions/m-1-to-shared.yaml", 10)]
    assert [f[3] for f in schema_findings(root)] == [
        "a revocation (`revoke: true`) must give its `reason`",
        "a revocation (`revoke: true`) takes an asset out of a stage: it needs `stage:`, not `registry:`"]


def test_a_revocation_with_a_blank_reason(root):
    edit(root, "promotions/m-1-to-shared.yaml", "registry: registry:shared", "stage: dev")
    edit(root, "promotions/m-1-to-shared.yaml", "  date: 2024-09-02\n",
         "  date: 2024-09-02\n  revoke: true\n  reason: ' '\n")
    assert [f[:3] for f in schema_findings(root)] == [("CG201", "promotions/m-1-to-shared.yaml", 11)]


def test_a_revocation_of_a_stage_with_a_reason_is_a_valid_neighbour(root):
    edit(root, "promotions/m-1-to-shared.yaml", "registry: registry:shared", "stage: dev")
    edit(root, "promotions/m-1-to-shared.yaml", "  date: 2024-09-02\n",
         "  date: 2024-09-02\n  revoke: true\n  reason: faulty\n")
    assert schema_findings(root) == []


def test_unclassified_data_and_an_unknown_job_status_are_valid(root):
    write(root, "data/d/1.yaml", "apiVersion: catgen/v1\nkind: Data\nmetadata: {name: d, version: '1'}\n"
          "spec: {workspace: 'workspace:dev', type: uri_file, path: d.csv, classification: unclassified}\n")
    write(root, "jobs/j.yaml", JOB)
    assert schema_findings(root) == []


def test_repeated_replication_locations_keep_their_message(root):
    edit(root, "registries/shared.yaml", "    - westeurope\n", "    - westeurope\n    - 3\n    - westeurope\n")
    assert schema_findings(root) == [
        ("CG201", "registries/shared.yaml", 8, "`spec.replication_locations` must be a list with at least 1 item "
         "without repeats, got a list"),
        ("CG201", "registries/shared.yaml", 10, "`spec.replication_locations[2]` must be a region name in lower case, "
         "such as eastus, got 3"),
    ]
