"""Models, environments, data, components, registries and workspaces, and the inline assets jobs hold.

Each converter takes the file's data, adds manifests to the ``FileContext``
and reports every field it does not carry over. Local paths become paths
relative to where the import ran (``names.relative_uri``). An environment
built from a Docker context has no image yet: it gets the unpinned placeholder
``unbuilt:<context path>``, which CG605 reports wherever a stage needs pins.
"""

from __future__ import annotations

import os

from catgen.importing.azureml import names
from catgen.importing.azureml.context import FileContext, Skip
from catgen.importing.azureml.files import Refusal, classify, read_yaml
from catgen.importing.azureml.references import is_reference, job_output

MODEL_TYPES = ("custom_model", "mlflow_model", "triton_model")
DATA_TYPES = ("uri_file", "uri_folder", "mltable")
PORT_TYPES = ("uri_file", "uri_folder", "mltable", "mlflow_model", "custom_model", "triton_model",
              "integer", "number", "string", "boolean")
PORT_FIELDS = ("type", "description", "optional", "default", "min", "max", "enum")
ASSET_FIELDS = {"name", "version", "description", "tags"}
# The same inline asset may sit in several files: its description names none of them, so it is one manifest.
INLINE = "An inline (anonymous) asset of an Azure ML file, named by `catgen import azureml`."


def model(ctx: FileContext, data: dict) -> None:
    name, version = ctx.name(None, data.get("name")), ctx.version(data)
    spec = {**ctx.home(), **model_spec(ctx, data, "")}
    ctx.add(ctx.document("Model", name, version, spec, data))
    ctx.carry(data, ASSET_FIELDS | {"type", "path", "job_name", "stage"})
    if "stage" in data:
        ctx.lose("stage", "Azure ML's free-text stage is not a catgen stage: promote with `catgen promote`")


def model_spec(ctx: FileContext, body: dict, prefix: str) -> dict:
    kind = body.get("type", "custom_model")
    if kind not in MODEL_TYPES:
        raise Skip(f"model type {kind!r} has no catgen equivalent ({', '.join(MODEL_TYPES)})", f"{prefix}type")
    path = body.get("path")
    if not isinstance(path, str) or not path:
        raise Skip("a model needs a path", f"{prefix}path")
    spec = {"type": kind, "path": names.relative_uri(ctx.azure.folder, path)}
    produced = job_output(path)
    job = produced[0] if produced else body.get("job_name")
    if isinstance(job, str) and job:
        found = ctx.job_placeholder(job, f"{prefix}path")  # the training job: lineage
        if found:
            spec["job"] = found
    return spec


def environment(ctx: FileContext, data: dict) -> None:
    name, version = ctx.name(None, data.get("name")), ctx.version(data)
    spec = {**ctx.home(), **environment_spec(ctx, data, "", ctx.azure.folder)}
    ctx.add(ctx.document("Environment", name, version, spec, data))
    ctx.carry(data, ASSET_FIELDS | {"image", "build", "conda_file"})


def environment_spec(ctx: FileContext, body: dict, prefix: str, folder: str) -> dict:
    build = body.get("build")
    if isinstance(body.get("image"), str) and body["image"]:
        spec = {"image": body["image"]}
    elif isinstance(build, dict) and isinstance(build.get("path"), str):
        spec = {"image": f"unbuilt:{names.relative_uri(folder, build['path'])}"}
        ctx.lose(f"{prefix}build", "built by Azure ML from a Docker context: the image is an unpinned placeholder "
                                   "until you record the built image's digest")
    else:
        raise Skip("an environment needs an image or a build context", f"{prefix}image")
    conda = body.get("conda_file")
    if isinstance(conda, str) and conda:
        spec["conda_file"] = names.relative_uri(folder, conda)
    elif conda is not None:
        ctx.lose(f"{prefix}conda_file", "an inline conda specification: catgen records the file's path only")
    return spec


def data(ctx: FileContext, body: dict) -> None:
    name, version = ctx.name(None, body.get("name")), ctx.version(body)
    spec = {**ctx.home(), **data_spec(ctx, body, "")}
    ctx.add(ctx.document("Data", name, version, spec, body))
    ctx.carry(body, ASSET_FIELDS | {"type", "path"})


