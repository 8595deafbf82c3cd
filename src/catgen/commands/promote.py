"""``catgen promote REF (--stage S | --registry R) --requested-by WHO [--revoke --reason TEXT]``: write a Promotion.

The promotion is dated today and named ``<name>-<version>-to-<stage>-<date>-<id>``
(``...-revoke-<stage>-...`` for a revocation, ``...-registry-<registry>-...``
for sharing): the random id means two branches that promote the same asset on
the same day never collide. After writing, the catalog is checked and the
findings about the new promotion are printed: they say what the policy still
needs (approvals, earlier stages, registry).

Everything that goes into the file name or the file is checked first, since a
hostile policy may define a stage named ``../../x``: stage and registry names
follow the name rule (SPEC §3), the file must land inside the catalog, and a
person is written without whitespace, control or format characters (SPEC §2).
A refusal is one line (exit 2); nothing is written. Promoting an asset to a
stage or registry it is already in (or revoking a stage it is not in) is
written all the same, with a warning on stderr: a new approval round is legitimate.
"""

from __future__ import annotations

import os
import secrets
import sys
import unicodedata

from catgen.checking.engine import run_check
from catgen.commands._refs import find
from catgen.errors import CatalogError, log_safe
from catgen.fsutil import atomic_write, path_in_catalog
from catgen.graph.lineage import LineageGraph
from catgen.load.catalog import open_catalog
from catgen.model import ASSET_KINDS, NAME_RE, canonical_relpath
from catgen.policy import read_policy
from catgen.reporters.text import format_finding

MAX_NAME = 128  # SPEC §3: a name is at most 128 characters


def run(ref: str, catalog_root: str, *, stage: str | None, registry: str | None, requested_by: str, today: str,
        revoke: bool = False, reason: str | None = None) -> int:
    _check_person(requested_by)
    _check_reason(reason, revoke, stage)
    catalog = open_catalog(catalog_root)
    asset = find(catalog, ref)
    if asset.kind not in ASSET_KINDS:
        kinds = "models, environments, components and data"
        raise CatalogError(f"{asset.ref} is a {asset.kind}; only {kinds} are promoted")
    target_line, slug = _target(catalog, stage, registry, revoke)
    already = _already_there(catalog, asset, stage, target_line, revoke)
    name = _promotion_name(f"{asset.name}-{asset.version}-{slug}", today)
    path = path_in_catalog(catalog_root, canonical_relpath("Promotion", name, None))
    atomic_write(path, promotion_text(name, asset.ref, target_line, requested_by, today, revoke=revoke, reason=reason),
                 overwrite=False)
    sys.stdout.write(f"wrote {path}\n")
    if already:  # only once written: a refusal stays the one line on stderr
        sys.stderr.write(f"catgen: warning: {log_safe(already)}\n")
    _report_needs(catalog_root, catalog.parse_cache, path)
    return 0


def _target(catalog, stage, registry, revoke: bool) -> tuple[str, str]:
    """(the YAML line naming the target, the slug used in the name)."""
    if (stage is None) == (registry is None):
        raise CatalogError("give exactly one of --stage and --registry")
    if stage is not None:
        _check_name("stage", stage)
        policy = read_policy(catalog.policy)
        if policy.stage(stage) is None:
            names = ", ".join(policy.stage_names)
            raise CatalogError(f"the policy defines no stage {stage!r} ({f'its stages: {names}' if names else 'none'})")
        return f"stage: {stage}", f"{'revoke' if revoke else 'to'}-{stage}"
    name = registry.split(":", 1)[1] if registry.startswith("registry:") else registry
    _check_name("registry", name)
    if catalog.get("Registry", name) is None:
        raise CatalogError(f"no registry named {name!r} in the catalog")
    return f"registry: registry:{name}", f"registry-{name}"


def _already_there(catalog, asset, stage: str | None, target_line: str, revoke: bool) -> str | None:
    """Why the promotion changes nothing the lineage already says, or None."""
    graph = LineageGraph.build(catalog)
    if stage is not None:
        inside = graph.in_stage(asset, stage, read_policy(catalog.policy))
        if inside and not revoke:
            return f"{asset.ref} is already in {stage}; the promotion is written all the same"
        if revoke and not inside:
            return f"{asset.ref} is not in {stage}; catgen check reports revoking a stage it is not in (CG502)"
        return None
    registry = target_line.rsplit(":", 1)[-1]
    if any(found.name == registry for found in graph.registries(asset)):
        return f"{asset.ref} is already in registry:{registry}; the promotion is written all the same"
    return None


def _check_name(what: str, name: str) -> None:
    """Stage and registry names become part of a file name: only a valid name may (SPEC §3)."""
    if not NAME_RE.match(name):
        raise CatalogError(f"--{what} {name!r} is not a valid name (letters, digits, '.', '_' and '-', "
                           "starting with a letter or digit)")


def _check_person(person: str) -> None:
    """SPEC §2: a person has no whitespace, control or format characters (Unicode categories Z and C)."""
    if not person:
        raise CatalogError("--requested-by must name a person")
    bad = next((c for c in person if unicodedata.category(c)[0] in "ZC"), None)
    if bad is not None:
        raise CatalogError(f"--requested-by must name one person, without whitespace, control or format "
                           f"characters (found U+{ord(bad):04X})")


def _check_reason(reason: str | None, revoke: bool, stage: str | None) -> None:
    if revoke and stage is None:
        raise CatalogError("--revoke takes a stage out of an asset: give --stage, not --registry")
    if revoke and not (reason or "").strip():
        raise CatalogError("a revocation needs --reason: say why the asset leaves the stage")
    if reason is not None and any(unicodedata.category(c)[0] == "C" or c in "\u2028\u2029" for c in reason):
        raise CatalogError("--reason must be one line of text, without control or format characters")


def _promotion_name(prefix: str, today: str) -> str:
    """``<prefix>-<date>-<id>``, the prefix cut so the name stays within the 128 characters a name may have."""
    suffix = f"-{today.replace('-', '')}-{secrets.token_hex(3)}"
    return prefix[: MAX_NAME - len(suffix)] + suffix


def promotion_text(name: str, asset_ref: str, target_line: str, requested_by: str, today: str, *,
                   revoke: bool = False, reason: str | None = None) -> str:
    lines = ["apiVersion: catgen/v1", "kind: Promotion", "metadata:", f"  name: {name}", "spec:",
             f"  {target_line}", f"  asset: {asset_ref}"]
    if revoke:
        lines.append("  revoke: true")
    if reason is not None:
        lines.append(f"  reason: {_quote(reason)}")
    lines += [f"  requested_by: {_quote(requested_by)}", f"  date: {today}"]
    if not revoke:
        lines.append("  approvals: []")  # a revocation needs none
    return "\n".join(lines) + "\n"


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
