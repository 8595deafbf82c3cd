"""The rules on two cores (``checking/bothcores.py``): one process's findings and "now" span,
whatever the child does."""

from __future__ import annotations

import os
import tempfile
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings

from catgen import processes
from catgen.checking import bothcores
from catgen.checking.engine import run_check
from catgen.checking.horizon import RecordingNow
from catgen.load.catalog import open_catalog
from catgen.policy import read_policy
from catgen.rules import RULES, Context
from catgen.rules.base import Rule
from catgen.rules.promotion_examples import CG503

from testing.catalogs import NOW, assert_same_result, edit
from testing.edits import EDITS, apply_edit, copy_example


def _context(root, rules=RULES) -> Context:
    catalog = open_catalog(str(root), cache=False)
    policy = read_policy(catalog.policy)
    return Context(catalog, policy, RecordingNow(NOW), rules, own_policy=policy)


def _one_process(ctx) -> list:
    return [found for checked in ctx.rules.values() for found in checked.check(ctx)]


def _both_cores(ctx) -> list:
    found = bothcores.findings_on_both_cores(ctx)
    assert found is not None  # a child ran
    return found


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_two_cores_give_one_process_s_findings_in_its_order_and_its_span_of_now(edits):
    with tempfile.TemporaryDirectory() as folder:
        root = copy_example(folder)
        for operation in edits:
            apply_edit(root, *operation)
        split, serial = _context(root), _context(root)
        assert _both_cores(split) == _one_process(serial)
        assert split.now.span() == serial.now.span()


def test_findings_and_compared_dates_come_from_both_processes(example):
    """A dangling reference (CG302) and a future promotion (CG511) from the child, one approval short (CG503) here."""
    edit(example, "deployments/credit-risk-dev.yaml", "model:credit-risk@3", "model:credit-risk@9")
    for relpath, change in CG503[0].files:  # the rule's own failing example
        (example / relpath).write_text(change.apply((example / relpath).read_text()))
    edit(example, "promotions/credit-risk-3-to-test.yaml", "date: 2024-09-16", "date: 2099-09-16")  # CG511: the child's
    split, serial = _context(example), _context(example)
    found = _both_cores(split)
    assert found == _one_process(serial)
    codes = {f.code for f in found}
    assert {"CG302", "CG511"} <= codes and "CG503" in codes and "CG503" not in bothcores.CHILD_SHARE
    assert split.now.span() == serial.now.span() != (None, None)


def _replaced(code: str, check) -> dict:
    rules = dict(RULES)
    rules[code] = Rule(code, RULES[code].name, RULES[code].level, check)
    return rules


def test_a_child_that_fails_leaves_its_rules_to_this_process(example):
    parent = os.getpid()

    def fails_in_the_child(ctx):
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        yield ctx.finding_at("CG302", "here.yaml", 1, 1, "found by the parent")

    ctx = _context(example, _replaced("CG302", fails_in_the_child))
    found = _both_cores(ctx)
    assert [f.message for f in found if f.code == "CG302"] == ["found by the parent"]
    assert found == _one_process(_context(example, _replaced("CG302", fails_in_the_child)))


def test_a_child_that_dies_leaves_its_rules_to_this_process(example):
    parent = os.getpid()

    def dies_in_the_child(ctx):
        if os.getpid() != parent:
            os._exit(3)
        yield ctx.finding_at("CG301", "here.yaml", 2, 1, "found by the parent")

    found = _both_cores(_context(example, _replaced("CG301", dies_in_the_child)))
    assert [f.message for f in found if f.code == "CG301"] == ["found by the parent"]


def test_an_exception_here_ends_the_child_before_it_propagates(example, tmp_path):
    parent, noted = os.getpid(), tmp_path / "child.pid"

    def waits_in_the_child(ctx):
        if os.getpid() != parent:
            noted.write_text(str(os.getpid()))
            time.sleep(60)
        return []

    def fails_here(ctx):
        while not noted.exists():
            time.sleep(0.01)
        raise RuntimeError("a rule failed")

    rules = _replaced("CG503", fails_here)
    rules["CG302"] = _replaced("CG302", waits_in_the_child)["CG302"]
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="a rule failed"):
        bothcores.findings_on_both_cores(_context(example, rules))
    assert time.monotonic() - started < 30
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left running or a zombie
        os.kill(int(noted.read_text()), 0)


def test_the_split_needs_a_large_catalog_and_no_other_thread(example, monkeypatch):
    ctx = _context(example)
    assert len(ctx.catalog.manifests) < bothcores.SPLIT_FROM and not bothcores.split_pays(ctx)
    monkeypatch.setattr(bothcores, "SPLIT_FROM", 0)
    with monkeypatch.context() as alone:  # one thread, as in ``catgen check`` (pytest-xdist's workers run more)
        alone.setattr(processes.threading, "active_count", lambda: 1)
        assert bothcores.split_pays(ctx)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not bothcores.split_pays(ctx)  # a fork would copy no thread, and perhaps a lock one holds
    finally:
        release.set()
        other.join()


def test_a_check_on_two_cores_reports_byte_for_byte_what_one_process_does(example, monkeypatch):
    edit(example, "deployments/credit-risk-dev.yaml", "model:credit-risk@3", "model:credit-risk@9")
    monkeypatch.setattr(bothcores, "SPLIT_FROM", 10**9)
    serial = run_check(open_catalog(str(example), cache=False), now=NOW)
    monkeypatch.setattr(bothcores, "SPLIT_FROM", 0)
    monkeypatch.setattr(processes.threading, "active_count", lambda: 1)  # under pytest-xdist, as in catgen check
    split, both_cores = [], bothcores.findings_on_both_cores
    monkeypatch.setattr(bothcores, "findings_on_both_cores", lambda ctx: split.append(both_cores(ctx)) or split[-1])
    assert_same_result(run_check(open_catalog(str(example), cache=False), now=NOW), serial)
    assert len(split) == 1 and split[0] is not None  # the check did run its rules on two cores
