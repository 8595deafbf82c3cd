"""Examples of the CG3xx rules (identity, references, the policy's structure): see ``catgen.rules.example``."""

from __future__ import annotations

from catgen.rules.example import fails, passes, replace

INTRO = """\
Every manifest has one identity, every reference names exactly one manifest of a kind its
field accepts, lineage leads back in time, and there is one policy that names only stages
and rules that exist. These rules apply to every manifest: they are always errors, and the
policy can neither lower them nor waive them (trying to is itself a [CG306](#cg306-policy)
finding). The summary of every rule is on the generated [rules page](../rules.md).
"""

BLUE = "deployments/credit-risk-prod-blue.yaml"
SAMPLE = "data/loans-sample/1.yaml"
TEST_WORKSPACE = "workspaces/ml-test-eus.yaml"

CG301 = [
    fails(
        "a second deployment whose name differs from `credit-risk-prod-blue` only in case. The finding is on every "
        "file of the identity but the first in path order; upper case sorts before lower case, so here the existing "
        "`credit-risk-prod-blue.yaml` is the one reported.",
        {"deployments/Credit-Risk-Prod-Blue.yaml": """\
apiVersion: catgen/v1
kind: Deployment
metadata:
  name: Credit-Risk-Prod-Blue
spec:
  workspace: workspace:ml-prod-weu
  endpoint: credit-risk
  model: model:credit-risk@3
  environment: environment:lightgbm-py311@2
  traffic: 0
"""},
        at=BLUE, line=4,
    ),
    passes(
        "the new deployment has a name of its own.",
        {"deployments/credit-risk-prod-canary.yaml": """\
apiVersion: catgen/v1
kind: Deployment
metadata:
  name: credit-risk-prod-canary
spec:
  workspace: workspace:ml-prod-weu
  endpoint: credit-risk
  model: model:credit-risk@3
  environment: environment:lightgbm-py311@2
  traffic: 0
"""},
    ),
]

CG302 = [
    fails(
        "the blue deployment names a model version that was never registered.",
        {BLUE: replace("  model: model:credit-risk@3\n", "  model: model:credit-risk@4\n")},
        at=BLUE, line=10,
    ),
    passes(
        "it names a version that exists (here it rolls back to version 2, which is approved for prod).",
        {BLUE: replace("  model: model:credit-risk@3\n", "  model: model:credit-risk@2\n")},
    ),
]

CG303 = [
    fails(
        "the deployment's `workspace` is written without its kind.",
        {BLUE: replace("  workspace: workspace:ml-prod-weu\n", "  workspace: ml-prod-weu\n")},
        at=BLUE, line=8,
    ),
    passes(
        "the example catalog as it is: every `workspace` is a `workspace:` reference.",
        {},
    ),
]

CG304 = [
    fails(
        "the environment is named without a version.",
        {BLUE: replace("  environment: environment:lightgbm-py311@2\n", "  environment: environment:lightgbm-py311\n")},
        at=BLUE, line=11,
    ),
    fails(
        "`@latest` is not a version.",
        {BLUE: replace("  model: model:credit-risk@3\n", "  model: model:credit-risk@latest\n")},
        at=BLUE, line=10,
    ),
    passes(
        "the blue deployment names the versions of its model and its environment.",
        {BLUE: replace("  model: model:credit-risk@3\n", "  model: model:credit-risk@2\n")},
    ),
]

CG305 = [
    fails(
        "the loan sample claims to be produced by `explore-loans-sample-0625`, the job that reads it "
        "(data -> job -> data).",
        {SAMPLE: replace(
            '  sha256: "608efe45bf895be55700a2fdd016e2b87b017788b1b336e9cdbff27a8409223f"\n',
            '  sha256: "608efe45bf895be55700a2fdd016e2b87b017788b1b336e9cdbff27a8409223f"\n'
            "  job: job:explore-loans-sample-0625\n",
        )},
        at=SAMPLE, line=4,
    ),
    passes("the example catalog as it is: the sample was uploaded, not produced by a job; it names none.", {}),
]

POLICY_RULES = "  immutable_kinds:\n"

CG306 = [
    fails(
        "the catalog has no policy (reported at `catalog/policy.yaml`, line 1).",
        {"policy.yaml": None},
        at="policy.yaml", line=1,
    ),
    fails(
        "a workspace names a stage the policy does not define.",
        {TEST_WORKSPACE: replace("  stage: test\n", "  stage: staging\n")},
        at=TEST_WORKSPACE, line=11,
    ),
    passes(
        "it names one of the policy's stages (`dev`, `test`, `prod`), quoted or not.",
        {TEST_WORKSPACE: replace("  stage: test\n", '  stage: "test"\n')},
    ),
    fails(
        "the policy tries to lower a reference rule to a warning.",
        {"policy.yaml": replace(POLICY_RULES, "  rules:\n    CG302: {level: warning}\n" + POLICY_RULES)},
        at="policy.yaml", line=38,
    ),
    fails(
        "an exception expired (on 2025-06-30; the examples are checked as of 2026-01-15). It no longer waives "
        "anything, and catgen reports it as a warning so someone renews or removes it.",
        {"policy.yaml": replace(POLICY_RULES, """\
  exceptions:
    - rule: CG605
      subject: environment:eda-py311@1
      reason: EDA image is rebuilt nightly; pinning tracked in RISK-142.
      expires: 2025-06-30
""" + POLICY_RULES)},
        at="policy.yaml", line=41,
    ),
    passes(
        "the policy changes the level of a rule it controls, and its exception is current.",
        {"policy.yaml": replace(POLICY_RULES, """\
  rules:
    CG605: {level: warning}
  exceptions:
    - rule: CG605
      subject: environment:eda-py311@1
      reason: EDA image is rebuilt nightly; pinning tracked in RISK-142.
      expires: 2030-06-30
""" + POLICY_RULES)},
    ),
]
