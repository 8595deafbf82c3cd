"""CG301-CG306: identities, references, lineage cycles, the policy.

Each rule has firing tests (code, catalog-relative path and line) and a valid
neighbour that does not fire. Tests that need a policy-controlled rule to name
in ``rules:`` or ``exceptions:`` use ``CONTROLLED``.
"""

from __future__ import annotations

import pytest

from catgen.rules import RULES

from testing.catalogs import check, codes, edit, line_of, write

THREE_STAGES_POLICY = """
apiVersion: catgen/v1
kind: Policy
metadata:
  name: default
spec:
  stages:
    - name: dev
    - name: test
      promotion:
        from: dev
        approvals: 1
    - name: prod
      promotion:
        approvals: 1
"""

FILES = {
    "policy.yaml": THREE_STAGES_POLICY,
    "workspaces/dev.yaml": """
        apiVersion: catgen/v1
        kind: Workspace
        metadata:
          name: dev
        spec:
          stage: dev
          region: eastus
        """,
    "models/m/1.yaml": """
        apiVersion: catgen/v1
        kind: Model
        metadata:
          name: m
          version: "1"
        spec:
          workspace: workspace:dev
          type: custom_model
          path: models/m
          job: job:j
        """,
    "data/d/1.yaml": """
        apiVersion: catgen/v1
        kind: Data
        metadata:
          name: d
          version: "1"
        spec:
          workspace: workspace:dev
          type: uri_file
          path: data/d.csv
          classification: sample
        """,
    "jobs/j.yaml": """
        apiVersion: catgen/v1
        kind: Job
        metadata:
          name: j
        spec:
          workspace: workspace:dev
          type: command
          status: completed
          inputs:
            train: data:d@1
        """,
    "deployments/dep.yaml": """
        apiVersion: catgen/v1
        kind: Deployment
        metadata:
          name: dep
        spec:
          workspace: workspace:dev
          endpoint: scoring
          model: model:m@1
        """,
    "promotions/m-1-to-test.yaml": """
        apiVersion: catgen/v1
        kind: Promotion
        metadata:
          name: m-1-to-test
        spec:
          asset: model:m@1
          stage: test
          requested_by: bob@contoso.com
          date: 2024-09-02
          approvals:
            - by: alice@contoso.com
              at: 2024-09-02T10:00:00Z
        """,
}

# Line of each reference (value) in FILES, for the assertions below.
DEPLOYMENT_MODEL_LINE = 8
JOB_INPUT_LINE = 10


@pytest.fixture
def root(tmp_path):
    catalog = tmp_path / "catalog"
    for relpath, text in FILES.items():
        write(catalog, relpath, text)
    return catalog



def messages(result, code: str) -> list[str]:
    return [f.message for f in result.findings if f.code == code]


def foundation_codes(result) -> list:
    """Findings of the rule families this file tests (CG1xx-CG3xx)."""
    return [c for c in codes(result) if c[0] < "CG4"]


CONTROLLED = "CG605"  # a rule the policy may set a level for and waive


def test_the_controlled_rule_is_policy_controlled():
    assert RULES[CONTROLLED].policy_controlled


def test_the_base_catalog_is_clean(root):
    assert foundation_codes(check(root)) == []


# --------------------------------------------------------------------- CG301


def test_cg301_case_insensitive_duplicate_on_the_second_file_in_path_order(root):
    # "workspaces/DEV.yaml" sorts before "workspaces/dev.yaml": dev.yaml is the second.
    write(root, "workspaces/DEV.yaml", FILES["workspaces/dev.yaml"].replace("name: dev", "name: DEV"))
    result = check(root)
    assert codes(result, "CG301") == [("CG301", "workspaces/dev.yaml", 4)]
    assert messages(result, "CG301") == [
        "workspace:dev is already defined by catalog/workspaces/DEV.yaml (workspace:DEV)"]


def test_cg301_exact_duplicate_in_a_misplaced_file(root):
    write(root, "workspaces/zz-copy.yaml", FILES["workspaces/dev.yaml"])
    result = check(root)
    assert codes(result, "CG301") == [("CG301", "workspaces/zz-copy.yaml", 4)]
    assert codes(result, "CG107") == [("CG107", "workspaces/zz-copy.yaml", 4)]


