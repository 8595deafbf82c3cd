"""Command, sweep and pipeline job definitions to Jobs (status ``unknown``: a definition is not a run).

A command job's ``command`` becomes an inline component (as Azure ML itself
registers one), which names the environment. A sweep keeps its sampling
algorithm, search space, objective, limits and early termination in
``parameters`` under ``sweep.`` (nested keys dotted, lists as JSON text). A
pipeline becomes a parent Job and one child Job per step (``<pipeline>-<step>``,
``parent`` set), each with its component; ``${{parent.inputs.X}}`` bindings
take the pipeline's inputs, and ``${{parent.jobs.S.outputs.O}}`` becomes the
data (or model) ``<pipeline>-<S>-<O>`` that step S produces and the step uses.
"""

from __future__ import annotations

import json
import math
import os
import re

from catgen.importing.azureml import assets, names
from catgen.importing.azureml.context import FileContext, Skip
from catgen.importing.azureml.references import compute_name

_BINDING = re.compile(
    r"^\$\{\{\s*parent\.(?:inputs\.(?P<input>[\w.-]+)|jobs\.(?P<job>[\w.-]+)\.outputs\.(?P<output>[\w.-]+))\s*\}\}$"
)
JOB_FIELDS = {"name", "description", "tags", "type", "compute", "inputs", "outputs", "environment", "code", "command",
              "component"}
SWEEP_FIELDS = ("sampling_algorithm", "search_space", "objective", "limits", "early_termination")
STEP_TYPES = ("command", "sweep", "pipeline")


def job_name(ctx: FileContext, body: dict) -> str:
    """The job's ``name``, else its ``display_name``, else ``<folder>-<file>``: Azure generates run names."""
    raw = body.get("name") or body.get("display_name")
    if not isinstance(raw, str) or not raw.strip():
        folder = os.path.basename(os.path.dirname(os.path.abspath(ctx.azure.source)))
        raw = f"{folder}-{names.file_stem(ctx.azure.source)}"
    return ctx.name("job", names.slug(raw))


def command_job(ctx: FileContext, body: dict) -> None:
    name = job_name(ctx, body)
    spec = _job_spec(ctx, "command")
    component = _component(ctx, name, "component", body, "")
    if component is None:
        ctx.finish()
        raise Skip("a command job needs a command or a component", "command")
    spec["component"] = component
    _inputs_and_rest(ctx, name, body, spec)
    ctx.add(ctx.document("Job", name, None, spec, body))
    _lose_outputs(ctx, body, "")
    ctx.carry(body, JOB_FIELDS)


def sweep_job(ctx: FileContext, body: dict) -> None:
    name = job_name(ctx, body)
    spec = _job_spec(ctx, "sweep")
    trial = body.get("trial")
    component = _component(ctx, name, "trial", trial if isinstance(trial, dict) else {"component": trial}, "trial.")
    if component is None:
        ctx.finish()
        raise Skip("a sweep job needs a trial (a command or a component)", "trial")
    spec["component"] = component
    _inputs_and_rest(ctx, name, body, spec)
    sweep = flatten({key: body[key] for key in SWEEP_FIELDS if key in body}, "sweep.")
    spec["parameters"] = {**spec.get("parameters", {}), **sweep}
    ctx.add(ctx.document("Job", name, None, spec, body))
    _lose_outputs(ctx, body, "")
    ctx.carry(body, JOB_FIELDS | {"trial", *SWEEP_FIELDS})


def flatten(value: dict, prefix: str) -> dict:
    """Nested settings as ``prefix.key.sub: scalar``; lists as JSON text, so nothing is dropped."""
    flat: dict = {}
    for key, item in value.items():
        path = f"{prefix}{key}"
        if isinstance(item, dict):
            flat.update(flatten(item, path + "."))
        elif isinstance(item, list) or item is None:
            flat[path] = json.dumps(item, ensure_ascii=False, sort_keys=True)
        else:
            flat[path] = item
    return flat


def pipeline_job(ctx: FileContext, body: dict) -> None:
    name = job_name(ctx, body)
    spec = _job_spec(ctx, "pipeline")
    own_inputs, own_parameters, _ = _inputs(ctx, name, _mapping(body.get("inputs")), "inputs")
    settings = _mapping(body.get("settings"))
    compute = compute_name(settings.get("default_compute") or body.get("compute"))
    _set(spec, compute=compute, inputs=own_inputs, parameters=own_parameters)
    ctx.add(ctx.document("Job", name, None, spec, body))
    steps = {str(key): step for key, step in _mapping(body.get("jobs")).items() if isinstance(step, dict)}
    outputs = {}
    components = {}
    for key, step in steps.items():
        if step.get("type", "command") not in STEP_TYPES:
            ctx.lose(f"jobs.{key}", f"a {step.get('type')} step has no catgen job type")
            continue
        components[key], outputs[key] = _step_component(ctx, name, key, step)
    for key in components:
        _child(ctx, name, key, steps[key], components[key], (own_inputs, own_parameters, outputs), compute)
    ctx.carry(settings, {"default_compute"}, "settings.")
    ctx.carry(body, JOB_FIELDS | {"jobs", "settings"})


