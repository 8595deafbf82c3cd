"""CG305: lineage cycles are found in linear time and reported once, on the first manifest in path order."""

from testing.catalogs import check, codes, edit, line_of


def test_cg305_job_baseline_cycle(example):
    a = "jobs/train-credit-risk-dev-0901.yaml"
    edit(example, a, "  status: completed\n", "  status: completed\n  baseline: job:train-credit-risk-prod-0912\n")
    result = check(example)
    assert codes(result, "CG305") == [("CG305", a, line_of(example / a, "  name:"))]
    message = [f.message for f in result.findings if f.code == "CG305"][0]
    assert "job:train-credit-risk-dev-0901 -> job:train-credit-risk-prod-0912 -> job:train-credit-risk-dev-0901" in message


def test_cg305_component_is_its_own_step(example):
    pipeline = "components/credit-risk-pipeline/1.yaml"
    edit(example, pipeline, "    - component:prep-loans@1\n", "    - component:prep-loans@1\n    - component:credit-risk-pipeline@1\n")
    assert codes(check(example), "CG305") == [("CG305", pipeline, line_of(example / pipeline, "  name:"))]


def test_cg305_no_cycle_in_example(example):
    assert codes(check(example), "CG305") == []