def test_cg301_versioned_duplicate_every_later_file(root):
    for folder in ("M", "n", "o"):
        write(root, f"models/{folder}/1.yaml", FILES["models/m/1.yaml"].replace("name: m", "name: M"))
    result = check(root)
    # models/M/1.yaml is first in path order; n and o are misplaced copies, m differs in case.
    assert codes(result, "CG301") == [
        ("CG301", "models/m/1.yaml", 4), ("CG301", "models/n/1.yaml", 4), ("CG301", "models/o/1.yaml", 4),
    ]


def test_cg301_valid_neighbours_same_name_other_kind_or_version(root):
    write(root, "data/m/1.yaml", FILES["data/d/1.yaml"].replace("name: d", "name: m"))
    write(root, "models/m/2.yaml", FILES["models/m/1.yaml"].replace('version: "1"', 'version: "2"'))
    assert codes(check(root), "CG301") == []


# --------------------------------------------------------------------- CG302


def test_cg302_dangling_reference(root):
    edit(root, "deployments/dep.yaml", "model:m@1", "model:nope@1")
    result = check(root)
    assert codes(result, "CG302") == [("CG302", "deployments/dep.yaml", DEPLOYMENT_MODEL_LINE)]
    assert messages(result, "CG302") == ["'model:nope@1' names no manifest"]
    assert [f.subject for f in result.findings] == ["deployment:dep"]


def test_cg302_missing_version_of_an_existing_model(root):
    edit(root, "deployments/dep.yaml", "model:m@1", "model:m@2")
    assert codes(check(root), "CG302") == [("CG302", "deployments/dep.yaml", DEPLOYMENT_MODEL_LINE)]


def test_cg302_near_miss_in_case_says_did_you_mean(root):
    edit(root, "deployments/dep.yaml", "model:m@1", "model:M@1")
    result = check(root)
    assert codes(result, "CG302") == [("CG302", "deployments/dep.yaml", DEPLOYMENT_MODEL_LINE)]
    assert messages(result, "CG302") == ["'model:M@1' names no manifest; did you mean model:m@1?"]


def test_cg302_job_reference_with_a_version(root):
    edit(root, "models/m/1.yaml", "job: job:j", "job: job:j@1")
    result = check(root)
    assert codes(result, "CG302") == [("CG302", "models/m/1.yaml", 10)]
    assert "a Job has no versions; write job:j" in messages(result, "CG302")[0]


def test_cg302_valid_neighbour_every_reference_resolves(root):
    result = check(root)
    assert codes(result, "CG302") == []
    deployment = result.catalog.get("Deployment", "dep")
    assert [ref.target.ref for ref in deployment.refs] == ["workspace:dev", "model:m@1"]


# --------------------------------------------------------------------- CG303


def test_cg303_reference_of_a_kind_the_field_does_not_accept(root):
    edit(root, "deployments/dep.yaml", "model:m@1", "data:d@1")
    result = check(root)
    assert codes(result, "CG303") == [("CG303", "deployments/dep.yaml", DEPLOYMENT_MODEL_LINE)]
    assert messages(result, "CG303") == ["`spec.model` takes a model: reference, got 'data:d@1'"]
    assert codes(result, "CG302") == []  # one mistake, one finding


@pytest.mark.parametrize("text", ["credit-risk@3", "Model:m@1", "model: m@1", "model:"])
def test_cg303_malformed_reference(root, text):
    edit(root, "deployments/dep.yaml", "model: model:m@1", f"model: {text!r}")
    result = check(root)
    assert foundation_codes(result) == [("CG303", "deployments/dep.yaml", DEPLOYMENT_MODEL_LINE)]
    assert messages(result, "CG303") == [f"`spec.model` must be a reference like model:<name>, got {text!r}"]


