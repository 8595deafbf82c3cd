"""Reading a real MLflow store (sqlite, local artifacts) through MlflowClient, and the API's known traps."""

from __future__ import annotations

import ast
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from catgen.errors import CatalogError
from catgen.importing.mlflow import store as store_module
from catgen.importing.mlflow.store import INSTALL, logged_model_id, read_store

from testing.catalogs import POLICY, WORKSPACE, write
from testing.mlflow_store import COMMIT, DATA_URL, DIGEST, REPOSITORY, build_store

SRC = Path(__file__).resolve().parents[3] / "src" / "catgen"
pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("mlflow"))


@pytest.fixture(scope="module")
def snapshot(store):
    return read_store(store.uri, [])


def test_aliases_come_from_the_registered_model_since_searched_versions_have_none(store, snapshot):
    (churn,) = snapshot.models
    assert churn.aliases == {"champion": "1", "challenger": "2"}
    assert [v.version for v in churn.versions] == ["1", "2", "3"]
    searched = store.client.search_model_versions("name='churn'")
    assert searched and not any(v.aliases for v in searched)  # the trap this reading avoids


def test_a_run_keeps_params_tags_and_the_last_value_of_each_metric(store, snapshot):
    train = snapshot.runs[store.runs["train"]]
    assert train.metrics == {"auc": 0.88, "loss": 0.4}  # 0.80, 0.91, then 0.88
    assert train.params == {"learning_rate": "0.1", "depth": "6"}
    assert train.tags["mlflow.source.git.commit"] == COMMIT
    assert train.tags["mlflow.source.git.repoURL"] == REPOSITORY
    assert train.status == "FINISHED" and train.ended and train.artifact_uri.startswith("file:")


def test_a_dataset_input_keeps_its_name_digest_source_and_context(store, snapshot):
    (dataset,) = snapshot.runs[store.runs["train"]].datasets
    assert (dataset.name, dataset.digest, dataset.source_type, dataset.context) == (
        "churn-train", DIGEST, "http", "training")
    assert DATA_URL in dataset.source
    assert snapshot.runs[store.runs["retrain"]].datasets == ()


def test_parent_runs_are_read_above_a_model_s_run(store, snapshot):
    train = snapshot.runs[store.runs["train"]]
    assert train.parent_id == store.runs["sweep"]
    assert store.runs["sweep"] in snapshot.runs and snapshot.runs[store.runs["sweep"]].parent_id is None


def test_a_running_run_is_read_with_its_status_and_is_not_ended(store, snapshot):
    live = snapshot.runs[store.runs["live"]]
    assert live.status == "RUNNING" and not live.ended and live.end_ms is None


def test_a_version_registered_from_a_logged_model_names_it_in_source_not_model_id(store, snapshot):
    registered = store.client.get_model_version("churn", "2")
    assert not getattr(registered, "model_id", None)  # MLflow 3 leaves it empty: the trap
    version = snapshot.models[0].versions[1]
    assert version.source == f"models:/{store.logged_model}"
    assert version.logged_model == store.logged_model and version.run_id == store.runs["retrain"]
    assert snapshot.models[0].versions[0].logged_model is None  # runs:/... names no logged model


def test_a_version_without_run_id_gets_its_run_from_the_logged_model(store):
    from mlflow.entities.model_registry import ModelVersion  # as an older server returns it: no run_id

    older = ModelVersion("churn", "9", 0, source=f"models:/{store.logged_model}", run_id=None)
    assert logged_model_id(older) == store.logged_model
    assert store_module._version(store.client, older).run_id == store.runs["retrain"]
    elsewhere = ModelVersion("churn", "9", 0, source="s3://bucket/model", run_id=None)
    assert store_module._version(store.client, elsewhere).run_id is None


def test_only_the_named_models_are_read_and_an_unknown_one_stops_the_import(store):
    assert [m.name for m in read_store(store.uri, ["churn", "churn"]).models] == ["churn"]
    with pytest.raises(CatalogError, match="MLflow at sqlite:.*nope"):
        read_store(store.uri, ["nope"])


def test_a_local_store_that_does_not_exist_is_refused_not_created(tmp_path):
    missing = tmp_path / "none.db"
    with pytest.raises(CatalogError, match="no MLflow store at"):
        read_store(f"sqlite:///{missing}", [])
    assert not missing.exists()
    with pytest.raises(CatalogError, match="no MLflow store at"):
        read_store((tmp_path / "mlruns").as_uri(), [])


