"""``/catalog.json`` stays strict JSON whatever the manifests hold, and its streamed text is ``json.dumps``'s."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catgen.checking.engine import run_check
from catgen.load.catalog import open_catalog
from catgen.website import catalogjson
from catgen.website.catalogjson import JSON_SETTINGS, catalog_document, catalog_json_pieces, finite_json
from catgen.website.sitemodel import SiteModel
from testing.catalogs import NOW, POLICY, WORKSPACE, edit, line_of, write

JOB = "jobs/train-credit-risk-prod-0912.yaml"


def _refuse_constant(name: str):
    raise AssertionError(f"{name} is not JSON")


@pytest.mark.parametrize("written, shown", [(".nan", ".nan"), (".inf", ".inf"), ("-.inf", "-.inf")])
def test_a_metric_that_is_not_finite_is_a_string_in_catalog_json(example, written, shown):
    edit(example, JOB, "auc: 0.872", f"auc: {written}")
    result = run_check(open_catalog(str(example), cache=False), now=NOW)
    document = json.loads("".join(catalog_json_pieces(SiteModel.from_result(result))), parse_constant=_refuse_constant)
    job = next(m for m in document["manifests"] if m["path"] == JOB)
    assert job["data"]["spec"]["metrics"]["auc"] == shown
    assert [(f["code"], f["line"]) for f in job["findings"]] == [("CG201", line_of(example / JOB, "auc:"))]


def test_finite_values_pass_through_unchanged():
    value = {"a": [1, 2.5, "x", None, True, {"b": -0.0}]}
    assert finite_json(value) == value


# What the encoder could get wrong at another depth: values that are not finite, dates, text that is not
# ASCII or spans lines (a newline in a string is written ``\n``: re-indenting must not touch it), quotes,
# markup, empty and nested containers; the file whose name is not UTF-8 adds a lone surrogate.
TRICKY = """  description: "Modèle \\u00e9t\u00e9 \U0001F600 \\"quoted\\" </script>\\nsecond line\\n  indented"
  owner: bob@contoso.com
  created: 2024-09-12
  tags: {empty: {}, none: [], nested: {deep: [[1, 2.5e-300, -0.0], {k: null}]}, when: 2024-09-12T06:00:00Z}
"""


def _tricky_site(example):
    edit(example, JOB, "auc: 0.872\n    accuracy: 0.927\n    f1: 0.658",
         "auc: .nan\n    accuracy: .inf\n    f1: -.inf")
    text = (example / JOB).read_text("utf-8")
    metadata = text[text.index("  description:"):text.index("spec:")]
    edit(example, JOB, metadata, TRICKY)
    with open(bytes(example / "workspaces") + b"/\xff.yaml", "wb") as handle:
        handle.write(b"apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: other}\n"
                     b"spec: {stage: dev, region: x}\n")
    return SiteModel.from_result(run_check(open_catalog(str(example), cache=False), now=NOW))


def test_the_streamed_text_is_json_dumps_of_the_whole_document(example):
    site = _tricky_site(example)
    document = catalog_document(site)
    assert "".join(catalog_json_pieces(site)) == json.dumps(document, **JSON_SETTINGS) + "\n"
    job = next(m for m in document["manifests"] if m["path"] == JOB)
    assert job["data"]["metadata"]["description"].count("\n") == 2 and job["data"]["spec"]["metrics"]["f1"] == "-.inf"
    assert document["edges"] and any("\udcff" in m["path"] for m in document["manifests"])


def test_the_text_is_made_a_manifest_or_edge_at_a_time(example):
    site = _tricky_site(example)
    document = catalog_document(site)
    pieces = list(catalog_json_pieces(site))
    assert len(pieces) == len(document["manifests"]) + len(document["edges"]) + 5
    assert max(map(len, pieces)) < 20_000 < len("".join(pieces))


def test_without_edges_the_list_is_empty_as_json_dumps_writes_it(tmp_path):
    write(tmp_path / "catalog", "policy.yaml", POLICY)
    write(tmp_path / "catalog", "workspaces/dev.yaml", WORKSPACE)
    site = SiteModel.from_result(run_check(open_catalog(str(tmp_path / "catalog"), cache=False), now=NOW))
    document = catalog_document(site)
    assert document["edges"] == [] and len(document["manifests"]) == 2
    assert "".join(catalog_json_pieces(site)) == json.dumps(document, **JSON_SETTINGS) + "\n"


def test_the_edges_are_those_of_the_networkx_graph_without_making_it(example):
    edit(example, JOB, "  inputs:\n", "  inputs:\n    validation_data: data:loans-prod@7\n")  # one target, two fields
    site = SiteModel.from_result(run_check(open_catalog(str(example), cache=False), now=NOW))
    edges = catalog_document(site)["edges"]
    assert "nx" not in vars(site.graph)  # written without building the networkx graph
    networkx = sorted((s.ref, data["edge"].ref.field, t.ref, data["edge"].type)
                      for s, t, data in site.graph.nx.edges(data=True))
    assert [tuple(e.values()) for e in edges] == [(s, t, k, f) for s, f, t, k in networkx]


@pytest.mark.parametrize("edge", [{"source": "model:a@1", "target": "data:ü@2", "type": "consumes", "field": "x\n\"y"},
                                  {"source": "model:a@1", "target": None, "type": "consumes", "field": 3}])
def test_an_edge_is_written_as_the_encoder_writes_it(edge):
    assert catalogjson._edge_text(edge, 2) == catalogjson._encoded(edge, 2)


_SCALARS = (st.text(alphabet=st.characters(codec=None, exclude_categories=())) | st.integers() | st.booleans()
            | st.none() | st.floats() | st.dates() | st.datetimes())
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=4) | st.integers(0, 3), inner, max_size=4), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(value=_VALUES, depth=st.integers(0, 3))
def test_a_manifests_data_is_written_as_the_encoder_writes_it(value, depth):
    # What the manifests' entries are written with (``_indented``, not json's Python encoder): the same text for
    # any data, not finite numbers, dates, keys that are not text and lone surrogates included.
    try:
        expected = catalogjson._encoded(finite_json(value), depth)
    except TypeError:  # keys of two types: json cannot sort them, and neither may this
        with pytest.raises(TypeError):
            catalogjson._indented(value, depth)
        return
    assert catalogjson._indented(value, depth) == expected