def test_cg303_valid_neighbour_job_input_takes_data_or_model(root):
    edit(root, "jobs/j.yaml", "    train: data:d@1\n", "    train: data:d@1\n    warm_start: model:m@1\n")
    result = check(root)
    assert codes(result, "CG303") == []
    edit(root, "jobs/j.yaml", "warm_start: model:m@1", "warm_start: workspace:dev")
    assert codes(check(root), "CG303") == [("CG303", "jobs/j.yaml", JOB_INPUT_LINE + 1)]


# --------------------------------------------------------------------- CG304


@pytest.mark.parametrize("text", ["data:d", "data:d@latest", "data:d@Latest"])
def test_cg304_versioned_reference_without_a_version(root, text):
    edit(root, "jobs/j.yaml", "train: data:d@1", f"train: {text}")
    result = check(root)
    assert foundation_codes(result) == [("CG304", "jobs/j.yaml", JOB_INPUT_LINE)]


def test_cg304_valid_neighbour_pinned_and_unversioned_kinds(root):
    # job:j and workspace:dev name no version, and need none.
    assert codes(check(root), "CG304") == []


# ------------------------------------------------------- CG306 (structural)


def test_cg306_no_policy_reported_at_policy_yaml_line_1(root):
    (root / "policy.yaml").unlink()
    result = check(root)
    assert codes(result, "CG306") == [("CG306", "policy.yaml", 1)]
    assert result.findings[0].path == "catalog/policy.yaml"


def test_cg306_two_policies_on_the_one_that_is_not_policy_yaml(root):
    # "archive/" sorts before "policy.yaml"; the canonical file is still the policy.
    write(root, "archive/old-policy.yaml", THREE_STAGES_POLICY.replace("name: default", "name: old"))
    result = check(root)
    assert codes(result, "CG306") == [("CG306", "archive/old-policy.yaml", 2)]
    assert messages(result, "CG306") == ["a catalog has one policy; catalog/policy.yaml is already it"]
    assert result.catalog.policy.relpath == "policy.yaml"


def test_cg306_workspace_names_an_unknown_stage(root):
    edit(root, "workspaces/dev.yaml", "stage: dev", "stage: staging")
    result = check(root)
    assert codes(result, "CG306") == [("CG306", "workspaces/dev.yaml", 6)]
    assert messages(result, "CG306") == ["stage 'staging' is not defined by the policy (stages: dev, test, prod)"]


def test_cg306_promotion_names_an_unknown_stage(root):
    edit(root, "promotions/m-1-to-test.yaml", "stage: test", "stage: Test")
    assert codes(check(root), "CG306") == [("CG306", "promotions/m-1-to-test.yaml", 7)]


def test_cg306_duplicate_stage_names(root):
    edit(root, "policy.yaml", "    - name: prod\n", "    - name: test\n")
    result = check(root)
    assert codes(result, "CG306") == [("CG306", "policy.yaml", 12)]
    assert messages(result, "CG306") == ["stage 'test' is defined twice"]


def test_cg306_names_ten_stages_of_a_long_policy_and_counts_the_rest(root):
    # Each finding about an unknown stage said every stage: as many findings as stages made the report grow with
    # the square of the policy.
    more = "".join(f"    - name: s{i}\n" for i in range(30))
    prod_gate = "    - name: prod\n      promotion:\n        approvals: 1\n"
    edit(root, "policy.yaml", prod_gate, prod_gate + more)
    edit(root, "workspaces/dev.yaml", "stage: dev", "stage: staging")
    result = check(root)
    assert codes(result, "CG306") == [("CG306", "workspaces/dev.yaml", 6)]
    assert messages(result, "CG306") == ["stage 'staging' is not defined by the policy (stages: dev, test, prod, "
                                         "s0, s1, s2, s3, s4, s5, s6, and 23 more)"]


@pytest.mark.parametrize("source", ["prod", "test", "qa"], ids=["later", "itself", "unknown"])
def test_cg306_promotion_from_is_not_an_earlier_stage(root, source):
    edit(root, "policy.yaml", "from: dev", f"from: {source}")
    result = check(root)
    assert codes(result, "CG306") == [("CG306", "policy.yaml", 10)]
    assert messages(result, "CG306")[0].startswith(
        f"stage 'test' is promoted from {source!r}, which is not an earlier stage")


