"""``catgen new KIND NAME [--version V]``: write a schema-valid skeleton at the canonical path.

The skeleton names every required field with a placeholder the schema
accepts, and starts with the ``yaml-language-server`` line so editors
validate it while it is filled in: the schema on the user's own catalog site
(``catgen.siteurl``), or without a site address the copy ``catgen build``
writes into ``site/schemas/``, by a path relative to the new file, so editors
work offline. An existing file is never overwritten.
Before anything is written the skeleton goes through the same loader and
per-file validation as ``catgen check`` (CG1xx, CG201): a name the check
would reject (e.g. ``con``, reserved on Windows) is refused with its reason.
"""

from __future__ import annotations

import os
import pathlib
import sys

from catgen.errors import CatalogError
from catgen.fsutil import atomic_write, path_in_catalog
from catgen.load.validation import file_problems
from catgen.load.yamlsafe import Problem, load
from catgen.model import KINDS, NAME_RE, VERSION_RE, canonical_relpath
from catgen.siteurl import catalog_site_url

BUILT_SITE = "site"  # where ``catgen build`` writes the site by default; its schemas are at site/schemas/

# Each kind's ``spec``. ``{today}`` is replaced by the date with ``str.replace``, never
# ``str.format``: YAML flow mappings such as ``{approvals: 1}`` are braces too.
SPECS = {
    "Registry": "  location: eastus\n  replication_locations:\n    - eastus\n  public_network_access: disabled\n",
    "Workspace": "  stage: dev\n  region: eastus\n  registries: []\n  public_network_access: disabled\n",
    "Model": (
        "  workspace: workspace:CHANGE-ME\n  type: mlflow_model\n  path: azureml://CHANGE-ME\n  job: job:CHANGE-ME\n"
    ),
    "Environment": "  registry: registry:CHANGE-ME\n  image: CHANGE-ME@sha256:" + "0" * 64 + "\n",
    "Component": (
        "  registry: registry:CHANGE-ME\n  type: command\n  environment: environment:CHANGE-ME@1\n"
        "  code:\n    repository: https://CHANGE-ME\n    commit: \"0000000\"\n  command: python train.py\n"
    ),
    "Data": (
        "  workspace: workspace:CHANGE-ME\n  type: uri_folder\n  path: azureml://CHANGE-ME\n  classification: sample\n"
        "  contains_pii: false\n"
    ),
    "Job": (
        "  workspace: workspace:CHANGE-ME\n  type: command\n  status: running\n  environment: environment:CHANGE-ME@1\n"
        "  inputs: {}\n"
    ),
    "Promotion": (
        "  stage: CHANGE-ME\n  asset: model:CHANGE-ME@1\n  requested_by: CHANGE-ME\n  date: {today}\n  approvals: []\n"
    ),
    "Deployment": "  workspace: workspace:CHANGE-ME\n  endpoint: CHANGE-ME\n  model: model:CHANGE-ME@1\n  traffic: 0\n",
    "Policy": (
        "  stages:\n    - name: dev\n    - name: test\n      promotion: {approvals: 1}\n    - name: prod\n"
        "      promotion: {approvals: 2, require_lineage: true}\n"
    ),
}


def run(kind_text: str, name: str, version: str | None, catalog_root: str, today: str) -> int:
    kind = _kind(kind_text)
    _validate(kind, name, version)
    relpath = canonical_relpath(kind, name, version)
    path = path_in_catalog(catalog_root, relpath)
    text = skeleton(kind, name, version, today, schema=schema_address(kind, path))
    _refuse_what_check_rejects(text)
    try:
        atomic_write(path, text, overwrite=False)
    except FileExistsError:
        raise CatalogError(f"{path} already exists; catgen new never overwrites a file") from None
    sys.stdout.write(f"wrote {path}: fill in the CHANGE-ME values, then run `catgen check`\n")
    return 0


def schema_address(kind: str, path: str) -> str:
    """The kind's schema on the user's site, else in the built site folder, relative to the file at ``path``."""
    site = catalog_site_url()
    if site:
        return f"{site}schemas/{kind.lower()}.json"
    built = os.path.abspath(os.path.join(BUILT_SITE, "schemas", f"{kind.lower()}.json"))
    try:
        return os.path.relpath(built, os.path.dirname(os.path.abspath(path))).replace(os.sep, "/")
    except ValueError:  # Windows: the catalog on another drive than the current folder
        return pathlib.Path(built).as_uri()


def skeleton(kind: str, name: str, version: str | None, today: str, *, schema: str) -> str:
    lines = [
        f"# yaml-language-server: $schema={schema}",
        "apiVersion: catgen/v1",
        f"kind: {kind}",
        "metadata:",
        f"  name: {name}",
    ]
    if version is not None:
        lines.append(f'  version: "{version}"')
    lines += ["  description: CHANGE-ME", f"  created: {today}", "spec:"]
    return "\n".join(lines) + "\n" + SPECS[kind].replace("{today}", today)


def _refuse_what_check_rejects(text: str) -> None:
    """The skeleton must load and validate as ``catgen check`` does; else the first reason, one line."""
    loaded = load(text.encode("utf-8"))
    if isinstance(loaded, Problem):
        raise CatalogError(f"the skeleton would not load ({loaded.code}: {loaded.message})")
    for _path, message, _at_value in file_problems(loaded.data):
        raise CatalogError(f"catgen check would reject it (CG201): {message}")


def _kind(text: str) -> str:
    for kind in KINDS:
        if text.lower() in (kind.lower(), KINDS[kind].plural):
            return kind
    raise CatalogError(f"unknown kind {text!r}; expected one of {', '.join(k.lower() for k in KINDS)}")


def _validate(kind: str, name: str, version: str | None) -> None:
    if not NAME_RE.match(name):
        rule = "letters, digits, '.', '_' and '-', starting with a letter or digit"
        raise CatalogError(f"{name!r} is not a valid name: {rule}")
    if KINDS[kind].versioned and version is None:
        raise CatalogError(f"a {kind} is versioned: add --version")
    if not KINDS[kind].versioned and version is not None:
        raise CatalogError(f"a {kind} has no versions: drop --version")
    if version is not None and not VERSION_RE.match(version):
        raise CatalogError(f"{version!r} is not a valid version (and 'latest' is never one)")
