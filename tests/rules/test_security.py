"""CG701-CG702: private networking and personal data."""

from testing.catalogs import check, codes, edit, line_of

PROD_WS = "workspaces/ml-prod-weu.yaml"
REGISTRY = "registries/contoso-ml.yaml"


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