def _child(ctx: FileContext, pipeline: str, key: str, step: dict, component, parent: tuple, compute) -> None:
    child = names.slug(f"{pipeline}-{key}")
    spec = _job_spec(ctx, step.get("type", "command"))
    refs, parameters, bindings = _inputs(ctx, child, _mapping(step.get("inputs")), f"jobs.{key}.inputs")
    for input_name, match in bindings.items():
        if match["input"]:
            _bind_parent_input(ctx, match["input"], input_name, parent, refs, parameters, f"jobs.{key}")
        else:
            refs[input_name] = _flow(ctx, pipeline, match["job"], match["output"], parent[2])
    step_compute = compute_name(step.get("compute")) or compute
    _set(spec, component=component, compute=step_compute, inputs=refs, parameters=parameters)
    spec["parent"] = f"job:{pipeline}"
    ctx.add(ctx.document("Job", child, None, spec, step, description=step.get("description")))
    used = {"type", "component", "compute", "inputs", "outputs", "command", "environment", "code", "description",
            "tags", "name"}
    ctx.carry(step, used, f"jobs.{key}.")


def _bind_parent_input(ctx, source: str, input_name: str, parent: tuple, refs: dict, parameters: dict, field: str):
    parent_refs, parent_parameters, _ = parent
    if source in parent_refs:
        refs[input_name] = parent_refs[source]
    elif source in parent_parameters:
        parameters[input_name] = parent_parameters[source]
    else:
        ctx.lose(f"{field}.inputs.{input_name}", f"bound to the pipeline input {source!r}, which has no value here")


def _flow(ctx: FileContext, pipeline: str, step: str, output: str, outputs: dict) -> str:
    """The data (or model) step ``step`` of ``pipeline`` writes as ``output``: produced by that step's Job."""
    producer = names.slug(f"{pipeline}-{step}")
    port = _mapping(outputs.get(step)).get(output)
    kind_of = _mapping(port).get("type", "uri_folder")
    path = f"azureml://jobs/{producer}/outputs/{output}"
    home = ctx.home()
    if kind_of in assets.MODEL_TYPES:
        kind, spec = "Model", {**home, "type": kind_of, "path": path, "job": f"job:{producer}"}
    else:
        kind_of = kind_of if kind_of in assets.DATA_TYPES else "uri_folder"
        spec = {**home, "type": kind_of, "path": path, "classification": "unclassified", "job": f"job:{producer}"}
        kind = "Data"
    name, version = names.inline_name(pipeline, f"{step}-{output}"), names.content_version(spec)
    ctx.add(ctx.document(kind, name, version, spec, description=f"Output {output} of step {step} of {pipeline}."))
    return f"{kind.lower()}:{name}@{version}"


def _step_component(ctx: FileContext, pipeline: str, key: str, step: dict):
    if "component" in step:
        return assets.step_component(ctx, pipeline, key, step, f"jobs.{key}", ctx.azure.folder)
    reference = _component(ctx, pipeline, key, step, f"jobs.{key}.")
    return reference, {}


def _component(ctx: FileContext, owner: str, role: str, body: dict, prefix: str) -> str | None:
    """The component a job runs: a reference, a local component file, or its inline command (a new component)."""
    if "component" in body and body["component"] is not None:
        reference, _ = assets.step_component(ctx, owner, role, body, prefix.rstrip(".") or "component",
                                             ctx.azure.folder)
        return reference
    if not isinstance(body.get("command"), str):
        return None
    inline = {key: body[key] for key in ("command", "environment", "code") if key in body}
    name = names.inline_name(owner, role)
    version = names.content_version({**inline, "folder": ctx.azure.folder})
    assets.component(ctx, {"type": "command", **inline}, name, version, prefix, ctx.azure.folder)
    return f"component:{name}@{version}"


def _inputs(ctx: FileContext, owner: str, inputs: dict, field: str):
    """(references, parameters, bindings) of a job's inputs: assets, literal values, ``${{parent...}}``."""
    refs, parameters, bindings = {}, {}, {}
    for key, value in inputs.items():
        key = str(key)
        where = f"{field}.{key}"
        if isinstance(value, str) and _BINDING.match(value):
            bindings[key] = _BINDING.match(value)
        elif isinstance(value, dict) and "path" in value:
            found = assets.inline_asset(ctx, owner, key, value, where)
            if found:
                refs[key] = found
        elif isinstance(value, dict) and _scalar(value.get("value")):
            parameters[key] = value["value"]
        elif _scalar(value):
            parameters[key] = value
        else:
            ctx.lose(where, "neither an asset with a path nor a literal value")
    return refs, parameters, bindings


def _scalar(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, (str, int, bool))


def _inputs_and_rest(ctx: FileContext, name: str, body: dict, spec: dict) -> None:
    refs, parameters, bindings = _inputs(ctx, name, _mapping(body.get("inputs")), "inputs")
    for key in bindings:
        ctx.lose(f"inputs.{key}", "a binding outside a pipeline")
    _set(spec, compute=compute_name(body.get("compute")), inputs=refs, parameters=parameters)


def _lose_outputs(ctx: FileContext, body: dict, prefix: str) -> None:
    for key in _mapping(body.get("outputs")):
        ctx.lose(f"{prefix}outputs.{key}", "what a job will write is recorded once it has run")


def _job_spec(ctx: FileContext, kind: str) -> dict:
    return {"workspace": ctx.workspace_ref("a job"), "type": kind, "status": "unknown"}


def _set(spec: dict, **fields) -> None:
    spec.update({key: value for key, value in fields.items() if value})


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}
