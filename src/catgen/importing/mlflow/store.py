"""Read an MLflow tracking store and model registry through ``MlflowClient``, into plain data.

The one module that imports MLflow, and only when ``read_store`` runs: without the
``mlflow`` extra, catgen works and ``catgen import mlflow`` says how to install it.
Everything else in the bridge reads the ``Snapshot`` this module returns.

Known traps of the client API, handled here:

- ``search_model_versions`` returns versions without their aliases; the
  registered model (``get_registered_model``) has them.
- In MLflow 3 ``ModelVersion.model_id`` may be empty while ``source`` names the
  logged model (``models:/m-...``); a version without ``run_id`` gets its run
  from that logged model's ``source_run_id``.
- ``get_run`` gives the last value of each metric only (its history is not read).

Reading is read-only: a local store (``sqlite:///...``, a folder) that does not
exist is refused rather than created, and MLflow's usage telemetry is off unless
the environment says otherwise (catgen works offline). MLflow makes its tables in
a database that has none, and its folders in a folder: a sqlite store is opened
read-only (SQLite's ``mode=ro``), so a file that is no MLflow store is refused,
not written to, and a folder that holds no MLflow experiment is refused.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlparse

from catgen.errors import CatalogError

INSTALL = "catgen import mlflow needs MLflow; install it with: pip install 'catgen-registry[mlflow]'"
ENDED = {"FINISHED": "completed", "FAILED": "failed", "KILLED": "canceled"}  # run status -> catgen Job status
MAX_ANCESTORS = 64  # parent runs followed above a model's run (a cycle or a deep chain stops there)
PAGE = 1000
_LOGGED_MODEL = re.compile(r"models:/(m-[A-Za-z0-9]+)/?\Z")
_ENVIRONMENT = {  # unless the user set them: no usage telemetry, and a server that does not answer fails fast
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
}


@dataclass(frozen=True)
class DatasetInput:
    name: str
    digest: str
    source_type: str
    source: str  # MLflow's JSON text describing where the data is
    context: str | None  # the input's ``mlflow.data.context`` tag (training, eval, ...)


@dataclass(frozen=True)
class Run:
    run_id: str
    status: str  # RUNNING, SCHEDULED, FINISHED, FAILED, KILLED
    start_ms: int | None
    end_ms: int | None
    artifact_uri: str | None
    params: dict
    metrics: dict  # the last value of each metric, as get_run gives it
    tags: dict
    datasets: tuple = ()

    @property
    def parent_id(self) -> str | None:
        return self.tags.get("mlflow.parentRunId") or None

    @property
    def ended(self) -> bool:
        return self.status in ENDED


@dataclass(frozen=True)
class Version:
    model: str
    version: str
    description: str
    tags: dict
    created_ms: int | None
    user_id: str | None
    status: str  # READY, PENDING_REGISTRATION, FAILED_REGISTRATION
    source: str
    run_id: str | None  # the version's run, or its logged model's run
    logged_model: str | None  # MLflow 3: the logged model it was registered from (m-...)
    current_stage: str | None  # MLflow's deprecated stages (Staging, Production, Archived)


@dataclass(frozen=True)
class RegisteredModel:
    name: str
    description: str
    tags: dict
    aliases: dict  # alias -> version (as a string)
    versions: tuple


@dataclass
class Snapshot:
    tracking_uri: str
    models: list = field(default_factory=list)
    runs: dict = field(default_factory=dict)  # run id -> Run
    unreadable_runs: dict = field(default_factory=dict)  # run id -> why it could not be read


def read_store(tracking_uri: str | None, model_names: list[str]) -> Snapshot:
    """The registered models (all, or those named), their versions and aliases, and the runs behind them."""
    mlflow = _import_mlflow()
    uri = tracking_uri or mlflow.get_tracking_uri()
    _refuse_missing_local_store(uri)
    read_uri = read_only(uri)
    for name in ("mlflow", "alembic"):  # schema checks and migrations log at INFO: the report stays the output
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        with _no_database_folder_made(read_uri != uri):
            client = mlflow.MlflowClient(tracking_uri=read_uri, registry_uri=read_uri)
            names = list(dict.fromkeys(model_names)) or _all_model_names(client)
            snapshot = Snapshot(uri, [_read_model(client, name) for name in names])
            _read_runs(client, snapshot, mlflow.exceptions.MlflowException)
    except Exception as err:  # noqa: BLE001 - MLflow lets database and network errors through unwrapped
        message = (str(getattr(err, "message", err)).strip() or type(err).__name__).splitlines()[0]
        if "readonly database" in message:  # MLflow went to make or migrate its tables: none, or another version's
            message = "it holds no MLflow tables of this MLflow version (nothing was written to it)"
        raise CatalogError(f"MLflow at {_shown(uri)} could not be read: {message}") from None
    return snapshot


@contextlib.contextmanager
def _no_database_folder_made(read_only_file: bool):
    """Meanwhile, MLflow makes no folder for a read-only sqlite database: it makes the folder of the database as
    SQLAlchemy names it, and a URI filename's (``file:/srv/x.db``) is a new folder ``file:`` in the current one.
    The database exists (``_refuse_missing_local_store``), so its folder does too."""
    import mlflow.store.db.utils as db_utils

    made = getattr(db_utils, "_make_parent_dirs_if_sqlite", None)
    if not read_only_file or made is None:
        yield
        return
    db_utils._make_parent_dirs_if_sqlite = lambda uri: None
    try:
        yield
    finally:
        db_utils._make_parent_dirs_if_sqlite = made


def _import_mlflow():
    for key, value in _ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    try:
        import mlflow
        import mlflow.exceptions
    except ImportError:
        raise CatalogError(INSTALL) from None
    return mlflow


def _refuse_missing_local_store(uri: str) -> None:
    """A local store that is not there would be created empty by MLflow: for an import that is a typo, refused."""
    parsed = urlparse(uri)
    if parsed.scheme == "sqlite":
        path = uri[len("sqlite:///"):] if uri.startswith("sqlite:///") else ""
    elif parsed.scheme in ("", "file"):
        path = parsed.path if parsed.scheme == "file" else uri
    else:
        return
    if path in ("", ":memory:") or not os.path.exists(path):
        raise CatalogError(f"no MLflow store at {_shown(uri)}: {path or uri} does not exist; give --tracking-uri")
    if os.path.isdir(path) and not _holds_experiments(path):
        raise CatalogError(f"no MLflow store at {_shown(uri)}: the folder holds no MLflow experiment; "
                           "give --tracking-uri")


def _holds_experiments(folder: str) -> bool:
    """An MLflow file store: an experiment's folder (with its ``meta.yaml``) or the registry's ``models`` folder."""
    try:
        with os.scandir(folder) as entries:
            return any(entry.is_dir() and (entry.name == "models" or
                                           os.path.isfile(os.path.join(entry.path, "meta.yaml"))) for entry in entries)
    except OSError:
        return False


def read_only(uri: str) -> str:
    """A ``sqlite:///PATH`` store as SQLite opens a file read-only (a URI filename, ``mode=ro``); others as given."""
    if not uri.startswith("sqlite:///"):
        return uri
    path, _, query = uri[len("sqlite:///"):].partition("?")
    return f"sqlite:///file:{quote(os.path.abspath(path))}?mode=ro&uri=true" + (f"&{query}" if query else "")


