"""Changes to the example catalog that ``catgen diff`` reviews: a new model version promoted, a
deployment switched, a revocation, a policy change. Each edits a ``GitRepo`` whose base is the example."""

from __future__ import annotations

JOB = """\
apiVersion: catgen/v1
kind: Job
metadata:
  name: train-credit-risk-prod-1104
  owner: bob@contoso.com
spec:
  workspace: workspace:ml-prod-weu
  type: pipeline
  status: completed
  component: component:credit-risk-pipeline@1
  environment: environment:lightgbm-py311@2
  code: {repository: "https://github.com/contoso/credit-ml", commit: "9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0"}
  inputs: {training_data: "data:loans-prod@7"}
  metrics: {auc: AUC, accuracy: 0.921}
  baseline: job:train-credit-risk-dev-0901
  started: 2024-11-04T06:00:00Z
  ended: 2024-11-04T08:00:00Z
"""
MODEL = """\
apiVersion: catgen/v1
kind: Model
metadata:
  name: credit-risk
  version: "4"
  description: DESCRIPTION
  owner: risk-team@contoso.com
  created: 2024-11-04T09:00:00Z
spec:
  workspace: workspace:ml-prod-weu
  type: mlflow_model
  path: azureml://jobs/train-credit-risk-prod-1104/outputs/artifacts/paths/model/
  job: job:train-credit-risk-prod-1104
"""
PROMOTION = """\
apiVersion: catgen/v1
kind: Promotion
metadata:
  name: NAME
spec:
  TARGET
  asset: ASSET
  requested_by: bob@contoso.com
  date: DATE
"""


def promotion(name: str, target: str, asset: str, date: str, approvers=(), extra: str = "") -> str:
    text = (PROMOTION.replace("NAME", name).replace("TARGET", target).replace("ASSET", asset)
            .replace("DATE", date))
    if approvers:
        text += "  approvals:\n" + "".join(f"    - {{by: {who}, at: {date}}}\n" for who in approvers)
    return text + extra


def write(repo, relpath: str, text: str) -> None:
    path = repo.catalog / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def new_credit_risk_version(repo, *, auc: float = 0.861, description: str = "The November retraining.",
                            shared: bool = True) -> None:
    """``model:credit-risk@4`` (trained with ``auc``), promoted to test (clean), optionally shared."""
    write(repo, "jobs/train-credit-risk-prod-1104.yaml", JOB.replace("AUC", str(auc)))
    write(repo, "models/credit-risk/4.yaml", MODEL.replace("DESCRIPTION", description))
    write(repo, "promotions/credit-risk-4-to-test.yaml",
          promotion("credit-risk-4-to-test", "stage: test", "model:credit-risk@4", "2024-11-05T10:00:00Z",
                    ["alice@contoso.com"]))
    if shared:
        write(repo, "promotions/credit-risk-4-registry-contoso-ml.yaml",
              promotion("credit-risk-4-registry-contoso-ml", "registry: registry:contoso-ml", "model:credit-risk@4",
                        "2024-11-05T11:00:00Z"))


def promote_credit_risk_4_to_prod(repo, approvers=("alice@contoso.com",)) -> None:
    write(repo, "promotions/credit-risk-4-to-prod.yaml",
          promotion("credit-risk-4-to-prod", "stage: prod", "model:credit-risk@4", "2024-11-06T10:00:00Z", approvers))


def switch_blue_to_credit_risk_4(repo) -> None:
    """Blue serves @4 at all the traffic; green (@2) keeps its place with none."""
    repo.edit("deployments/credit-risk-prod-blue.yaml", "model: model:credit-risk@3", "model: model:credit-risk@4")
    repo.edit("deployments/credit-risk-prod-blue.yaml", "traffic: 90", "traffic: 100")
    repo.edit("deployments/credit-risk-prod-green.yaml", "traffic: 10", "traffic: 0")


def revoke_fraud_detector_1(repo, reason: str = "Superseded by version 2; drift on the Q3 data.") -> None:
    write(repo, "promotions/fraud-detector-1-revoked-from-prod.yaml",
          promotion("fraud-detector-1-revoked-from-prod", "stage: prod", "model:fraud-detector@1",
                    "2024-11-07T10:00:00Z", extra=f"  revoke: true\n  reason: {reason!r}\n"))


def lower_prod_approvals(repo) -> None:
    repo.edit("policy.yaml", "approvals: 2", "approvals: 1")
