"""Examples of CG509-CG510 (metric gates): see ``catgen.rules.example``."""

from __future__ import annotations

from catgen.rules.example import fails, passes, replace

PROD = "promotions/credit-risk-3-to-prod.yaml"
PROD_JOB = "jobs/train-credit-risk-prod-0912.yaml"
BASELINE_JOB = "jobs/train-credit-risk-dev-0901.yaml"


CG509 = [
    fails(
        "the production retraining reaches an AUC of 0.845; prod requires at least 0.85. (Against the baseline's "
        "0.861 that is a regression of 0.016, within the allowed 0.02, so CG510 stays quiet.)",
        {PROD_JOB: replace("    auc: 0.872\n", "    auc: 0.845\n")},
        at=PROD, line=8,
    ),
    passes("exactly 0.85 is enough.", {PROD_JOB: replace("    auc: 0.872\n", "    auc: 0.85\n")}),
]

CG510 = [
    fails(
        "the sample-data baseline scored 0.895; the production run's 0.872 is 0.023 lower, and prod allows 0.02.",
        {BASELINE_JOB: replace("    auc: 0.861\n", "    auc: 0.895\n")},
        at=PROD, line=8,
    ),
    passes(
        "a baseline of 0.891 is 0.019 better, within tolerance.",
        {BASELINE_JOB: replace("    auc: 0.861\n", "    auc: 0.891\n")},
    ),
]
