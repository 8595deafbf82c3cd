"""Benchmark: ``catgen import`` at scale.

``azureml``: generates 1,000 Azure ML CLI v2 YAML files (models, environments
with a digest or a Docker context, data, command components, command, sweep
and pipeline jobs, online endpoints and blue/green deployments) in a temporary
folder, then times ``catgen import azureml`` into a fresh catalog (cold: every
manifest written) and again (idempotent: nothing written), best of 3 each.
Run:

    .venv/bin/python benchmarks/bench_import.py azureml [--files 1000] [--runs 3]

``mlflow``: creates a real MLflow store (sqlite file, local artifacts; needs the ``mlflow``
extra) with 1,000 finished runs (params, metrics logged three times each, git tags, a
dataset input on every tenth) registered as versions of 10 models with two aliases each,
then times ``catgen import mlflow`` into a fresh catalog (cold) and again (idempotent),
best of 3 each. Run:

    .venv/bin/python benchmarks/bench_import.py mlflow [--mlflow-runs 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

from catgen.commands import import_azureml

SCHEMA = "$schema: https://azuremlschemas.azureedge.net/latest/{}.schema.json\n"
DIGEST = "@sha256:" + "ab" * 32


def azure_files(folder: Path, count: int) -> int:
    """Write ``count`` Azure ML files (a fixed mix of kinds) under ``folder``; returns how many were written."""
    makers = [_model, _environment, _data, _component, _command_job, _sweep_job, _pipeline_job, _endpoint]
    written = 0
    for index in range(count):
        written += makers[index % len(makers)](folder, index)
        if written >= count:
            break
    return written


def _write(folder: Path, relpath: str, text: str) -> int:
    path = folder / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return 1


def _model(folder, i):
    return _write(folder, f"models/m{i}.yml", SCHEMA.format("model") + f"name: model-{i}\nversion: {i % 7 + 1}\n"
                  f"type: mlflow_model\npath: azureml://jobs/train-{i}/outputs/artifacts/paths/model/\n"
                  f"description: Model {i}.\ntags: {{team: risk}}\n")


def _environment(folder, i):
    body = f"image: mcr.microsoft.com/azureml/base:{i}{DIGEST}\n" if i % 2 else "build:\n  path: docker-context\n"
    return _write(folder, f"environments/e{i}.yml", SCHEMA.format("environment") + f"name: env-{i}\nversion: 1\n{body}")


def _data(folder, i):
    return _write(folder, f"data/d{i}.yml", SCHEMA.format("data") + f"name: data-{i}\nversion: '1.{i}'\n"
                  f"type: uri_folder\npath: azureml://datastores/blob/paths/data-{i}/\n")


def _component(folder, i):
    return _write(folder, f"components/c{i}.yml", SCHEMA.format("commandComponent") + f"name: comp-{i}\nversion: 1\n"
                  "type: command\ninputs:\n  training_data: {type: uri_folder}\n  lr: {type: number, default: 0.1}\n"
                  "outputs:\n  model_output: {type: mlflow_model}\ncode: ./src\n"
                  f"environment: azureml:env-{i}:1\ncommand: python train.py\n")


def _command_job(folder, i):
    return _write(folder, f"jobs/j{i}.yml", SCHEMA.format("commandJob") + f"name: job-{i}\n"
                  "command: python main.py\ninputs:\n  data: {type: uri_folder, path: ./data}\n  epochs: 10\n"
                  f"environment: azureml:env-{i}:1\ncompute: azureml:cpu\n")


def _sweep_job(folder, i):
    return _write(folder, f"jobs/s{i}.yml", SCHEMA.format("sweepJob") + f"name: sweep-{i}\ntype: sweep\n"
                  f"trial:\n  command: python main.py\n  environment: azureml:env-{i}:1\n"
                  "sampling_algorithm: random\nsearch_space:\n  lr: {type: uniform, min_value: 0.01, max_value: 0.9}\n"
                  "objective: {goal: maximize, primary_metric: auc}\nlimits: {max_total_trials: 20}\n")


def _pipeline_job(folder, i):
    steps = (f"  train:\n    component: azureml:comp-{i - 3}:1\n    inputs:\n"
             "      training_data: ${{parent.inputs.raw}}\n"
             f"  score:\n    command: python score.py\n    environment: azureml:env-{i}:1\n    inputs:\n"
             "      model: ${{parent.jobs.train.outputs.model_output}}\n")
    return _write(folder, f"pipelines/p{i}.yml", SCHEMA.format("pipelineJob") + f"name: pipe-{i}\ntype: pipeline\n"
                  "inputs:\n  raw: {type: uri_folder, path: ./raw}\njobs:\n" + steps)


def _endpoint(folder, i):
    written = _write(folder, f"endpoints/{i}/endpoint.yml", SCHEMA.format("managedOnlineEndpoint")
                     + f"name: ep-{i}\nauth_mode: key\ntraffic: {{blue: 90, green: 10}}\n")
    for colour in ("blue", "green"):
        written += _write(folder, f"endpoints/{i}/{colour}.yml", SCHEMA.format("managedOnlineDeployment")
                          + f"name: {colour}\nendpoint_name: ep-{i}\nmodel: azureml:model-{i - 7}:{(i - 7) % 7 + 1}\n"
                          f"instance_type: Standard_DS3_v2\ninstance_count: 1\n")
    return written


def _catalog(root: Path) -> None:
    (root / "workspaces").mkdir(parents=True)
    (root / "policy.yaml").write_text("apiVersion: catgen/v1\nkind: Policy\nmetadata: {name: default}\n"
                                      "spec:\n  stages:\n    - name: dev\n")
    (root / "workspaces/dev.yaml").write_text("apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: dev}\n"
                                              "spec: {stage: dev, region: eastus}\n")


def _timed_import(files: Path, root: Path) -> tuple[float, str]:
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        import_azureml.run([str(files)], str(root), workspace="dev")
    return time.perf_counter() - start, out.getvalue().splitlines()[-1]


def bench_azureml(count: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        files = Path(temp) / "azureml"
        written = azure_files(files, count)
        cold, again = [], []
        for run in range(runs):
            root = Path(temp) / f"catalog{run}"
            _catalog(root)
            seconds, summary = _timed_import(files, root)
            cold.append(seconds)
            seconds, again_summary = _timed_import(files, root)
            again.append(seconds)
            shutil.rmtree(root)
        print(f"{written} Azure ML files")
        print(f"cold import, best of {runs}:        {min(cold):.3f} s  ({summary})")
        print(f"idempotent re-import, best of {runs}: {min(again):.3f} s  ({again_summary})")


def mlflow_store(folder: Path, count: int, models: int = 10) -> str:
    """A sqlite MLflow store with ``count`` finished runs, each registered as a version; returns its URI."""
    import os

    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    from mlflow import MlflowClient
    from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag

    uri = f"sqlite:///{folder / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("bench", artifact_location=(folder / "artifacts").as_uri())
    for model in range(models):
        client.create_registered_model(f"model-{model}", description=f"Model {model}.")
    for index in range(count):
        run_id = client.create_run(experiment, run_name=f"run-{index}").info.run_id
        now = int(time.time() * 1000)
        client.log_batch(run_id, metrics=[Metric("auc", 0.7 + step / 100 + index / 1e5, now, step)
                                          for step in range(3)],
                         params=[Param("lr", str(index % 10 / 100)), Param("depth", str(index % 8))],
                         tags=[RunTag("mlflow.source.git.commit", f"{index:040x}"),
                               RunTag("mlflow.source.git.repoURL", "https://example.com/ml.git")])
        if index % 10 == 0:
            dataset = Dataset(f"data-{index // 100}", f"d{index:07x}", "http",
                              f'{{"url": "https://data.example.com/{index}.csv"}}')
            client.log_inputs(run_id, datasets=[DatasetInput(dataset, [InputTag("mlflow.data.context", "training")])])
        client.set_terminated(run_id)
        client.create_model_version(f"model-{index % models}", f"runs:/{run_id}/model", run_id=run_id)
    for model in range(models):
        client.set_registered_model_alias(f"model-{model}", "champion", "1")
        client.set_registered_model_alias(f"model-{model}", "challenger", "2")
    return uri


def _timed_mlflow_import(uri: str, root: Path) -> tuple[float, str]:
    from catgen.commands import import_mlflow

    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        import_mlflow.run(str(root), tracking_uri=uri, workspace="dev", registry=None, models=[],
                          aliases=["champion=dev"], requested_by=None, dry_run=False)
    return time.perf_counter() - start, out.getvalue().splitlines()[-1]


def bench_mlflow(count: int, runs: int) -> None:
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as temp:
        start = time.perf_counter()
        uri = mlflow_store(Path(temp), count)
        made = time.perf_counter() - start
        cold, again = [], []
        for run in range(runs):
            root = Path(temp) / f"catalog{run}"
            _catalog(root)
            seconds, summary = _timed_mlflow_import(uri, root)
            cold.append(seconds)
            seconds, again_summary = _timed_mlflow_import(uri, root)
            again.append(seconds)
            shutil.rmtree(root)
        print(f"MLflow store with {count} finished runs and registered versions, made in {made:.1f} s")
        print(f"cold import, best of {runs}:        {min(cold):.3f} s  ({summary})")
        print(f"idempotent re-import, best of {runs}: {min(again):.3f} s  ({again_summary})")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="source", required=True)
    azureml = commands.add_parser("azureml", help="import generated Azure ML CLI v2 YAML files")
    azureml.add_argument("--files", type=int, default=1000)
    azureml.add_argument("--runs", type=int, default=3)
    mlflow = commands.add_parser("mlflow", help="import a generated MLflow store (needs the mlflow extra)")
    mlflow.add_argument("--mlflow-runs", type=int, default=1000)
    mlflow.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.source == "azureml":
        bench_azureml(args.files, args.runs)
    if args.source == "mlflow":
        bench_mlflow(args.mlflow_runs, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
