"""CG501-CG505 and CG511-CG513 on a copy of the example catalog.

Each rule fires where SPEC §6 says, and not on its valid neighbour; revocations (SPEC §5) too.
"""

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
    comment = "Image pinned, lineage complete. Roll out blue at 90 percent and keep version 2 on green."
    edit(example, PROD, f"      comment: {comment}\n", "")
    result = check(example)
    assert codes(result, "CG503") == [("CG503", PROD, line_of(example / PROD, "approvals:"))]
    message = [f.message for f in result.findings if f.code == "CG503"][0]
    assert ("2 distinct approvals from alice@contoso.com, carol@contoso.com, dave@contoso.com; "
            "found 1 (alice@contoso.com)") in message


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


def test_cg503_and_cg504_name_ten_approvers_of_a_long_list_and_count_the_rest(example):
    # Each finding about an approval named every approver: approvals times approvers of report.
    more = "".join(f"          - u{i:02}@contoso.com\n" for i in range(20))
    edit(example, "policy.yaml", "          - dave@contoso.com\n", "          - dave@contoso.com\n" + more)
    edit(example, PROD, "- by: carol@contoso.com", "- by: mallory@contoso.com")
    result = check(example)
    assert codes(result, "CG504") == [("CG504", PROD, line_of(example / PROD, "mallory"))]
    assert codes(result, "CG503") == [("CG503", PROD, line_of(example / PROD, "approvals:"))]
    named = ("alice@contoso.com, carol@contoso.com, dave@contoso.com, u00@contoso.com, u01@contoso.com, "
             "u02@contoso.com, u03@contoso.com, u04@contoso.com, u05@contoso.com, u06@contoso.com, and 13 more")
    messages = {f.code: f.message for f in result.findings}
    assert messages["CG504"] == f"mallory@contoso.com may not approve promotions to prod; approvers are {named}"
    assert messages["CG503"] == f"prod needs 2 distinct approvals from {named}; found 1 (alice@contoso.com)"


def test_cg504_not_when_approver_list_is_absent(example):
    approvers = "".join(f"          - {who}@contoso.com\n" for who in ("alice", "carol", "dave"))
    edit(example, "policy.yaml", "        approvers:\n" + approvers, "")
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


# Revocations (SPEC §5) ------------------------------------------------------

REVOKE = "promotions/credit-risk-3-revoke-prod.yaml"
AGAIN = "promotions/credit-risk-3-again-to-prod.yaml"


def revocation(asset="model:credit-risk@3", stage="prod", date="2024-10-20T08:00:00Z",
               name="credit-risk-3-revoke-prod"):
    return f"""
        apiVersion: catgen/v1
        kind: Promotion
        metadata: {{name: {name}}}
        spec:
          stage: {stage}
          asset: {asset}
          revoke: true
          reason: Scores drift on October applications.
          requested_by: bob@contoso.com
          date: {date}
    """


def promotion_again(date="2024-11-04T10:00:00Z", approvals=("alice", "carol")):
    lines = "".join(f"\n            - {{by: {who}@contoso.com, at: {date}}}" for who in approvals)
    return f"""
        apiVersion: catgen/v1
        kind: Promotion
        metadata: {{name: credit-risk-3-again-to-prod}}
        spec:
          stage: prod
          asset: model:credit-risk@3
          requested_by: bob@contoso.com
          date: {date}
          approvals:{lines if approvals else " []"}
    """


def test_revocation_alone_is_clean_of_gates_but_the_deployment_is_cg501(example):
    write(example, REVOKE, revocation())
    result = check(example)
    # no approvals, registry, lineage or metric finding on the revocation: it needs none
    assert codes(result) == [("CG501", BLUE, line_of(example / BLUE, "model:"))]
    (found,) = result.findings
    assert found.subject == "model:credit-risk@3"
    assert "revoked from stage prod by promotion:credit-risk-3-revoke-prod" in found.message


def test_a_later_promotion_brings_the_asset_back(example):
    write(example, REVOKE, revocation())
    write(example, AGAIN, promotion_again())
    assert codes(check(example)) == []


def test_a_later_promotion_must_pass_the_gate_itself(example):
    write(example, REVOKE, revocation())
    write(example, AGAIN, promotion_again(approvals=()))
    assert codes(check(example)) == [("CG503", AGAIN, line_of(example / AGAIN, "approvals:"))]


def test_a_revocation_dated_after_the_comeback_wins(example):
    write(example, AGAIN, promotion_again(date="2024-10-01T10:00:00Z"))
    write(example, REVOKE, revocation(date="2024-10-20T08:00:00Z"))
    assert codes(check(example), "CG501") == [("CG501", BLUE, line_of(example / BLUE, "model:"))]


def test_a_future_revocation_counts_now_and_is_cg511(example):
    # The rules count every event whatever its date (SPEC §5); the future date is CG511.
    write(example, REVOKE, revocation(date="2099-01-01"))
    assert codes(check(example)) == [("CG501", BLUE, line_of(example / BLUE, "model:")),
                                     ("CG511", REVOKE, line_of(example / REVOKE, "date:"))]


def test_same_date_ties_are_broken_by_path(example):
    # Both on one date: the later path is the latest event. "credit-risk-3-again..." < "credit-risk-3-revoke...".
    write(example, REVOKE, revocation(date="2024-11-04T10:00:00Z"))
    write(example, AGAIN, promotion_again(date="2024-11-04T10:00:00Z"))
    assert codes(check(example), "CG501") == [("CG501", BLUE, line_of(example / BLUE, "model:"))]


