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
