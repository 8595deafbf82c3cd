"""CG6xx: lineage requirements of a stage's gate.

Where a stage sets ``require_lineage``, a model promoted to it must trace
back to a completed training job (CG601) that has a code commit (CG602), an
environment (CG603) and at least one data input (CG604), each directly on the
job or through its component (for a pipeline, through its steps too). Where
it sets ``training_data``, the job's data inputs must have an allowed
classification (CG606). Where it sets ``pinned_images``, every environment
the asset runs in is pinned by digest (CG605).

Reported in the Promotion's file, at its ``asset``; the subject is the asset
at fault (the model, its training job, the environment, the data). A missing
or incomplete training job is reported once, by CG601, and the checks that
need the job are then skipped.
"""

from __future__ import annotations

import re

from catgen.rules import lineage_examples
from catgen.rules._gates import completed, gated_promotions
from catgen.rules.base import rule

PINNED = re.compile(r"@sha256:[0-9a-f]{64}$")


@rule("CG601", "no-training-job", examples=lineage_examples.CG601)
def no_training_job(ctx):
    """A model promoted to a stage that requires lineage has no training job, or the job did not complete."""
    for promotion, model, stage in _lineage_promotions(ctx):
        job = ctx.graph.target(model, "trained_by")
        if job is None:
            message = f"{model.ref} names no training job (spec.job); {stage.name} requires lineage"
        elif job.spec.get("status") != "completed":
            message = (
                f"{model.ref} was trained by {job.ref}, whose status is {job.spec.get('status')!r}, not completed; "
                f"{stage.name} requires lineage"
            )
        else:
            continue
        yield ctx.finding("CG601", promotion, ("spec", "asset"), message, subject=model.ref, value=True)


@rule("CG602", "no-code-commit", examples=lineage_examples.CG602)
def no_code_commit(ctx):
    """The training job of a model promoted to a stage that requires lineage has no code commit,
    directly or through its component."""
    for promotion, job, stage in _complete_jobs(ctx):
        if not ctx.once("job_has_commit", job, lambda: any(map(_has_commit, [job, *_components(ctx, job)]))):
            yield ctx.finding(
                "CG602", promotion, ("spec", "asset"),
                f"{job.ref} records no code commit (spec.code on the job or its component); "
                f"{stage.name} requires lineage",
                subject=job.ref, value=True,
            )


@rule("CG603", "no-environment", examples=lineage_examples.CG603)
def no_environment(ctx):
    """The training job of a model promoted to a stage that requires lineage has no environment,
    directly or through its component."""
    for promotion, job, stage in _complete_jobs(ctx):
        if not _environments(ctx, job):
            yield ctx.finding(
                "CG603", promotion, ("spec", "asset"),
                f"{job.ref} names no environment (spec.environment on the job or its component); "
                f"{stage.name} requires lineage",
                subject=job.ref, value=True,
            )


@rule("CG604", "no-training-data", examples=lineage_examples.CG604)
def no_training_data(ctx):
    """The training job of a model promoted to a stage that requires lineage has no data input."""
    for promotion, job, stage in _complete_jobs(ctx):
        if not ctx.once("job_has_data", job, lambda: bool(ctx.graph.out_edges(job, {"uses_data"}))):
            yield ctx.finding(
                "CG604", promotion, ("spec", "asset"),
                f"{job.ref} has no data input (spec.inputs with a data: reference); {stage.name} requires lineage",
                subject=job.ref, value=True,
            )


@rule("CG605", "unpinned-image", examples=lineage_examples.CG605)
def unpinned_image(ctx):
    """An environment the asset runs in is not pinned by digest, where the stage sets ``pinned_images``.

    Pinned means the image ends in ``@sha256:<64 hex digits>``. A model's
    environments are its training job's environment and that job's
    component's (and, for a pipeline, its steps'); an environment promoted
    itself is checked itself; a deployment in a workspace of the stage is
    checked for the environment it names (reported on the deployment).
    """
    for promotion, asset, stage in gated_promotions(ctx):
        if stage.gate.pinned_images:
            for environment in _asset_environments(ctx, asset):
                if not _pinned(environment):
                    yield _unpinned(ctx, promotion, ("spec", "asset"), environment, stage)
    for deployment, stage in _deployments_with_pinning(ctx):
        environment = ctx.graph.target(deployment, "uses_environment")
        if environment is not None and not _pinned(environment):
            yield _unpinned(ctx, deployment, ("spec", "environment"), environment, stage)


