"""Catalog builders for tests: write small catalogs to folders, check them, find lines and findings."""

from __future__ import annotations

import io
import re
import textwrap
from datetime import datetime, timezone
from pathlib import Path

from catgen.checking.engine import run_check
from catgen.load.catalog import open_catalog
from catgen.reporters import REPORTERS

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "catalog"
NOW = datetime(2026, 1, 15, tzinfo=timezone.utc)

# The smallest catalog that checks clean: one stage, one workspace in it.
POLICY = """
apiVersion: catgen/v1
kind: Policy
metadata:
  name: default
spec:
  stages:
    - name: dev
"""

# Three stages, no promotion rules: where importers map registry aliases and stages.
DEV_TEST_PROD_POLICY = POLICY + "    - name: test\n    - name: prod\n"

WORKSPACE = """
apiVersion: catgen/v1
kind: Workspace
metadata:
  name: dev
spec:
  stage: dev
  region: eastus
"""


def write(root: Path, relpath: str, text: str | bytes) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def check(root: Path, now: datetime = NOW):
    return run_check(open_catalog(str(root), cache=False), now=now)


def codes(result, code: str | None = None) -> list:
    """(code, path relative to the catalog, line) of each finding, optionally of one code."""
    root = result.catalog.source.display("")
    return [
        (f.code, f.path[len(root):] if root and f.path.startswith(root) else f.path, f.line)
        for f in result.findings
        if code is None or f.code == code
    ]


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    """Replace ``old`` (which must occur once) with ``new`` in a catalog file."""
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {relpath}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, pattern: str) -> int:
    """The 1-based line of the first line of ``path`` matching the regular expression ``pattern``."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.search(pattern, text):
            return number
    raise AssertionError(f"{pattern!r} not in {path}")


def every_report(result) -> dict:
    """{(format, strict): text} of ``result`` in every report format, strict and not."""
    reports = {}
    for name, reporter in REPORTERS.items():
        for strict in (False, True):
            buffer = io.StringIO()
            reporter(result, buffer, strict=strict)
            reports[name, strict] = buffer.getvalue()
    return reports


def assert_same_result(result, expected) -> None:
    """Two check results that no report can tell apart: findings, waived findings, summary, every format."""
    assert result.findings == expected.findings
    assert sorted(result.waived, key=lambda f: f.sort_key) == sorted(expected.waived, key=lambda f: f.sort_key)
    assert result.summary() == expected.summary()
    assert every_report(result) == every_report(expected)
