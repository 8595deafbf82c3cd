"""CG2xx: the shape of each manifest.

Every manifest is checked against its kind's JSON Schema (``catgen schema
KIND`` prints it) and against the constraints between fields of one manifest
that a schema cannot say plainly. References are strings here: whether they
point anywhere is CG302-CG304, never CG201. The checks themselves live in
``catgen.load.validation``: they depend on a file's bytes alone, so they run where
the file is parsed (on every core) and are cached with the parse.
"""

from __future__ import annotations

from catgen.model import API_VERSION, KINDS
from catgen.rules import schema_examples
from catgen.rules.base import rule

@rule("CG201", "schema", examples=schema_examples.CG201)
def schema_rule(ctx):
    """The manifest breaks its kind's JSON Schema, or a constraint between its fields.

    Reported at the offending key (for a missing key, at the mapping that lacks
    it), or at the offending value. Unknown fields anywhere are errors, each
    unknown key reported at that key. Numbers are finite: ``.nan``, ``.inf``,
    ``-.inf`` (and a number beyond about 1.8e308, read as infinite) anywhere
    are reported at the value, and this is their only finding: no gate can pass
    or fail them. A person (``owner``, ``requested_by``, ``approvals[].by``, a
    policy's ``approvers``) holds no whitespace, control or format character
    (Unicode categories Z and C), so ``alice@contoso.com`` written with a
    trailing space or a zero-width space is reported, not counted as someone
    else. A component's inputs and outputs: ``default``, ``min``, ``max`` and
    each ``enum`` item fit the port's ``type``, ``min`` and ``max`` bound only
    ``integer`` and ``number`` ports, ``min <= default <= max`` and
    ``default`` is one of ``enum``. A revocation (``revoke: true``) names a
    ``stage`` (not a ``registry``) and gives a ``reason``. Constraints between fields: a
    registry's ``replication_locations`` must include its ``location``; a
    versioned asset has exactly one home (``workspace`` or ``registry``); a
    ``command`` component names its ``environment``; only a ``pipeline``
    component has ``steps``; a promotion has exactly one of ``registry`` and
    ``stage``; dates are real calendar dates; ``latest`` is never a version;
    a name or version is not a name Windows reserves for a device (``con``,
    ``prn``, ``aux``, ``nul``, ``com1``-``com9``, ``lpt1``-``lpt9``, in any
    letter case, also followed by an extension such as ``con.v1``), because
    it becomes a file or folder name and a checkout on Windows would fail.
    """
    for manifest in ctx.catalog.manifests:
        if manifest.kind is None:
            continue
        for path, message, at_value in manifest.schema_problems:
            yield ctx.finding("CG201", manifest, path, message, subject=manifest.ref, value=at_value)


@rule("CG202", "unknown-kind", examples=schema_examples.CG202)
def unknown_kind(ctx):
    """The ``apiVersion`` is not ``catgen/v1`` or the ``kind`` is not one of the ten kinds.

    Such a file is left out of the lineage graph; references to the identity
    its path implies are not reported.
    """
    for manifest in ctx.catalog.manifests:
        if manifest.document is None or manifest.kind is not None:
            continue
        data = manifest.data
        if data.get("apiVersion") != API_VERSION:
            yield ctx.finding(
                "CG202", manifest, ("apiVersion",), f"apiVersion must be {API_VERSION}, got {data.get('apiVersion')!r}",
                value=True,
            )
        else:
            kinds = ", ".join(KINDS)
            yield ctx.finding(
                "CG202", manifest, ("kind",), f"unknown kind {data.get('kind')!r}; expected one of {kinds}", value=True,
            )


RULES = [schema_rule, unknown_kind]
