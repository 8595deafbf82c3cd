"""CG4xx: what a change may do to what the base already published, and to what places a workspace.

These rules compare the working tree with the base of ``catgen check --base
REF`` (``ctx.base``); without ``--base`` they find nothing. The policy that
judges is the base's (``ctx.policy``): its ``immutable_kinds`` and
``mutable_fields`` decide what may change, so a change cannot make its own
edits legal.

The comparison is semantic: manifests are compared as parsed data, so a file
that is re-indented, re-ordered or re-quoted but means the same is unchanged.
Identities are matched case-insensitively, as they are unique that way.
"""

from __future__ import annotations

import json
from collections import Counter

from catgen.diff import MISSING, Change, diff, same_data, show
from catgen.model import fold
from catgen.rules import immutability_examples
from catgen.rules.base import rule

# Editorial fields of the policy: editing them changes no rule, so CG403 ignores them.
POLICY_EDITORIAL_FIELDS = (("metadata", "description"), ("metadata", "tags"))
_RENAME_FIELDS = (("metadata", "name"), ("metadata", "version"))


def covered(path: tuple, fields) -> bool:
    """True when a dotted field (``metadata.tags``) is ``path`` or one of its ancestors."""
    steps = tuple(str(step) for step in path)
    return any(steps[: len(prefix)] == prefix for prefix in fields)


def dotted_fields(fields) -> list[tuple]:
    return [tuple(text.split(".")) for text in fields if text]


def first_change(manifest, changes: list[Change]) -> Change:
    """The change written first in the working file (its line order, then column)."""
    return min(changes, key=lambda change: manifest.locate(change.located_at))


def _describe(change: Change) -> str:
    if change.before is MISSING:
        return f"`{change.field}` was added"
    if change.after is MISSING:
        return f"`{change.field}` was removed (it was {show(change.before)})"
    return f"`{change.field}` changed (it was {show(change.before)})"


def _instead(kind: str) -> str:
    if kind in ("Model", "Environment", "Component", "Data"):
        return "register a new version instead"
    if kind == "Promotion":
        return "promotions are append-only events: add a new Promotion instead"
    return f"write a new {kind} instead"


def _published(ctx):
    """The base's manifests of immutable kinds, first of each identity, in path order."""
    immutable = ctx.policy.immutable_kinds
    for group in ctx.base.folded.values():
        first = group[0]
        if first.kind in immutable and first.kind != "Policy":
            yield first


def _counterpart(ctx, published):
    """The working manifest of the same identity (case-insensitively), or None."""
    group = ctx.catalog.folded.get(fold(published.key))
    return group[0] if group else None


def _unloadable(ctx, published) -> bool:
    """The identity's file is there but cannot be loaded: its CG1xx/CG202 finding is the report."""
    return fold(published.key) in ctx.catalog.broken


@rule("CG401", "modified-published", examples=immutability_examples.CG401)
def modified_published(ctx):
    """A manifest of an immutable kind in the base changed beyond the mutable fields.

    With ``--base``, every manifest whose kind is in the base policy's
    ``immutable_kinds`` (default: Model, Environment, Component, Data, Job,
    Promotion) may change only in its ``mutable_fields`` (default:
    ``metadata.description`` and ``metadata.tags``; a field covers everything
    below it). The comparison is of parsed data, so re-indenting or re-ordering
    a file changes nothing. Reported on the working file at the first changed
    field (for a removed field, its parent), naming the field and its base
    value. Publish the change as a new version (or a new Promotion) instead.
    """
    if ctx.base is None:
        return
    mutable = dotted_fields(ctx.policy.mutable_fields)
    for published in _published(ctx):
        current = _counterpart(ctx, published)
        if current is None:
            continue
        changes = [c for c in diff(published.data, current.data) if not covered(c.path, mutable)]
        if changes:
            change = first_change(current, changes)
            message = (
                f"{published.ref} is published in the base and immutable: {_describe(change)}; "
                f"only {', '.join(ctx.policy.mutable_fields) or 'nothing'} may change, {_instead(published.kind)}"
            )
            yield ctx.finding("CG401", current, change.located_at, message, subject=published.ref)


@rule("CG402", "deleted-published", examples=immutability_examples.CG402)
def deleted_published(ctx):
    """A manifest of an immutable kind in the base was deleted or renamed.

    Reported at the base's path, line 1, with the base identity as subject.
    When a new manifest of the working tree holds the same data under another
    name or version, the message says it was renamed to it (and the new
    manifest is judged as new: it has none of the old one's promotions).
    Published assets, jobs and promotions stay in the catalog for the audit
    trail; to retire something, say so in its description or tags.
    """
    if ctx.base is None:
        return
    mutable = dotted_fields(ctx.policy.mutable_fields)
    renamed = _renamed_candidates(ctx, mutable)
    for published in _published(ctx):
        if _counterpart(ctx, published) is not None or _unloadable(ctx, published):
            continue
        target = renamed.get(_rename_signature(published, mutable))
        if target is not None:
            what = (
                f"was renamed to {target.ref} ({target.path}); "
                "a new identity is a new, unpromoted asset, and the published one must stay"
            )
        else:
            what = (
                "was deleted; published manifests stay in the catalog for the audit trail "
                "(restore it; to retire it, say so in its description or tags)"
            )
        message = f"{published.ref} is published in the base and {what}"
        yield ctx.finding_at("CG402", published.path, 1, 1, message, subject=published.ref)


