"""What converting one Azure ML file needs: options, the catalog, references, names, and what was lost.

A ``FileContext`` collects one file's manifests and notes; ``Skip`` abandons
the whole file with a reason. References to assets that neither the imported
files nor the catalog define become ``reference-only`` placeholders (SPEC §8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from catgen.importing.azureml import names
from catgen.importing.azureml.references import AzureRef, is_reference, parse_reference
from catgen.importing.plan import IMPORT_TAG, REFERENCE_ONLY, Note, PlannedManifest
from catgen.model import API_VERSION, VERSION_RE, ref_text

BRIDGE = "azureml"  # the value of the catgen.import tag on every manifest this bridge writes
_TAG_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$")


@dataclass
class Options:
    workspace: str | None = None
    registry: str | None = None
    labels: dict = field(default_factory=dict)  # reference as written -> version
    version: str | None = None  # for definitions without a version
    templates: dict = field(default_factory=lambda: dict(names.DEFAULT_TEMPLATES))
    stage: str | None = None  # the stage of workspaces imported from workspace files

    @property
    def scope(self) -> str:
        return self.workspace or self.registry or ""


class Skip(Exception):
    """The file is not imported; the message says why (``field``: where, when one field is the reason)."""

    def __init__(self, text: str, field: str | None = None):
        super().__init__(text)
        self.field = field


class FileContext:
    def __init__(self, importer, azure):
        self.importer = importer
        self.azure = azure
        self.options: Options = importer.options
        self.manifests: list[PlannedManifest] = []
        self.lost: list[Note] = []
        self.unresolved: list[str] = []
        self.component_files: set = set()  # local component files read for this file (a loop guard)

    # ------------------------------------------------------------------ output

    def add(self, document: dict) -> None:
        self.manifests.append(PlannedManifest(document, self.azure.source))

    def lose(self, field: str | None, text: str) -> None:
        self.lost.append(Note(self.azure.source, field, text))

    def carry(self, data: dict, used, prefix: str = "") -> None:
        """Report every key of ``data`` this conversion does not use."""
        for key in data:
            if key not in used and key != "$schema":
                self.lose(f"{prefix}{key}", "no catgen field holds it")

    def finish(self) -> None:
        if self.unresolved:
            listed = ", ".join(dict.fromkeys(self.unresolved))
            raise Skip(f"moving references not pinned by --labels: {listed}")

    def document(self, kind: str, name: str, version: str | None, spec: dict, data: dict | None = None, *,
                 placeholder: bool = False, description: str | None = None) -> dict:
        metadata: dict = {"name": name}
        if version is not None:
            metadata["version"] = version
        text = description if description is not None else (data or {}).get("description")
        if isinstance(text, str) and text.strip():
            metadata["description"] = text
        metadata["tags"] = {**self._tags(data or {}), IMPORT_TAG: REFERENCE_ONLY if placeholder else BRIDGE}
        return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}

    def _tags(self, data: dict) -> dict:
        tags = data.get("tags")
        if not isinstance(tags, dict):
            return {}
        kept = {}
        for key, value in tags.items():
            if _TAG_KEY.match(str(key)) and key != IMPORT_TAG and not isinstance(value, (dict, list)):
                kept[str(key)] = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
            else:
                self.lose(f"tags.{key}", "not a catgen tag (string keys of letters, digits, '.', '_', '/', '-')")
        return kept

    # ------------------------------------------------------------------ homes, names, versions

    def home(self) -> dict:
        if self.options.workspace:
            return {"workspace": f"workspace:{self.options.workspace}"}
        return {"registry": f"registry:{self.options.registry}"}

    def workspace_ref(self, what: str) -> str:
        if not self.options.workspace:
            raise Skip(f"{what} runs in a workspace: import this file with --workspace")
        return f"workspace:{self.options.workspace}"

    def name(self, template_kind: str | None, name, **values) -> str:
        """A catgen name: a job's or deployment's through its template, an asset's as it is."""
        if not isinstance(name, str) or not name:
            raise Skip("no name", "name")
        if template_kind is None:
            if not names.valid_name(name):
                raise Skip(f"{name!r} is not a valid catgen name (letters, digits, '.', '_', '-')", "name")
            return name
        made = names.apply_template(self.options.templates[template_kind], name=name,
                                    workspace=self.options.scope, file=names.file_stem(self.azure.source), **values)
        if not names.valid_name(made):
            raise Skip(f"{made!r} is not a valid catgen name (letters, digits, '.', '_', '-')", "name")
        return made

    def version(self, data: dict) -> str:
        value = data.get("version")
        if value is None:
            if self.options.version is None:
                raise Skip("no version (Azure ML assigns one when it registers the file): give --version", "version")
            return self.options.version
        if isinstance(value, float) or isinstance(value, bool):
            raise Skip(f"version written as the number {value!r}; quote it ('1.10' is not 1.1)", "version")
        text = str(value)
        if not VERSION_RE.match(text):
            raise Skip(f"version {text!r} is not a catgen version", "version")
        return text

    # ------------------------------------------------------------------ references

    def ref(self, kind: str, value, field: str) -> str | None:
        """The catalog reference for an Azure reference in ``field``, or None (lost, or unresolved: skip)."""
        parsed = parse_reference(value, kind) if is_reference(value) else None
        if parsed is None:
            self.lose(field, f"{str(value)[:120]!r} is not an Azure ML {kind.lower()} reference catgen reads")
            return None
        version = parsed.version or self.options.labels.get(parsed.text)
        if version is None:
            self.unresolved.append(parsed.text)
            return None
        if not names.valid_name(parsed.name) or not VERSION_RE.match(version):
            self.lose(field, f"{parsed.text!r} names no valid catgen identity")
            return None
        known = self.importer.catalog.get(kind, parsed.name, version) is not None
        if not known and (kind, parsed.name, version) not in self.importer.defined:
            if not self._placeholder(parsed, version, field):
                return None
        return ref_text(kind, parsed.name, version)

    def _placeholder(self, parsed: AzureRef, version: str, field: str) -> bool:
        """A minimal manifest for an asset referenced but not defined here nor in the catalog."""
        spec = self._placeholder_home(parsed)
        if spec is None:
            return False
        text = parsed.text
        if parsed.kind == "Component":  # a command component must name its environment, which no reference says
            self.lose(field, f"{text}: not in the catalog, and a component cannot be written from a reference "
                             "alone: import its file too")
            return False
        if parsed.kind == "Model":
            spec.update(type="custom_model", path=text)
        elif parsed.kind == "Environment":
            spec.update(image=f"unknown:{text}")  # deliberately unpinned: CG605 flags it where pins are required
        else:
            spec.update(type="uri_folder", path=text, classification="unclassified")
        about = f"Referenced as {text} in {self.azure.source}; not defined in the imported files (reference only)."
        self.add(self.document(parsed.kind, parsed.name, version, spec, placeholder=True, description=about))
        return True

    def _placeholder_home(self, parsed: AzureRef) -> dict | None:
        if parsed.registry is None:
            return self.home()
        if not names.valid_name(parsed.registry):
            return None
        if self.importer.catalog.get("Registry", parsed.registry) is None:
            spec = {"location": "unknown", "replication_locations": ["unknown"], "public_network_access": "enabled",
                    "provider": "azureml"}
            about = f"Registry named in {parsed.text}; its regions are unknown (reference only)."
            self.add(self.document("Registry", parsed.registry, None, spec, placeholder=True, description=about))
        return {"registry": f"registry:{parsed.registry}"}

    def job_placeholder(self, job: str, field: str) -> str | None:
        """``job:<name>`` for an Azure job named in a path (``azureml://jobs/<job>/outputs/...``): lineage."""
        if not names.valid_name(job) or not self.options.workspace:
            self.lose(field, f"the training job {job!r} cannot be recorded (no valid name, or no --workspace)")
            return None
        if self.importer.catalog.get("Job", job) is None:
            spec = {"workspace": f"workspace:{self.options.workspace}", "type": "command", "status": "unknown"}
            about = f"Azure ML job named in {self.azure.source}; its run is not recorded (reference only)."
            self.add(self.document("Job", job, None, spec, placeholder=True, description=about))
        return f"job:{job}"
