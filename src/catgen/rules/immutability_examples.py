"""Examples of the CG4xx rules (what a change may do to what the base published): see ``catgen.rules.example``.

Every example here is checked with ``--base``: the example catalog, committed
to a fresh git repository, is the base; the example is the change on top.
"""

from __future__ import annotations

from catgen.rules.example import fails, passes, replace

INTRO = """\
These rules compare a change with its base, `catgen check --base REF` (in CI, the target
branch): without `--base` they find nothing. The base's policy judges the change: its
`immutable_kinds` (by default models, environments, components, data, jobs and promotions)
may change only in its `mutable_fields` (by default `metadata.description` and
`metadata.tags`), and a change to the policy itself applies only once it is merged. A base with
no policy at the catalog's path is a CG403 warning too: then the change's own policy judged it.
Moving a workspace to another stage, region or subscription is allowed but reported (CG404).
Manifests are compared as parsed data, so re-indenting or re-ordering a file changes nothing.

Each example below is checked against the example catalog as the base.
"""

MODEL = "models/credit-risk/3.yaml"
ARTIFACT = "  path: azureml://jobs/train-credit-risk-prod-0912/outputs/artifacts/paths/model/\n"

CG401 = [
    fails(
        "the published model `credit-risk@3` points at another artifact.",
        {MODEL: replace(ARTIFACT, ARTIFACT.replace("prod-0912", "prod-0913"))},
        at=MODEL, line=15, base=True,
    ),
    passes(
        "only its description and tags change, which the policy declares mutable.",
        {MODEL: replace(
            "  description: Loan-default classifier", "  description: The loan-default classifier",
            "    task: classification\n", "    task: binary-classification\n",
        )},
        base=True,
    ),
]

CG402 = [
    fails(
        "a published job is deleted; it is reported at the base's path, line 1.",
        {"jobs/explore-loans-sample-0625.yaml": None},
        at="jobs/explore-loans-sample-0625.yaml", line=1, base=True,
    ),
    passes(
        "deployments are not immutable: one may be retired by deleting it.",
        {"deployments/fraud-detector-emea-test.yaml": None},
        base=True,
    ),
]

CG403 = [
    fails(
        "the change lowers the approvals prod needs. The base's policy (two approvals) judges this change; "
        "the warning says the new one applies once merged.",
        {"policy.yaml": replace("        approvals: 2\n", "        approvals: 1\n")},
        at="policy.yaml", line=20, base=True,
    ),
    passes(
        "the policy's description is editorial: changing it changes no rule.",
        {"policy.yaml": replace("  description: Promotion rules for", "  description: The promotion rules for")},
        base=True,
    ),
]

DEV_WORKSPACE = "workspaces/ml-dev-eus.yaml"
PROD_WORKSPACE = "workspaces/ml-prod-weu.yaml"

CG404 = [
    fails(
        "the dev workspace moves to another subscription. Dev binds no subscription, so nothing else "
        "objects; the warning asks for a review of the move.",
        {DEV_WORKSPACE: replace("  subscription: 7ecec9db-de01-40ee-9f0c-6957874f8228\n",
                                "  subscription: 0d9d6b6e-3f5c-4f1e-9a43-1b0d2a6c7e55\n")},
        at=DEV_WORKSPACE, line=13, base=True,
    ),
    fails(
        "the prod workspace is relabelled `dev`, which would take its deployments out of prod's promotion "
        "rules. The policy binds prod's subscription to prod, so CG703 makes it an error, and its jobs "
        "now read personal data in a stage that does not allow it (CG702).",
        {PROD_WORKSPACE: replace("  stage: prod\n", "  stage: dev\n")},
        at=PROD_WORKSPACE, line=11, also=("CG702", "CG703"), base=True,
    ),
    passes(
        "the dev workspace's description and network access change: neither moves it.",
        {DEV_WORKSPACE: replace("  public_network_access: enabled\n", "  public_network_access: disabled\n",
                                "  owner: ml-platform@contoso.com\n", "  owner: ml-dev@contoso.com\n")},
        base=True,
    ),
]
