"""CG601-CG606 on a copy of the example catalog: lineage gates of the prod stage."""

import re

from testing.catalogs import check, codes, edit, line_of

PROD = "promotions/credit-risk-3-to-prod.yaml"
MODEL = "models/credit-risk/3.yaml"
JOB = "jobs/train-credit-risk-prod-0912.yaml"
PIPELINE = "components/credit-risk-pipeline/1.yaml"


def at_asset(example):
    return line_of(example / PROD, "asset:")


def test_cg601_model_without_training_job(example):
    edit(example, MODEL, "  job: job:train-credit-risk-prod-0912\n", "")
    result = check(example)
    assert codes(result, "CG601") == [("CG601", PROD, at_asset(example))]
    # One mistake, one finding: the job-level checks and metric gates that need the job stay quiet.
    assert not codes(result, "CG602") and not codes(result, "CG603") and not codes(result, "CG604")


def test_cg601_training_job_not_completed(example):
    edit(example, JOB, "status: completed", "status: failed")
    assert codes(check(example), "CG601") == [("CG601", PROD, at_asset(example))]


def test_cg601_not_when_lineage_not_required(example):
    edit(example, "policy.yaml", "        require_lineage: true\n", "")
    edit(example, JOB, "status: completed", "status: failed")
    assert codes(check(example), "CG601") == []


def test_cg602_no_commit_on_job_or_component(example):
    edit(example, JOB, '  code:\n    repository: https://github.com/contoso/credit-ml\n'
                       '    commit: "6b1f53303a732ccc8c6aae6640399827c15250e3"\n', "")
    assert codes(check(example), "CG602") == []  # the pipeline component still records the commit
    for component in (example / "components").rglob("*.yaml"):  # the pipeline and its steps
        component.write_text(re.sub(r"  code:\n    repository: \S+\n    commit: \S+\n", "", component.read_text()))
    found = [f for f in check(example).findings if f.code == "CG602"]
    assert [(f.path.split("catalog/")[-1], f.line, f.subject) for f in found] == [
        (PROD, at_asset(example), "job:train-credit-risk-prod-0912")]


def test_cg603_no_environment_anywhere(example):
    edit(example, JOB, "  environment: environment:lightgbm-py311@2\n", "")
    assert codes(check(example), "CG603") == []  # the pipeline's steps name environments
    for step in ("components/prep-loans/1.yaml", "components/train-lightgbm/2.yaml"):
        text = (example / step).read_text()
        (example / step).write_text(re.sub(r"  environment: \S+\n", "", text))
        (example / step).write_text((example / step).read_text().replace("type: command", "type: pipeline"))
    assert ("CG603", PROD, at_asset(example)) in codes(check(example), "CG603")


def test_cg604_no_data_input(example):
    edit(example, JOB, "  inputs:\n    training_data: data:loans-prod@7\n", "")
    assert codes(check(example), "CG604") == [("CG604", PROD, at_asset(example))]


def test_cg605_unpinned_environment_of_the_model(example):
    env = "environments/lightgbm-py311/2.yaml"
    text = (example / env).read_text()
    (example / env).write_text(re.sub(r"@sha256:[0-9a-f]{64}", ":20240610.v1", text))
    result = check(example)
    found = codes(result, "CG605")
    assert ("CG605", PROD, at_asset(example)) in found
    blue = "deployments/credit-risk-prod-blue.yaml"
    assert ("CG605", blue, line_of(example / blue, "environment:")) in found
    assert all(f.subject == "environment:lightgbm-py311@2" for f in result.findings if f.code == "CG605")


def test_cg605_dev_may_use_unpinned_images(example):
    # eda-py311@1 is unpinned and used only in dev: no finding.
    assert codes(check(example), "CG605") == []


def test_cg606_training_data_classification_not_allowed(example):
    edit(example, "data/loans-prod/7.yaml", "classification: production", "classification: sample")
    result = check(example)
    assert ("CG606", PROD, at_asset(example)) in codes(result, "CG606")
    assert {f.subject for f in result.findings if f.code == "CG606"} == {"data:loans-prod@7"}


def test_cg606_allowed_classification(example):
    assert codes(check(example), "CG606") == []


def test_cg606_a_classification_that_is_a_list_or_a_mapping_is_not_allowed_and_raises_nothing(example):
    for written in ("[production, anonymized]", "{class: production}"):
        edit(example, "data/loans-prod/7.yaml", "  classification: production\n", f"  classification: {written}\n")
        result = check(example)
        assert ("CG606", PROD, at_asset(example)) in codes(result, "CG606")
        assert any(f.code == "CG201" and f.path.endswith("data/loans-prod/7.yaml") for f in result.findings)
        edit(example, "data/loans-prod/7.yaml", f"  classification: {written}\n", "  classification: production\n")


def test_each_pipeline_is_walked_once_however_many_promotions_ask_about_its_job(example, monkeypatch):
    """CG602, CG603 and CG605 walked the training job's pipeline for each gated promotion, with a list search per
    step: 2,000 promotions of a model whose pipeline has 2,000 steps took the check 139 s (now under a second).
    CG604 and CG606 listed the job's data inputs for each promotion too."""
    from catgen.graph.lineage import LineageGraph

    walked, inputs_read = [], []
    out_edges = LineageGraph.out_edges

    def counted(self, node, types=None):
        if types is not None and "has_step" in types:
            walked.append(node.ref)
        if types is not None and "uses_data" in types:
            inputs_read.append(node.ref)
        return out_edges(self, node, types)

    monkeypatch.setattr(LineageGraph, "out_edges", counted)
    promotion = (example / PROD).read_text(encoding="utf-8")
    for number in range(30):
        (example / f"promotions/again-{number}.yaml").write_text(
            promotion.replace("name: credit-risk-3-to-prod", f"name: again-{number}"), encoding="utf-8")
    result = check(example)
    assert [f for f in result.findings if f.code.startswith("CG6")] == []
    assert walked and sorted(walked) == sorted(set(walked))  # each component's steps read once
    # CG604 and CG606 read the job's data inputs once each per check (and stage), not once per promotion.
    assert 0 < inputs_read.count("job:train-credit-risk-prod-0912") <= 3
