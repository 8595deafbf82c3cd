"""Azure ML references (``azureml:name:1``, ``azureml://registries/r/models/m/versions/1``...) and ``--labels``.

A reference names an asset by version (pinned) or by label (moving: ``@latest``,
``labels/latest``, or no version at all). A catalog pins versions, so a moving
reference is resolved through the ``--labels`` file, a YAML mapping from the
reference exactly as written to the version it stands for, or the file that
holds it is refused with every such reference listed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from catgen.errors import CatalogError
from catgen.importing.azureml.files import load_yaml_file
from catgen.load.yamlsafe import Problem

PLURALS = {"models": "Model", "environments": "Environment", "components": "Component", "data": "Data"}
_SHORT = re.compile(r"^azureml:(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?::(?P<version>[^:@/\s]+)|@(?P<label>[^:@/\s]+))?$")
_LONG = re.compile(
    r"^azureml:/{1,2}(?:registries/(?P<registry>[^/]+)/|(?:.*/)?)(?P<plural>models|environments|components|data)/"
    r"(?P<name>[^/]+)(?:/versions/(?P<version>[^/]+)|/labels/(?P<label>[^/]+))?/?$"
)
_JOB_OUTPUT = re.compile(r"^azureml://jobs/(?P<job>[^/]+)/outputs/(?P<output>[^/]+)(?:/.*)?$")


@dataclass(frozen=True)
class AzureRef:
    """One asset reference as written in an Azure ML file."""

    text: str
    kind: str  # the catgen kind the field (or the long form) names
    name: str
    version: str | None  # None: a moving reference (a label, or no version at all)
    label: str | None
    registry: str | None  # the registry the long form names, else None (the workspace's own asset)

    @property
    def moving(self) -> bool:
        return self.version is None


def is_reference(text) -> bool:
    return isinstance(text, str) and text.startswith("azureml:") and not text.startswith("azureml://datastores/")


def parse_reference(text: str, kind: str) -> AzureRef | None:
    """The reference ``text`` in a field that takes a ``kind``, or None when it names no asset.

    ``kind`` is what the field holds (a deployment's ``model`` is a Model); the
    long form names its own kind, and one that contradicts the field is None.
    """
    short = _SHORT.match(text)
    if short:
        return AzureRef(text, kind, short["name"], short["version"], short["label"] or _implicit(short), None)
    long = _LONG.match(text)
    if long and PLURALS[long["plural"]] == kind:
        label = long["label"] or (None if long["version"] else "latest")
        return AzureRef(text, kind, long["name"], long["version"], label, long["registry"])
    return None


def _implicit(match) -> str | None:
    return None if match["version"] else "latest"  # `azureml:name` alone means its latest version


def job_output(text) -> tuple[str, str] | None:
    """``(job, output)`` of ``azureml://jobs/<job>/outputs/<output>/...``: a model's training job, kept as lineage."""
    match = _JOB_OUTPUT.match(text) if isinstance(text, str) else None
    return (match["job"], match["output"]) if match else None


def compute_name(text) -> str | None:
    """``azureml:cpu-cluster`` -> ``cpu-cluster`` (a compute target is a name, not an asset)."""
    if not isinstance(text, str) or not text:
        return None
    return text.split(":", 1)[1] if text.startswith("azureml:") else text


def read_labels(path: str | None) -> dict[str, str]:
    """The ``--labels`` file: reference as written -> pinned version (a string or an integer; never a float).

    A version written ``1.10`` unquoted would be read as the number 1.1: such
    an entry is an error that stops the import, so a version is never changed.
    """
    if path is None:
        return {}
    try:
        loaded = load_yaml_file(path)
    except OSError as err:
        raise CatalogError(f"cannot read --labels {path}: {err.strerror or err}") from None
    if isinstance(loaded, Problem):
        raise CatalogError(f"--labels {path}: line {loaded.line}: {loaded.message}")
    labels = {}
    for key, value in loaded.data.items():
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
            shown = "a number that YAML reads as " + repr(value) if isinstance(value, float) else repr(value)
            raise CatalogError(f"--labels {os.path.basename(path)}: {key!r} maps to {shown}; write each version as "
                               "a quoted string, e.g. '1.10'")
        labels[str(key)] = str(value)
    return labels
