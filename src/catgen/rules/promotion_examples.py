"""Examples of the CG5xx rules (promotion through the stages, use across workspaces): see ``catgen.rules.example``."""

from __future__ import annotations

from catgen.rules.example import fails, passes, replace

INTRO = """\
A stage with a `promotion:` block in the [policy](../policy.md) admits an asset only through
a Promotion with `stage: <S>` that satisfies the block (the *gate*); a model deployed in a
workspace of that stage needs that Promotion. Jobs and deployments may only use assets at
home in their own workspace, or shared into a registry their workspace consumes and that
replicates to its region. [How promotion works](../promotion.md) walks the example catalog
through every step; the generated [rules page](../rules.md) has the summary of each rule.

Gate findings (CG502-CG505, CG509-CG512) are reported in the Promotion's file, use findings
(CG501, CG506-CG508) in the Job's or Deployment's file, at the reference that uses the asset.
The policy can lower any of these rules to a warning, switch it off, or waive it for one
subject until a date (see [policy](../policy.md#rules) and [exceptions](../policy.md#exceptions)).
"""

PROD = "promotions/credit-risk-3-to-prod.yaml"
BLUE = "deployments/credit-risk-prod-blue.yaml"
TEST_DEPLOYMENT = "deployments/credit-risk-test.yaml"
PROD_JOB = "jobs/train-credit-risk-prod-0912.yaml"
BASELINE_JOB = "jobs/train-credit-risk-dev-0901.yaml"
SHARED = "promotions/credit-risk-3-registry-contoso-ml.yaml"
ALICE = "    - by: alice@contoso.com\n      at: 2024-09-23T16:00:00Z\n"
CAROL = "    - by: carol@contoso.com\n"


def _emea_deployment(name: str, workspace: str, traffic: int) -> str:
    return f"""\
apiVersion: catgen/v1
kind: Deployment
metadata:
  name: {name}
spec:
  workspace: workspace:{workspace}
  endpoint: fraud-detector-emea
  model: model:fraud-detector-emea@1
  environment: environment:sklearn-py310@1
  traffic: {traffic}
"""


def _environment_promotion(stage: str, date: str, approvals: str) -> str:
    return f"""\
apiVersion: catgen/v1
kind: Promotion
metadata:
  name: lightgbm-py311-2-to-{stage}
spec:
  stage: {stage}
  asset: environment:lightgbm-py311@2
  requested_by: bob@contoso.com
  date: {date}
  approvals:
{approvals}"""


TO_PROD = _environment_promotion(
    "prod", "2024-09-05T10:00:00Z",
    "    - {by: alice@contoso.com, at: 2024-09-05T12:00:00Z}\n    - {by: dave@contoso.com, at: 2024-09-05T13:00:00Z}\n",
)

CG501 = [
    fails(
        "the EMEA fraud model, approved for test only, is deployed in the prod workspace.",
        {"deployments/fraud-detector-emea-prod.yaml": _emea_deployment("fraud-detector-emea-prod", "ml-prod-weu", 100)},
        at="deployments/fraud-detector-emea-prod.yaml", line=8,
    ),
    fails(
        "the promotion of `credit-risk@3` to prod is deleted, so the blue production deployment runs an unapproved "
        "model. The finding is on the deployment.",
        {PROD: None},
        at=BLUE, line=10,
    ),
    passes(
        "the same model deployed in the test workspace, where it was promoted.",
        {"deployments/fraud-detector-emea-canary.yaml": _emea_deployment(
            "fraud-detector-emea-canary", "ml-test-eus", 10)},
    ),
]

CG502 = [
    fails(
        "the environment `lightgbm-py311@2` is promoted to prod without ever being promoted to test.",
        {"promotions/lightgbm-py311-2-to-prod.yaml": TO_PROD},
        at="promotions/lightgbm-py311-2-to-prod.yaml", line=6,
    ),
    passes(
        "it went through test first.",
        {
            "promotions/lightgbm-py311-2-to-test.yaml": _environment_promotion(
                "test", "2024-09-02T10:00:00Z", "    - {by: frank@contoso.com, at: 2024-09-02T11:00:00Z}\n"),
            "promotions/lightgbm-py311-2-to-prod.yaml": TO_PROD,
        },
    ),
]

CG503 = [
    fails(
        "prod needs two approvals; Alice approved twice (once with capitals), which is one.",
        {PROD: replace(CAROL, "    - by: Alice@Contoso.com\n")},
        at=PROD, line=11,
    ),
    passes("the example catalog as it is: two different approvers, Alice and Carol.", {}),
]

