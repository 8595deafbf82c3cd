"""The catgen plugin in a user's own ``mkdocs.yml``, built by real MkDocs (``mkdocs build -f``) in a subprocess.

The project lives in ``other/`` and MkDocs runs from its parent: the ``catalog`` option is read
relative to the configuration file's folder, a displaced ``docs/index.md`` gets one warning, a
missing catalog one error line, never a traceback; the user's own ``search`` plugin stays.
With ``catalog_url: catalog/`` every catalog page and file lives under ``/catalog/``, the
project's own index stays at ``/``, and every link of every page (header search included)
still opens a file of the site; a bad ``catalog_url`` is one error line.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from catgen.website.config import IGNORED_CATALOG_URL, mkdocs_options
from testing.catalogs import POLICY, WORKSPACE, write
from testing.site import broken_links, page_links, page_tree, parse_html, resolve_link

from testing.browser import needs_chromium, served
from .test_browser_search import OPTIONS, _page, browser  # noqa: F401 (a fixture)

MKDOCS_YML = "site_name: Mine\ntheme: {name: material}\nplugins:\n  - search\n  - catgen: {catalog: catalog}\n"
# Version 2 refers to a workspace that does not exist: a CG302 finding, whose code links to the rules page.
MODEL = """
apiVersion: catgen/v1
kind: Model
metadata:
  name: churn
  version: "{version}"
  created: 2024-08-12T10:30:00Z
spec:
  workspace: workspace:{workspace}
  type: mlflow_model
  path: azureml://jobs/train-churn/outputs/model/
