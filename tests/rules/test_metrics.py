"""CG509-CG510 on a copy of the example catalog: each rule fires where SPEC §6 says, and not on its valid neighbour."""

from testing.catalogs import check, codes, edit, line_of

PROD = "promotions/credit-risk-3-to-prod.yaml"


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


def test_a_metric_that_is_not_finite_is_cg201_alone(example):
    edit(example, JOB, "auc: 0.872", "auc: .inf")
    assert codes(check(example)) == [("CG201", JOB, line_of(example / JOB, "auc:"))]
