"""Azure ML CLI v2 files for the import tests: the fixtures in tests/importing/azureml/files, a catalog to import
into, and the import run in-process (plan, then apply), as ``catgen import azureml`` runs it."""

from __future__ import annotations

from pathlib import Path

import yaml

from catgen.importing.azureml.context import Options
from catgen.importing.azureml.planner import build_plan
from catgen.importing.plan import apply_plan
from catgen.load.catalog import open_catalog

from testing.catalogs import POLICY, WORKSPACE, write

FILES = Path(__file__).resolve().parents[1] / "importing" / "azureml" / "files"
LABELS = {
    "azureml://registries/azureml/environments/sklearn-1.5/labels/latest": "26",
    "azureml:AzureML-lightgbm-3.3@latest": "12",
}


def new_catalog(tmp_path: Path) -> Path:
    """The smallest clean catalog (policy, workspace ``dev``) at ``<tmp>/catalog``."""
    root = tmp_path / "catalog"
    write(root, "policy.yaml", POLICY)
    write(root, "workspaces/dev.yaml", WORKSPACE)
    return root


def azure_file(folder: Path, relpath: str, text: str) -> str:
    """Write an Azure ML file under ``folder``; its path as a string (as a user would name it)."""
    return str(write(folder, relpath, text))


def fixture(relpath: str) -> str:
    return str(FILES / relpath)


def import_files(root: Path, *paths: str, dry_run: bool = False, **options):
    """(plan, outcome) of importing ``paths`` into the catalog at ``root``; options as ``Options`` (workspace dev)."""
    options.setdefault("workspace", None if "registry" in options else "dev")
    options.setdefault("labels", dict(LABELS))
    catalog = open_catalog(str(root), cache=False)
    plan = build_plan(list(paths), catalog, Options(**options))
    return plan, apply_plan(plan, catalog, dry_run=dry_run)


def manifest(root: Path, relpath: str) -> dict:
    return yaml.safe_load((root / relpath).read_text(encoding="utf-8"))


def notes(items, source_part: str = "") -> list[tuple]:
    """(field, text) of each note whose source contains ``source_part``."""
    return [(note.field, note.text) for note in items if source_part in note.source]
