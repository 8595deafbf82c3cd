"""Per-file validation (CG201) of parsed manifests: non-finite numbers, people, component ports, revocations.

These call ``file_problems`` on loaded YAML and assert the path each problem is
reported at (``tests/rules/test_schema.py`` asserts the same end to end, with lines).
"""

from __future__ import annotations

import sys
import unicodedata

import pytest

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
