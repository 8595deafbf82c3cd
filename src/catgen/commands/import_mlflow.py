"""``catgen import mlflow``: registered model versions, their runs and aliases, as manifests (SPEC §8).

Everything the command line names is checked before MLflow is read: the
workspace (and registry) must be in the catalog, each ``--alias ALIAS=STAGE``
must name a stage of the policy, ``--requested-by`` must be one person. Then the
store is read (``importing.mlflow.store``), planned (``mapping``, ``aliases``) and
applied append-only (``importing.plan.apply_plan``); the report goes to stdout.
"""

from __future__ import annotations

import sys

from catgen.dates import utc_now
from catgen.errors import CatalogError
from catgen.importing.mlflow.aliases import plan_promotions
from catgen.importing.mlflow.mapping import is_person, keep_reviewed_data, plan_assets
from catgen.importing.mlflow.store import read_store
from catgen.importing.plan import apply_plan, exit_code, report_lines
from catgen.load.catalog import open_catalog
from catgen.model import NAME_RE
from catgen.policy import read_policy


def run(catalog_root: str, *, tracking_uri: str | None, workspace: str, registry: str | None, models: list[str],
        aliases: list[str], requested_by: str | None, dry_run: bool) -> int:
    if requested_by is not None and not is_person(requested_by):
        raise CatalogError("--requested-by must name one person, without whitespace, control or format characters")
    catalog = open_catalog(catalog_root)
    workspace_name = _existing(catalog, "Workspace", workspace)
    registry_name = _existing(catalog, "Registry", registry) if registry else None
    alias_stages = _alias_stages(aliases, catalog)
    snapshot = read_store(tracking_uri, models)
    plan, planned = plan_assets(snapshot, workspace_name, registry_name)
    keep_reviewed_data(plan, catalog)
    now = utc_now().replace(microsecond=0)
    promotions = plan_promotions(snapshot, planned, alias_stages, catalog, requested_by=requested_by, now=now,
                                 every_model=not models)
    plan.manifests += promotions.manifests
    plan.not_carried += promotions.not_carried
    plan.skipped += promotions.skipped
    outcome = apply_plan(plan, catalog, dry_run=dry_run)
    for line in report_lines(plan, outcome):
        sys.stdout.write(line + "\n")
    return exit_code(plan, outcome)


def _existing(catalog, kind: str, given: str) -> str:
    """The name of the workspace or registry ``given`` (``dev`` or ``workspace:dev``), which must be in the catalog."""
    prefix = kind.lower() + ":"
    name = given[len(prefix):] if given.startswith(prefix) else given
    if not NAME_RE.match(name) or catalog.get(kind, name) is None:
        raise CatalogError(f"no {kind.lower()} named {name!r} in the catalog; "
                           f"add it first (catgen new {kind.lower()} {name})")
    return name


def _alias_stages(aliases: list[str], catalog) -> dict:
    """``--alias ALIAS=STAGE`` options as alias -> stage; each stage must be one the policy defines."""
    stages = read_policy(catalog.policy).stage_names
    mapping: dict = {}
    for option in aliases:
        alias, _, stage = option.partition("=")
        if not alias or not stage:
            raise CatalogError(f"--alias {option!r}: write ALIAS=STAGE, e.g. --alias champion=prod")
        if stage not in stages or not NAME_RE.match(stage):
            known = ", ".join(stages) or "none"
            raise CatalogError(f"--alias {option!r}: the policy defines no stage {stage!r} (its stages: {known})")
        if mapping.get(alias, stage) != stage:
            raise CatalogError(f"--alias {alias!r} is given two stages ({mapping[alias]} and {stage}); give one")
        mapping[alias] = stage
    return mapping
