"""Fuzzing the safe loader and the catalog loader: any bytes give a manifest or one CG1xx problem.

Invariants: nothing escapes but a ``Document`` or a ``Problem`` (no exception,
no RecursionError, no MemoryError), the answer is the same every time, each
file is done within a bounded time, and a problem's position lies inside the
file. Data that PyYAML writes is read back unchanged.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from catgen.load import yamlsafe
from catgen.load.catalog import open_catalog
from catgen.load.parsing import pack
from catgen.errors import CatalogError
from catgen.load.sources import DirectorySource
from catgen.load.yamlsafe import Document, Problem

from .strategies import Timer, line_count, plain_values, yamlish_text

LOADING_CODES = {"CG101", "CG102", "CG103", "CG104", "CG105", "CG106"}


def assert_loads_safely(raw: bytes):
    with Timer() as timer:
        first = yamlsafe.load(raw)
    timer.check()
    again = yamlsafe.load(raw)
    assert pack(first) == pack(again), "the same bytes must load the same way"
    if isinstance(first, Problem):
        assert first.code in LOADING_CODES, first
        assert 1 <= first.line <= line_count(raw) + 1, (first, line_count(raw))
        assert first.column >= 1 and "\n" not in first.message, first
    else:
        assert isinstance(first, Document) and isinstance(first.data, dict)
        for kline, kcol, vline, vcol in first.positions.values():
            assert 1 <= kline <= vline <= line_count(raw) + 1 and kcol >= 1 and vcol >= 1
    return first


@given(st.binary(max_size=2048))
def test_arbitrary_bytes(raw):
    assert_loads_safely(raw)


@given(st.text(max_size=1024))
def test_arbitrary_text(text):
    assert_loads_safely(text.encode("utf-8"))


@given(yamlish_text())
@example("*a: 1")  # found by the long profile: an alias as a key once raised AttributeError
@example("? *a")
@example("{*a : 1, &b c: *b}")
def test_yaml_looking_text(text):
    assert_loads_safely(text.encode("utf-8"))


@given(yamlish_text(), st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00"]))
def test_yaml_looking_text_with_odd_prefixes(text, prefix):
    assert_loads_safely(prefix + text.encode("utf-8"))


@given(st.dictionaries(st.text(alphabet="abcdefghij", min_size=1, max_size=8), plain_values(), min_size=1, max_size=6),
       st.sampled_from([None, False, True]))
def test_what_pyyaml_writes_reads_back_unchanged(data, flow):
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False)
    loaded = assert_loads_safely(text.encode("utf-8"))
    assert isinstance(loaded, Document), loaded
    assert loaded.data == data


@given(st.lists(st.tuples(st.sampled_from(["a.yaml", "b.yml", "sub/c.yaml", "sub/deeper/d.yaml", "e.txt"]),
                          st.one_of(st.binary(max_size=300), yamlish_text().map(str.encode))), max_size=5))
def test_load_catalog_on_folders_of_junk(files):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "catalog"
        root.mkdir()
        for relpath, raw in files:
            (root / relpath).parent.mkdir(parents=True, exist_ok=True)
            (root / relpath).write_bytes(raw)
        with Timer() as timer:
            try:
                catalog = open_catalog(str(root), cache=False)
            except CatalogError as err:  # the only way out besides a catalog: one line
                assert "\n" not in str(err)
                return
        timer.check()
        again = open_catalog(str(root), cache=False)
        shape = lambda c: [(m.relpath, m.problem, m.kind, m.name, m.version, m.data) for m in c.manifests]  # noqa: E731
        assert shape(catalog) == shape(again)
        assert all(m.relpath.endswith((".yaml", ".yml")) for m in catalog.manifests)
