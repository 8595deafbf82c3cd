"""Registered model versions, their runs and dataset inputs as Models, Jobs and Data (SPEC §5, §8).

Pure: reads a ``store.Snapshot`` and plans manifests. Names are deterministic:
a model keeps its MLflow name (characters catgen names do not allow become
``-``), a run becomes the Job ``mlflow-run-<run id>`` (a run's name can be
changed in MLflow, its id cannot), a dataset becomes Data ``<name>@<digest>``.

Append-only (SPEC §8): a run is imported once it has ended (FINISHED, FAILED or
KILLED), with every run above it; until then the model versions it trained are
skipped and reported, since an imported Job is never rewritten. What MLflow does
not say is written as catgen's "unknown" values: data is ``unclassified``, a
run's type is ``command``.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from datetime import datetime, timezone

from catgen.importing.mlflow.store import ENDED, Snapshot
from catgen.importing.plan import IMPORT_TAG, ImportPlan, Note, PlannedManifest
from catgen.model import NAME_RE, VERSION_RE

IMPORTER = "mlflow"  # the value of the catgen.import tag on everything this bridge writes
JOB_PREFIX = "mlflow-run-"
TAG_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$")
MAX_TAG_VALUE = 1000  # longer MLflow tags (serialised histories) are reported, not copied
GIT_COMMIT = "mlflow.source.git.commit"
GIT_REPOSITORIES = ("mlflow.source.git.repoURL", "mlflow.gitRepoURL")
RUN_NOTE = "mlflow.note.content"  # a run's description in the MLflow UI
_COMMIT = re.compile(r"^[0-9a-fA-F]{7,40}$")
_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_TABLES = {"delta_table", "spark", "uc_volume"}


def catgen_name(text: str, limit: int = 128) -> str | None:
    """``text`` as a catgen name (SPEC §3): other characters become ``-``; None when nothing is left."""
    name = _NOT_NAME.sub("-", text or "").lstrip("._-")[:limit]
    return name if NAME_RE.match(name) else None


def catgen_version(text: str) -> str | None:
    version = catgen_name(str(text), 64)
    return version if version and VERSION_RE.match(version) else None


def is_person(text) -> bool:
    """SPEC §2: a person has no whitespace, control or format characters."""
    return isinstance(text, str) and bool(text) and all(unicodedata.category(c)[0] not in "ZC" for c in text)


def moment(ms) -> datetime | None:
    """MLflow's milliseconds since 1970 as a UTC time, or None when absent or out of range."""
    if not isinstance(ms, (int, float)) or isinstance(ms, bool) or ms <= 0:
        return None
    try:
        return datetime.fromtimestamp(ms / 1000, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def plan_assets(snapshot: Snapshot, workspace: str, registry: str | None) -> tuple[ImportPlan, dict]:
    """The plan of Models, Jobs and Data; and each MLflow model name -> its catgen name, with planned versions."""
    plan = ImportPlan()
    jobs: dict = {}  # run id -> job ref (None when the run could not be imported)
    planned: dict = {}  # MLflow model name -> (catgen name, {versions planned})
    home = f"registry:{registry}" if registry else f"workspace:{workspace}"
    for model in snapshot.models:
        name = catgen_name(model.name)
        if name is None:
            plan.skipped.append(Note(f"mlflow model {model.name}", "name", "no letter or digit to name it by"))
            continue
        if name != model.name:
            plan.not_carried.append(Note(f"mlflow model {model.name}", "name",
                                         f"written as {name}: catgen names use letters, digits, '.', '_' and '-'"))
        versions = planned.setdefault(model.name, (name, set()))[1]
        for version in model.versions:
            source = f"mlflow model {model.name} v{version.version}"
            why = _not_importable(snapshot, version)
            if why:
                plan.skipped.append(Note(source, None, why))
                continue
            job = _plan_job(snapshot, version.run_id, workspace, plan, jobs) if version.run_id else None
            if version.run_id is None:
                plan.not_carried.append(Note(source, "run_id", "registered without a run: no training job"))
            plan.manifests.append(PlannedManifest(_model(model, version, name, home, job, plan, source), source))
            versions.add(version.version)
    return plan, planned


def _not_importable(snapshot: Snapshot, version) -> str | None:
    """Why the version waits or cannot be a catgen Model, or None."""
    if version.status != "READY":
        return f"its registration is {version.status}, not READY"
    if catgen_version(version.version) != version.version:
        return f"version {version.version!r} is not a catgen version"
    run_id, seen = version.run_id, set()
    while run_id and run_id in snapshot.runs and run_id not in seen:
        seen.add(run_id)
        run = snapshot.runs[run_id]
        if not run.ended:
            whose = "its run" if run_id == version.run_id else f"the parent run {run_id} of its run"
            return (f"{whose} {run.run_id} is {run.status}: a run is imported once it has ended (an imported "
                    "job is never rewritten); the version follows then")
        run_id = run.parent_id
    return None


def _model(model, version, name: str, home: str, job: str | None, plan: ImportPlan, source: str) -> dict:
    metadata: dict = {"name": name, "version": version.version}
    description = version.description or model.description
    if description:
        metadata["description"] = description
    if is_person(version.user_id):
        metadata["owner"] = version.user_id
    raw_tags = {**model.tags, **version.tags}
    if version.source and not version.source.startswith("models:/"):
        raw_tags.setdefault("mlflow.source", version.source)
    if version.logged_model:
        raw_tags.setdefault("mlflow.logged_model", version.logged_model)
    metadata["tags"] = _tags(raw_tags, plan, source)
    created = moment(version.created_ms)
    if created:
        metadata["created"] = created
    if version.current_stage:
        plan.not_carried.append(Note(source, "current_stage", f"MLflow stage {version.current_stage!r} (deprecated "
                                     "in MLflow): map an alias to a catgen stage with --alias"))
    home_kind, home_ref = home.split(":", 1)
    spec: dict = {"type": "mlflow_model", "path": f"models:/{model.name}/{version.version}",
                  home_kind: f"{home_kind}:{home_ref}"}
    if job:
        spec["job"] = job
    return _manifest("Model", metadata, spec)


def _manifest(kind: str, metadata: dict, spec: dict) -> dict:
    return {"apiVersion": "catgen/v1", "kind": kind, "metadata": metadata, "spec": spec}


def _tags(raw: dict, plan: ImportPlan, source: str) -> dict:
    """MLflow tags that catgen tags can hold, sorted, with the import's own tag; the others reported."""
    tags = {}
    for key in sorted(raw):
        value = raw[key]
        if not TAG_KEY.match(str(key)):
            plan.not_carried.append(Note(source, f"tags.{key}", "a tag name catgen does not allow"))
        elif not isinstance(value, str) or len(value) > MAX_TAG_VALUE:
            plan.not_carried.append(Note(source, f"tags.{key}", f"a value over {MAX_TAG_VALUE} characters"))
        else:
            tags[str(key)] = value
    tags[IMPORT_TAG] = IMPORTER
    return tags


def _plan_job(snapshot: Snapshot, run_id: str, workspace: str, plan: ImportPlan, jobs: dict) -> str | None:
    """Plan the run's Job (and its parents' and data), once; its reference, or None when it cannot be."""
    if run_id in jobs:
        return jobs[run_id]
    source = f"mlflow run {run_id}"
    run = snapshot.runs.get(run_id)
    name = catgen_name(JOB_PREFIX + run_id)
    jobs[run_id] = None
    if run is None or name is None:
        why = snapshot.unreadable_runs.get(run_id, "not read: too far above the model's run")
        plan.not_carried.append(Note(source, None, f"could not be read ({why}): no job for it"))
        return None
    jobs[run_id] = f"job:{name}"
    parent = _plan_job(snapshot, run.parent_id, workspace, plan, jobs) if run.parent_id else None
    plan.manifests.append(PlannedManifest(_job(run, name, workspace, parent, plan, source), source))
    return jobs[run_id]


def _job(run, name: str, workspace: str, parent: str | None, plan: ImportPlan, source: str) -> dict:
    metadata: dict = {"name": name}
    if run.tags.get(RUN_NOTE):
        metadata["description"] = run.tags[RUN_NOTE]
    metadata["tags"] = _tags({k: v for k, v in run.tags.items() if k != RUN_NOTE}, plan, source)
    spec: dict = {"workspace": f"workspace:{workspace}", "type": "command", "status": ENDED[run.status]}
    code = _code(run, plan, source)
    if code:
        spec["code"] = code
    inputs = _plan_data(run, workspace, plan, source)
    if inputs:
        spec["inputs"] = inputs
    if run.params:
        spec["parameters"] = {key: str(run.params[key]) for key in sorted(run.params)}
    metrics = _metrics(run, plan, source)
    if metrics:
        spec["metrics"] = metrics
    if run.artifact_uri:
        spec["logs"] = run.artifact_uri
    if parent:
        spec["parent"] = parent
    for field, ms in (("started", run.start_ms), ("ended", run.end_ms)):
        if moment(ms):
            spec[field] = moment(ms)
    return _manifest("Job", metadata, spec)


def _code(run, plan: ImportPlan, source: str) -> dict | None:
    commit = run.tags.get(GIT_COMMIT)
    repository = next((run.tags[key] for key in GIT_REPOSITORIES if run.tags.get(key)), None)
    if not commit:
        return None
    if not _COMMIT.match(commit):
        plan.not_carried.append(Note(source, f"tags.{GIT_COMMIT}", "not a commit (7 to 40 hexadecimal digits)"))
        return None
    if not repository:
        plan.not_carried.append(Note(source, f"tags.{GIT_COMMIT}", f"a commit without a repository "
                                     f"({GIT_REPOSITORIES[0]}): no code for the job"))
        return None
    return {"repository": repository, "commit": commit}


def _metrics(run, plan: ImportPlan, source: str) -> dict:
    metrics = {}
    for key in sorted(run.metrics):
        value = run.metrics[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            metrics[key] = value
        else:
            plan.not_carried.append(Note(source, f"metrics.{key}", f"{value!r} is not a finite number"))
    return metrics


def _plan_data(run, workspace: str, plan: ImportPlan, source: str) -> dict:
    """Each dataset input as Data ``<name>@<digest>``; the job's inputs (name -> data reference)."""
    inputs: dict = {}
    for dataset in run.datasets:
        field = f"inputs.{dataset.name}"
        name, version = catgen_name(dataset.name), catgen_version(dataset.digest)
        location = dataset_location(dataset.source_type, dataset.source)
        if not (name and version and location):
            what = "a usable name" if not name else "a digest" if not version else "a location in its source"
            plan.not_carried.append(Note(source, field, f"dataset without {what}: not imported"))
            continue
        key = name if name not in inputs else f"{name}-{version}"
        inputs[key] = f"data:{name}@{version}"
        kind = "table" if dataset.source_type in _TABLES else _file_or_folder(location)
        metadata = {"name": name, "version": version,
                    "tags": {IMPORT_TAG: IMPORTER, "mlflow.source_type": dataset.source_type or "unknown"}}
        spec = {"workspace": f"workspace:{workspace}", "type": kind, "path": location, "classification": "unclassified"}
        plan.manifests.append(PlannedManifest(_manifest("Data", metadata, spec), source))
    return inputs


def keep_reviewed_data(plan: ImportPlan, catalog) -> None:
    """Leave Data the catalog already has as it is: people set its ``classification`` and ``contains_pii``.

    The import writes ``unclassified``; a reviewer classifies the data in the pull request that
    brings it. A later import must not then see a published Data changed, so it plans none again.
    """
    plan.manifests = [p for p in plan.manifests if p.document["kind"] != "Data" or catalog.get(
        "Data", p.document["metadata"]["name"], p.document["metadata"]["version"]) is None]


def dataset_location(source_type: str, source: str) -> str | None:
    """Where a dataset is, from MLflow's JSON description of its source (``uri``, ``url`` or ``path``)."""
    try:
        described = json.loads(source)
    except (ValueError, TypeError):
        return None
    if not isinstance(described, dict):
        return None
    found = next((described[k] for k in ("uri", "url", "path") if isinstance(described.get(k), str)), None)
    if not found or not found.strip():
        return None
    if source_type == "huggingface" and "://" not in found:
        return f"hf://datasets/{found}"
    return found


def _file_or_folder(location: str) -> str:
    last = location.rstrip("/").rsplit("/", 1)[-1]
    return "uri_file" if "." in last and not location.endswith("/") else "uri_folder"