def _rename_signature(manifest, mutable: list[tuple]) -> tuple:
    """The manifest's data without its identity and mutable fields, as comparable text."""
    data = _without(manifest.data, mutable + list(_RENAME_FIELDS))
    return manifest.kind, json.dumps(data, sort_keys=True, default=str)


def _without(data, fields: list[tuple], path: tuple = ()):
    """A copy of ``data`` without the mappings' keys that ``fields`` cover."""
    if not isinstance(data, dict):
        return data
    return {
        key: _without(value, fields, path + (key,))
        for key, value in data.items() if not covered(path + (key,), fields)
    }


def _renamed_candidates(ctx, mutable: list[tuple]) -> dict:
    """Working manifests whose identity the base does not have, by rename signature."""
    found: dict = {}
    for manifest in ctx.catalog.manifests:
        if manifest.identified and fold(manifest.key) not in ctx.base.folded:
            found.setdefault(_rename_signature(manifest, mutable), manifest)
    return found


@rule("CG403", "policy-changed", level="warning", examples=immutability_examples.CG403)
def policy_changed(ctx):
    """The policy changed: the base's policy judged this change, the new one applies after the merge.

    With ``--base``, stages, levels, exceptions and immutability all come from
    the base's policy, so a change cannot loosen the rules that judge it. A
    changed policy is reported once, as a warning on the working policy file
    at the first changed key, with a summary of what changed (its description
    and tags are editorial and ignored). Merge a policy change (or a new
    exception) on its own, reviewed by the policy's owners, before the change
    that relies on it.
    """
    if ctx.base is None:
        return
    if ctx.base.policy is None:
        yield _no_base_policy(ctx)
        return
    before, after = ctx.base.policy, ctx.catalog.policy
    if after is None:
        message = "the policy was deleted; the base's policy judged this change"
        yield ctx.finding_at("CG403", before.path, 1, 1, message, subject=before.ref)
        return
    changes = [c for c in diff(before.data, after.data) if not covered(c.path, POLICY_EDITORIAL_FIELDS)]
    if changes:
        change = first_change(after, changes)
        message = (
            f"the policy changed ({summarize_policy_change(before.data, after.data, changes)}); "
            "the base's policy judged this change, the new one applies once it is merged"
        )
        yield ctx.finding("CG403", after, change.located_at, message, subject=after.ref)


def _no_base_policy(ctx):
    """CG403 when the base has no policy at the catalog's path: the change's own policy judged it.

    The check core keeps the judging policy's levels and exceptions away from this one finding:
    a policy with nothing above it must not be able to hide that it judged itself.
    """
    message = "the base has no policy; this change's own policy judged it (merge the policy on its own first)"
    own = ctx.catalog.policy
    if own is None:
        return ctx.finding_at("CG403", ctx.catalog.display("policy.yaml"), 1, 1, message)
    return ctx.finding_at("CG403", own.path, 1, 1, message, subject=own.ref)


def summarize_policy_change(before: dict, after: dict, changes: list[Change]) -> str:
    """A short account: ``stage prod: approvals 2 -> 1; exceptions: +1``."""
    old, new = _dict(before.get("spec")), _dict(after.get("spec"))
    parts = _stage_changes(old.get("stages"), new.get("stages"))
    parts += _count_changes("exceptions", old.get("exceptions"), new.get("exceptions"))
    parts += _level_changes(_dict(old.get("rules")), _dict(new.get("rules")))
    for name in ("immutable_kinds", "mutable_fields"):
        parts += _count_changes(name, old.get(name), new.get(name), named=True)
    summarized = {
        ("spec", "stages"), ("spec", "exceptions"), ("spec", "rules"),
        ("spec", "immutable_kinds"), ("spec", "mutable_fields"),
    }
    others = sorted({
        c.field if len(c.path) < 2 else ".".join(str(s) for s in c.path[:2])
        for c in changes if c.path[:2] not in summarized
    })
    parts += [f"{field} changed" for field in others]
    return "; ".join(parts) or "reformatted"


