"""``catgen schema``: one kind's JSON Schema, or all of them as one object."""

from __future__ import annotations

import json

from testing.cli import one_error_line, run


def test_schema_of_one_kind():
    code, out, _ = run("schema", "model")
    assert code == 0
    schema = json.loads(out)
    assert schema["$id"] == "https://catgen.dev/schemas/v1/model.json"
    assert schema["properties"]["kind"]["const"] == "Model"


def test_schema_kind_is_case_insensitive():
    assert json.loads(run("schema", "Model")[1])["$id"].endswith("/model.json")


def test_schema_of_every_kind():
    code, out, _ = run("schema")
    assert code == 0
    bundle = json.loads(out)
    assert set(bundle) == {"envelope", "registry", "workspace", "model", "environment", "component",
                           "data", "job", "promotion", "deployment", "policy"}
    assert all(schema["$id"].endswith(f"/{name}.json") for name, schema in bundle.items())


def test_schema_unknown_kind():
    code, out, err = run("schema", "widget")
    assert (code, out) == (2, "")
    one_error_line(err)

