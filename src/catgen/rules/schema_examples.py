"""Examples of the CG2xx rules (the shape of each manifest): see ``catgen.rules.example``."""

from __future__ import annotations

from catgen.rules.example import fails, passes, replace

INTRO = """\
Every manifest is checked against its kind's JSON Schema (`catgen schema KIND` prints it) and
against the constraints between fields of one manifest that a schema cannot say plainly.
References are plain strings here: whether they point anywhere is
[CG302-CG304](identity.md), never CG201. These rules apply to every manifest: the policy can
neither lower nor waive them.
"""

BLUE = "deployments/credit-risk-prod-blue.yaml"
REGISTRY = "registries/contoso-ml.yaml"
TRAINING_JOB = "jobs/train-credit-risk-prod-0912.yaml"
PROD_PROMOTION = "promotions/credit-risk-3-to-prod.yaml"
TRAIN_COMPONENT = "components/train-lightgbm/2.yaml"
SHARING = "promotions/credit-risk-3-registry-contoso-ml.yaml"

CG201 = [
    fails(
        "the deployment has a field its schema does not know.",
        {BLUE: replace("  traffic: 90\n", "  traffic: 90\n  replicas: 3\n")},
        at=BLUE, line=13,
    ),
    fails(
        "the model's creation date is no real date.",
        {"models/credit-risk/3.yaml": replace(
            "  created: 2024-09-12T09:00:00Z\n", "  created: 2024-09-31T09:00:00Z\n")},
        at="models/credit-risk/3.yaml", line=11,
    ),
    fails(
        "every unknown key is reported, each at its own line (here the second of two).",
        {BLUE: replace("  traffic: 90\n", "  traffic: 90\n  replicas: 3\n  zone: a\n")},
        at=BLUE, line=14,
    ),
    fails(
        "a metric that is not a number (`.nan`, `.inf`, `-.inf`) can neither pass nor fail a gate: CG201 is its "
        "only finding.",
        {TRAINING_JOB: replace("    auc: 0.872\n", "    auc: .nan\n")},
        at=TRAINING_JOB, line=27,
    ),
    fails(
        "the requester is written with a trailing space: a person holds no whitespace, control or format "
        "character.",
        {PROD_PROMOTION: replace("  requested_by: bob@contoso.com\n", "  requested_by: \"bob@contoso.com \"\n")},
        at=PROD_PROMOTION, line=9,
    ),
    fails(
        "an approver is written with a zero-width space after the name.",
        {PROD_PROMOTION: replace("    - by: alice@contoso.com\n", "    - by: \"alice@contoso.com\\u200b\"\n")},
        at=PROD_PROMOTION, line=12, also=("CG503", "CG504"),  # and that approval does not count
    ),
    fails(
        "a component input's default is above its own maximum.",
        {TRAIN_COMPONENT: replace(
            "  outputs:\n",
            "    early_stopping:\n      type: integer\n      default: 500\n      min: 1\n      max: 100\n"
            "  outputs:\n")},
        at=TRAIN_COMPONENT, line=26,
    ),
    fails(
        "a revocation (`revoke: true`) of a registry sharing: only a stage can be revoked.",
        {SHARING: replace("  date: 2024-09-13T09:00:00Z\n", "  date: 2024-09-13T09:00:00Z\n  revoke: true\n")},
        at=SHARING, line=11,
    ),
    passes(
        "a component input whose default, bounds and choices fit its type.",
        {TRAIN_COMPONENT: replace(
            "  outputs:\n",
            "    early_stopping:\n      type: integer\n      optional: true\n      default: 50\n      min: 1\n"
            "      max: 100\n      enum: [10, 50, 100]\n  outputs:\n")},
    ),
    passes(
        "the registry replicates to its own location and one more.",
        {REGISTRY: replace("    - westeurope\n", "    - westeurope\n    - northeurope\n")},
    ),
]

CG202 = [
    fails(
        "a version of the manifest format catgen does not know.",
        {BLUE: replace("apiVersion: catgen/v1\n", "apiVersion: catgen/v2\n")},
        at=BLUE, line=1,
    ),
    fails(
        "a kind that does not exist.",
        {BLUE: replace("kind: Deployment\n", "kind: Deploymnet\n")},
        at=BLUE, line=2,
    ),
    passes("the example catalog as it is: every manifest is `catgen/v1` of one of the ten kinds.", {}),
]
