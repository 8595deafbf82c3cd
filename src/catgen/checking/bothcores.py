"""The rules of a large catalog on two cores: some in a forked child, the rest here, findings in rule order.

After the parse, a cold check is one process running some 40 rules while the
other core idles: 0.3 s at 10,000 manifests, 5 s at 100,000 (benchmarks/README.md,
issue 17). The rules only read the catalog, the policy, the graph and "now",
so a forked child can run a share of them on the same objects without copying
any: it sends back its findings as plain data (``marshal``) and, when "now"
records what it is compared with (``checking/horizon.py``), the dates its rules
compared it with. The findings are put back in the order one process gives
(rule by rule, each rule's in its order), so every report is byte for byte
the same.

The child is a plain ``os.fork`` (``processes.Forked``; Linux only, like the parse workers), made
only when this process runs no other thread (a fork copies no thread, and a
lock another thread holds would stay held in the child). Whatever goes wrong
with it (it cannot start, dies, sends something else) costs time, never a
finding: its rules then run here. It ends with this process (``die_with_parent``),
and an exception here ends it before it propagates.
"""

from __future__ import annotations

from catgen.checking.horizon import RecordingNow, micros
from catgen.model import Finding
from catgen.processes import Forked, fork_is_safe, ready_to_fork

SPLIT_FROM = 3000  # manifests: below, the fork and its copy-on-write faults cost about what the child saves
# The child's share (benchmarks/README.md, issue 17): about half the rules' time at 10,000 manifests, whole
# families where rules share a memo (CG5xx share the gated promotions, so they stay here but for CG511).
CHILD_SHARE = frozenset(
    {"CG101", "CG102", "CG103", "CG104", "CG105", "CG106", "CG107"}
    | {"CG301", "CG302", "CG303", "CG304", "CG305", "CG306"}
    | {"CG511"}
    | {"CG601", "CG602", "CG603", "CG604", "CG605", "CG606"}
)


def split_pays(ctx) -> bool:
    return len(ctx.catalog.manifests) >= SPLIT_FROM and fork_is_safe()


def findings_on_both_cores(ctx) -> list | None:
    """Every rule's findings, in ``raw_findings``' order, with ``CHILD_SHARE`` run in a child; None: no child here."""
    codes = list(ctx.rules)
    theirs = [code for code in codes if code in CHILD_SHARE]
    if not theirs or len(theirs) == len(codes):
        return None
    ctx.graph  # built once, before the fork: both share it
    ready_to_fork()
    with Forked(lambda: _child_share(ctx, theirs)) as child:  # an exception here kills and reaps it first
        mine = {code: list(ctx.rules[code].check(ctx)) for code in codes if code not in CHILD_SHARE}
        shipped = _received(child.result(), theirs)
    if shipped is None:  # the child failed: its rules run here, with the same result
        return [found for code in codes for found in (mine[code] if code in mine else ctx.rules[code].check(ctx))]
    found, compared = shipped
    if compared is not None and isinstance(ctx.now, RecordingNow):
        ctx.now.noted_elsewhere(*compared)
    return [finding for code in codes for finding in (mine[code] if code in mine else found[code])]


def _child_share(ctx, codes: list) -> tuple:
    """In the child: the findings of ``codes`` as plain data, and the dates "now" was compared with."""
    return {code: [_plain(finding) for finding in ctx.rules[code].check(ctx)] for code in codes}, _compared(ctx.now)


def _plain(finding: Finding) -> tuple:
    return (finding.code, finding.name, finding.level, finding.path, finding.line, finding.column,
            finding.message, finding.subject, finding.waived_by)


def _compared(now) -> tuple | None:
    """What a recording "now" noted in the child: the compared dates (microseconds) and whether it became opaque."""
    if not isinstance(now, RecordingNow):
        return None
    return [micros(moment) for moment in now.compared], now.opaque


def _received(shipped, codes: list) -> tuple | None:
    """(findings by rule, compared dates) from what the child sent; None if it failed or sent another shape."""
    if shipped is None:
        return None
    try:
        found, compared = shipped
        return {code: [Finding(*plain) for plain in found[code]] for code in codes}, _checked(compared)
    except (ValueError, TypeError, KeyError):  # not what _child_share returns
        return None


def _checked(compared):
    if compared is None:
        return None
    moments, opaque = compared
    if not all(type(moment) is int for moment in moments) or type(opaque) is not bool:
        raise TypeError("not the compared dates")
    return moments, opaque
