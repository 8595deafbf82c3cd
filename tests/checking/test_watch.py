"""``catgen check --watch``'s checks (``checking/watch.py``): each is the check a one-shot run gives then.

Real files, real inotify: the watch's listing comes from the file system's events, so each check after a
change is compared with a from-scratch check (no cache, no state) of the folder as it then is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from catgen.checking.engine import run_check
from catgen.checking.watch import CheckWatch
from catgen.dates import utc_now
from catgen.load.catalog import open_catalog
from catgen.load.watchedtree import CatalogGone, PolledTree, WatchedTree

from testing.catalogs import assert_same_result, codes, edit
from testing.edits import EDITS, apply_edit, copy_example


def _full(root: Path):
    return run_check(open_catalog(str(root), cache=False), now=utc_now())


def _each_check(watching: CheckWatch, changes: list):
    """The watch's checks: the first, then one after each of ``changes`` (callables) is made."""
    checks = watching.checks(stop=lambda: True)  # nothing changed within a wake: the generator ends
    yield next(checks)[0]
    for change in changes:
        change()
        yield next(checks)[0]


def test_each_check_after_a_change_is_the_full_check_of_the_folder_then(example):
    with CheckWatch(str(example)) as watching:
        assert isinstance(watching.tree, WatchedTree) and watching.polling is None
        changes = [
            lambda: edit(example, "models/credit-risk/1.yaml", "description:", "description: changed,"),
            lambda: (example / "models" / "credit-risk" / "1.yaml").write_text("garbage: [\n"),
            lambda: shutil.rmtree(example / "models" / "fraud-detector-emea"),
            lambda: shutil.move(example / "jobs", example / "models" / "jobs"),
        ]
        results = []
        for result in _each_check(watching, changes):
            assert_same_result(result, _full(example))
            results.append(result)
    assert [r.judged for r in results[1:3]] == [results[1].judged] * 2 and 0 < results[1].judged < 20
    assert [(f.code, f.line) for f in results[2].findings if f.path == "catalog/models/credit-risk/1.yaml"] == [
        ("CG101", 2)]


def test_a_write_to_what_no_check_reads_starts_no_check(example):
    (example / "README").write_text("not a manifest")
    with CheckWatch(str(example)) as watching:
        checks = watching.checks(stop=lambda: True)
        next(checks)
        (example / ".notes.yaml").write_text("hidden: not listed")
        (example / "README").write_text("still not a manifest")
        assert next(checks, None) is None  # no check ran: the generator ended at its first wake
        (example / "NOTES").write_text("a new entry might be a link to a folder, which is listed")
        assert watching.tree.changes(1) is True


def test_an_error_found_after_a_change_names_its_file_and_line(example):
    with CheckWatch(str(example)) as watching:
        first, broken = list(_each_check(watching, [
            lambda: edit(example, "models/credit-risk/2.yaml", "version:", "version: [unclosed\n  other:")]))
    assert [f for f in first.findings if f.level == "error"] == []
    errors = [(f.code, f.path, f.line) for f in broken.findings if f.level == "error"]
    assert errors == [(f.code, f.path, f.line) for f in _full(example).findings if f.level == "error"]
    assert [path for _, path, _ in errors] == ["catalog/models/credit-risk/2.yaml"]


def test_the_catalog_folder_removed_ends_the_watch(example):
    with CheckWatch(str(example)) as watching:
        checks = watching.checks(stop=lambda: False)
        next(checks)
        shutil.rmtree(example)
        with pytest.raises(CatalogGone, match="catalog folder 'catalog' was moved or removed"):
            next(checks)


def test_without_inotify_the_watch_lists_the_folder_again_each_second(example, monkeypatch):
    from catgen.load import inotify, watchedtree

    def unavailable():
        raise inotify.WatchUnavailable("inotify's limit of watched folders is reached")

    monkeypatch.setattr(watchedtree, "Inotify", unavailable)
    monkeypatch.setattr(watchedtree, "POLL_SECONDS", 0.01)
    with CheckWatch(str(example)) as watching:
        assert isinstance(watching.tree, PolledTree)
        assert watching.polling == "inotify's limit of watched folders is reached"
        first, changed = list(_each_check(watching, [
            lambda: edit(example, "models/credit-risk/1.yaml", "description:", "description: changed,")]))
    assert_same_result(changed, _full(example))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rounds=EDITS)
def test_the_watch_after_random_edits_is_the_full_check(tmp_path_factory, rounds):
    root = copy_example(str(tmp_path_factory.mktemp("watched")))
    with CheckWatch(str(root)) as watching:
        checks = watching.checks(stop=lambda: True)
        next(checks)
        for operation in rounds:
            apply_edit(root, *operation)
            found = next(checks, None)
            if found is not None:  # an edit may leave the bytes as they were: then no check runs
                assert_same_result(found[0], _full(root))


def test_a_new_folder_beyond_inotifys_limit_switches_the_watch_to_polling(example, monkeypatch):
    from catgen.load import inotify, watchedtree

    class Limited(inotify.Inotify):
        """The real inotify, its limit reached at the folder "new-model" (the real limit is the machine's)."""

        def add(self, path: str):
            if path.endswith("/new-model"):
                raise inotify.WatchUnavailable("inotify's limit of watched folders is reached")
            return super().add(path)

    monkeypatch.setattr(watchedtree, "Inotify", Limited)
    monkeypatch.setattr(watchedtree, "POLL_SECONDS", 0.01)
    model = (example / "models" / "credit-risk" / "1.yaml").read_text()
    with CheckWatch(str(example)) as watching:
        checks = watching.checks(stop=lambda: True)
        next(checks)
        assert isinstance(watching.tree, WatchedTree)
        (example / "models" / "new-model").mkdir()
        (example / "models" / "new-model" / "1.yaml").write_text(model.replace("name: credit-risk", "name: new-model"))
        result = next(checks)[0]
        assert isinstance(watching.tree, PolledTree)
        assert watching.polling == "inotify's limit of watched folders is reached"
    assert_same_result(result, _full(example))
    assert "models/new-model/1.yaml" in {m.relpath for m in result.catalog.manifests}
