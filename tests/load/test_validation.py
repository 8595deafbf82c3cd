"""Per-file validation (CG201) of parsed manifests: non-finite numbers, people, component ports, revocations.

These call ``file_problems`` on loaded YAML and assert the path each problem is
reported at (``tests/rules/test_schema.py`` asserts the same end to end, with lines).
The cheap paths (no walk for plainly finite data, ASCII people, the one-lookup
field read) are compared with the plain code they replace, kept here as a reference.
"""

from __future__ import annotations

import math
import sys
import unicodedata
from collections import OrderedDict, defaultdict

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from catgen.load import validation
from catgen.load.schemas import dotted
from catgen.load.validation import file_problems
from catgen.load.yamlsafe import load

JOB = """\
apiVersion: catgen/v1
kind: Job
metadata: {name: j, owner: OWNER}
spec:
  workspace: workspace:dev
  type: command
  status: completed
  parameters: {p: PARAM}
  metrics: {auc: AUC}
"""


def problems(text: str) -> list:
    document = load(text.encode())
    return [(path, at_value) for path, _, at_value in file_problems(document.data)]


@pytest.mark.parametrize("number", [
    ".nan", ".NaN", ".NAN", ".inf", "+.inf", "-.Inf", "1e999", "9" * 400, "-" + "9" * 5000, "0x" + "f" * 300,
])
def test_every_non_finite_number_anywhere_is_cg201_at_the_value(number):
    for field in ("AUC", "PARAM"):
        text = JOB.replace(field, number).replace("AUC", "0.5").replace("PARAM", "1").replace("OWNER", "a@x")
        path = ("spec", "metrics", "auc") if field == "AUC" else ("spec", "parameters", "p")
        assert problems(text) == [(path, True)]


def test_a_non_finite_number_deep_in_a_list_and_the_largest_finite_numbers():
    text = JOB.replace("{p: PARAM}", "{p: 1}").replace("AUC", "1.7976931348623157e308").replace("OWNER", "a@x")
    assert problems(text) == []
    assert problems(text.replace("status: completed", "status: [completed, [1, .nan]]")) == [
        (("spec", "status"), True), (("spec", "status", 1, 1), True)]


def test_a_non_finite_number_where_the_schema_wants_an_integer_is_reported_once():
    text = JOB.replace("PARAM", "1").replace("AUC", "0.5").replace("OWNER", "a@x") + "  extra: 1\n"
    deployment = ("apiVersion: catgen/v1\nkind: Deployment\nmetadata: {name: d}\n"
                  "spec: {workspace: 'workspace:w', endpoint: e, model: 'model:m@1', traffic: .nan}\n")
    [(path, message, at_value)] = file_problems(load(deployment.encode()).data)
    assert path == ("spec", "traffic") and "not a number (.nan)" in message and at_value
    assert problems(text) == [(("spec", "extra"), False)]


def _hidden_characters():
    """One character of each Unicode category Z* and C* this Python knows."""
    wanted, found = {"Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn"}, {}
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category in wanted and category not in found and not 0xD800 <= code <= 0xDFFF:
            found[category] = chr(code)
    return sorted(found.items())


@pytest.mark.parametrize("category, char", _hidden_characters())
def test_an_owner_with_a_character_of_category_z_or_c(category, char):
    owner = '"a@x' + char.encode("unicode_escape").decode().replace("\\x", "\\u00") + '"'
    text = JOB.replace("OWNER", owner).replace("PARAM", "1").replace("AUC", "0.5")
    assert problems(text) == [(("metadata", "owner"), True)], category


def test_people_of_other_categories_are_fine():
    text = JOB.replace("OWNER", "Ōtaka-ß.王@例え.jp").replace("PARAM", "1").replace("AUC", "0.5")
    assert problems(text) == []


def test_a_port_default_that_is_not_finite_is_reported_once():
    component = ("apiVersion: catgen/v1\nkind: Component\nmetadata: {name: c, version: '1'}\n"
                 "spec:\n  workspace: workspace:w\n  type: pipeline\n"
                 "  inputs: {lr: {type: number, default: .nan, min: 0, max: -.inf, enum: [.inf]}}\n")
    assert sorted(problems(component), key=str) == sorted([
        (("spec", "inputs", "lr", "enum", 0), True), (("spec", "inputs", "lr", "max"), True),
        (("spec", "inputs", "lr", "default"), True),
    ], key=str)


# The cheaper paths below must give exactly what the plain code gave (validation.py as of commit cfe7f72),
# kept here as the reference: the same findings, in the same order, for every input.

def reference_not_finite_numbers(data):
    stack = [((), data)]
    while stack:
        path, node = stack.pop()
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in children:
            if isinstance(value, (dict, list)):
                stack.append((path + (key,), value))
            elif isinstance(value, float) and not math.isfinite(value):
                yield path + (key,), (
                    f"`{dotted(path + (key,))}` is {validation._NOT_FINITE[str(value)]}; "
                    "numbers in a manifest are finite (a gate can neither pass nor fail such a number)"
                ), True