def _shown(uri: str) -> str:
    """The URI without a password (``https://user:secret@host`` -> ``https://user:***@host``)."""
    return re.sub(r"(//[^/:@]*:)[^/@]*@", r"\1***@", uri)


def _all_model_names(client) -> list[str]:
    names, token = [], None
    while True:
        page = client.search_registered_models(max_results=PAGE, page_token=token)
        names += [model.name for model in page]
        token = page.token
        if not token:
            return sorted(names)


def _read_model(client, name: str) -> RegisteredModel:
    registered = client.get_registered_model(name)  # the aliases live here, not on the versions
    versions, token = [], None
    while True:
        page = client.search_model_versions(filter_string=_name_filter(name), max_results=PAGE, page_token=token)
        versions += [_version(client, found) for found in page if found.name == name]
        token = page.token
        if not token:
            break
    versions.sort(key=lambda v: (len(v.version), v.version))  # 2 before 10
    aliases = {str(alias): str(version) for alias, version in (registered.aliases or {}).items()}
    return RegisteredModel(name, registered.description or "", dict(registered.tags or {}), aliases, tuple(versions))


def _name_filter(name: str) -> str:
    if "'" in name and '"' not in name:
        return f'name="{name}"'
    return "name='{}'".format(name.replace("'", "\\'"))


def _version(client, found) -> Version:
    run_id = found.run_id or _logged_model_run(client, found)
    stage = found.current_stage if found.current_stage not in (None, "", "None") else None
    return Version(found.name, str(found.version), found.description or "", dict(found.tags or {}),
                   found.creation_timestamp, found.user_id or None, str(found.status or "READY"), found.source or "",
                   run_id or None, logged_model_id(found), stage)


def logged_model_id(found) -> str | None:
    """The logged model a version was registered from: ``model_id``, or (MLflow 3, often) the one ``source`` names."""
    model_id = getattr(found, "model_id", None)
    if model_id:
        return model_id
    match = _LOGGED_MODEL.match(found.source or "")
    return match.group(1) if match else None


def _logged_model_run(client, found) -> str | None:
    model_id = logged_model_id(found)
    if model_id is None or not hasattr(client, "get_logged_model"):  # MLflow 2 has no logged models
        return None
    try:
        return client.get_logged_model(model_id).source_run_id or None
    except Exception:  # noqa: BLE001 - a logged model that is gone leaves the version without a run, reported
        return None


def _read_runs(client, snapshot: Snapshot, mlflow_error) -> None:
    """The runs of every version, and their parents up to ``MAX_ANCESTORS`` levels."""
    wanted = [v.run_id for model in snapshot.models for v in model.versions if v.run_id]
    for _ in range(MAX_ANCESTORS + 1):
        wanted = [run_id for run_id in dict.fromkeys(wanted)
                  if run_id not in snapshot.runs and run_id not in snapshot.unreadable_runs]
        if not wanted:
            return
        for run_id in wanted:
            try:
                snapshot.runs[run_id] = _run(client.get_run(run_id))
            except mlflow_error as err:
                snapshot.unreadable_runs[run_id] = str(getattr(err, "message", err)).strip().splitlines()[0]
        wanted = [snapshot.runs[r].parent_id for r in wanted if r in snapshot.runs and snapshot.runs[r].parent_id]


def _run(entity) -> Run:
    info, data = entity.info, entity.data
    inputs = getattr(entity, "inputs", None)
    datasets = tuple(
        DatasetInput(found.dataset.name or "", found.dataset.digest or "", found.dataset.source_type or "",
                     found.dataset.source or "", _context(found.tags))
        for found in (getattr(inputs, "dataset_inputs", None) or ())
    )
    return Run(info.run_id, str(info.status), info.start_time, info.end_time, info.artifact_uri,
               dict(data.params or {}), dict(data.metrics or {}), dict(data.tags or {}), datasets)


def _context(tags) -> str | None:
    return next((tag.value for tag in tags or () if tag.key == "mlflow.data.context"), None)
