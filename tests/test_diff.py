"""Structural differences between two parsed manifests: data, not text."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from catgen.diff import MISSING, Change, data_key, diff, same_data, same_scalar, show


def test_reordered_and_requoted_data_is_the_same():
    before = {"spec": {"path": "a", "tags": ["x", "y"], "n": 1}, "kind": "Model"}
    after = {"kind": "Model", "spec": {"n": 1.0, "tags": ["x", "y"], "path": "a"}}
    assert list(diff(before, after)) == [] and same_data(before, after)


def test_each_leaf_change_is_reported_at_its_path():
    before = {"spec": {"path": "a", "approvals": [{"by": "x"}], "gone": 1}}
    after = {"spec": {"path": "b", "approvals": [{"by": "x"}, {"by": "y"}], "new": 2}}
    assert list(diff(before, after)) == [  # the base's order, then what the working side added
        Change(("spec", "path"), "a", "b"),
        Change(("spec", "approvals", 1), MISSING, {"by": "y"}),
        Change(("spec", "gone"), 1, MISSING),
        Change(("spec", "new"), MISSING, 2),
    ]


def test_a_removed_field_is_located_at_its_parent():
    (removed,) = diff({"spec": {"gone": 1}}, {"spec": {}})
    (changed,) = diff({"spec": {"path": "a"}}, {"spec": {"path": "b"}})
    assert (removed.field, removed.located_at) == ("spec.gone", ("spec",))
    assert (changed.field, changed.located_at) == ("spec.path", ("spec", "path"))


def test_yaml_scalars_compare_as_values_of_their_own_type():
    assert not same_scalar(True, 1) and not same_scalar(0, False) and not same_scalar("1", 1)
    assert same_scalar(1, 1.0) and same_scalar(float("nan"), float("nan"))
    assert not same_scalar([1], (1,)) and same_scalar({"a": 1}, {"a": 1})


def test_show_is_one_short_line():
    assert show(MISSING) == "unset"
    assert show({"a": [1, "é"]}) == '{"a": [1, "é"]}'
    long = show("x" * 500, limit=20)
    assert len(long) == 20 and long.endswith("...")


_SCALARS = st.one_of(st.none(), st.booleans(), st.sampled_from([0, 1, 1.0, 0.0, -0.0, 2, 2.5, float("nan"),
                                                                  float("inf"), 10**20, float(10**20)]),
                     st.builds(float, st.just("nan")),  # another NaN object each time: NaN is NaN all the same
                     st.sampled_from(["", "a", "1", "nan", "true"]), st.dates(max_value=date(2000, 1, 3)))
_KEYS = st.sampled_from(["a", "b", "1", 1, 1.0, True, 2])
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(_KEYS, inner, max_size=3)), max_leaves=8)


@st.composite
def _alike(draw, value):
    """``value`` itself, rebuilt (a new dict, its keys in another order, an int for a float), or changed a little."""
    if isinstance(value, dict):
        items = [(key, draw(_alike(item))) for key, item in value.items()]
        return dict(draw(st.permutations(items)))
    if isinstance(value, list):
        return [draw(_alike(item)) for item in value]
    if isinstance(value, float) and value == value and abs(value) != float("inf") and value == int(value):
        return int(value) if draw(st.booleans()) else value
    return draw(st.one_of(st.just(value), _SCALARS))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_data_key_says_same_exactly_when_same_data_does(data):
    first = data.draw(_VALUES)
    second = data.draw(st.one_of(_alike(first), _VALUES))
    assert hash(data_key(first)) is not None
    assert (data_key(first) == data_key(second)) == same_data(first, second), (first, second)