def test_a_file_that_is_no_mlflow_store_is_one_line(tmp_path):
    (tmp_path / "bad.db").write_text("not a database", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"^MLflow at sqlite:.*bad.db could not be read: [^\n]+$"):
        read_store(f"sqlite:///{tmp_path / 'bad.db'}", [])


def test_reading_a_store_leaves_its_database_as_it_was(store):
    database = Path(store.uri[len("sqlite:///"):])
    before = database.read_bytes()
    assert read_store(store.uri, []).models
    assert database.read_bytes() == before and sorted(p.name for p in database.parent.iterdir()) == ["mlflow.db"]


@pytest.mark.parametrize("made_by", ["another program", "an older MLflow"])
def test_a_database_without_the_tables_of_this_mlflow_is_refused_and_left_as_it_was(store, tmp_path, made_by):
    """MLflow made or migrated its tables in it: an import, even a dry run, wrote into the user's database (one an
    older MLflow server still uses, migrated to this MLflow's schema)."""
    database = tmp_path / "other.db"
    if made_by == "another program":
        with sqlite3.connect(database) as connection:
            connection.execute("create table notes (text)")
    else:
        database.write_bytes(Path(store.uri[len("sqlite:///"):]).read_bytes())
        with sqlite3.connect(database) as connection:
            connection.execute("drop table params")  # a table this MLflow has and that store's MLflow had not
    before = database.read_bytes()
    with pytest.raises(CatalogError, match=r"could not be read: it holds no MLflow tables of this MLflow version "
                                           r"\(nothing was written to it\)$"):
        read_store(f"sqlite:///{database}", [])
    assert database.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["other.db"]


def test_a_folder_without_mlflow_experiments_is_refused_and_left_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow would then make .trash and models/ in it
    (tmp_path / "notes").mkdir()
    with pytest.raises(CatalogError, match="no MLflow store at .*: the folder holds no MLflow experiment"):
        read_store(str(tmp_path), [])
    assert [p.name for p in tmp_path.iterdir()] == ["notes"]


@pytest.mark.parametrize("uri, read", [
    ("sqlite:////srv/mlflow.db", "sqlite:///file:/srv/mlflow.db?mode=ro&uri=true"),
    ("sqlite:////srv/ml flow/a#b?c%.db", "sqlite:///file:/srv/ml%20flow/a%23b?mode=ro&uri=true&c%.db"),
    ("sqlite:////srv/x.db?timeout=5", "sqlite:///file:/srv/x.db?mode=ro&uri=true&timeout=5"),
    ("https://mlflow.example.com", "https://mlflow.example.com"), ("/srv/mlruns", "/srv/mlruns"),
])
def test_a_sqlite_store_is_opened_read_only(uri, read):
    assert store_module.read_only(uri) == read


def test_a_relative_sqlite_store_is_opened_read_only_by_its_absolute_path(tmp_path):  # the tests run in tmp_path
    assert store_module.read_only("sqlite:///mlflow.db") == f"sqlite:///file:{tmp_path}/mlflow.db?mode=ro&uri=true"


def test_a_password_in_the_uri_is_never_shown():
    assert store_module._shown("https://me:s3cret@mlflow.example.com/") == "https://me:***@mlflow.example.com/"
    assert store_module._shown("sqlite:///x.db") == "sqlite:///x.db"


def test_without_mlflow_the_command_says_how_to_install_it_in_one_line(tmp_path):
    write(tmp_path / "catalog", "policy.yaml", POLICY)
    write(tmp_path / "catalog", "workspaces/dev.yaml", WORKSPACE)
    script = ("import sys; sys.modules['mlflow'] = None; from catgen.cli import main; "
              "main(['import', 'mlflow', '--workspace', 'dev', '--tracking-uri', 'sqlite:///x.db'])")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == f"catgen: error: {INSTALL}\n"
    assert "pip install 'catgen-registry[mlflow]'" in INSTALL


def test_only_the_store_module_imports_mlflow():
    importers = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text("utf-8")
        if "mlflow" not in text:  # parse only the candidates: the whole package takes a second
            continue
        for node in ast.walk(ast.parse(text)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name == "mlflow" or name.startswith("mlflow.") for name in names):
                importers.add(path.relative_to(SRC).as_posix())
    assert importers == {"importing/mlflow/store.py"}