def reference_written_plainly(person, path):
    if not isinstance(person, str):
        return
    hidden = next((char for char in person if unicodedata.category(char)[0] in "ZC"), None)
    if hidden is not None:
        name = unicodedata.name(hidden, unicodedata.category(hidden))
        yield path, (
            f"`{dotted(path)}` holds U+{ord(hidden):04X} ({name}); a person is written without whitespace, "
            "control or format characters"
        ), True


def reference_get(data, path):
    node = data
    for step in path:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return None
    return node


FIXED = settings(max_examples=150, derandomize=True, database=None, deadline=None)


class Number(float):
    """A float of a kind no loader makes (numpy's float64 is one): only the full walk may judge it."""


class Mapping(OrderedDict):
    pass


_KEYS = st.sampled_from(["a", "b", "spec", "metadata", "created", 0, 1])
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=3), st.floats(),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), Number(1.5), Number("nan"), (1.0, float("inf"))]),
)
NESTED = st.recursive(_SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(_KEYS, children, max_size=4),
    st.dictionaries(_KEYS, children, max_size=3).map(Mapping),
), max_leaves=15)


def test_most_manifests_skip_the_walk_and_data_with_a_non_finite_number_does_not():
    plain = yaml.safe_load(JOB.replace("PARAM", "1").replace("AUC", "0.5").replace("OWNER", "a@x"))
    assert validation._plainly_finite(plain)
    for bad in (float("nan"), float("inf"), float("-inf")):
        assert not validation._plainly_finite({**plain, "spec": {"metrics": [{"auc": [0.5, bad]}]}})
    for unusual in (Number(0.5), (0.5,), Mapping(auc=0.5), object()):  # the full walk decides: nothing to report
        data = {**plain, "spec": {"metrics": unusual}}
        assert not validation._plainly_finite(data) and list(validation._not_finite_numbers(data)) == []
    assert not validation._plainly_finite(Mapping(plain))


@FIXED
@given(st.dictionaries(_KEYS, NESTED, max_size=5))
def test_the_findings_of_not_finite_numbers_equal_the_full_walks(data):
    assert list(validation._not_finite_numbers(data)) == list(reference_not_finite_numbers(data))


def test_every_ascii_character_is_told_hidden_or_not_as_unicode_says():
    for code in range(128):
        char = chr(code)
        hidden = unicodedata.category(char)[0] in "ZC"
        assert validation._visible_ascii(f"a{char}b") is not hidden, hex(code)
        person, path = f"a{char}b", ("metadata", "owner")
        assert list(validation._written_plainly(person, path)) == list(reference_written_plainly(person, path))


@pytest.mark.parametrize("person, quick, reported", [
    ("alice@contoso.com", True, False), ("", True, False),  # the fast path answers
    ("Ōtaka@例え.jp", False, False), ("alice bob", False, True), ("alice\u200b", False, True),  # the loop answers
])
def test_the_ascii_fast_path_answers_for_plain_people_and_the_loop_for_others(person, quick, reported):
    assert validation._visible_ascii(person) is quick
    assert bool(list(validation._written_plainly(person, ("metadata", "owner")))) is reported


@FIXED
@given(st.one_of(st.text(), st.text(st.characters(max_codepoint=127)), st.text(st.sampled_from("ab \t\x7f\u200bé"))))
def test_people_are_judged_as_the_character_loop_judges_them(person):
    path = ("spec", "approvals", 0, "by")
    assert list(validation._written_plainly(person, path)) == list(reference_written_plainly(person, path))


@FIXED
@given(NESTED, st.lists(st.one_of(_KEYS, st.integers(-2, 5)), max_size=4))
def test_a_field_is_read_as_the_general_lookup_reads_it(data, path):
    assert validation.Fields({"x": data}).get(("x", *path)) is reference_get({"x": data}, ("x", *path))


def test_a_missing_key_of_a_dict_subclass_reads_as_none_and_is_not_added():
    spec = defaultdict(list, {"type": "command"})
    assert validation.Fields({"spec": spec}).get(("spec", "steps")) is None and "steps" not in spec


@pytest.mark.parametrize("created, reported", [
    ("2024-02-30", True), ("2024-02-30T10:00:00Z", True), ("2024-09-01T24:00:00Z", False),  # the schema's shape
    ("2024-09-01", False), ("2024-09-01 10:00:00+02:00", False), ("2024-02-30x", False), (20240230, False),
])
def test_only_a_timestamp_of_the_right_shape_that_is_no_real_date_is_reported(created, reported):
    found = list(validation.constraints({"kind": "Job", "metadata": {"created": created}, "spec": {}}, "Job"))
    assert found == ([(("metadata", "created"), f"`metadata.created` is not a real date or time: {created!r}", False)]
                     if reported else [])