def data_spec(ctx: FileContext, body: dict, prefix: str) -> dict:
    kind = body.get("type", "uri_folder")
    if kind not in DATA_TYPES:
        raise Skip(f"data type {kind!r} has no catgen equivalent ({', '.join(DATA_TYPES)})", f"{prefix}type")
    path = body.get("path")
    if not isinstance(path, str) or not path:
        raise Skip("data needs a path", f"{prefix}path")
    # Azure ML does not say how data is classified: unclassified passes no stage's training_data gate.
    return {"type": kind, "path": names.relative_uri(ctx.azure.folder, path), "classification": "unclassified"}


def inline_asset(ctx: FileContext, owner: str, role: str, body: dict, field: str) -> str | None:
    """An inline ``{type, path}`` input or a deployment's inline model: a named manifest; its reference."""
    path = body.get("path")
    if isinstance(path, str) and is_reference(path) and not job_output(path):
        kind = "Model" if body.get("type") in MODEL_TYPES else "Data"
        return ctx.ref(kind, path, f"{field}.path")
    kind = "Model" if body.get("type") in MODEL_TYPES else "Data"
    spec = model_spec(ctx, body, f"{field}.") if kind == "Model" else data_spec(ctx, body, f"{field}.")
    name, version = names.inline_name(owner, role), names.content_version(spec)
    ctx.add(ctx.document(kind, name, version, {**ctx.home(), **spec}, description=INLINE))
    ctx.carry(body, {"type", "path"}, f"{field}.")
    return f"{kind.lower()}:{name}@{version}"


def environment_ref(ctx: FileContext, owner: str, value, field: str, folder: str) -> str | None:
    """An environment written as a reference or inline (``{image: ...}``): its catalog reference."""
    if isinstance(value, dict):
        spec = environment_spec(ctx, value, f"{field}.", folder)
        name, version = names.inline_name(owner, "environment"), names.content_version(spec)
        ctx.add(ctx.document("Environment", name, version, {**ctx.home(), **spec}, description=INLINE))
        ctx.carry(value, {"image", "build", "conda_file"}, f"{field}.")
        return f"environment:{name}@{version}"
    if value is None:
        return None
    return ctx.ref("Environment", value, field)


# ---------------------------------------------------------------------------------------------- components

def command_component(ctx: FileContext, body: dict) -> None:
    name, version = ctx.name(None, body.get("name")), ctx.version(body)
    component(ctx, body, name, version, "", ctx.azure.folder)


def pipeline_component(ctx: FileContext, body: dict) -> None:
    command_component(ctx, body)


def component(ctx: FileContext, body: dict, name: str, version: str, prefix: str, folder: str) -> dict:
    """A command or pipeline component; returns its output ports (name -> port)."""
    kind = "pipeline" if body.get("type") == "pipeline" or "jobs" in body else "command"
    spec: dict = {**ctx.home(), "type": kind}
    if kind == "command":
        env = environment_ref(ctx, name, body.get("environment"), f"{prefix}environment", folder)
        if env is None:
            ctx.finish()  # an unresolved moving reference is the reason, if there is one
            raise Skip("a command component needs an environment", f"{prefix}environment")
        spec["environment"] = env
        if isinstance(body.get("command"), str):
            spec["command"] = body["command"]
    else:
        steps = [step_component(ctx, name, key, step, f"{prefix}jobs.{key}", folder)[0]
                 for key, step in _mapping(body.get("jobs")).items() if isinstance(step, dict)]
        spec["steps"] = [step for step in dict.fromkeys(steps) if step]
    for side in ("inputs", "outputs"):
        ports = _ports(ctx, _mapping(body.get(side)), f"{prefix}{side}.")
        if ports:
            spec[side] = ports
    if "code" in body:
        _code(ctx, body["code"], spec, f"{prefix}code", folder)
    ctx.add(ctx.document("Component", name, version, spec, body))
    used = ASSET_FIELDS | {"type", "environment", "command", "jobs", "inputs", "outputs", "code"}
    ctx.carry(body, used, prefix)
    return spec.get("outputs", {})