@rule("CG606", "training-data-class", examples=lineage_examples.CG606)
def training_data_class(ctx):
    """A data input of the training job has a classification the stage's ``training_data`` does not allow."""
    for promotion, model, stage in gated_promotions(ctx, kinds=("Model",)):
        allowed = stage.gate.training_data
        job = ctx.graph.target(model, "trained_by")
        if allowed is None or job is None:
            continue
        for edge, classification in ctx.once("data_not_allowed", (job, stage.name),
                                              lambda: _data_not_allowed(ctx, job, allowed)):
            yield ctx.finding(
                "CG606", promotion, ("spec", "asset"),
                f"{model.ref} was trained on {edge.target.ref} ({classification}); "
                f"{stage.name} allows training data classified {', '.join(sorted(allowed))}",
                subject=edge.target.ref, value=True,
            )


def _data_not_allowed(ctx, job, allowed) -> list:
    """(edge, classification) of each data input of ``job`` classified as ``allowed`` does not allow."""
    found = []
    for edge in ctx.graph.out_edges(job, {"uses_data"}):
        classification = edge.target.spec.get("classification")
        # Only a name can be allowed; a list or a mapping there (CG201 too) is no classification, and
        # asking a set whether it holds one would raise.
        if not isinstance(classification, str) or classification not in allowed:
            found.append((edge, classification))
    return found


def _lineage_promotions(ctx):
    for promotion, model, stage in gated_promotions(ctx, kinds=("Model",)):
        if stage.gate.require_lineage:
            yield promotion, model, stage


def _complete_jobs(ctx):
    """(promotion, job, stage) where CG601 is satisfied, so the job's own lineage is checked."""
    for promotion, model, stage in _lineage_promotions(ctx):
        job = ctx.graph.target(model, "trained_by")
        if completed(job):
            yield promotion, job, stage


def _components(ctx, job) -> list:
    """The job's component and, for pipelines, every step below it (each once)."""
    return ctx.once("components", job, lambda: _union(
        ctx.once("component_tree", edge.target, lambda: _component_tree(ctx, [edge.target]))
        for edge in ctx.graph.out_edges(job, {"runs_component"})))


def _union(lists) -> list:
    """Each member of ``lists`` once, in order (a job runs one component, whose tree is used as it is)."""
    lists = list(lists)
    if len(lists) == 1:
        return lists[0]
    found, seen = [], set()
    for member in (member for listed in lists for member in listed):
        if member not in seen:
            seen.add(member)
            found.append(member)
    return found


def _component_tree(ctx, roots: list) -> list:
    """Each component once, in the order the walk meets it (a set beside the list: a pipeline of thousands of
    steps cost the square of its steps for each job that runs it)."""
    found, seen, pending = [], set(), list(roots)
    while pending:
        component = pending.pop()
        if component not in seen:
            seen.add(component)
            found.append(component)
            pending.extend(e.target for e in ctx.graph.out_edges(component, {"has_step"}))
    return found


def _environments(ctx, job) -> list:
    """Environments a job runs in: its own and its components' (each once)."""
    return ctx.once("environments", job, lambda: _environments_of(ctx, [job, *_components(ctx, job)]))


def _environments_of(ctx, holders: list) -> list:
    found, seen = [], set()
    for holder in holders:
        for edge in ctx.graph.out_edges(holder, {"uses_environment"}):
            if edge.target not in seen:
                seen.add(edge.target)
                found.append(edge.target)
    return found


def _asset_environments(ctx, asset) -> list:
    if asset.kind == "Environment":
        return [asset]
    if asset.kind == "Component":
        return ctx.once("component_environments", asset, lambda: _environments_of(
            ctx, ctx.once("component_tree", asset, lambda: _component_tree(ctx, [asset]))))
    job = ctx.graph.target(asset, "trained_by") if asset.kind == "Model" else None
    return _environments(ctx, job) if job is not None else []


def _deployments_with_pinning(ctx):
    for deployment in ctx.catalog.of_kind("Deployment"):
        workspace = ctx.graph.target(deployment, "runs_in")
        stage = ctx.policy.stage(workspace.spec.get("stage")) if workspace is not None else None
        if stage is not None and stage.gate is not None and stage.gate.pinned_images:
            yield deployment, stage


def _has_commit(manifest) -> bool:
    code = manifest.spec.get("code")
    return isinstance(code, dict) and isinstance(code.get("commit"), str) and bool(code["commit"])


def _pinned(environment) -> bool:
    image = environment.spec.get("image")
    return isinstance(image, str) and bool(PINNED.search(image))


def _unpinned(ctx, manifest, path, environment, stage):
    image = environment.spec.get("image")
    return ctx.finding(
        "CG605", manifest, path,
        f"{environment.ref} uses image {image!r}, not pinned by digest; "
        f"{stage.name} requires images ending in @sha256:<digest>",
        subject=environment.ref, value=True,
    )


RULES = [no_training_job, no_code_commit, no_environment, no_training_data, unpinned_image, training_data_class]
