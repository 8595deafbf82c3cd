"""Bring in what teams already have: the bridges from Azure ML and MLflow to catgen manifests.

Each bridge reads its source into an ``ImportPlan`` (``plan.py``: the manifests it
would write, what it could not carry over, what it skipped); ``plan.apply_plan``
is the one way a plan reaches the catalog (append-only, idempotent, atomic).
"""
