"""The safe loader on its own: where each key and value was written, and which one problem a file gets.

The loading rules (CG101-CG106 as findings in a catalog) are tested in
``tests/rules/test_loading.py``; here ``yamlsafe.load`` is called on bytes.
"""

from __future__ import annotations

import pytest

from catgen.load.yamlsafe import MAX_BYTES, Document, Problem, load

MANIFEST = (
    b"apiVersion: catgen/v1\n"           # 1
    b"metadata:\n"                        # 2
    b"  name: m\n"                        # 3
    b"  tags: {team: risk}\n"             # 4
    b"spec:\n"                            # 5
    b"  inputs:\n"                        # 6
    b"    - data:a@1\n"                   # 7
    b"    -   data:b@2\n"                 # 8
)


def loaded(raw: bytes) -> Document:
    document = load(raw)
    assert isinstance(document, Document), document
    return document


def test_positions_of_keys_values_and_list_items_are_one_based():
    positions = loaded(MANIFEST).positions
    assert positions[("apiVersion",)] == (1, 1, 1, 13)
    assert positions[("metadata", "name")] == (3, 3, 3, 9)
    assert positions[("metadata", "tags", "team")] == (4, 10, 4, 16)  # inside a flow mapping
    assert positions[("spec", "inputs")] == (6, 3, 7, 5)  # the value is the list, at its first dash
    assert positions[("spec", "inputs", 1)] == (8, 9, 8, 9)  # an item: key and value are the item


def test_locate_falls_back_to_the_nearest_written_ancestor():
    document = loaded(MANIFEST)
    assert document.locate(("spec", "inputs", 0)) == (7, 7)
    assert document.locate(("spec", "inputs", 5, "deeper")) == (6, 3)  # no item 5: the list's key
    assert document.locate(("spec", "inputs", 5), value=True) == (7, 5)
    assert document.locate(("nowhere",)) == (1, 1) and document.locate() == (1, 1)


def test_a_byte_order_mark_is_not_part_of_the_first_key_or_its_column():
    document = loaded(b"\xef\xbb\xbfa: 1\n")
    assert document.data == {"a": 1}
    assert document.positions[("a",)] == (1, 1, 1, 4)


def test_only_metadata_version_keeps_a_plain_scalars_text():
    data = loaded(b"metadata: {version: 1.10}\nspec: {version: 1.10, n: 0x1f, on: yes, none: ~}\n").data
    assert data["metadata"]["version"] == "1.10"
    assert data["spec"] == {"version": 1.1, "n": 31, "on": "yes", "none": None}


@pytest.mark.parametrize("raw, expected", [
    # the size wins over everything, even bytes that are not UTF-8
    (b"\xff" * (MAX_BYTES + 1), ("CG105", 1, 1)),
    # not UTF-8 (at the bad byte) before a syntax error earlier in the file
    (b"a: [1,\nb: \xff\n", ("CG106", 2, 4)),
    # a syntax error before a tag
    (b"a: !t 1\nb: [\n", ("CG101", 3, 1)),
    # a tag before an anchor on the same node
    (b"a: &x !t 1\n", ("CG104", 1, 4)),
    # an anchor before a duplicate key that comes first
    (b"a: 1\na: 2\nb: &x 3\n", ("CG103", 3, 4)),
    # a duplicate key before a wrong shape (two documents)
    (b"a: 1\na: 2\n---\nb: 1\n", ("CG102", 2, 1)),
    # of two duplicate keys, the first
    (b"a: 1\nb: 1\nb: 2\na: 2\n", ("CG102", 3, 1)),
    # the shape, when nothing else is wrong
    (b"- a\n- b\n", ("CG106", 1, 1)),
])
def test_one_problem_per_file_in_precedence_order_at_its_position(raw, expected):
    problem = load(raw)
    assert isinstance(problem, Problem), problem
    assert (problem.code, problem.line, problem.column) == expected, problem.message
