"""Structural differences between two parsed manifests: data, not text."""

from __future__ import annotations

from catgen.diff import MISSING, Change, diff, same_data, same_scalar, show


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
