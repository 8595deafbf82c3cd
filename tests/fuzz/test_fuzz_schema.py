"""Fuzzing the schema layer: valid-shaped manifests of every kind, some with junk in random fields.

Generated catalogs are written to a temporary folder, loaded and checked.
Invariants: no exception escapes, loading and checking twice give the same
findings, each example is checked within a bounded time, every finding has a
known code and a position inside its file, and what PyYAML wrote is never a
CG1xx problem (the loader reads all valid YAML it is given).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given

from catgen.load.catalog import open_catalog
from catgen.checking.engine import run_check
from catgen.load.sources import DirectorySource

from testing.catalogs import NOW
from .strategies import Timer, assert_findings_well_formed, catalogs, finding_rows, line_count, write_catalog

NOT_FINITE_SCALAR = re.compile(r"(: |- )-?\.(nan|inf)$", re.M)  # as PyYAML writes a float; a string is quoted
LOADING_CODES = ("CG101", "CG102", "CG103", "CG104", "CG105", "CG106")


def check_generated(files: dict):
    """Write, load and check ``files`` twice; return the findings after asserting the invariants."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "catalog"
        write_catalog(root, files)
        with Timer() as timer:
            result = run_check(open_catalog(str(root), cache=False), now=NOW)
        timer.check()
        again = run_check(open_catalog(str(root), cache=False), now=NOW)
        assert finding_rows(result.findings) == finding_rows(again.findings), (
            "the same catalog must give the same findings")
        display = result.catalog.source.display
        counts = {display(relpath): line_count(text.encode()) for relpath, text in files.items()}
        assert_findings_well_formed(result.findings, counts)
        assert result.summary()["manifests"] == len(files)
        return result


@given(catalogs())
def test_valid_shaped_catalogs_with_random_references(files):
    result = check_generated(files)
    assert not [f for f in result.findings if f.code in LOADING_CODES]
    assert not [f for f in result.findings if f.code == "CG202"]


@given(catalogs(spoil=True))
def test_junk_in_random_fields_is_reported_never_raised(files):
    result = check_generated(files)
    assert not [f for f in result.findings if f.code in LOADING_CODES]


@given(catalogs(hostile=True))
def test_hostile_numbers_and_people_are_cg201_never_raised(files):
    """Non-finite numbers, numbers beyond any float and people of any characters: CG201 in their file."""
    result = check_generated(files)
    assert not [f for f in result.findings if f.code in LOADING_CODES]
    display = result.catalog.source.display
    cg201_files = {f.path for f in result.findings if f.code == "CG201"}
    for relpath, text in files.items():
        if NOT_FINITE_SCALAR.search(text):
            assert display(relpath) in cg201_files, f"{relpath} holds a number that is not finite"