"""
RULES_MD = "# Rules\n\n## CG302 dangling-ref\n\nA reference names a manifest that does not exist.\n"


def user_project(root: Path, *, index: bool = True, catalog: bool = True, catalog_url: str | None = None) -> Path:
    """``root/other``: mkdocs.yml, a small catalog, and a guide with (or without) its own index.md."""
    project = root / "other"
    option = f", catalog_url: {json.dumps(catalog_url)}" if catalog_url is not None else ""
    write(project, "mkdocs.yml", MKDOCS_YML.replace("{catalog: catalog}", "{catalog: catalog%s}" % option))
    write(project, "docs/about.md", "# About us\n")
    write(project, "docs/rules.md", RULES_MD)
    if index:
        write(project, "docs/index.md", "# Our team's front page\n\nSee [about us](about.md).\n")
    if catalog:
        write(project / "catalog", "policy.yaml", POLICY)
        write(project / "catalog", "workspaces/dev.yaml", WORKSPACE)
        write(project / "catalog", "models/churn/1.yaml", MODEL.format(version=1, workspace="dev"))
        write(project / "catalog", "models/churn/2.yaml", MODEL.format(version=2, workspace="gone"))
    return project


def mkdocs_build(cwd: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}  # Material's own notice off
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "other/mkdocs.yml"], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=environment)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("plugin")
    project = user_project(root)
    return project, mkdocs_build(root)


def test_the_catalog_path_is_relative_to_the_config_file(built):
    project, done = built
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    home = page_tree(project / "site", "")  # the catalog's home at /, as SPEC §7 says
    assert home.find("h1")
    assert page_tree(project / "site", "workspaces/dev").find("h1").text().startswith("dev")


def test_a_displaced_index_gets_one_warning_and_moves_to_guide(built):
    project, done = built
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "index.md is published at /guide/" in warnings[0], done.stderr
    guide = (project / "site" / "guide" / "index.html").read_text("utf-8")
    assert "Our team&#39;s front page" in guide or "Our team's front page" in guide
    assert (project / "site" / "about" / "index.html").is_file()


def test_the_users_own_search_plugin_stays_under_plain_mkdocs(built):
    project, _ = built
    assert (project / "site" / "search" / "search_index.json").is_file()  # Material's search, as configured
    assert page_tree(project / "site", "search").find("form")  # catgen's search page next to it


def test_no_index_no_warning(tmp_path):
    user_project(tmp_path, index=False)
    done = mkdocs_build(tmp_path)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if "WARNING" in line] == []


def test_a_missing_catalog_is_one_error_line_without_a_traceback(tmp_path):
    user_project(tmp_path, catalog=False)
    done = mkdocs_build(tmp_path)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and "catgen:" in errors[0] and "Traceback" not in done.stderr
    assert str(tmp_path / "other" / "catalog") in errors[0] or "other/catalog" in errors[0], errors


def test_every_link_of_the_default_build_opens_a_file_of_the_site(built):
    project, _ = built
    assert broken_links(project / "site") == []


# -- catalog_url: the catalog in a folder of its own ---------------------------------------------


@pytest.fixture(scope="module")
def in_folder(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("plugin-folder")
    project = user_project(root, catalog_url="catalog")  # normalised to catalog/
    return project / "site", mkdocs_build(root)


def test_the_users_index_stays_at_the_root_without_a_warning(in_folder):
    site, done = in_folder
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if "WARNING" in line] == []
    assert parse_html((site / "index.html").read_text("utf-8")).find("h1").text() == "Our team's front page"
    assert not (site / "guide").exists()


def test_every_catalog_page_and_file_lives_under_the_folder(in_folder):
    site, _ = in_folder
    assert page_tree(site, "catalog").find("h1")  # the catalog's home
    assert page_tree(site, "catalog/models/churn/1").find("h1").text().startswith("churn")
    for address in ("status", "audit", "checks", "search", "models", "workspaces/dev"):
        assert page_tree(site, f"catalog/{address}").find("h1"), address
    for path in ("catalog.json", "status/timeline.json", "schemas/model.json", "search/index.js",
                 "assets/catgen/catgen-search.js"):
        assert (site / "catalog" / path).is_file(), path
        assert not (site / path).exists(), path
    assert not (site / "models").exists() and not (site / "checks").exists()
    catalog = json.loads((site / "catalog/catalog.json").read_text("utf-8"))
    assert "models/churn/1/" in [m["url"] for m in catalog["manifests"]]  # relative to catalog.json's folder


def test_every_link_of_every_page_opens_a_file_of_the_site(in_folder):
    site, _ = in_folder
    assert broken_links(site) == []
    links = page_links((site / "catalog/models/churn/1/index.html").read_text("utf-8"))
    page = "catalog/models/churn/1/index.html"
    assert resolve_link(site, page, "../../../../about/") in [resolve_link(site, page, x) for x in links]  # the nav


def test_a_finding_code_links_to_the_rule_on_the_guides_rules_page(in_folder):
    site, _ = in_folder
    for page in ("catalog/models/churn/2/index.html", "catalog/checks/index.html"):
        rule_links = [a for a in parse_html((site / page).read_text("utf-8")).find("div", cls="cg-page").find_all("a")
                      if a.text() == "CG302"]
        assert rule_links, page
        href = rule_links[0].attrs["href"]
        assert resolve_link(site, page, href) == site / "rules/index.html" and href.endswith("#cg302"), href
    assert parse_html((site / "rules/index.html").read_text("utf-8")).find(id="cg302")


def test_the_search_script_of_every_page_finds_the_index_and_every_result(in_folder):
    site, _ = in_folder
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for file in pages:
        page = file.relative_to(site).as_posix()
        script = [x for x in page_links(file.read_text("utf-8")) if x.endswith("assets/catgen/catgen-search.js")]
        assert len(script) == 1, page
        root = resolve_link(site, page, script[0]).parents[2]  # as catgen-search.js computes ROOT
        assert root == site / "catalog" and (root / "search/index.js").is_file(), page
    addresses = [record[1] for chunk in sorted((site / "catalog/search/d").glob("*.js"))
                 for record in json.loads(chunk.read_text("utf-8").split(",", 1)[1][:-3])]
    assert {"../", "../about/", "models/churn/1/", "checks/"} <= set(addresses)
    for address in addresses:  # ROOT + address, as the script opens a result
        assert resolve_link(site, "catalog/index.html", address).is_file(), address


def test_the_navigation_is_the_projects_with_the_catalog_as_a_section(in_folder):
    site, _ = in_folder
    nav = parse_html((site / "index.html").read_text("utf-8")).find("nav", cls="md-nav--primary")
    top = [item for item in nav.find("ul").children if getattr(item, "tag", None) == "li"]
    assert [item.text().split()[0] for item in top][-1] == "Catalog"
    assert ("Home", ".") in [(text, href) for text, href in top[0].links()]  # the project's own index
    assert ("Home", "catalog/") in top[-1].links() and ("Models", "catalog/models/") in top[-1].links()


@pytest.mark.parametrize("value", ["../elsewhere", "/catalog/", "https://example.com/catalog/"])
def test_a_bad_catalog_url_is_one_error_line(tmp_path, value):
    user_project(tmp_path, catalog_url=value)
    done = mkdocs_build(tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and "catalog_url" in errors[0] and "relative folder" in errors[0], done.stderr
    assert not (tmp_path / "other/site").exists()


def test_catgen_build_keeps_the_catalog_at_the_root_and_says_so(tmp_path, caplog):
    write(tmp_path, "mkdocs.yml", MKDOCS_YML.replace("catalog}", "catalog, catalog_url: catalog/}"))
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.catgen"):
        _, overrides = mkdocs_options("catalog", str(tmp_path), config_file=str(tmp_path / "mkdocs.yml"))
    assert overrides["plugins"][-1] == {"catgen": {"catalog": os.path.abspath("catalog")}}  # no catalog_url
    assert [r.getMessage() for r in caplog.records] == [f"catgen: {IGNORED_CATALOG_URL}"]


def test_catgen_build_without_catalog_url_says_nothing(tmp_path, caplog):
    write(tmp_path, "mkdocs.yml", MKDOCS_YML)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.catgen"):
        mkdocs_options("catalog", str(tmp_path), config_file=str(tmp_path / "mkdocs.yml"))
    assert caplog.records == []


@needs_chromium
def test_the_header_search_works_on_a_guide_page_and_a_catalog_page_in_chromium(in_folder, browser):
    site, _ = in_folder
    foreign: list = []
    with served(site) as base:
        page = _page(browser, foreign)
        for start in ("about/", "catalog/models/churn/2/"):
            page.goto(base + start)
            assert _results(page, "churn 1")[0] == base + "catalog/models/churn/1/", start
            assert _results(page, "about")[0] == base + "about/", start
            page.locator(OPTIONS + " a").first.click()
            page.wait_for_url(base + "about/")
    assert foreign == []


def _results(page, text: str) -> list[str]:
    """The addresses the header box's results open (resolved, as the browser follows them)."""
    page.fill(".cg-header-search input", text)
    page.wait_for_function("(q) => document.querySelector('#cg-typeahead').dataset.query === q", arg=text)
    return page.locator(OPTIONS + " a").evaluate_all("links => links.map(a => a.href)")
