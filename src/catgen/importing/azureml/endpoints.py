"""Online endpoints and deployments: one Deployment per deployment, with its endpoint's traffic split.

catgen has no endpoint kind: an endpoint is the ``endpoint`` its deployments
share. An endpoint file gives its deployments their traffic (``traffic:
{blue: 90, green: 10}``); what else it says (authentication, network access,
mirrored traffic) has no catgen field and is reported. Deployment names are
per endpoint in Azure ML (``blue`` is everywhere): the name template
(``{endpoint}-{name}`` by default) makes them global.
"""

from __future__ import annotations

from catgen.importing.azureml import assets, names
from catgen.importing.azureml.context import FileContext, Skip
from catgen.importing.azureml.references import is_reference

DEPLOYMENT_FIELDS = {"name", "endpoint_name", "model", "environment", "instance_type", "instance_count",
                     "description", "tags"}


def endpoint(ctx: FileContext, body: dict) -> None:
    """An endpoint writes no manifest; its traffic reaches its deployments (read first, by the planner)."""
    if not isinstance(body.get("name"), str):
        raise Skip("an endpoint without a name", "name")
    traffic = body.get("traffic")
    if traffic is not None and not _valid_traffic(traffic):
        ctx.lose("traffic", "not a mapping of deployment names to percentages")
    public = str(body.get("public_network_access", "enabled")).lower()
    ctx.lose("public_network_access", f"{public} (Azure ML's default is enabled): catgen records network access "
                                      "on workspaces and registries, not endpoints")
    ctx.carry(body, {"name", "traffic", "public_network_access"})


def deployment(ctx: FileContext, body: dict) -> None:
    workspace = ctx.workspace_ref("a deployment")
    endpoint_name = body.get("endpoint_name")
    if not names.valid_name(endpoint_name):
        raise Skip(f"endpoint_name {endpoint_name!r} is not a valid catgen name", "endpoint_name")
    azure_name = body.get("name")
    name = ctx.name("deployment", names.slug(azure_name) if isinstance(azure_name, str) else None,
                    endpoint=endpoint_name)
    model = _model(ctx, name, body.get("model"))
    if model is None:
        ctx.finish()
        raise Skip("a deployment without a model catgen can record", "model")
    spec = {"workspace": workspace, "endpoint": endpoint_name, "model": model}
    environment = assets.environment_ref(ctx, name, body.get("environment"), "environment", ctx.azure.folder)
    if environment:
        spec["environment"] = environment
    traffic = _traffic(ctx, endpoint_name, azure_name)
    if traffic is not None:
        spec["traffic"] = traffic
    for field in ("instance_type", "instance_count"):
        if body.get(field) is not None:
            spec[field] = body[field]
    ctx.add(ctx.document("Deployment", name, None, spec, body))
    if str(body.get("egress_public_network_access", "enabled")).lower() == "enabled":
        ctx.lose("egress_public_network_access", "enabled (Azure ML's default): catgen does not record egress")
    ctx.carry(body, DEPLOYMENT_FIELDS | {"egress_public_network_access"})


def _model(ctx: FileContext, owner: str, value) -> str | None:
    if isinstance(value, str) and is_reference(value):
        return ctx.ref("Model", value, "model")
    if isinstance(value, dict):
        return assets.inline_asset(ctx, owner, "model", {"type": "custom_model", **value}, "model")
    return None


def _traffic(ctx: FileContext, endpoint_name: str, azure_name) -> int | None:
    """The deployment's share of its endpoint's traffic, from the endpoint file; None (reported) without one."""
    endpoint_body = ctx.importer.endpoints.get(endpoint_name)
    if endpoint_body is None:
        ctx.lose("traffic", f"endpoint {endpoint_name!r} is not among the imported files: its traffic is unknown")
        return None
    traffic = endpoint_body.get("traffic")
    if not _valid_traffic(traffic or {}):
        return None
    share = (traffic or {}).get(azure_name, 0)  # Azure ML gives a deployment the endpoint does not list none
    return share


def _valid_traffic(traffic) -> bool:
    return isinstance(traffic, dict) and all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100 for v in traffic.values()
    )