CG504 = [
    fails(
        "mallory is not a prod approver. The approval does not count towards CG503, but two allowed approvals "
        "remain, so CG503 is quiet.",
        {PROD: replace(ALICE, ALICE + "    - by: mallory@contoso.com\n      at: 2024-09-24T10:00:00Z\n")},
        at=PROD, line=14,
    ),
    passes(
        "every approver is on the list.",
        {PROD: replace(ALICE, ALICE + "    - by: dave@contoso.com\n      at: 2024-09-24T10:00:00Z\n")},
    ),
]

CG505 = [
    fails(
        "Carol requests the promotion and approves it herself (people compare case-insensitively).",
        {PROD: replace(
            "  requested_by: bob@contoso.com\n", "  requested_by: carol@contoso.com\n",
            CAROL, "    - by: Carol@Contoso.com\n",
            ALICE, ALICE + "    - by: dave@contoso.com\n      at: 2024-09-24T10:00:00Z\n",
        )},
        at=PROD, line=17,
    ),
    passes(
        "Bob requests it; Carol may approve.",
        {PROD: replace(CAROL, "    - by: Carol@Contoso.com\n")},
    ),
]

CG506 = [
    fails(
        "the test deployment runs `credit-risk@1`, registered in the dev workspace and never shared.",
        {TEST_DEPLOYMENT: replace(
            "  model: model:credit-risk@3\n  environment: environment:lightgbm-py311@2\n",
            "  model: model:credit-risk@1\n  environment: environment:lightgbm-py311@1\n",
        )},
        at=TEST_DEPLOYMENT, line=10,
    ),
    passes(
        "the example catalog as it is: the test deployment runs `credit-risk@3`, at home in the prod workspace, "
        "but shared into `contoso-ml`, which the test workspace consumes.",
        {},
    ),
]

CG507 = [
    fails(
        "the test workspace stops listing `contoso-ml`, so its deployments may not use the registry's environments "
        "(CG507) nor the models shared through it (CG506).",
        {"workspaces/ml-test-eus.yaml": replace("  registries:\n    - registry:contoso-ml\n", "")},
        at=TEST_DEPLOYMENT, line=11, also=("CG506",),
    ),
    passes(
        "it lists the registry, in a list of one.",
        {"workspaces/ml-test-eus.yaml": replace(
            "  registries:\n    - registry:contoso-ml\n", "  registries: [registry:contoso-ml]\n")},
    ),
]

CG508 = [
    fails(
        "`contoso-ml` no longer replicates to West Europe, the prod workspace's region.",
        {"registries/contoso-ml.yaml": replace("    - westeurope\n", "")},
        at=BLUE, line=10,
    ),
    passes(
        "it replicates to every region a consuming workspace is in (and one more).",
        {"registries/contoso-ml.yaml": replace("    - westeurope\n", "    - westeurope\n    - northeurope\n")},
    ),
]

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

CG511 = [
    fails(
        "Alice approved a day before Bob asked.",
        {PROD: replace(ALICE, "    - by: alice@contoso.com\n      at: 2024-09-22T16:00:00Z\n")},
        at=PROD, line=13,
    ),
    fails(
        "a registry promotion dated in the future.",
        {"promotions/transactions-anon-1-registry-contoso-ml.yaml": replace(
            "  date: 2024-08-06T09:00:00Z\n", "  date: 2099-08-06\n",
            "      at: 2024-08-06T11:00:00Z\n", "      at: 2099-08-06T11:00:00Z\n",
        )},
        at="promotions/transactions-anon-1-registry-contoso-ml.yaml", line=10,
    ),
    passes("the example catalog as it is: the request comes first, then the approvals.", {}),
]

CG512 = [
    fails(
        "`credit-risk@3` was shared into `contoso-ml` on 2024-09-25, two days after its promotion to prod. The "
        "finding is on the prod promotion.",
        {SHARED: replace("  date: 2024-09-13T09:00:00Z\n", "  date: 2024-09-25T09:00:00Z\n")},
        at=PROD, line=8,
    ),
    passes(
        'sharing it at the very moment of the prod promotion is in time ("no later than").',
        {SHARED: replace("  date: 2024-09-13T09:00:00Z\n", "  date: 2024-09-23T10:00:00Z\n")},
    ),
]
