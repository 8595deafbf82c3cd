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
