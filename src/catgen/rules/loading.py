"""CG1xx: reading files safely.

Every ``*.yaml``/``*.yml`` file under the catalog root must be exactly one
YAML document whose top level is a mapping, in UTF-8, at most 1 MiB, without
tags, anchors, aliases or duplicate keys, at its canonical path. A file has at
most one CG1xx finding (the first found, in the order CG105, CG106 encoding,
CG101, CG104, CG103, CG102, CG106 shape); such a file is left out of the
lineage graph, and references to the identity its path implies are not
reported, so one broken file gives one finding.
"""

from __future__ import annotations

from catgen.model import identity_from_relpath, ref_text
from catgen.rules import loading_examples
from catgen.rules.base import rule


def _problems(ctx, code: str):
    for manifest in ctx.catalog.manifests:
        problem = manifest.problem
        if problem is not None and problem.code == code:
            yield ctx.finding_at(
                code, manifest.path, problem.line, problem.column, problem.message,
                subject=_implied_subject(manifest),
            )


def _implied_subject(manifest) -> str | None:
    implied = identity_from_relpath(manifest.relpath)
    if not implied or implied[0] == "Policy":
        return None
    return ref_text(*implied)


@rule("CG101", "yaml-syntax", examples=loading_examples.CG101)
def yaml_syntax(ctx):
    """The file is not parseable YAML.

    Reported at the line and column where the parser gave up. Control
    characters that YAML does not allow are syntax errors too.
    """
    return _problems(ctx, "CG101")


@rule("CG102", "duplicate-key", examples=loading_examples.CG102)
def duplicate_key(ctx):
    """A mapping repeats a key.

    YAML parsers disagree on which value wins, so catgen refuses the file.
    Reported at the second occurrence of the key.
    """
    return _problems(ctx, "CG102")


@rule("CG103", "yaml-alias", examples=loading_examples.CG103)
def yaml_alias(ctx):
    """An anchor (``&name``) or alias (``*name``) is used.

    Aliases let a tiny file expand to gigabytes (the "billion laughs" attack)
    and hide what a manifest says; catgen refuses them before anything is
    expanded. Write the value out in full.
    """
    return _problems(ctx, "CG103")


@rule("CG104", "yaml-tag", examples=loading_examples.CG104)
def yaml_tag(ctx):
    """An explicit tag (``!!python/object``, ``!foo``, even ``!!str``) is used.

    Tags can make YAML loaders construct objects or run code. catgen never
    constructs tagged values; it reports the first tag.
    """
    return _problems(ctx, "CG104")


@rule("CG105", "file-too-large", examples=loading_examples.CG105)
def file_too_large(ctx):
    """The file is larger than 1 MiB.

    Checked from the file size before a byte is parsed. No manifest needs to be
    that large; artifacts belong elsewhere, referenced by URI.
    """
    return _problems(ctx, "CG105")


@rule("CG106", "not-a-manifest", examples=loading_examples.CG106)
def not_a_manifest(ctx):
    """The file is not one manifest.

    It is empty, holds several YAML documents, its top level is not a mapping,
    it is not UTF-8, it nests deeper than 64 levels, or it is a symbolic link
    (links are not followed).
    """
    return _problems(ctx, "CG106")


@rule("CG107", "misplaced-file", examples=loading_examples.CG107)
def misplaced_file(ctx):
    """The file is not at the canonical path of the manifest's identity.

    Versioned kinds live at ``<plural>/<name>/<version>.yaml``, other kinds at
    ``<plural>/<name>.yaml``, the policy at ``policy.yaml`` (``.yml`` is
    accepted). Paths compare case-sensitively, so the catalog checks out the
    same on every operating system.
    """
    for manifest in ctx.catalog.manifests:
        canonical = manifest.canonical_relpath
        if canonical is not None and manifest.relpath != canonical:
            yield ctx.finding(
                "CG107", manifest, ("metadata", "name") if manifest.kind != "Policy" else ("kind",),
                f"{manifest.ref} belongs at {ctx.catalog.display(canonical)}, not {manifest.path}",
                subject=manifest.ref if manifest.kind != "Policy" else None,
            )


RULES = [yaml_syntax, duplicate_key, yaml_alias, yaml_tag, file_too_large, not_a_manifest, misplaced_file]
