"""``catgen promote REF (--stage S | --registry R) --requested-by WHO``: write a Promotion.

The promotion is dated today and named ``<name>-<version>-to-<stage>-<date>-<id>``
(or ``...-registry-<registry>-...``): the random id means two branches that
promote the same asset on the same day never collide. After writing, the
catalog is checked and the findings about the new promotion are printed:
they say what the policy still needs (approvals, earlier stages, registry).
"""

from __future__ import annotations

import os
import secrets
import sys

from catgen.checking.engine import run_check
from catgen.errors import CatalogError
from catgen.fsutil import atomic_write
from catgen.load.catalog import open_catalog
from catgen.model import ASSET_KINDS, canonical_relpath
from catgen.policy import read_policy
from catgen.reporters.text import format_finding


def run(ref: str, catalog_root: str, *, stage: str | None, registry: str | None, requested_by: str, today: str) -> int:
    catalog = open_catalog(catalog_root)
    asset = catalog.find(ref)
    if asset.kind not in ASSET_KINDS:
        kinds = "models, environments, components and data"
        raise CatalogError(f"{asset.ref} is a {asset.kind}; only {kinds} are promoted")
    target = _target(catalog, stage, registry)
    name = f"{asset.name}-{asset.version}-{target[1]}-{today.replace('-', '')}-{secrets.token_hex(3)}"
    path = os.path.join(catalog_root, canonical_relpath("Promotion", name, None))
    atomic_write(path, promotion_text(name, asset.ref, target[0], requested_by, today), overwrite=False)
    sys.stdout.write(f"wrote {path}\n")
    _report_needs(catalog_root, catalog.parse_cache, path)
    return 0


def _target(catalog, stage, registry) -> tuple[str, str]:
    """(the YAML line naming the target, the slug used in the name)."""
    if (stage is None) == (registry is None):
        raise CatalogError("give exactly one of --stage and --registry")
    if stage is not None:
        if read_policy(catalog.policy).stage(stage) is None:
            raise CatalogError(f"the policy defines no stage {stage!r}")
        return f"stage: {stage}", f"to-{stage}"
    name = registry.split(":", 1)[1] if registry.startswith("registry:") else registry
    if catalog.get("Registry", name) is None:
        raise CatalogError(f"no registry named {name!r} in the catalog")
    return f"registry: registry:{name}", f"registry-{name}"


def promotion_text(name: str, asset_ref: str, target_line: str, requested_by: str, today: str) -> str:
    return (
        "apiVersion: catgen/v1\nkind: Promotion\nmetadata:\n"
        f"  name: {name}\nspec:\n  {target_line}\n  asset: {asset_ref}\n"
        f"  requested_by: {_quote(requested_by)}\n  date: {today}\n  approvals: []\n"
    )


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _report_needs(catalog_root: str, parse_cache, path: str) -> None:
    """Check the catalog with the new promotion and show what the policy still asks of it.

    The first open's parse cache is shared, so only the new file is parsed again.
    """
    result = run_check(open_catalog(catalog_root, cache=parse_cache))
    written = os.path.relpath(path).replace(os.sep, "/")
    needs = [f for f in result.findings if f.path == written]
    if not needs:
        sys.stdout.write("the policy asks nothing more of this promotion\n")
        return
    sys.stdout.write("the policy still needs:\n")
    for found in needs:
        sys.stdout.write(f"  {format_finding(found)}\n")
