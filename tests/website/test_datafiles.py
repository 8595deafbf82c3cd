"""The data files: every one under the catalog's folder, made in pieces, a name that is not UTF-8 escaped in each."""

from __future__ import annotations

import json

from catgen.checking.engine import run_check
from catgen.load.catalog import open_catalog
from catgen.load.schemas import SCHEMA_FILES
from catgen.website.catalogjson import JSON_SETTINGS, catalog_document
from catgen.website.datafiles import data_files
from catgen.website.sitemodel import SiteModel
from catgen.website.statusdata import TIMELINE_PATH
from testing.catalogs import NOW, POLICY, WORKSPACE, write


def _site(tmp_path, odd_name: bool):
    catalog = tmp_path / "catalog"
    write(catalog, "policy.yaml", POLICY)
    write(catalog, "workspaces/dev.yaml", WORKSPACE)
    write(catalog, "models/m/1.yaml", "apiVersion: catgen/v1\nkind: Model\nmetadata: {name: m, version: 1}\n"
                                      "spec: {format: onnx, workspace: 'workspace:dev'}\n")
    if odd_name:
        with open(bytes(catalog / "workspaces") + b"/\xff.yaml", "wb") as handle:
            handle.write(b"apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: other}\n"
                         b"spec: {stage: dev, region: x}\n")
    return SiteModel.from_result(run_check(open_catalog(str(catalog), cache=False), now=NOW), now=NOW)


def test_a_name_that_is_not_utf8_is_escaped_in_every_piece_as_in_the_whole_text(tmp_path):
    site = _site(tmp_path, odd_name=True)
    whole = json.dumps(catalog_document(site), **JSON_SETTINGS) + "\n"
    assert "\udcff" in whole  # the document holds the surrogate; no file may
    files = {path: list(pieces) for path, pieces in data_files(site)}
    assert len(files["catalog.json"]) > 5  # in pieces
    assert "".join(files["catalog.json"]) == whole.replace("\udcff", "\\\\xff")
    assert not any("\udcff" in piece for pieces in files.values() for piece in pieces)
    shown = json.loads("".join(files["catalog.json"]))["manifests"]
    assert "workspaces/\\xff.yaml" in [manifest["path"] for manifest in shown]


def test_a_name_in_utf8_is_written_as_it_is(tmp_path):
    site = _site(tmp_path, odd_name=False)
    text = "".join(dict(data_files(site))["catalog.json"])
    assert text == json.dumps(catalog_document(site), **JSON_SETTINGS) + "\n" and "\\\\x" not in text


def test_every_data_file_is_under_the_catalogs_folder(tmp_path):
    site = _site(tmp_path, odd_name=False)
    for prefix in ("", "catalog/"):
        paths = [path for path, _ in data_files(site, prefix=prefix)]
        named = ["catalog.json", TIMELINE_PATH] + [f"schemas/{name}.json" for name in SCHEMA_FILES]
        assert paths[:len(named)] == [prefix + path for path in named]
        searched = paths[len(named):]
        assert prefix + "search/index.js" in searched and all(p.startswith(prefix + "search/") for p in searched)