def test_cg306_rules_naming_an_unknown_code(root):
    write(root, "policy.yaml", THREE_STAGES_POLICY + "  rules:\n    CG999:\n      level: warning\n")
    result = check(root)
    assert codes(result, "CG306") == [("CG306", "policy.yaml", 16)]
    assert messages(result, "CG306")[0].startswith("CG999 is not a catgen rule")


def test_cg306_rules_cannot_lower_cg201(root):
    write(root, "policy.yaml", THREE_STAGES_POLICY + "  rules:\n    CG201:\n      level: off\n")
    result = check(root)
    assert codes(result, "CG306") == [("CG306", "policy.yaml", 16)]
    assert messages(result, "CG306") == ["CG201 applies to every manifest; the policy cannot change its level"]


def test_cg201_still_reported_when_the_policy_tries_to_switch_it_off(root):
    write(root, "policy.yaml", THREE_STAGES_POLICY + "  rules:\n    CG201:\n      level: off\n")
    edit(root, "workspaces/dev.yaml", "region: eastus", "region: East US")
    assert [(f.code, f.level) for f in check(root).findings if f.code == "CG201"] == [("CG201", "error")]


def test_cg306_exception_for_cg302_is_refused_and_waives_nothing(root):
    write(root, "policy.yaml", THREE_STAGES_POLICY + """\
  exceptions:
    - rule: CG302
      subject: deployment:dep
      reason: the model is coming
      expires: 2099-01-01
""")
    edit(root, "deployments/dep.yaml", "model:m@1", "model:nope@1")
    result = check(root)
    assert codes(result, "CG306") == [("CG306", "policy.yaml", 16)]
    assert messages(result, "CG306") == ["CG302 applies to every manifest; the policy cannot change it"]
    assert codes(result, "CG302") == [("CG302", "deployments/dep.yaml", DEPLOYMENT_MODEL_LINE)]


def test_cg306_expired_exception_is_a_warning(root):
    write(root, "policy.yaml", THREE_STAGES_POLICY + f"""\
  exceptions:
    - rule: {CONTROLLED}
      subject: environment:legacy@1
      reason: being replaced
      expires: 2025-06-30
""")
    result = check(root)
    assert [(f.code, f.level, f.line, f.subject) for f in result.findings if f.code == "CG306"] == [
        ("CG306", "warning", 19, "environment:legacy@1"),
    ]
    assert result.exit_code() == 0 and result.exit_code(strict=True) == 1


def test_cg306_valid_neighbour_policy_with_levels_and_a_live_exception(root):
    write(root, "policy.yaml", THREE_STAGES_POLICY + f"""\
  rules:
    {CONTROLLED}:
      level: warning
  exceptions:
    - rule: {CONTROLLED}
      subject: environment:legacy@1
      reason: being replaced
      expires: 2026-01-15
""")
    assert codes(check(root), "CG306") == []  # expires is valid through that day (NOW is 2026-01-15)


# --------------------------------------------------------------------- CG305


def test_cg305_job_baseline_cycle(example):
    a = "jobs/train-credit-risk-dev-0901.yaml"
    edit(example, a, "  status: completed\n", "  status: completed\n  baseline: job:train-credit-risk-prod-0912\n")
    result = check(example)
    assert codes(result, "CG305") == [("CG305", a, line_of(example / a, "  name:"))]
    message = [f.message for f in result.findings if f.code == "CG305"][0]
    cycle = "job:train-credit-risk-dev-0901 -> job:train-credit-risk-prod-0912 -> job:train-credit-risk-dev-0901"
    assert cycle in message


def test_cg305_component_is_its_own_step(example):
    pipeline = "components/credit-risk-pipeline/1.yaml"
    edit(example, pipeline, "    - component:prep-loans@1\n",
         "    - component:prep-loans@1\n    - component:credit-risk-pipeline@1\n")
    assert codes(check(example), "CG305") == [("CG305", pipeline, line_of(example / pipeline, "  name:"))]


def test_cg305_no_cycle_in_example(example):
    assert codes(check(example), "CG305") == []
