"""CG3xx: identity, references and the policy's structure.

Every manifest has one identity, unique per kind case-insensitively, and
every reference names exactly one manifest of a kind its field accepts
(``<kind>:<name>``, or ``<kind>:<name>@<version>`` for versioned kinds).
References match names exactly; one that matches only when case is ignored
is CG302 with a "did you mean" hint. These rules apply to every manifest:
the policy cannot lower or waive them.
"""

from __future__ import annotations

from dataclasses import replace

from catgen.model import fold
from catgen.model import KINDS, ref_text
from catgen.rules import identity_examples
from catgen.rules.base import rule
from catgen.wording import named_and_counted


@rule("CG301", "duplicate-id", examples=identity_examples.CG301)
def duplicate_id(ctx):
    """Two manifests have the same identity, compared case-insensitively.

    Reported on every file of the identity but the first in path order. Two
    names that differ only in case would collide on case-insensitive file
    systems and confuse every reader. (Several policies are CG306.)
    """
    for group in ctx.catalog.folded.values():
        first = group[0]
        if first.kind == "Policy":
            continue
        for other in group[1:]:
            yield ctx.finding(
                "CG301", other, ("metadata", "name"), f"{other.ref} is already defined by {first.path} ({first.ref})",
                subject=other.ref, value=True,
            )


@rule("CG302", "dangling-ref", examples=identity_examples.CG302)
def dangling_ref(ctx):
    """A reference names no manifest.

    If a manifest matches when case is ignored, the message says which. A
    reference to a file that could not be loaded (CG1xx, CG202) is not
    reported again. Unversioned kinds take no ``@version``.
    """
    for ref in _well_formed_refs(ctx):
        if ref.target is not None:
            continue
        if ref.version is not None and not KINDS[ref.kind].versioned:
            message = f"{ref.text!r}: a {ref.kind} has no versions; write {ref_text(ref.kind, ref.name)}"
            yield _at(ctx, "CG302", ref, message)
            continue
        folded = fold(ref.key)
        if folded in ctx.catalog.broken:
            continue
        near = ctx.catalog.folded.get(folded)
        hint = f"; did you mean {near[0].ref}?" if near else ""
        yield _at(ctx, "CG302", ref, f"{ref.text!r} names no manifest{hint}")


@rule("CG303", "ref-kind", examples=identity_examples.CG303)
def ref_kind(ctx):
    """A reference is of a kind the field does not accept, or is not a reference at all.

    A reference is written ``<kind>:<name>[@<version>]`` with the kind in
    lower case; each field accepts only the kinds SPEC §5 lists for it (a
    deployment's ``model`` takes ``model:``, a job's ``inputs`` take ``data:``
    or ``model:``).
    """
    for manifest in ctx.catalog.manifests:
        for ref in manifest.refs:
            expected = " or ".join(sorted(f"{KINDS[k].prefix}:" for k in ref.accepts))
            if ref.kind is None:
                message = f"`{ref.field}` must be a reference like {expected}<name>, got {ref.text!r}"
                yield _at(ctx, "CG303", ref, message)
            elif ref.kind not in ref.accepts:
                yield _at(ctx, "CG303", ref, f"`{ref.field}` takes a {expected} reference, got {ref.text!r}")


@rule("CG304", "unpinned-ref", examples=identity_examples.CG304)
def unpinned_ref(ctx):
    """A reference to a versioned kind (model, environment, component, data) names no version.

    Versions are immutable; a reference without one (or with ``@latest``,
    which is not a version) could mean something else tomorrow.
    """
    for manifest in ctx.catalog.manifests:
        for ref in manifest.refs:
            if ref.kind in ref.accepts and KINDS[ref.kind].versioned:
                if ref.version is None:
                    yield _at(ctx, "CG304", ref, f"{ref.text!r} names no version; write {ref.text}@<version>")
                elif ref.version.casefold() == "latest":
                    yield _at(ctx, "CG304", ref, f"{ref.text!r}: `latest` is not a version; name the version")


def _well_formed_refs(ctx):
    """References of an accepted kind, pinned where the kind is versioned."""
    for manifest in ctx.catalog.manifests:
        for ref in manifest.refs:
            if ref.kind in ref.accepts and not (KINDS[ref.kind].versioned and _unpinned(ref)):
                yield ref


def _unpinned(ref) -> bool:
    return ref.version is None or ref.version.casefold() == "latest"


def _at(ctx, code, ref, message):
    return ctx.finding(code, ref.source, ref.path, message, subject=ref.source.ref, value=True)


RULES_BEFORE_POLICY = [duplicate_id, dangling_ref, ref_kind, unpinned_ref]