def test_cg502_revoking_a_stage_the_asset_never_reached(example):
    path = "promotions/credit-risk-1-revoke-prod.yaml"
    write(example, path, revocation("model:credit-risk@1", name="credit-risk-1-revoke-prod"))
    result = check(example)
    assert codes(result) == [("CG502", path, line_of(example / path, "stage:"))]
    assert result.findings[0].subject == "model:credit-risk@1" and "nothing to revoke" in result.findings[0].message


def test_cg502_revoking_twice_reports_the_second(example):
    first = "promotions/fraud-detector-1-revoke-prod-a.yaml"
    second = "promotions/fraud-detector-1-revoke-prod-b.yaml"
    for path, date in ((first, "2024-10-01"), (second, "2024-10-02")):
        write(example, path, revocation("model:fraud-detector@1", date=date, name=path[len("promotions/"):-5]))
    assert codes(check(example)) == [("CG502", second, line_of(example / second, "stage:"))]


def test_cg502_revocation_dated_before_the_promotion_it_revokes(example):
    path = "promotions/fraud-detector-1-revoke-prod.yaml"
    write(example, path, revocation("model:fraud-detector@1", date="2024-08-20", name="fraud-detector-1-revoke-prod"))
    assert codes(check(example)) == [("CG502", path, line_of(example / path, "stage:"))]


def test_revoking_the_first_stage_needs_no_promotion_and_bars_deployments_there(example):
    path = "promotions/credit-risk-3-revoke-dev.yaml"
    write(example, path, revocation(stage="dev", name="credit-risk-3-revoke-dev"))
    dev = "deployments/credit-risk-dev.yaml"
    assert codes(check(example)) == [("CG501", dev, line_of(example / dev, "model:"))]


def test_cg502_promotion_after_the_from_stage_was_revoked(example):
    path = "promotions/credit-risk-3-revoke-test.yaml"
    write(example, path, revocation(stage="test", date="2024-09-20", name="credit-risk-3-revoke-test"))
    test_deployment = "deployments/credit-risk-test.yaml"
    result = check(example)
    assert codes(result) == [("CG501", test_deployment, line_of(example / test_deployment, "model:")),
                             ("CG502", PROD, line_of(example / PROD, "stage: prod"))]
    assert "was revoked from test" in [f for f in result.findings if f.code == "CG502"][0].message


def test_revoking_the_from_stage_after_the_promotion_leaves_that_promotion_valid(example):
    path = "promotions/credit-risk-3-revoke-test.yaml"
    write(example, path, revocation(stage="test", date="2024-10-20", name="credit-risk-3-revoke-test"))
    test_deployment = "deployments/credit-risk-test.yaml"
    assert codes(check(example)) == [("CG501", test_deployment, line_of(example / test_deployment, "model:"))]


def test_revoke_false_is_an_ordinary_promotion_and_is_judged(example):
    write(example, AGAIN, promotion_again(approvals=()).replace("stage: prod", "stage: prod\n          revoke: false"))
    assert codes(check(example)) == [("CG503", AGAIN, line_of(example / AGAIN, "approvals:"))]


# CG513 ---------------------------------------------------------------------

GREEN = "deployments/credit-risk-prod-green.yaml"


def test_cg513_blue_90_green_60_reports_green(example):
    edit(example, GREEN, "traffic: 10", "traffic: 60")
    result = check(example)
    assert codes(result) == [("CG513", GREEN, line_of(example / GREEN, "traffic:"))]
    assert result.findings[0].subject == "deployment:credit-risk-prod-green"
    assert "150" in result.findings[0].message


def test_cg513_exactly_100_passes(example):
    edit(example, BLUE, "traffic: 90", "traffic: 40")
    edit(example, GREEN, "traffic: 10", "traffic: 60")
    assert codes(check(example), "CG513") == []


def _prod_deployment(example, name: str, traffic, endpoint: str = "credit-risk") -> None:
    write(example, f"deployments/{name}.yaml", f"""
        apiVersion: catgen/v1
        kind: Deployment
        metadata: {{name: {name}}}
        spec:
          workspace: workspace:ml-prod-weu
          endpoint: {endpoint}
          model: model:credit-risk@3
          environment: environment:lightgbm-py311@2
          traffic: {traffic}
    """)


def test_cg513_each_deployment_after_the_total_passes_100(example):
    for name, traffic in (("credit-risk-prod-red", 5), ("credit-risk-prod-zed", 0)):
        _prod_deployment(example, name, traffic, endpoint="CREDIT-RISK")
    found = codes(check(example), "CG513")
    assert [path for _, path, _ in found] == [f"deployments/credit-risk-prod-{n}.yaml" for n in ("red", "zed")]


def test_cg513_names_ten_deployments_and_counts_the_rest(example):
    """Each finding named every deployment before it: 16,000 deployments of one endpoint took the check 7 s and
    its messages grew with the square of their number."""
    for number in range(12):
        _prod_deployment(example, f"extra-{number:02d}", 1)
    result = check(example)
    last = "deployments/extra-11.yaml"
    assert codes(result, "CG513")[-1] == ("CG513", last, line_of(example / last, "traffic:"))
    named = ", ".join(["deployment:credit-risk-prod-blue 90", "deployment:credit-risk-prod-green 10"] +
                      [f"deployment:extra-{n:02d} 1" for n in range(8)])  # the first ten in path order
    assert result.findings[-1].message == (
        f"endpoint credit-risk of workspace:ml-prod-weu gets 112 traffic in total ({named}, and 4 more); "
        "its deployments may share at most 100")


def test_cg513_same_endpoint_name_in_other_workspaces_is_another_endpoint(example):
    # credit-risk is served in dev, test and prod at 100 each: three endpoints, no finding.
    assert codes(check(example), "CG513") == []
