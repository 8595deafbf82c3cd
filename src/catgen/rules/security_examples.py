"""Examples of the CG7xx rules (network exposure and personal data): see ``catgen.rules.example``."""

from __future__ import annotations

from catgen.rules.example import fails, passes, replace

INTRO = """\
Two stage settings of the [policy](../policy.md) protect the network and personal data:
`private_network` (CG701) and `pii_allowed` (CG702). In the example catalog, prod sets both:
its workspace and the registry it consumes must be private, and it is the only stage whose
jobs may read data that contains personal information. The generated [rules page](../rules.md)
has the summary of each rule.
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
