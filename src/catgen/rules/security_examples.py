"""Examples of the CG7xx rules (network exposure and personal data): see ``catgen.rules.example``."""

from __future__ import annotations

from catgen.rules.example import fails, passes, replace

INTRO = """\
Three stage settings of the [policy](../policy.md) protect the network, personal data and the
stages themselves: `private_network` (CG701), `pii_allowed` (CG702) and `subscriptions`
(CG703). In the example catalog, prod sets all three: its workspace and the registry it
consumes must be private, it is the only stage whose jobs may read data that contains personal
information, and its subscription belongs to prod alone (test binds its subscription too), so a
workspace cannot leave prod's rules by calling itself `dev`. The generated
[rules page](../rules.md) has the summary of each rule.
"""

PROD_WORKSPACE = "workspaces/ml-prod-weu.yaml"
REGISTRY = "registries/contoso-ml.yaml"
SAMPLE = "data/loans-sample/1.yaml"
PRIVATE = "  public_network_access: disabled\n"
PUBLIC = "  public_network_access: enabled\n"

CG701 = [
    fails("the prod workspace is opened to the internet.", {PROD_WORKSPACE: replace(PRIVATE, PUBLIC)},
          at=PROD_WORKSPACE, line=16),
    fails("the registry that prod consumes is public; the finding is on the registry.",
          {REGISTRY: replace(PRIVATE, PUBLIC)}, at=REGISTRY, line=15),
    passes("the prod workspace leaves public access at its default, disabled.",
           {PROD_WORKSPACE: replace(PRIVATE, "")}),
    passes("the example catalog as it is: dev does not require private networking, so its workspace is public.", {}),
]

CG702 = [
    fails(
        "the loan sample turns out to contain personal data, and dev jobs read it.",
        {SAMPLE: replace("  contains_pii: false\n", "  contains_pii: true\n")},
        at="jobs/train-credit-risk-dev-0901.yaml", line=20,
    ),
    passes(
        "the example catalog as it is: the sample is free of personal data (the full loan book, which is not, is "
        "read only by prod jobs, where `pii_allowed` is true).",
        {},
    ),
]

TEST_WORKSPACE = "workspaces/ml-test-eus.yaml"
PROD_SUBSCRIPTION = "17288e1b-2ec0-4e91-8cc2-a01740d0854d"


def workspace(name: str, stage: str, subscription: str) -> str:
    """A new workspace manifest in West Europe."""
    return (f"apiVersion: catgen/v1\nkind: Workspace\nmetadata:\n  name: {name}\nspec:\n  stage: {stage}\n"
            f"  region: westeurope\n  subscription: {subscription}\n")


CG703 = [
    fails(
        "a new workspace in prod's subscription calls itself `dev`: whatever is deployed there would escape "
        "prod's promotion rules. The subscription's letter case does not matter.",
        {"workspaces/ml-sandbox-weu.yaml": workspace("ml-sandbox-weu", "dev", PROD_SUBSCRIPTION.upper())},
        at="workspaces/ml-sandbox-weu.yaml", line=8,
    ),
    fails(
        "the test workspace moves to a subscription that is not one of test's.",
        {TEST_WORKSPACE: replace("  subscription: 2c01f833-4837-40ec-9bc1-3f41ca1531bd\n",
                                 "  subscription: 0d9d6b6e-3f5c-4f1e-9a43-1b0d2a6c7e55\n")},
        at=TEST_WORKSPACE, line=13,
    ),
    fails(
        "a new prod workspace names no subscription; it is reported at its stage.",
        {"workspaces/ml-prod-eus.yaml": workspace("ml-prod-eus", "prod", "x").replace("  subscription: x\n", "")},
        at="workspaces/ml-prod-eus.yaml", line=6,
    ),
    passes(
        "a new dev workspace in a subscription of its own: dev binds no subscription, and no stage binds this one.",
        {"workspaces/ml-sandbox-weu.yaml": workspace("ml-sandbox-weu", "dev", "0d9d6b6e-3f5c-4f1e-9a43-1b0d2a6c7e55")},
    ),
]
