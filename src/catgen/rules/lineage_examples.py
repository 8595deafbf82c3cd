"""Examples of the CG6xx rules (lineage requirements of a stage's gate): see ``catgen.rules.example``."""

from __future__ import annotations

from catgen.rules.example import fails, passes, replace

INTRO = """\
Where a stage's `promotion:` block sets `require_lineage`, a model promoted to the stage must
trace back to a completed training job (CG601) that records a code commit (CG602), an
environment (CG603) and at least one data input (CG604). The commit and the environment may
be on the job itself or on its component, and for a pipeline on any of the pipeline's steps.
`training_data` limits the classifications of the job's data inputs (CG606), and
`pinned_images` requires every environment the asset runs in to be pinned by digest (CG605).
See the [policy reference](../policy.md) and the generated [rules page](../rules.md).

Findings are reported in the Promotion's file, at its `asset`; the *subject* is the asset at
fault: the model (CG601), its training job (CG602-CG604), the environment (CG605), the data
(CG606). A model with no completed training job is reported once, by CG601: the job-level
checks CG602-CG604 are then skipped. A model deployed in a stage it was never promoted to is
reported by [CG501](promotion.md#cg501-not-promoted) alone, on the Deployment. In the example
catalog, prod sets all of these.
"""

PROD = "promotions/credit-risk-3-to-prod.yaml"
JOB = "jobs/train-credit-risk-prod-0912.yaml"
COMPONENT = "  component: component:credit-risk-pipeline@1\n"
ENVIRONMENT = "  environment: environment:lightgbm-py311@2\n"
CODE = (
    "  code:\n    repository: https://github.com/contoso/credit-ml\n"
    '    commit: "6b1f53303a732ccc8c6aae6640399827c15250e3"\n'
)
NO_PIPELINE = ("  type: pipeline\n", "  type: command\n", COMPONENT, "")
LIGHTGBM = "environments/lightgbm-py311/2.yaml"
LIGHTGBM_IMAGE = (
    "  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04"
    "@sha256:619e10b9cf1e5a42474d440a957b82e079daaa0a4498869bc7e8872df3ffaaea\n"
)
MOVING_TAG = "  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest\n"

CG601 = [
    fails(
        "the production retraining that produced `credit-risk@3` is recorded as failed.",
        {JOB: replace("  status: completed\n", "  status: failed\n")},
        at=PROD, line=8,
    ),
    fails(
        "the model names no training job at all. The [metric gate](promotion.md#cg509-metric-gate) has nothing to "
        "read `auc` from either, but this one mistake is reported once, by CG601: CG509, CG510 and CG602-CG604 "
        "wait until the job is there.",
        {"models/credit-risk/3.yaml": replace("  job: job:train-credit-risk-prod-0912\n", "")},
        at=PROD, line=8,
    ),
    passes("the example catalog as it is: the model names the completed job that trained it.", {}),
]

CG602 = [
    fails(
        "the job runs no component and records no `code`.",
        {JOB: replace(*NO_PIPELINE, CODE, "")},
        at=PROD, line=8,
    ),
    passes("the job runs no component, but the commit is on the job itself.", {JOB: replace(*NO_PIPELINE)}),
    passes("the job records no `code`, but its pipeline component does.", {JOB: replace(CODE, "")}),
]

CG603 = [
    fails(
        "the job runs no component and names no environment.",
        {JOB: replace(*NO_PIPELINE, ENVIRONMENT, "")},
        at=PROD, line=8,
    ),
    passes(
        "the job names no environment itself, but the steps of its pipeline do (`prep-loans@1` runs in "
        "`sklearn-py310@1`, `train-lightgbm@2` in `lightgbm-py311@2`).",
        {JOB: replace(ENVIRONMENT, "")},
    ),
]

CG604 = [
    fails(
        "the job's inputs are gone.",
        {JOB: replace("  inputs:\n    training_data: data:loans-prod@7\n", "")},
        at=PROD, line=8,
    ),
    passes("the example catalog as it is: the job trained on the August loan-book snapshot.", {}),
]

CG605 = [
    fails(
        "`lightgbm-py311@2` is rebuilt from a moving tag. It is reported on every prod promotion that runs in it "
        "and on every prod deployment that names it (the blue deployment, next example).",
        {LIGHTGBM: replace(LIGHTGBM_IMAGE, MOVING_TAG)},
        at=PROD, line=8,
    ),
    fails(
        "the same change, on the deployment: the blue deployment names the unpinned environment.",
        {LIGHTGBM: replace(LIGHTGBM_IMAGE, MOVING_TAG)},
        at="deployments/credit-risk-prod-blue.yaml", line=11,
    ),
    fails(
        "a pipeline *step* runs in an unpinned image (`prep-loans@1` runs in `sklearn-py310@1`), which counts for "
        "the model the pipeline trained.",
        {"environments/sklearn-py310/1.yaml": replace(
            "  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04"
            "@sha256:d671b3ae97eecd9005a08c3544eae8663747c4e5c58057c6bb30b1b04e776367\n",
            "  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240610.v1\n",
        )},
        at=PROD, line=8,
    ),
    passes("the example catalog as it is: the image is pinned by digest.", {}),
]

CG606 = [
    fails(
        "the loan-book snapshot is classified as a sample.",
        {"data/loans-prod/7.yaml": replace("  classification: production\n", "  classification: sample\n")},
        at=PROD, line=8,
    ),
    passes(
        "anonymized data is allowed too.",
        {"data/loans-prod/7.yaml": replace("  classification: production\n", "  classification: anonymized\n")},
    ),
]
