"""A real MLflow tracking store and model registry for the tests of ``catgen import mlflow``.

A sqlite file in a temporary folder with a local artifact folder, no server. MLflow is
imported here, inside functions, never when tests are collected (it takes a second).

The store ``build_store`` makes:

- experiment ``churn``; a finished parent run ``sweep`` with a git commit and repository;
- ``train``, a finished child of ``sweep``: params, three values of ``auc`` (the last, 0.88,
  is the one kept), a dataset input logged with ``mlflow.log_input`` (digest, source), git tags,
  a description (``mlflow.note.content``);
- ``retrain``, finished, logged as an MLflow 3 logged model, with a commit but no repository;
- ``live``, still RUNNING;
- registered model ``churn`` (description, tag ``team``): v1 from ``train``, v2 from the logged
  model of ``retrain`` (source ``models:/m-...``), v3 from ``live``; aliases ``champion`` -> 1,
  ``challenger`` -> 2.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

COMMIT = "0123456789abcdef0123456789abcdef01234567"
REPOSITORY = "https://example.com/contoso/churn.git"
DATA_URL = "https://data.example.com/churn/train.csv"
DIGEST = "5e1f0c2a"


def mlflow_module():
    """MLflow, imported on first use with its telemetry off (the tests run offline)."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    import mlflow

    return mlflow


@dataclass
class Store:
    uri: str
    client: object
    runs: dict  # run name -> run id
    logged_model: str  # the model id of the logged model behind churn v2


def build_store(folder: Path) -> Store:
    mlflow = mlflow_module()
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)  # the registry looks logged models up through the global client
    mlflow.set_registry_uri(uri)
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("churn", artifact_location=(folder / "artifacts").as_uri())
    runs = {}
    git = {"mlflow.source.git.commit": COMMIT, "mlflow.source.git.repoURL": REPOSITORY}
    runs["sweep"] = _finished(client, experiment, "sweep", tags=git)
    runs["train"] = _train(mlflow, client, experiment, runs["sweep"], git)
    runs["retrain"] = _finished(client, experiment, "retrain", tags={"mlflow.source.git.commit": COMMIT[:12]},
                                metrics={"auc": [0.9]})
    logged = client.create_logged_model(experiment, name="model", source_run_id=runs["retrain"])
    runs["live"] = client.create_run(experiment, run_name="live").info.run_id  # never ended
    client.create_registered_model("churn", tags={"team": "risk"}, description="Churn classifier.")
    client.create_model_version("churn", f"runs:/{runs['train']}/model", run_id=runs["train"],
                                description="First churn model.", tags={"reviewed": "yes"})
    client.create_model_version("churn", f"models:/{logged.model_id}", model_id=logged.model_id)
    client.create_model_version("churn", f"runs:/{runs['live']}/model", run_id=runs["live"])
    client.set_registered_model_alias("churn", "champion", "1")
    client.set_registered_model_alias("churn", "challenger", "2")
    return Store(uri, client, runs, logged.model_id)


def _finished(client, experiment: str, name: str, *, tags: dict, metrics: dict | None = None,
              parent: str | None = None) -> str:
    run_tags = dict(tags, **({"mlflow.parentRunId": parent} if parent else {}))
    run_id = client.create_run(experiment, run_name=name, tags=run_tags).info.run_id
    for key, values in (metrics or {}).items():
        for step, value in enumerate(values):
            client.log_metric(run_id, key, value, step=step)
    client.set_terminated(run_id)
    return run_id


def _train(mlflow, client, experiment: str, parent: str, git: dict) -> str:
    tags = dict(git, **{"mlflow.note.content": "Trained on the March extract."})
    run_id = _finished(client, experiment, "train", tags=tags, metrics={"auc": [0.80, 0.91, 0.88], "loss": [0.4]},
                       parent=parent)
    for key, value in (("learning_rate", "0.1"), ("depth", "6")):
        client.log_param(run_id, key, value)
    with mlflow.start_run(run_id=run_id):  # the fluent API, as a training script logs its data
        mlflow.log_input(_dataset(), context="training")
    return run_id


def _dataset():
    """A dataset that needs neither pandas nor numpy: an HTTP source and a fixed digest."""
    from mlflow.data.dataset import Dataset
    from mlflow.data.http_dataset_source import HTTPDatasetSource

    class CsvDataset(Dataset):
        def _compute_digest(self) -> str:
            return DIGEST

        @property
        def profile(self):
            return None

        @property
        def schema(self):
            return None

    return CsvDataset(HTTPDatasetSource(DATA_URL), name="churn-train")