def _stage_changes(old, new) -> list[str]:
    old_stages, new_stages = _stages(old), _stages(new)
    parts = [f"-stage {name}" for name in old_stages if name not in new_stages]
    parts += [f"+stage {name}" for name in new_stages if name not in old_stages]
    for name in (n for n in new_stages if n in old_stages):
        before, after = _flatten(old_stages[name]), _flatten(new_stages[name])
        keys = [key for key in sorted(before.keys() | after.keys()) if key != ("name",)]
        fields = [f"{_setting(key)} {show(before.get(key, MISSING))} -> {show(after.get(key, MISSING))}"
                  for key in keys if not _same_value(before.get(key, MISSING), after.get(key, MISSING))]
        if fields:
            parts.append(f"stage {name}: {', '.join(fields)}")
    common_old = [n for n in old_stages if n in new_stages]
    common_new = [n for n in new_stages if n in old_stages]
    if common_old != common_new:
        parts.append(f"stage order: {', '.join(common_old)} -> {', '.join(common_new)}")
    return parts


def _same_value(a, b) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    return same_data(a, b)


def _stages(value) -> dict:
    items = value if isinstance(value, list) else []
    return {item["name"]: item for item in items if isinstance(item, dict) and isinstance(item.get("name"), str)}


def _flatten(value: dict, prefix: tuple = ()) -> dict:
    """Nested settings as dotted paths: ``{promotion: {approvals: 2}}`` -> ``{("promotion", "approvals"): 2}``."""
    flat: dict = {}
    for key, item in value.items():
        path = prefix + (str(key),)
        if isinstance(item, dict) and item:
            flat.update(_flatten(item, path))
        else:
            flat[path] = item
    return flat


def _setting(path: tuple) -> str:
    """A stage setting's name; ``promotion.`` is left out, as every gate lives there."""
    return ".".join(path[1:] if path[0] == "promotion" and len(path) > 1 else path)


def _count_changes(name: str, old, new, *, named: bool = False) -> list[str]:
    """``exceptions: +1 -1``, or for lists of names ``immutable_kinds: -Promotion``."""
    old_items = Counter(json.dumps(v, sort_keys=True, default=str) for v in (old if isinstance(old, list) else []))
    new_items = Counter(json.dumps(v, sort_keys=True, default=str) for v in (new if isinstance(new, list) else []))
    added, removed = new_items - old_items, old_items - new_items
    if not added and not removed:
        return []
    if named:
        words = [f"+{json.loads(v)}" for v in sorted(added)] + [f"-{json.loads(v)}" for v in sorted(removed)]
        return [f"{name}: {' '.join(words)}"]
    counts = ([f"+{sum(added.values())}"] if added else []) + ([f"-{sum(removed.values())}"] if removed else [])
    return [f"{name}: {' '.join(counts)}"]


def _level_changes(old: dict, new: dict) -> list[str]:
    def level(rules, code):
        entry = rules.get(code)
        return entry.get("level", "default") if isinstance(entry, dict) else "default"

    return [
        f"rule {code}: {level(old, code)} -> {level(new, code)}"
        for code in sorted(old.keys() | new.keys(), key=str) if level(old, code) != level(new, code)
    ]


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


# What places a workspace: the stage judges what may run and be deployed there.
WORKSPACE_PLACEMENT_FIELDS = ("stage", "region", "subscription")


@rule("CG404", "workspace-changed", level="warning", examples=immutability_examples.CG404)
def workspace_changed(ctx):
    """A workspace's ``stage``, ``region`` or ``subscription`` differs from the base.

    A workspace's stage decides which gates its deployments and jobs pass: a
    prod workspace relabelled ``dev`` takes its deployments out of prod's
    promotion rules in one line. Workspaces are not immutable (they describe
    desired state), so such a change is allowed, but it is reported once per
    changed field, as a warning on the working Workspace at that field (at
    ``spec`` when the field was removed), with the base's value; the subject is
    the workspace. Review it as you would a policy change: merge it on its own.
    A *new* workspace in a subscription the policy binds to another stage is
    CG703 (stage-binding).
    """
    if ctx.base is None:
        return
    for group in ctx.base.folded.values():
        before = group[0]
        if before.kind != "Workspace":
            continue
        current = _counterpart(ctx, before)
        if current is None or current.kind != "Workspace":
            continue
        old, new = _dict(before.data.get("spec")), _dict(current.data.get("spec"))
        for name in WORKSPACE_PLACEMENT_FIELDS:
            was, now = old.get(name, MISSING), new.get(name, MISSING)
            if _same_value(was, now):
                continue
            where = ("spec", name) if now is not MISSING else ("spec",)
            what = "removed" if now is MISSING else f"changed to {show(now)}"
            message = (
                f"{current.ref}: `spec.{name}` {what} (it is {show(was)} in the base); "
                "moving a workspace changes which stage's rules judge what runs in it: review it on its own"
            )
            yield ctx.finding("CG404", current, where, message, subject=current.ref)


RULES = [modified_published, deleted_published, policy_changed, workspace_changed]
