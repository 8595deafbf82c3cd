"""CG701-CG703: private networking, personal data, and the subscriptions that bind stages."""

from testing.catalogs import check, codes, edit, line_of, write

PROD_WS = "workspaces/ml-prod-weu.yaml"
REGISTRY = "registries/contoso-ml.yaml"


def messages(result, code: str) -> list:
    return [f.message for f in result.findings if f.code == code]


def test_cg701_public_prod_workspace(example):
    edit(example, PROD_WS, "public_network_access: disabled", "public_network_access: enabled")
    assert codes(check(example), "CG701") == [("CG701", PROD_WS, line_of(example / PROD_WS, "public_network_access"))]


def test_cg701_public_registry_consumed_by_prod(example):
    edit(example, REGISTRY, "public_network_access: disabled", "public_network_access: enabled")
    assert codes(check(example), "CG701") == [("CG701", REGISTRY, line_of(example / REGISTRY, "public_network_access"))]


def test_cg701_dev_may_be_public(example):
    # ml-dev-eus has public access enabled; dev does not require private networking.
    assert codes(check(example), "CG701") == []


def test_cg702_dev_job_uses_pii_data(example):
    job = "jobs/train-credit-risk-dev-0901.yaml"
    edit(example, job, "data:loans-sample@1", "data:loans-prod@7")
    result = check(example)
    assert codes(result, "CG702") == [("CG702", job, line_of(example / job, "data:loans-prod@7"))]
    assert [f.subject for f in result.findings if f.code == "CG702"] == ["data:loans-prod@7"]


def test_cg702_prod_allows_pii(example):
    assert codes(check(example), "CG702") == []


# -- CG703 stage-binding --------------------------------------------------------

TEST_WS = "workspaces/ml-test-eus.yaml"
PROD_SUBSCRIPTION = "17288e1b-2ec0-4e91-8cc2-a01740d0854d"


def new_workspace(root, name: str, stage: str, subscription: str | None) -> str:
    relpath = f"workspaces/{name}.yaml"
    text = (f"apiVersion: catgen/v1\nkind: Workspace\nmetadata:\n  name: {name}\nspec:\n  stage: {stage}\n"
            "  region: westeurope\n")
    write(root, relpath, text + (f"  subscription: {subscription}\n" if subscription else ""))
    return relpath


def test_cg703_workspace_in_a_subscription_bound_to_another_stage(example):
    relpath = new_workspace(example, "ml-sandbox", "dev", PROD_SUBSCRIPTION)
    result = check(example)
    assert codes(result, "CG703") == [("CG703", relpath, line_of(example / relpath, "subscription:"))]
    found = [f for f in result.findings if f.code == "CG703"][0]
    assert (found.level, found.subject) == ("error", "workspace:ml-sandbox")
    assert found.message == (f"workspace:ml-sandbox is in subscription {PROD_SUBSCRIPTION}, which the policy binds "
                             "to stage prod, but says it is of stage dev")


def test_cg703_subscriptions_compare_case_insensitively(example):
    relpath = new_workspace(example, "ml-sandbox", "test", PROD_SUBSCRIPTION.upper())
    assert codes(check(example), "CG703") == [("CG703", relpath, 8)]
    edit(example, PROD_WS, f"subscription: {PROD_SUBSCRIPTION}", f"subscription: {PROD_SUBSCRIPTION.upper()}")
    assert codes(check(example), "CG703") == [("CG703", relpath, 8)]  # the prod workspace itself is fine


def test_cg703_workspace_of_a_binding_stage_outside_its_subscriptions(example):
    edit(example, TEST_WS, "subscription: 2c01f833", "subscription: 3c01f833")
    result = check(example)
    assert codes(result, "CG703") == [("CG703", TEST_WS, line_of(example / TEST_WS, "subscription:"))]
    assert "which is not one of the subscriptions of stage test" in messages(result, "CG703")[0]


def test_cg703_workspace_of_a_binding_stage_without_subscription_is_reported_at_its_stage(example):
    relpath = new_workspace(example, "ml-prod2", "prod", None)
    result = check(example)
    assert codes(result, "CG703") == [("CG703", relpath, line_of(example / relpath, "stage:"))]
    assert "names no subscription" in messages(result, "CG703")[0]


def test_cg703_quiet_where_nothing_is_bound(example):
    new_workspace(example, "ml-sandbox", "dev", "0d9d6b6e-3f5c-4f1e-9a43-1b0d2a6c7e55")
    new_workspace(example, "ml-sandbox2", "dev", None)
    assert codes(check(example), "CG703") == []
    edit(example, "policy.yaml", "      subscriptions: [17288e1b-2ec0-4e91-8cc2-a01740d0854d]\n", "")
    edit(example, "policy.yaml", "      subscriptions: [2c01f833-4837-40ec-9bc1-3f41ca1531bd]\n", "")
    edit(example, PROD_WS, "stage: prod", "stage: dev")
    assert codes(check(example), "CG703") == []  # no stage binds a subscription: the stage is the workspace's word


def test_cg703_unknown_stage_is_cg306_alone(example):
    edit(example, PROD_WS, "stage: prod", "stage: production")
    result = check(example)
    assert codes(result, "CG703") == [] and codes(result, "CG306") != []


def test_cg703_a_subscription_two_stages_list_is_fine_in_either(example):
    edit(example, "policy.yaml", "      subscriptions: [2c01f833-4837-40ec-9bc1-3f41ca1531bd]\n",
         f"      subscriptions: [2c01f833-4837-40ec-9bc1-3f41ca1531bd, {PROD_SUBSCRIPTION}]\n")
    new_workspace(example, "ml-test-weu", "test", PROD_SUBSCRIPTION)
    assert codes(check(example), "CG703") == []
