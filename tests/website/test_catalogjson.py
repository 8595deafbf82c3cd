"""``/catalog.json`` stays strict JSON whatever the manifests hold."""

from __future__ import annotations

import json

import pytest

from catgen.checking.engine import run_check
from catgen.load.catalog import open_catalog
from catgen.website.catalogjson import catalog_json, finite_json
from catgen.website.sitemodel import SiteModel
from testing.catalogs import NOW, edit, line_of

JOB = "jobs/train-credit-risk-prod-0912.yaml"


def _refuse_constant(name: str):
    raise AssertionError(f"{name} is not JSON")


@pytest.mark.parametrize("written, shown", [(".nan", ".nan"), (".inf", ".inf"), ("-.inf", "-.inf")])
def test_a_metric_that_is_not_finite_is_a_string_in_catalog_json(example, written, shown):
    edit(example, JOB, "auc: 0.872", f"auc: {written}")
    result = run_check(open_catalog(str(example), cache=False), now=NOW)
    document = json.loads(catalog_json(SiteModel.from_result(result)), parse_constant=_refuse_constant)
    job = next(m for m in document["manifests"] if m["path"] == JOB)
    assert job["data"]["spec"]["metrics"]["auc"] == shown
    assert [(f["code"], f["line"]) for f in job["findings"]] == [("CG201", line_of(example / JOB, "auc:"))]


def test_finite_values_pass_through_unchanged():
    value = {"a": [1, 2.5, "x", None, True, {"b": -0.0}]}
    assert finite_json(value) == value
