"""The fast loader gives exactly what the positioned loader gives, and takes the fast path when it may.

Both loaders are called on the same bytes: the example catalog, every file
every rule example writes, hand-made hostile files, and Hypothesis-generated
YAML. The answers must be equal down to key order and types (compared by
``repr``, which also tells ``1`` from ``1.0`` from ``True`` and reads NaN as
NaN), and a problem must be the same problem at the same position.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catgen.load import fastyaml, yamlsafe
from catgen.load.yamlsafe import MAX_BYTES, MAX_DEPTH, Document, Problem
from catgen.rules import RULES
from catgen.rules.example import Padded, Replace
from fuzz.strategies import plain_values, yamlish_text

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLE = REPOSITORY / "catalog"
# A fixed budget: the same examples every run, nothing stored (the fuzz suite's ``ci`` profile, set here
# too because this module runs without tests/fuzz/conftest.py).
FIXED = settings(max_examples=300, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def answer(loaded) -> tuple:
    if isinstance(loaded, Problem):
        return ("problem", loaded)
    assert isinstance(loaded, Document), loaded
    return ("data", repr(loaded.data))


def assert_same(raw: bytes) -> None:
    assert answer(fastyaml.load(raw)) == answer(yamlsafe.load(raw))


def _example_files() -> dict[str, bytes]:
    """Every file of the example catalog, and every file any rule example writes into it."""
    files = {path.relative_to(REPOSITORY).as_posix(): path.read_bytes() for path in sorted(EXAMPLE.rglob("*.y*ml"))}
    for found in RULES.values():
        for number, rule_example in enumerate(found.examples):
            for relpath, change in rule_example.files:
                if isinstance(change, Replace):
                    raw = change.apply((EXAMPLE / relpath).read_text(encoding="utf-8")).encode("utf-8")
                elif isinstance(change, Padded):
                    raw = change.render()
                elif isinstance(change, (str, bytes)):
                    raw = change.encode("utf-8") if isinstance(change, str) else change
                else:  # deleted, or a symbolic link: nothing is parsed
                    continue
                files[f"{found.code} example {number}: {relpath}"] = raw
    return files


EXAMPLE_FILES = _example_files()


@pytest.mark.parametrize("name", list(EXAMPLE_FILES))
def test_every_example_file_loads_the_same_both_ways(name):
    assert_same(EXAMPLE_FILES[name])


def test_the_example_catalog_takes_the_fast_path():
    """The test that fails if the fast path quietly became the slow one: a clean manifest is read by it."""
    for path in sorted(EXAMPLE.rglob("*.yaml")):
        raw = path.read_bytes()
        assert fastyaml.plain_data(raw) is not None, path
        assert fastyaml.load(raw).positions is None


def nested(levels: int) -> bytes:
    return b"a: " + b"[" * levels + b"]" * levels + b"\n"


HOSTILE = {
    "syntax error": b"a: [1,\nb: 2\n",
    "tag": b"a: !t 1\n",
    "standard tag": b"a: !!str 1\n",
    "non-specific tag": b"a: ! 1\n",
    "unused anchor": b"a: &x 1\n",
    "alias": b"a: &x 1\nb: *x\n",
    "alias as a key": b"*a: 1\n",
    "duplicate key": b"a: 1\nb: 2\na: 3\n",
    "duplicate key, quoted and plain": b"'1': a\n1: b\n",
    "duplicate key, two ways to write null": b"~: a\nnull: b\n",
    "duplicate key, nested": b"a: {b: 1, b: 2}\n",
    "duplicate key in a list item": b"a:\n  - {x: 1, x: 1}\n",
    "complex key": b"? [a]\n: 1\n",
    "mapping as a key": b"? {a: 1}\n: 1\n",
    "two documents": b"a: 1\n---\nb: 2\n",
    "list at the top": b"- a\n- b\n",
    "scalar at the top": b"just text\n",
    "empty": b"",
    "only a comment": b"# nothing\n",
    "only a document marker": b"---\n",
    "not UTF-8": b"a: \xff\n",
    "UTF-16 with its mark": "a: 1\n".encode("utf-16"),
    "control character": b"a: \x07\n",
    "too large": b"a: " + b"x" * MAX_BYTES + b"\n",
    "nesting at the limit": nested(MAX_DEPTH - 1),
    "nesting one over the limit": nested(MAX_DEPTH),
    "nesting far over": nested(2000),
    "byte order mark": b"\xef\xbb\xbfa: 1\n",
    "byte order mark twice": b"\xef\xbb\xbf\xef\xbb\xbfa: 1\n",
    "version directive": b"%YAML 1.1\n---\na: yes\n",
    "merge key": b"<<: {a: 1}\nb: 2\n",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_get_the_same_answer_both_ways(name):
    assert_same(HOSTILE[name])


@pytest.mark.parametrize("name, code", [
    ("syntax error", "CG101"), ("tag", "CG104"), ("standard tag", "CG104"), ("non-specific tag", "CG104"),
    ("unused anchor", "CG103"), ("alias", "CG103"), ("duplicate key", "CG102"), ("duplicate key, nested", "CG102"),
    ("duplicate key, two ways to write null", "CG102"), ("two documents", "CG106"), ("list at the top", "CG106"),
    ("empty", "CG106"), ("not UTF-8", "CG106"), ("too large", "CG105"), ("nesting one over the limit", "CG106"),
    ("complex key", "CG106"),
])
def test_each_hostile_file_still_gets_its_problem(name, code):
    assert fastyaml.plain_data(HOSTILE[name]) is None  # handed to the positioned loader
    problem = fastyaml.load(HOSTILE[name])
    assert isinstance(problem, Problem) and problem.code == code, problem


def test_the_fast_path_reads_scalars_as_the_positioned_loader_does():
    raw = (b"apiVersion: catgen/v1\nmetadata: {name: m, version: 1.10}\n"
           b"spec: {version: 1.10, n: 0x1f, o: 0o17, on: yes, none: ~, big: 1e999, q: '1.10', t: 2024-09-01,\n"
           b"  inf: -.inf, e: '', nulls: [null, Null, NULL, ''], bools: [true, False, TRUE]}\n"
           b"null: 1\n'': 2\n3: x\ntrue: y\n")
    data = fastyaml.plain_data(raw)
    assert data is not None
    assert data["metadata"]["version"] == "1.10"  # 1.10 stays 1.10 where it is a version
    assert data["spec"]["version"] == 1.1 and data["spec"]["q"] == "1.10"
    assert data["spec"]["on"] == "yes" and data["spec"]["n"] == 31 and data["spec"]["o"] == 15
    assert data["spec"]["t"] == "2024-09-01" and data["spec"]["big"] == float("inf")
    assert list(data)[-4:] == ["null", "", "3", "true"]  # keys are text as written
    assert_same(raw)


def test_only_the_top_level_metadata_version_keeps_its_text():
    raw = b"metadata: {version: 1.10, other: 1.10}\nspec: {metadata: {version: 1.10}}\n"
    data = fastyaml.plain_data(raw)
    assert data == {"metadata": {"version": "1.10", "other": 1.1}, "spec": {"metadata": {"version": 1.1}}}
    assert_same(raw)


@FIXED
@given(yamlish_text())
@example("a: [*a]")
@example("a: 1\n? b\n: 2\n")
def test_yaml_looking_text_loads_the_same_both_ways(text):
    assert_same(text.encode("utf-8"))


_PIECES = st.sampled_from([
    "a: ", "b", "&x ", "*x", "!t ", "!!str ", "! ", "\n", "\n  ", "- ", "'", '"', "|\n  ", "# c&*!\n", "**bold**",
    "R&D", "Hey!", "{", "}", "[", "]", ", ", "? ", ": ", "---\n", "&", "*", "!", "\u00e9",
])


@FIXED
@given(st.lists(_PIECES, max_size=40).map("".join))
@example("description: Anything may run in **dev**, R&D too!\n")
@example("a: 'x' # &y\n")
@example("a: &a [*a]\n")
def test_tags_anchors_and_aliases_are_never_missed_among_their_characters(text):
    """``!``, ``&`` and ``*`` inside text keep the fast path; as a tag, anchor or alias, the positioned loader's."""
    assert_same(text.encode("utf-8"))


def test_markdown_and_ampersands_in_text_keep_the_fast_path():
    raw = "description: Anything may run in **dev**, R&D & QA too! é\nname: '*x'\nnote: |\n  &y !z\n".encode()
    assert fastyaml.plain_data(raw) == {"description": "Anything may run in **dev**, R&D & QA too! é",
                                        "name": "*x", "note": "&y !z\n"}
    assert fastyaml.plain_data(raw + b"# R&D\n") is None  # in a comment: not inside a scalar, so the slow path
    assert_same(raw + b"# R&D\n")


@settings(FIXED, max_examples=100)  # nested data is slow to draw; the text tests above go wider
@given(st.dictionaries(st.text(min_size=1, max_size=8), plain_values(), min_size=1, max_size=6),
       st.sampled_from([None, False, True]), st.booleans())
def test_what_pyyaml_writes_loads_the_same_both_ways(data, flow, under_metadata):
    data = {"metadata": data} if under_metadata else data
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False)
    raw = text.encode("utf-8")
    assert_same(raw)
    if not any(char in raw for char in b"!&*"):  # no character that could start a tag, anchor or alias
        assert fastyaml.plain_data(raw) is not None, text
