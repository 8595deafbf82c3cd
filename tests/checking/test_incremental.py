"""The warm re-check (``checking/incremental.py``): the same report as a full check, judging less.

The property: after any random edits, additions and deletions, the check from
the stored state gives exactly what a from-scratch check (no cache, no state)
gives, in every report format; and it judged again only part of the catalog
when the change allows it.
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from catgen.checking import incremental
from catgen.checking.engine import run_check
from catgen.load.sources import DirectorySource
from catgen.load.catalog import open_catalog

from testing.catalogs import NOW, assert_same_result, edit
from testing.edits import EDITS, EXAMPLE_FILES, VALUES, apply_edit as _apply, copy_example as _copy_example

FILES = EXAMPLE_FILES


def _full(root: Path, now):
    return run_check(open_catalog(str(root), cache=False), now=now)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=EDITS, rounds=st.lists(EDITS, min_size=1, max_size=3),
       later=st.sampled_from([timedelta(0), timedelta(days=400)]))
def test_the_check_from_the_state_is_the_full_check_after_random_changes(first, rounds, later):
    """Rounds of edits, each checked from the state the previous check left (the first, full, check writes it)."""
    with tempfile.TemporaryDirectory() as folder:
        root = _copy_example(folder)
        for operation in first:  # so the stored state has findings of its own
            _apply(root, *operation)
        incremental.check_catalog(str(root), now=NOW)
        for edits in rounds:
            for operation in edits:
                _apply(root, *operation)
            result = incremental.check_catalog(str(root), now=NOW + later)
            assert_same_result(result, _full(root, NOW + later))
        again = incremental.check_catalog(str(root), now=NOW + later)  # nothing changed since
        assert_same_result(again, _full(root, NOW + later))


def test_one_changed_model_judges_only_its_neighbourhood(example):
    incremental.check_catalog(str(example), now=NOW)
    edit(example, "models/fraud-detector-emea/1.yaml", "description:", "description: changed,")
    result = incremental.check_catalog(str(example), now=NOW)
    assert 0 < result.judged < len(FILES) // 2
    assert_same_result(result, _full(example, NOW))


def test_a_changed_deployment_is_judged_again_and_reported(example):
    incremental.check_catalog(str(example), now=NOW)
    edit(example, "deployments/credit-risk-dev.yaml", "model:credit-risk@3", "model:credit-risk@9")
    result = incremental.check_catalog(str(example), now=NOW)
    assert [f.code for f in result.findings] == ["CG302"]
    assert result.judged is not None
    assert_same_result(result, _full(example, NOW))


def test_nothing_changed_judges_nothing_again(example):
    first = incremental.check_catalog(str(example), now=NOW)
    second = incremental.check_catalog(str(example), now=NOW)
    assert first.judged is None and second.judged == 0
    assert_same_result(second, first)


def test_a_policy_change_is_a_full_check(example):
    incremental.check_catalog(str(example), now=NOW)
    edit(example, "policy.yaml", "name: prod", "name: production")
    result = incremental.check_catalog(str(example), now=NOW)
    assert result.judged is None
    assert_same_result(result, _full(example, NOW))


def test_time_passing_a_compared_date_is_a_full_check(example):
    """A promotion dated after "now" is CG511; once "now" passes that date the verdict changes."""
    promotion = "promotions/credit-risk-3-to-test.yaml"
    text = (example / promotion).read_text()
    date = re.search(r"date: (\S+)", text).group(1)
    (example / promotion).write_text(text.replace(f"date: {date}", "date: 2026-02-01"))
    before = incremental.check_catalog(str(example), now=NOW)
    assert "CG511" in {f.code for f in before.findings}
    after = incremental.check_catalog(str(example), now=NOW + timedelta(days=60))
    assert after.judged is None
    assert_same_result(after, _full(example, NOW + timedelta(days=60)))
    unmoved = incremental.check_catalog(str(example), now=NOW + timedelta(days=61))
    assert unmoved.judged == 0


def test_a_state_of_another_shape_is_no_state(example):
    incremental.check_catalog(str(example), now=NOW)
    store = incremental.state_store(DirectorySource(str(example)))
    Path(store.path).write_bytes(b"\x00not marshal")
    result = incremental.check_catalog(str(example), now=NOW)
    assert result.judged is None
    assert_same_result(result, _full(example, NOW))


def test_a_touched_file_with_the_same_bytes_is_not_judged_again(example):
    incremental.check_catalog(str(example), now=NOW)
    path = example / "workspaces/ml-dev-eus.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    result = incremental.check_catalog(str(example), now=NOW)
    assert result.judged == 0


def test_random_edits_on_a_fixed_seed_judge_less_than_everything(example):
    """Guards the property test's power: the incremental path is taken, not always the full one."""
    incremental.check_catalog(str(example), now=NOW)
    rng = random.Random(17)
    judged = []
    for _ in range(5):
        _apply(example, "set", rng.randrange(100), rng.randrange(100), rng.randrange(len(VALUES)))
        result = incremental.check_catalog(str(example), now=NOW)
        judged.append(result.judged)
        assert_same_result(result, _full(example, NOW))
    assert any(count is not None and count < len(FILES) // 2 for count in judged)


def _changed_and_compared(example, relpath: str, old: str, new: str, code: str, *, in_file: str) -> None:
    incremental.check_catalog(str(example), now=NOW)
    edit(example, relpath, old, new)
    result = incremental.check_catalog(str(example), now=NOW)
    assert result.judged is not None and result.judged < len(FILES)
    assert any(f.code == code and f.path.endswith(in_file) for f in result.findings)
    assert_same_result(result, _full(example, NOW))


def test_more_traffic_on_one_deployment_is_reported_on_the_other_of_its_endpoint(example):
    """CG513 on green, which names nothing blue names: the endpoint links them."""
    _changed_and_compared(example, "deployments/credit-risk-prod-blue.yaml", "traffic: 90", "traffic: 100", "CG513",
                          in_file="credit-risk-prod-green.yaml")


def test_a_revocation_is_reported_on_the_deployment_of_the_model(example):
    """CG501 on the deployment, which the promotion does not name: the promoted model links them."""
    _changed_and_compared(example, "promotions/fraud-detector-emea-1-to-test.yaml", "stage: test",
                          "stage: test\n  revoke: true", "CG501", in_file="fraud-detector-emea-test.yaml")


def test_a_file_judged_again_keeps_its_schema_findings(example):
    """CG201 depends on a file's bytes alone: an unchanged file judged again keeps it."""
    edit(example, "deployments/fraud-detector-emea-test.yaml", "traffic: ", "traffic: lots # ")
    incremental.check_catalog(str(example), now=NOW)
    _changed_and_compared(example, "promotions/fraud-detector-emea-1-to-test.yaml", "stage: test",
                          "stage: test\n  revoke: true", "CG201", in_file="fraud-detector-emea-test.yaml")


def test_a_check_from_another_folder_shows_its_own_paths(example, monkeypatch):
    incremental.check_catalog(str(example), now=NOW)
    edit(example, "deployments/credit-risk-dev.yaml", "model:credit-risk@3", "model:credit-risk@9")
    incremental.check_catalog(str(example), now=NOW)
    monkeypatch.chdir(example)
    result = incremental.check_catalog(".", now=NOW)
    assert [f.path for f in result.findings] == ["deployments/credit-risk-dev.yaml"]
    assert_same_result(result, _full(Path("."), NOW))


def test_a_check_that_finds_nothing_changed_leaves_the_state_file_as_it_was(example):
    """Nothing to keep that the stored state does not say: it is not written again; a touched file's new time is."""
    settled = time.time_ns() - 3600 * 10**9  # an hour ago: outside the racy window, so every stat is trusted
    for path in example.rglob("*.yaml"):
        os.utime(path, ns=(settled, settled))
    incremental.check_catalog(str(example), now=NOW)
    state = Path(incremental.state_store(DirectorySource(str(example))).path)
    written = state.read_bytes()  # holds the time it was listed at: any new write differs
    assert incremental.check_catalog(str(example), now=NOW).judged == 0
    assert state.read_bytes() == written
    os.utime(example / "workspaces/ml-dev-eus.yaml", ns=(settled, settled + 10**9))
    assert incremental.check_catalog(str(example), now=NOW).judged == 0
    assert state.read_bytes() != written


class _CountedIndex(dict):
    """A links index that counts how often each key is looked up."""

    def __init__(self, index):
        super().__init__(index)
        self.asked: dict = {}

    def __missing__(self, key):
        return []

    def __getitem__(self, key):
        self.asked[key] = self.asked.get(key, 0) + 1
        return super().__getitem__(key)


def test_a_group_of_many_files_is_walked_once_not_once_per_member():
    """One of 500 deployments of one endpoint changed: linear in the links, not quadratic in the group."""
    from catgen.checking.state import Records

    group = "endpoint\x1fws\x1fep"
    files = Records.of({f"deployments/d{i}.yaml": (1, 1, i, 0, "x", "Deployment", f"deployment:d{i}", None, "", "",
                                                   group) for i in range(500)})
    links = incremental.Links(files, {})
    links.members = _CountedIndex(links.members)
    affected = incremental.affected_paths({"deployments/d0.yaml"}, {}, dict(files.items()), links)
    assert len(affected) == 500 and links.members.asked == {group: 1}
    assert len(incremental.scope_of(affected, files, links)) == 500 and links.members.asked == {group: 2}
