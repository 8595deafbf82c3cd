"""``catgen schema``: one kind's JSON Schema, or all of them as one object."""

from __future__ import annotations

import json

from testing.cli import one_error_line, run


def test_schema_of_one_kind():
    code, out, _ = run("schema", "model")
    assert code == 0
    schema = json.loads(out)
    assert "$id" not in schema  # no host of ours: envelope.json resolves next to wherever it is saved or served
    assert schema["properties"]["kind"]["const"] == "Model"


def test_schema_kind_is_case_insensitive():
    assert json.loads(run("schema", "Model")[1]) == json.loads(run("schema", "model")[1])


def test_schema_of_every_kind():
    code, out, _ = run("schema")
    assert code == 0
    bundle = json.loads(out)
    assert set(bundle) == {"envelope", "registry", "workspace", "model", "environment", "component",
                           "data", "job", "promotion", "deployment", "policy"}
    assert not [name for name, schema in bundle.items() if "$id" in schema]


def test_schema_unknown_kind():
    code, out, err = run("schema", "widget")
    assert (code, out) == (2, "")
    one_error_line(err)



def test_saved_schemas_validate_offline_next_to_each_other(tmp_path):
    """What the editor-support docs say to do: save model.json and envelope.json side by side, then validate."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource

    for name in ("model", "envelope"):
        (tmp_path / f"{name}.json").write_text(run("schema", name)[1], encoding="utf-8")

    def from_disk(uri: str):  # what an editor does with a relative $ref: read the file next to the schema
        path = tmp_path / uri.removeprefix(tmp_path.as_uri() + "/")
        if not path.is_file():
            raise NoSuchResource(ref=uri)
        return Resource.from_contents(json.loads(path.read_text(encoding="utf-8")))

    model = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    root = Resource.from_contents({**model, "$id": (tmp_path / "model.json").as_uri()})  # the retrieval URI
    validator = Draft202012Validator(root.contents, registry=Registry(retrieve=from_disk))
    errors = list(validator.iter_errors({"apiVersion": "catgen/v1", "kind": "Model", "metadata": {"name": "-x"}}))
    assert any(list(e.absolute_path) == ["metadata", "name"] for e in errors), errors
