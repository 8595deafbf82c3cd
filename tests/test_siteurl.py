"""The site's address (``catgen.siteurl``) and the catalog's folder in it: the plugin's ``catalog_url``.

SARIF links go to the user guide's rules page, at the site's root; ``$schema`` lines of ``catgen new``
go to the catalog's own files, under ``catalog_url`` when the project's ``mkdocs.yml`` sets one.
"""

from __future__ import annotations

import pytest

from catgen.errors import CatalogError
from catgen.siteurl import catalog_site_url, normalised_catalog_url, site_url
from testing.cli import run

PLUGIN_YML = "site_name: x\nsite_url: https://ml.contoso.com/\nplugins:\n  - catgen: {catalog: catalog%s}\n"


@pytest.fixture
def in_project(tmp_path, monkeypatch):
    """A project folder as the current folder, with no site address from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CATGEN_SITE_URL", raising=False)
    return tmp_path


@pytest.mark.parametrize("value, folder", [("", ""), (None, ""), ("/", ""), ("catalog", "catalog/"),
                                           ("catalog/", "catalog/"), ("ml/catalog_v2/", "ml/catalog_v2/")])
def test_a_relative_folder_is_normalised_to_end_with_a_slash(value, folder):
    assert normalised_catalog_url(value) == folder


@pytest.mark.parametrize("value", ["../up", "a/../b", ".", "./catalog", "/catalog/", "a//b", "https://x.example/",
                                   "c:/catalog", "cat alog", "catalog\u202e", "\\\\host\\share", 3])
def test_anything_else_is_refused_in_one_line(value):
    with pytest.raises(ValueError) as refused:
        normalised_catalog_url(value)
    message = str(refused.value)
    assert "\n" not in message and message.isascii()


def test_the_catalogs_address_adds_the_plugins_folder_and_the_sites_stays(in_project):
    (in_project / "mkdocs.yml").write_text(PLUGIN_YML % ", catalog_url: catalog")
    assert catalog_site_url() == "https://ml.contoso.com/catalog/"
    assert site_url() == "https://ml.contoso.com/"  # SARIF's rules page: a guide page, at the root


def test_without_catalog_url_the_catalog_is_the_site(in_project, monkeypatch):
    (in_project / "mkdocs.yml").write_text(PLUGIN_YML % "")
    assert catalog_site_url() == "https://ml.contoso.com/"
    monkeypatch.setenv("CATGEN_SITE_URL", "https://pinned.example.com/docs")
    assert catalog_site_url() == "https://pinned.example.com/docs/"


def test_a_bad_catalog_url_stops_catgen_new_in_one_line(in_project):
    (in_project / "mkdocs.yml").write_text(PLUGIN_YML % ", catalog_url: ../elsewhere")
    with pytest.raises(CatalogError, match="catalog_url in mkdocs.yml: '../elsewhere' is not a relative folder"):
        catalog_site_url()
    code, out, err = run("new", "job", "train")
    assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1
    assert not (in_project / "catalog").exists()


def test_catgen_new_points_the_schema_line_into_the_catalogs_folder(in_project, monkeypatch):
    (in_project / "mkdocs.yml").write_text(PLUGIN_YML % ", catalog_url: catalog/")
    monkeypatch.setenv("CATGEN_SITE_URL", "https://pinned.example.com/")  # pins the site; the folder is the file's
    assert run("new", "job", "train")[0] == 0
    first = (in_project / "catalog/jobs/train.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=https://pinned.example.com/catalog/schemas/job.json"
