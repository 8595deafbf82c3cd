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

A *revocation* (a Promotion with `stage: <S>`, `revoke: true` and a `reason`) takes the asset out
of stage S from its date on; it needs no approvals, and a later promotion to S brings the asset
back (see [how promotion works](../promotion.md#revoking-a-promotion)).

Gate findings (CG502-CG505, CG509-CG512) are reported in the Promotion's file, use findings
(CG501, CG506-CG508) in the Job's or Deployment's file, at the reference that uses the asset;
CG513 on the Deployment that takes its endpoint past 100 traffic.
The policy can lower any of these rules to a warning, switch it off, or waive it for one
subject until a date (see [policy](../policy.md#rules) and [exceptions](../policy.md#exceptions)).
"""

PROD = "promotions/credit-risk-3-to-prod.yaml"
BLUE = "deployments/credit-risk-prod-blue.yaml"
SHARED = "promotions/credit-risk-3-registry-contoso-ml.yaml"
ALICE = "    - by: alice@contoso.com\n      at: 2024-09-23T16:00:00Z\n"
CAROL = "    - by: carol@contoso.com\n"
GREEN = "deployments/credit-risk-prod-green.yaml"
REVOKE_PROD = "promotions/credit-risk-3-revoke-prod.yaml"
BACK_TO_PROD = "promotions/credit-risk-3-back-to-prod.yaml"


def _revocation(name: str, asset: str, stage: str, date: str, reason: str) -> str:
    return f"""\
apiVersion: catgen/v1
kind: Promotion
metadata:
  name: {name}
spec:
  stage: {stage}
  asset: {asset}
  revoke: true
  reason: {reason}
  requested_by: bob@contoso.com
  date: {date}
"""


CREDIT_RISK_3_REVOKED = _revocation(
    "credit-risk-3-revoke-prod", "model:credit-risk@3", "prod", "2024-10-20T08:00:00Z",
    "Scores drift on the October applications; roll back to version 2.",
)
CREDIT_RISK_3_BACK = """\
apiVersion: catgen/v1
kind: Promotion
metadata:
  name: credit-risk-3-back-to-prod
spec:
  stage: prod
  asset: model:credit-risk@3
  requested_by: bob@contoso.com
  date: 2024-11-04T10:00:00Z
  approvals:
    - {by: alice@contoso.com, at: 2024-11-04T12:00:00Z}
    - {by: carol@contoso.com, at: 2024-11-04T13:00:00Z}
  reason: The drift came from a broken feed upstream, now fixed.
"""


def _emea_deployment(name: str, workspace: str, traffic: int) -> str:
    return f"""\
apiVersion: catgen/v1
kind: Deployment
metadata:
  name: {name}
spec:
  workspace: workspace:{workspace}
  endpoint: {name}
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
    fails(
        "`credit-risk@3` is revoked from prod (a revocation: `revoke: true` with a `reason`), but the blue "
        "production deployment still runs it.",
        {REVOKE_PROD: CREDIT_RISK_3_REVOKED},
        at=BLUE, line=10,
    ),
    passes(
        "the same model deployed on an endpoint of its own in the test workspace, where it was promoted.",
        {"deployments/fraud-detector-emea-canary.yaml": _emea_deployment(
            "fraud-detector-emea-canary", "ml-test-eus", 10)},
    ),
    passes(
        "revoked on 2024-10-20, `credit-risk@3` is promoted to prod again on 2024-11-04, with the approvals prod "
        "requires: its latest event for prod is a promotion, so it is in prod again.",
        {REVOKE_PROD: CREDIT_RISK_3_REVOKED, BACK_TO_PROD: CREDIT_RISK_3_BACK},
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
    fails(
        "`credit-risk@1` is revoked from prod, where it never was: there is nothing to revoke. The finding is on "
        "the revocation.",
        {"promotions/credit-risk-1-revoke-prod.yaml": _revocation(
            "credit-risk-1-revoke-prod", "model:credit-risk@1", "prod", "2024-10-01", "Superseded.")},
        at="promotions/credit-risk-1-revoke-prod.yaml", line=6,
    ),
    passes(
        "`fraud-detector@1`, replaced in production by version 2, is revoked from prod, where it was promoted "
        "and where no deployment runs it any more. A revocation needs no approvals.",
        {"promotions/fraud-detector-1-revoke-prod.yaml": _revocation(
            "fraud-detector-1-revoke-prod", "model:fraud-detector@1", "prod", "2024-10-01",
            "Replaced by version 2.")},
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

CG513 = [
    fails(
        "the green deployment of the production `credit-risk` endpoint takes 60 while blue keeps 90: 150 in total. "
        "Blue comes first in path order; the finding is on green.",
        {GREEN: replace("  traffic: 10\n", "  traffic: 60\n")},
        at=GREEN, line=12,
    ),
    fails(
        "a canary on the endpoint `Credit-Risk` is on the same endpoint as `credit-risk` (names compare "
        "case-insensitively): 90 + 10 + 5 passes 100.",
        {"deployments/credit-risk-prod-red.yaml": """\
apiVersion: catgen/v1
kind: Deployment
metadata:
  name: credit-risk-prod-red
spec:
  workspace: workspace:ml-prod-weu
  endpoint: Credit-Risk
  model: model:credit-risk@3
  environment: environment:lightgbm-py311@2
  traffic: 5
"""},
        at="deployments/credit-risk-prod-red.yaml", line=10,
    ),
    passes(
        "blue 40 and green 60: exactly 100.",
        {BLUE: replace("  traffic: 90\n", "  traffic: 40\n"), GREEN: replace("  traffic: 10\n", "  traffic: 60\n")},
    ),
]
