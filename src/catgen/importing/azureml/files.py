"""Finding Azure ML YAML files, reading them safely, and telling what each one is.

Files are read with catgen's own safe loader (no tags, no anchors, no
duplicate keys, UTF-8, at most 1 MiB), so a hostile file is refused with one
line, never run. What a file is comes from its ``$schema`` line
(``https://azuremlschemas.azureedge.net/latest/<kind>.schema.json``); without
one, a kind is guessed only when the file's shape allows no other reading,
else the file is refused with the reason.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from catgen.errors import CatalogError
from catgen.load.yamlsafe import MAX_BYTES, Document, Problem, load

SUFFIXES = (".yml", ".yaml")

# The `$schema` file name (lower case, without `.schema.json`) -> the kind this importer knows it as.
SCHEMA_KINDS = {
    "model": "model", "environment": "environment", "data": "data",
    "commandcomponent": "commandComponent", "pipelinecomponent": "pipelineComponent",
    "commandjob": "commandJob", "pipelinejob": "pipelineJob", "sweepjob": "sweepJob",
    "managedonlineendpoint": "managedOnlineEndpoint", "kubernetesonlineendpoint": "managedOnlineEndpoint",
    "managedonlinedeployment": "managedOnlineDeployment", "kubernetesonlinedeployment": "managedOnlineDeployment",
    "registry": "registry", "workspace": "workspace",
}
_SCHEMA_NAME = re.compile(r"/([A-Za-z]+)(?:\.schema)?\.json$")
_PLACEHOLDER = re.compile(r"<[A-Za-z_][A-Za-z0-9_ -]{0,63}>")


@dataclass
class AzureFile:
    source: str  # the path as the user named it (or as found under a named folder)
    kind: str  # a value of SCHEMA_KINDS
    data: dict
    guessed: bool = False  # the kind was guessed from the shape (no `$schema`)

    @property
    def folder(self) -> str:
        return os.path.dirname(self.source)


class Refusal(Exception):
    """A file that is not imported; the message is the one-line reason."""


def find_files(paths: list[str]) -> list[str]:
    """Every ``*.yml``/``*.yaml`` file named or under a named folder (hidden ones skipped), in a stable order."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found += _walk(path)
        elif os.path.isfile(path):
            found.append(path)
        elif os.path.lexists(path):  # a device, a pipe, a socket, a broken link
            raise CatalogError(f"{path}: not a file nor a folder")
        else:
            raise CatalogError(f"{path}: no such file or folder")
    return list(dict.fromkeys(found))


def _walk(top: str) -> list[str]:
    found = []
    for folder, subfolders, files in os.walk(top):  # os.walk never follows linked folders
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found += [os.path.join(folder, f) for f in sorted(files) if f.endswith(SUFFIXES) and not f.startswith(".")]
    return found


def load_yaml_file(path: str) -> Document | Problem:
    """A YAML file through the safe loader (at most one byte past the size limit is read); ``OSError`` as is."""
    with open(path, "rb") as handle:
        return load(handle.read(MAX_BYTES + 1))


def read_yaml(path: str) -> dict:
    """A file's top-level mapping through the safe loader, or ``Refusal`` with the reason."""
    if os.path.islink(path) or not os.path.isfile(path):
        raise Refusal("not a regular file (links are not followed)")
    try:
        loaded = load_yaml_file(path)
    except OSError as err:
        raise Refusal(f"cannot be read: {err.strerror or err}") from None
    if isinstance(loaded, Problem):
        raise Refusal(f"unsafe or broken YAML, line {loaded.line} ({loaded.code}): {loaded.message}")
    return loaded.data


def classify(source: str, data: dict) -> AzureFile:
    """What the file is, or ``Refusal``: not Azure ML YAML, a kind not imported, template placeholders."""
    schema = data.get("$schema")
    if schema is not None:
        kind = _schema_kind(schema)
        guessed = False
    else:
        kind, guessed = _guess(data), True
    placeholders = sorted(set(_placeholders(data)))
    if placeholders:
        raise Refusal(f"holds template placeholders ({', '.join(placeholders[:5])}): fill them in first")
    return AzureFile(source, kind, data, guessed)


def _schema_kind(schema) -> str:
    match = _SCHEMA_NAME.search(schema) if isinstance(schema, str) else None
    if not match:
        raise Refusal(f"$schema {str(schema)[:80]!r} is not an Azure ML schema")
    name = match.group(1).lower()
    if name not in SCHEMA_KINDS:
        raise Refusal(f"an Azure ML {match.group(1)} file: catgen does not import this kind")
    return SCHEMA_KINDS[name]


def _guess(data: dict) -> str:
    """A kind from the shape of a file without ``$schema``, only where no other reading exists."""
    if "dependencies" in data and set(data) <= {"name", "channels", "dependencies", "prefix", "variables"}:
        raise Refusal("a conda environment file (an environment's conda_file), not an Azure ML asset")
    if "endpoint_name" in data and "model" in data:
        return "managedOnlineDeployment"
    if data.get("type") == "sweep" and "trial" in data:
        return "sweepJob"
    if "auth_mode" in data and "endpoint_name" not in data:
        return "managedOnlineEndpoint"
    if data.get("type") == "pipeline" and "jobs" in data:
        raise Refusal("no $schema line, and a pipeline job and a pipeline component look alike: add the $schema line")
    raise Refusal("not Azure ML YAML: no $schema line and no shape that says which Azure ML kind it is")


def _placeholders(value):
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node
        elif isinstance(node, str):
            yield from _PLACEHOLDER.findall(node)
