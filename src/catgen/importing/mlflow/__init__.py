"""The MLflow bridge: a tracking server and model registry, read through ``MlflowClient``, as catgen manifests.

``store`` reads the store into plain data (the one module that imports MLflow, and
only when called); ``mapping`` turns registered model versions, their runs and
dataset inputs into Models, Jobs and Data; ``aliases`` turns aliases into
Promotions and revocations by comparing them with what earlier imports recorded.
"""
