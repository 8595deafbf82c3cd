"""``catgen import azureml PATH... (--workspace W | --registry R)``: Azure ML CLI v2 YAML to manifests.

The files become a plan (``importing.azureml.planner``), the plan is applied
append-only (``importing.plan.apply_plan``: nothing published is rewritten, a
second import of the same files writes nothing), and the report says, one line
per file and field, what was skipped, refused and not carried over.
Exit 0: every file imported; 1: some were skipped or refused; 2: the import
could not run (a bad option, a missing workspace, an unreadable labels file).
"""

from __future__ import annotations

import sys

from catgen.errors import CatalogError
from catgen.importing.azureml.context import Options
from catgen.importing.azureml.names import read_templates
from catgen.importing.azureml.planner import build_plan
from catgen.importing.azureml.references import read_labels
from catgen.importing.plan import apply_plan, exit_code, report_lines
from catgen.load.catalog import open_catalog
from catgen.model import NAME_RE, VERSION_RE
from catgen.policy import read_policy


def run(paths: list[str], catalog_root: str, *, workspace: str | None = None, registry: str | None = None,
        labels: str | None = None, version: str | None = None, name_templates: tuple = (),
        stage: str | None = None, dry_run: bool = False) -> int:
    if not paths:
        raise CatalogError("name at least one Azure ML YAML file or folder")
    if (workspace is None) == (registry is None):
        raise CatalogError("give exactly one of --workspace and --registry (where the imported assets live)")
    if version is not None and not VERSION_RE.match(version):
        raise CatalogError(f"--version {version!r} is not a valid version (and 'latest' is never one)")
    catalog = open_catalog(catalog_root)
    _require(catalog, "Workspace", workspace)
    _require(catalog, "Registry", registry)
    if stage is not None and read_policy(catalog.policy).stage(stage) is None:
        raise CatalogError(f"--stage {stage!r}: the policy defines no such stage")
    options = Options(workspace=workspace, registry=registry, labels=read_labels(labels), version=version,
                      templates=read_templates(list(name_templates)), stage=stage)
    plan = build_plan(paths, catalog, options)
    outcome = apply_plan(plan, catalog, dry_run=dry_run)
    sys.stdout.write("".join(line + "\n" for line in report_lines(plan, outcome)))
    return exit_code(plan, outcome)


def _require(catalog, kind: str, name: str | None) -> None:
    if name is None:
        return
    if not NAME_RE.match(name):
        raise CatalogError(f"{name!r} is not a valid {kind.lower()} name")
    if catalog.get(kind, name) is None:
        raise CatalogError(f"no {kind.lower()} named {name!r} in the catalog: write it first "
                           f"(catgen new {kind.lower()} {name})")
