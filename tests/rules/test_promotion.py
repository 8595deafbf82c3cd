"""CG501-CG512 on a copy of the example catalog: each rule fires where SPEC §6 says, and not on its valid neighbour."""

from testing.catalogs import check, codes, edit, line_of, write

PROD = "promotions/credit-risk-3-to-prod.yaml"
TEST = "promotions/credit-risk-3-to-test.yaml"
BLUE = "deployments/credit-risk-prod-blue.yaml"


def test_example_is_clean(example):
    assert codes(check(example)) == []


# CG501 --------------------------------------------------------------------


def test_cg501_deployment_of_model_never_promoted_to_stage(example):
    (example / PROD).unlink()
    result = check(example)
    assert ("CG501", BLUE, line_of(example / BLUE, "model:")) in codes(result, "CG501")
    blue = [f for f in result.findings if f.code == "CG501" and f.path.endswith(BLUE)][0]
    assert blue.subject == "model:credit-risk@3" and "stage: prod" in blue.message


def test_cg501_not_for_first_stage_or_ungated_stage(example):
    # credit-risk-dev deploys into dev, which has no promotion block: no CG501 anywhere.
    assert codes(check(example), "CG501") == []


# CG502 --------------------------------------------------------------------


def test_cg502_promotion_skipping_the_from_stage(example):
    (example / TEST).unlink()
    found = codes(check(example), "CG502")
    assert found == [("CG502", PROD, line_of(example / PROD, "stage: prod"))]


def test_cg502_from_first_stage_needs_nothing(example):
    assert codes(check(example), "CG502") == []


# CG503 / CG504 / CG505 ----------------------------------------------------


def test_cg503_too_few_approvals(example):
    edit(example, PROD, "    - by: carol@contoso.com\n      at: 2024-09-24T09:15:00Z\n", "")
    edit(example, PROD, "      comment: Image pinned, lineage complete. Roll out blue at 90 percent and keep version 2 on green.\n", "")
    result = check(example)
    assert codes(result, "CG503") == [("CG503", PROD, line_of(example / PROD, "approvals:"))]
    message = [f.message for f in result.findings if f.code == "CG503"][0]
    assert "2 distinct approvals from alice@contoso.com, carol@contoso.com, dave@contoso.com; found 1 (alice@contoso.com)" in message


def test_cg503_same_person_twice_in_other_case_counts_once(example):
    edit(example, PROD, "- by: carol@contoso.com", "- by: Alice@Contoso.com")
    assert codes(check(example), "CG503") == [("CG503", PROD, line_of(example / PROD, "approvals:"))]


def test_cg503_the_same_person_in_compatibility_characters_counts_once(example):
    # Fullwidth letters are the same person after NFKC (SPEC v1.1 §2): one approval, not two.
    edit(example, PROD, "- by: carol@contoso.com", "- by: \uff41lice@contoso.com")
    assert codes(check(example), "CG503") == [("CG503", PROD, line_of(example / PROD, "approvals:"))]


def test_cg505_requester_in_compatibility_characters_is_still_the_requester(example):
    edit(example, PROD, "- by: carol@contoso.com", "- by: \uff42ob@contoso.com")  # fullwidth b: bob, the requester
    assert ("CG505", PROD, line_of(example / PROD, "\uff42ob")) in codes(check(example), "CG505")


def test_cg504_approver_outside_the_list(example):
    edit(example, PROD, "- by: carol@contoso.com", "- by: mallory@contoso.com")
    result = check(example)
    assert codes(result, "CG504") == [("CG504", PROD, line_of(example / PROD, "mallory"))]
    assert codes(result, "CG503")  # mallory does not count, so one approval is missing too


def test_cg504_not_when_approver_list_is_absent(example):
    edit(example, "policy.yaml", "        approvers:\n          - alice@contoso.com\n          - carol@contoso.com\n          - dave@contoso.com\n", "")
    edit(example, PROD, "- by: carol@contoso.com", "- by: mallory@contoso.com")
    assert codes(check(example), "CG504") == []


def test_cg505_requester_approves_own_promotion_in_other_case(example):
    edit(example, PROD, "requested_by: bob@contoso.com", "requested_by: carol@contoso.com")
    edit(example, PROD, "- by: carol@contoso.com", "- by: Carol@Contoso.com")
    result = check(example)
    assert codes(result, "CG505") == [("CG505", PROD, line_of(example / PROD, "Carol@Contoso.com"))]


def test_cg505_owner_approves(example):
    edit(example, "models/credit-risk/3.yaml", "owner: risk-team@contoso.com", "owner: alice@contoso.com")
    assert codes(check(example), "CG505") == [("CG505", PROD, line_of(example / PROD, "by: alice"))]


def test_cg505_not_without_separation_of_duties(example):
    edit(example, "policy.yaml", "        separation_of_duties: true\n", "")
    edit(example, PROD, "requested_by: bob@contoso.com", "requested_by: carol@contoso.com")
    assert codes(check(example), "CG505") == []


# CG506 / CG507 / CG508 ----------------------------------------------------


