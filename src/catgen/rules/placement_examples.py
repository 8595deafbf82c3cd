"""Examples of CG506-CG508 (use across workspaces and registries): see ``catgen.rules.example``."""

from __future__ import annotations

from catgen.rules.example import fails, passes, replace

BLUE = "deployments/credit-risk-prod-blue.yaml"
TEST_DEPLOYMENT = "deployments/credit-risk-test.yaml"


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
