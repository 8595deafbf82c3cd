"""Names: Azure scopes them per workspace or registry (deployments per endpoint), catgen's are global.

A name template turns an Azure name into a catgen one: ``{endpoint}-{name}``
for deployments by default (``blue`` is on every endpoint), ``{name}`` for
jobs; assets keep their Azure names (references name them so). ``{workspace}``
(the ``--workspace`` or ``--registry`` given) and ``{file}`` (the file's name
without suffix) are also available. Inline
(anonymous) assets are named after what holds them (``<job>-<input>``) and
versioned by a digest of their content, so the same inline asset gets the
same identity on every import and a changed one a new version.
"""

from __future__ import annotations

import hashlib
import json
import os
import re

from catgen.errors import CatalogError
from catgen.model import NAME_RE

DEFAULT_TEMPLATES = {"deployment": "{endpoint}-{name}", "job": "{name}"}
PLACEHOLDERS = {"name", "endpoint", "workspace", "file"}
_FIELD = re.compile(r"{([^{}]*)}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 128


def read_templates(entries: list[str]) -> dict[str, str]:
    """``--name-template KIND=TEMPLATE`` entries over the defaults (kinds: deployment, job).

    Assets keep their Azure names: references name them so, and a collision is reported, never resolved by guessing.
    """
    templates = dict(DEFAULT_TEMPLATES)
    for entry in entries:
        kind, sep, template = entry.partition("=")
        if not sep or kind not in templates:
            raise CatalogError(f"--name-template {entry!r}: write KIND=TEMPLATE with KIND one of "
                               f"{', '.join(sorted(templates))}, e.g. deployment={{workspace}}-{{endpoint}}-{{name}}")
        unknown = set(_FIELD.findall(template)) - PLACEHOLDERS
        if unknown or ("{name}" not in template and "{file}" not in template):
            raise CatalogError(f"--name-template {entry!r}: a template holds {{name}} or {{file}}, and only "
                               f"{', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}")
        templates[kind] = template
    return templates


def apply_template(template: str, **values: str) -> str:
    return _FIELD.sub(lambda match: values.get(match.group(1)) or "", template)


def slug(text: str) -> str:
    """``text`` as a catgen name: runs of other characters become ``-``, cut to 128 characters."""
    cleaned = _UNSAFE.sub("-", text).strip("-._")
    return cleaned[:MAX_NAME].rstrip("-._") or "unnamed"


def valid_name(text) -> bool:
    return isinstance(text, str) and bool(NAME_RE.match(text))


def file_stem(source: str) -> str:
    return os.path.splitext(os.path.basename(source))[0]


def inline_name(owner: str, role: str) -> str:
    """The name of an inline asset: what holds it and its role, e.g. ``train-job-training_data``."""
    return slug(f"{owner}-{role}")


def content_version(content) -> str:
    """A version from the inline definition's content: the same content always gives the same version."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "h" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def relative_uri(folder: str, path: str) -> str:
    """A local path of an Azure file as a path relative to where the import ran (as the file was named).

    URIs (``scheme://``, ``azureml:``) are kept as they are.
    """
    if "://" in path or path.startswith("azureml:") or os.path.isabs(path):
        return path
    joined = os.path.normpath(os.path.join(folder, path)).replace(os.sep, "/")
    return joined + "/" if path.endswith("/") and not joined.endswith("/") else joined
