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

The child is a plain ``os.fork`` (Linux only, like the parse workers), made
only when this process runs no other thread (a fork copies no thread, and a
lock another thread holds would stay held in the child). Whatever goes wrong
with it (it cannot start, dies, sends something else) costs time, never a
finding: its rules then run here. It ends with this process (``die_with_parent``),
and an exception here ends it before it propagates.
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
import threading

from catgen.checking.horizon import RecordingNow, micros
from catgen.processes import die_with_parent, ready_to_fork
from catgen.model import Finding

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
    return (sys.platform.startswith("linux") and (os.cpu_count() or 1) >= 2
            and len(ctx.catalog.manifests) >= SPLIT_FROM and threading.active_count() == 1)


def findings_on_both_cores(ctx) -> list | None:
    """Every rule's findings, in ``raw_findings``' order, with ``CHILD_SHARE`` run in a child; None: no child here."""
    codes = list(ctx.rules)
    theirs = [code for code in codes if code in CHILD_SHARE]
    if not theirs or len(theirs) == len(codes):
        return None
    ctx.graph  # built once, before the fork: both share it
    ready_to_fork()
    readable, writable = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(readable)
        os.close(writable)
        return None
    if child == 0:
        _run_child(ctx, theirs, readable, writable)  # never returns
    os.close(writable)
    waiting = [child]  # until reaped: a pid is killed only while it is still this process's child
    try:
        mine = {code: list(ctx.rules[code].check(ctx)) for code in codes if code not in CHILD_SHARE}
        shipped = _received(readable, waiting, theirs)
    finally:
        _end(waiting, readable)
    if shipped is None:  # the child failed: its rules run here, with the same result
        return [found for code in codes for found in (mine[code] if code in mine else ctx.rules[code].check(ctx))]
    found, compared = shipped
    if compared is not None and isinstance(ctx.now, RecordingNow):
        ctx.now.noted_elsewhere(*compared)
    return [finding for code in codes for finding in (mine[code] if code in mine else found[code])]


def _run_child(ctx, codes: list, readable: int, writable: int) -> None:
    """In the child: run ``codes``, write the findings and the compared dates, and exit; never return."""
    status = 1
    try:
        os.close(readable)
        die_with_parent()
        found = {code: [_plain(finding) for finding in ctx.rules[code].check(ctx)] for code in codes}
        payload = marshal.dumps((found, _compared(ctx.now)))
        with os.fdopen(writable, "wb") as stream:
            stream.write(payload)
        status = 0
    finally:  # whatever happened, nothing of the parent's runs after the fork (no finally, no atexit)
        os._exit(status)


def _plain(finding: Finding) -> tuple:
    return (finding.code, finding.name, finding.level, finding.path, finding.line, finding.column,
            finding.message, finding.subject, finding.waived_by)


def _compared(now) -> tuple | None:
    """What a recording "now" noted in the child: the compared dates (microseconds) and whether it became opaque."""
    if not isinstance(now, RecordingNow):
        return None
    return [micros(moment) for moment in now.compared], now.opaque


def _received(readable: int, waiting: list, codes: list) -> tuple | None:
    """(findings by rule, compared dates) from the child, once it exited; None if it failed or sent another shape."""
    with os.fdopen(readable, "rb", closefd=False) as stream:
        payload = stream.read()
    _, status = os.waitpid(waiting[0], 0)
    waiting.clear()
    if status != 0:
        return None
    try:
        found, compared = marshal.loads(payload)
        return {code: [Finding(*plain) for plain in found[code]] for code in codes}, _checked(compared)
    except (ValueError, EOFError, TypeError, KeyError):  # not what _run_child writes
        return None


def _checked(compared):
    if compared is None:
        return None
    moments, opaque = compared
    if not all(type(moment) is int for moment in moments) or type(opaque) is not bool:
        raise TypeError("not the compared dates")
    return moments, opaque


def _end(waiting: list, readable: int) -> None:
    """The child ends here if it has not: an exception is on its way, or its answer was read."""
    os.close(readable)
    for child in waiting:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