def _code(ctx: FileContext, value, spec: dict, field: str, folder: str) -> None:
    """A local code folder becomes ``code: {repository, commit}`` from git (``importing.gitcode``), else a reason."""
    if not isinstance(value, str) or not value or "://" in value or value.startswith("azureml:"):
        ctx.lose(field, "only a local code folder is carried over (as its git repository and commit)")
        return
    code = ctx.importer.code_folders.code_of(os.path.join(folder, value))
    if isinstance(code, str):
        ctx.lose(field, code)
    else:
        spec["code"] = code


def step_component(ctx: FileContext, owner: str, key: str, step: dict, field: str, folder: str):
    """The component a pipeline step runs, as ``(reference or None, its output ports)``."""
    value = step.get("component")
    if isinstance(value, str) and is_reference(value):
        return ctx.ref("Component", value, f"{field}.component"), {}
    if isinstance(value, str):
        local = value[len("file:"):] if value.startswith("file:") else value
        return _component_file(ctx, os.path.join(folder, local), f"{field}.component")
    body = value if isinstance(value, dict) else step if "command" in step else None
    if body is None:
        ctx.lose(field, "a step without a component or command")
        return None, {}
    version = names.content_version(body)
    name = names.inline_name(owner, key)
    outputs = component(ctx, body, name, version, f"{field}.", folder)
    return f"component:{name}@{version}", outputs


def _component_file(ctx: FileContext, path: str, field: str):
    """A component a pipeline names by its local file: Azure registers it with a content-derived version."""
    seen = ctx.component_files
    if os.path.normpath(path) in seen or len(seen) > 100:
        raise Skip(f"component files refer to each other in a loop ({path})", field)
    seen.add(os.path.normpath(path))
    try:
        body = classify(path, read_yaml(path)).data
    except Refusal as refusal:
        raise Skip(f"{path}: {refusal}", field) from None
    name = ctx.name(None, body.get("name"))
    version = ctx.version(body) if "version" in body else names.content_version(body)
    outputs = component(ctx, body, name, version, f"{field}.", os.path.dirname(path))
    return f"component:{name}@{version}", outputs


def _ports(ctx: FileContext, ports: dict, prefix: str) -> dict:
    kept = {}
    for key, port in ports.items():
        if not isinstance(port, dict) or port.get("type") not in PORT_TYPES:
            ctx.lose(f"{prefix}{key}", "not a port of a type catgen knows")
            continue
        kept[str(key)] = {field: port[field] for field in PORT_FIELDS if field in port}
        ctx.carry(port, PORT_FIELDS, f"{prefix}{key}.")
    return kept


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------------------------------------- places

def registry(ctx: FileContext, body: dict) -> None:
    name = ctx.name(None, body.get("name"))
    location = _region(body.get("location"), "location")
    regions = [_region(item.get("location") if isinstance(item, dict) else item, "replication_locations")
               for item in body.get("replication_locations") or []]
    if location not in regions:
        regions.insert(0, location)  # Azure ML replicates to the registry's own region
    spec = {"location": location, "replication_locations": list(dict.fromkeys(regions)),
            "public_network_access": _network(body), "provider": "azureml"}
    ctx.add(ctx.document("Registry", name, None, spec, body))
    ctx.carry(body, ASSET_FIELDS | {"location", "replication_locations", "public_network_access"})


def workspace(ctx: FileContext, body: dict) -> None:
    if not ctx.options.stage:
        raise Skip("Azure ML does not say a workspace's stage: import workspace files with --stage")
    name = ctx.name(None, body.get("name"))
    spec = {"stage": ctx.options.stage, "region": _region(body.get("location"), "location"),
            "public_network_access": _network(body)}
    ctx.add(ctx.document("Workspace", name, None, spec, body))
    ctx.carry(body, ASSET_FIELDS | {"location", "public_network_access"})


def _network(body: dict) -> str:
    """Azure ML's default is *enabled*: a file that does not say is a public registry or workspace."""
    value = body.get("public_network_access", "enabled")
    text = str(value).lower()
    if text not in ("enabled", "disabled"):
        raise Skip(f"public_network_access {value!r} is neither enabled nor disabled", "public_network_access")
    return text


def _region(value, field: str) -> str:
    text = str(value or "").replace(" ", "").lower()
    if not names.valid_name(text) or not text.replace("-", "").isalnum():
        raise Skip(f"{value!r} is not a region", field)
    return text