@rule("CG305", "lineage-cycle", examples=identity_examples.CG305)
def lineage_cycle(ctx):
    """The lineage graph has a cycle.

    A model trained by a job that consumes the model itself, a job whose
    baseline is (eventually) itself, a component that is its own step: lineage
    must lead back in time. Reported on the first manifest of the cycle in
    path order, with the whole cycle in the message.
    """
    for cycle in ctx.graph.cycles():
        first = min(cycle, key=lambda m: m.relpath)
        start = cycle.index(first)
        ordered = cycle[start:] + cycle[:start] + [first]
        chain = " -> ".join(m.ref for m in ordered)
        yield ctx.finding("CG305", first, ("metadata", "name"), f"lineage cycle: {chain}", subject=first.ref)


@rule("CG306", "policy", examples=identity_examples.CG306)
def policy(ctx):
    """The policy is missing, repeated, or names stages or rules that do not exist.

    A catalog has exactly one Policy, at ``<root>/policy.yaml`` (reported at
    line 1 of that path when missing). Stage names are unique (a repeated
    name is the first stage of that name everywhere else: its gate, the
    site's marks and board, ``catgen status``); a stage's
    ``promotion.from`` names an earlier stage; every workspace and promotion
    ``stage`` is a stage of the policy; ``rules`` and ``exceptions`` name rule
    codes catgen defines, and never CG1xx-CG3xx, which cannot be lowered or
    waived. An expired exception no longer applies and is reported as a
    warning, so someone renews or removes it.
    """
    policies = ctx.catalog.policies
    if not policies:
        path = ctx.catalog.display("policy.yaml")
        message = "the catalog has no policy; add policy.yaml with kind: Policy and its stages"
        yield ctx.finding_at("CG306", path, 1, 1, message)
        return
    for extra in policies[1:]:
        message = f"a catalog has one policy; {policies[0].path} is already it"
        yield ctx.finding("CG306", extra, ("kind",), message, value=True)
    # The policy file's own structure is checked as written (with --base the
    # base's policy judges everything else, but findings point into this file).
    own = ctx.own_policy
    yield from _policy_stages(ctx, policies[0], own)
    yield from _policy_rule_codes(ctx, policies[0], own)
    yield from _stage_users(ctx)


def _policy_stages(ctx, manifest, own):
    seen: dict = {}
    for stage in own.stages:
        if stage.name in seen:
            yield ctx.finding(
                "CG306", manifest, stage.path + ("name",), f"stage {stage.name!r} is defined twice", value=True,
            )
        seen.setdefault(stage.name, stage)
        source = manifest.get(*stage.path, "promotion", "from")
        if isinstance(source, str):
            earlier = seen.get(source)
            if earlier is None or earlier is stage:
                yield ctx.finding(
                    "CG306", manifest, stage.path + ("promotion", "from"),
                    f"stage {stage.name!r} is promoted from {source!r}, "
                    f"which is not an earlier stage{_stages_hint(own)}",
                    value=True,
                )


def _policy_rule_codes(ctx, manifest, own):
    levels = manifest.get("spec", "rules")
    for code in levels if isinstance(levels, dict) else ():
        problem = _rule_code_problem(ctx, code, "its level")
        if problem:
            yield ctx.finding("CG306", manifest, ("spec", "rules", code), problem)
    for exception in own.exceptions:
        problem = _rule_code_problem(ctx, exception.rule, "it")
        if problem:
            yield ctx.finding("CG306", manifest, exception.path + ("rule",), problem, value=True)
        elif exception.expires is not None and exception.expires < ctx.now:
            message = (
                f"the exception for {exception.rule} on {exception.subject} expired; "
                "it no longer applies (renew it with a new review, or remove it)"
            )
            yield _as_warning(ctx.finding(
                "CG306", manifest, exception.path + ("expires",), message, subject=exception.subject, value=True,
            ))


def _rule_code_problem(ctx, code, what) -> str | None:
    known = ctx.rules.get(code)
    if known is None:
        return f"{code} is not a catgen rule (`catgen rules` lists every rule; `catgen rules CODE` explains one)"
    if not known.policy_controlled:
        return f"{code} applies to every manifest; the policy cannot change {what}"
    return None


def _stage_users(ctx):
    """Workspaces and promotions must name stages the policy defines."""
    for manifest in ctx.catalog.manifests:
        if manifest.kind in ("Workspace", "Promotion"):
            stage = manifest.spec.get("stage")
            if isinstance(stage, str) and ctx.policy.stage(stage) is None:
                yield ctx.finding(
                    "CG306", manifest, ("spec", "stage"),
                    f"stage {stage!r} is not defined by the policy{_stages_hint(ctx.policy)}",
                    subject=manifest.ref, value=True,
                )


def _stages_hint(policy) -> str:
    """The stages a policy defines, ten named: each finding about an undefined stage says them."""
    names = policy.stage_names
    return f" (stages: {named_and_counted(names, len(names))})" if names else ""


def _as_warning(found):
    return replace(found, level="warning")


RULES = RULES_BEFORE_POLICY + [lineage_cycle, policy]