def test_cg506_job_uses_data_at_home_in_another_workspace(example):
    job = "jobs/train-credit-risk-dev-0901.yaml"
    edit(example, job, "data:loans-sample@1", "data:loans-prod@7")
    found = codes(check(example), "CG506")
    assert ("CG506", job, line_of(example / job, "data:loans-prod@7")) in found


def test_cg506_not_once_shared_through_a_consumed_registry(example):
    write(example, "promotions/loans-prod-7-registry.yaml", """
        apiVersion: catgen/v1
        kind: Promotion
        metadata: {name: loans-prod-7-registry}
        spec: {registry: "registry:contoso-ml", asset: "data:loans-prod@7", requested_by: bob@contoso.com, date: 2024-09-10}
    """)
    job = "jobs/train-credit-risk-dev-0901.yaml"
    edit(example, job, "data:loans-sample@1", "data:loans-prod@7")
    assert codes(check(example), "CG506") == []


def test_cg507_workspace_does_not_list_the_registry(example):
    edit(example, "workspaces/ml-prod-weu.yaml", "  registries:\n    - registry:contoso-ml\n", "")
    found = codes(check(example), "CG507")
    assert ("CG507", BLUE, line_of(example / BLUE, "environment:")) in found


def test_cg508_registry_does_not_replicate_to_region(example):
    edit(example, "registries/contoso-ml.yaml", "    - westeurope\n", "")
    found = codes(check(example), "CG508")
    assert ("CG508", BLUE, line_of(example / BLUE, "environment:")) in found
    assert all(path.startswith(("jobs/", "deployments/")) for _, path, _ in found)


def test_cg508_not_when_replicated(example):
    assert codes(check(example), "CG508") == []


# CG509 / CG510 ------------------------------------------------------------

JOB = "jobs/train-credit-risk-prod-0912.yaml"


def test_cg509_metric_below_minimum(example):
    edit(example, JOB, "auc: 0.872", "auc: 0.84")
    result = check(example)
    assert ("CG509", PROD, line_of(example / PROD, "asset:")) in codes(result, "CG509")
    assert any("auc is 0.84, below the minimum 0.85" in f.message for f in result.findings)


def test_cg509_boundary_is_inclusive(example):
    edit(example, JOB, "auc: 0.872", "auc: 0.85")
    edit(example, "jobs/train-credit-risk-dev-0901.yaml", "auc: 0.861", "auc: 0.86")
    assert codes(check(example), "CG509") == []


def test_cg509_missing_metric(example):
    edit(example, JOB, "    auc: 0.872\n", "")
    assert ("CG509", PROD, line_of(example / PROD, "asset:")) in codes(check(example), "CG509")


def test_cg510_regression_beyond_tolerance_fails_within_passes(example):
    base = "jobs/train-credit-risk-dev-0901.yaml"
    edit(example, base, "auc: 0.861", "auc: 0.895")  # 0.895 - 0.872 = 0.023 > 0.02
    assert codes(check(example), "CG510") == [("CG510", PROD, line_of(example / PROD, "asset:"))]
    edit(example, base, "auc: 0.895", "auc: 0.891")  # 0.019: within tolerance
    assert codes(check(example), "CG510") == []


# CG511 / CG512 ------------------------------------------------------------


def test_cg511_approval_before_request(example):
    edit(example, PROD, "at: 2024-09-23T16:00:00Z", "at: 2024-09-22T16:00:00Z")
    assert codes(check(example), "CG511") == [("CG511", PROD, line_of(example / PROD, "2024-09-22T16"))]


def test_cg511_promotion_in_the_future(example):
    edit(example, PROD, "date: 2024-09-23T10:00:00Z", "date: 2099-01-01")
    found = codes(check(example), "CG511")
    assert ("CG511", PROD, line_of(example / PROD, "date: 2099")) in found


def test_cg511_promotion_before_from_promotion(example):
    edit(example, TEST, "date: 2024-09-16", "date: 2024-09-24")
    found = codes(check(example), "CG511")
    assert ("CG511", PROD, line_of(example / PROD, "date:")) in found


def test_cg512_not_in_registry_by_promotion_date(example):
    reg = "promotions/credit-risk-3-registry-contoso-ml.yaml"
    (example / reg).unlink()
    found = codes(check(example), "CG512")
    assert found == [("CG512", PROD, line_of(example / PROD, "asset:"))]


def test_cg512_registry_promotion_after_the_stage_promotion_is_too_late(example):
    reg = "promotions/credit-risk-3-registry-contoso-ml.yaml"
    text = (example / reg).read_text()
    import re

    (example / reg).write_text(re.sub(r"date: \S+", "date: 2024-09-25T00:00:00Z", text, count=1))
    assert codes(check(example), "CG512") == [("CG512", PROD, line_of(example / PROD, "asset:"))]


def test_a_home_of_the_wrong_kind_is_cg303_alone(example):
    # `workspace:` naming a registry is a reference problem only: it must not make the
    # model a registry asset for CG506-CG508 or CG512.
    edit(example, "models/credit-risk/3.yaml", "workspace: workspace:ml-prod-weu", "workspace: registry:contoso-ml")
    model = "models/credit-risk/3.yaml"
    assert codes(check(example)) == [("CG303", model, line_of(example / model, "workspace: registry:"))]
