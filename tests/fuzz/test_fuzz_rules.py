"""Fuzzing the rules: random catalogs with mostly-resolving references, random policies and promotions.

Every rule family runs on each example, once alone and once as a change to
another random catalog (``check_against_base``: the base's policy judges,
CG4xx compares the two sides), and every reporter formats the result.
Invariants: no exception, the same findings twice, bounded time, positions
inside the files, the exit code follows from the levels, and each report
is produced whole.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from catgen.checking.base import check_against_base
from catgen.load.catalog import open_catalog
from catgen.checking.engine import run_check
from catgen.reporters import REPORTERS
from catgen.load.sources import DirectorySource

from testing.catalogs import NOW, every_report
from .strategies import Timer, assert_findings_well_formed, catalogs, finding_rows, line_count, write_catalog


def _load(root: Path):
    return open_catalog(str(root), cache=False)


def _line_counts(catalog, files: dict) -> dict:
    return {catalog.source.display(relpath): line_count(text.encode()) for relpath, text in files.items()}


@given(catalogs(noise=False))
def test_rules_on_random_catalogs(files):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "catalog"
        write_catalog(root, files)
        with Timer() as timer:
            result = run_check(_load(root), now=NOW)
        timer.check()
        assert finding_rows(result.findings) == finding_rows(run_check(_load(root), now=NOW).findings)
        assert_findings_well_formed(result.findings, _line_counts(result.catalog, files))
        assert result.exit_code() == (1 if result.errors else 0)
        assert result.exit_code(strict=True) == (1 if result.errors or result.warnings else 0)
        assert result.findings == sorted(result.findings, key=lambda f: f.sort_key)


@given(catalogs(noise=False), catalogs(noise=False), st.booleans())
def test_a_random_change_against_a_random_base(base_files, work_files, changed_only):
    with tempfile.TemporaryDirectory() as folder:
        base_root, work_root = Path(folder) / "base" / "catalog", Path(folder) / "work" / "catalog"
        write_catalog(base_root, base_files)
        write_catalog(work_root, {**base_files, **work_files})  # a change on top of the base
        with Timer() as timer:
            result = check_against_base(_load(work_root), _load(base_root), "base", changed_only=changed_only, now=NOW)
        timer.check()
        again = check_against_base(_load(work_root), _load(base_root), "base", changed_only=changed_only, now=NOW)
        assert finding_rows(result.findings) == finding_rows(again.findings)
        assert_findings_well_formed(result.findings, _line_counts(result.catalog, {**base_files, **work_files}))
        changes = result.summary()["changes"]
        assert changes["deleted"] == 0 and changes["added"] + changes["modified"] <= len(work_files)


@given(catalogs(spoil=True))
def test_every_reporter_formats_every_result(files):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "catalog"
        write_catalog(root, files)
        result = run_check(_load(root), now=NOW)
        outputs = every_report(result)
        document = json.loads(outputs["json", False])
        assert len(document["findings"]) == len(result.findings)
        json.loads(outputs["sarif", False])
        for name in REPORTERS:
            assert outputs[name, False], f"{name} wrote nothing"
