"""The fast validator (fastjsonschema, inlined refs) agrees with jsonschema on valid and invalid manifests."""

import copy

import pytest
from fastjsonschema import JsonSchemaException

from catgen.load.catalog import open_catalog
from catgen.load.schemas import fast_validator, validator
from testing.catalogs import EXAMPLE

MUTATIONS = [
    lambda d: d["spec"].__setitem__("unknown", 1),
    lambda d: d["metadata"].pop("name"),
    lambda d: d["metadata"].__setitem__("name", "../../etc/x"),
    lambda d: d["metadata"].__setitem__("tags", {"k": 1}),
    lambda d: d["metadata"].__setitem__("created", "2024-13-01"),
    lambda d: d.__setitem__("apiVersion", "catgen/v2"),
    lambda d: d["spec"].__setitem__("traffic", "lots"),
    lambda d: d["spec"].__setitem__("traffic", 101),
    lambda d: d["spec"].__setitem__("type", "nonsense"),
    lambda d: d["metadata"].__setitem__("version", "latest"),
    lambda d: d["spec"].__setitem__("metrics", {"auc": True}),
    lambda d: d["spec"].__setitem__("approvals", [{"by": "x"}]),
]


def _fast_ok(kind, data):
    try:
        fast_validator(kind)(data)
        return True
    except JsonSchemaException:
        return False


@pytest.mark.parametrize("mutation", range(len(MUTATIONS)))
def test_fast_and_full_validators_agree(mutation):
    for manifest in open_catalog(str(EXAMPLE), cache=False).manifests:
        data = copy.deepcopy(manifest.data)
        assert _fast_ok(manifest.kind, data) and validator(manifest.kind).is_valid(data)
        try:
            MUTATIONS[mutation](data)
        except (KeyError, TypeError):
            continue
        assert _fast_ok(manifest.kind, data) == validator(manifest.kind).is_valid(data), (manifest.path, mutation)


def test_validation_never_changes_the_data():
    for manifest in open_catalog(str(EXAMPLE), cache=False).manifests:
        before = copy.deepcopy(manifest.data)
        fast_validator(manifest.kind)(manifest.data)
        assert manifest.data == before, manifest.path


# ------------------------------------------------------------ uniqueItems in linear time

from catgen.load.schemas import all_distinct, schema_errors  # noqa: E402


@pytest.mark.parametrize("items, distinct", [
    ([1, 1.0], False), ([True, 1], True), ([False, 0, None, ""], True), (["a", "a"], False),
    ([{"a": 1, "b": [1]}, {"b": [1.0], "a": 1}], False), ([[1, 2], [2, 1]], True), ([{"a": 1}, {"a": True}], True),
    (["a", 0, 1, {"x": 1}, [0]], True), ([], True),
])
def test_all_distinct_compares_as_json_does(items, distinct):
    assert all_distinct(items) is distinct


def _registry(locations: list) -> dict:
    return {"apiVersion": "catgen/v1", "kind": "Registry", "metadata": {"name": "r"},
            "spec": {"location": "eastus", "replication_locations": locations}}


def test_a_long_mixed_list_under_unique_items_is_explained_item_by_item():
    """140,000 mixed items never finished with jsonschema's pairwise fallback; see benchmarks/bench_uniqueness.py."""
    locations = ["eastus", *range(30_000), "eastus"]
    problems = schema_errors("Registry", _registry(locations))
    assert problems[0] == (
        ("spec", "replication_locations"),
        "`spec.replication_locations` must be a list with at least 1 item without repeats, got a list", True,
    )
    assert len(problems) == 30_001


def test_a_mixed_list_without_repeats_has_no_unique_items_problem():
    problems = schema_errors("Registry", _registry(["eastus", 0, "westeurope"]))
    assert [path for path, _, _ in problems] == [("spec", "replication_locations", 1)]
