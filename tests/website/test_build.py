"""``catgen build`` on the example catalog and on hostile ones: page map, safety, determinism.

What each page shows is tested in ``pages/``; the site folder in ``test_safedir.py``, page reuse in
``test_pagecache.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from testing.site import build, page_html, page_tree, site_files

from testing.catalogs import EXAMPLE, POLICY, WORKSPACE, write
from catgen.errors import CatalogError
from catgen.load.catalog import open_catalog
from catgen.model import KINDS
from catgen.website import offline, pagewriter, plugin

LOADED_LINKS = ("stylesheet", "icon", "preload", "modulepreload", "preconnect", "manifest")  # rel values that fetch


class _Tags(HTMLParser):
    """Every start tag with its (unescaped) attributes, and every script body."""

    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def tags_of(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


# -- page map ------------------------------------------------------------------


def test_every_spec_address_exists(example_site):
    catalog = open_catalog(str(EXAMPLE), cache=False)
    expected = {"", "audit/", "checks/"} | {f"{k.plural}/" for k in KINDS.values() if k.plural}
    for m in catalog.manifests:
        if m.kind and m.kind != "Policy":
            plural = KINDS[m.kind].plural
            expected.add(f"{plural}/{m.name}/")
            if m.version:
                expected.add(f"{plural}/{m.name}/{m.version}/")
    missing = sorted(a for a in expected if not (example_site / a / "index.html").is_file())
    assert missing == []
    assert json.loads((example_site / "catalog.json").read_text())["manifests"]
    for kind in ["envelope"] + [k.lower() for k in KINDS]:
        assert json.loads((example_site / "schemas" / f"{kind}.json").read_text())


def test_one_page_per_manifest_and_nothing_else_under_kind_folders(example_site):
    catalog = open_catalog(str(EXAMPLE), cache=False)
    pages = {p.parent.relative_to(example_site).as_posix() + "/" for p in example_site.rglob("index.html")}
    manifest_pages = {a for a in pages if a.count("/") >= 2 and a.split("/")[0] in {k.plural for k in KINDS.values()}}
    versioned = {m for m in catalog.manifests if m.version}
    assets = {(m.kind, m.name) for m in versioned}
    others = [m for m in catalog.manifests if m.kind not in (None, "Policy") and not m.version]
    assert len(manifest_pages) == len(versioned) + len(assets) + len(others)


def test_catalog_json_has_manifests_and_edges(example_site):
    data = json.loads((example_site / "catalog.json").read_text())
    refs = {m["kind"] + ":" + m["name"] for m in data["manifests"]}
    assert "Model:credit-risk" in refs
    edge = {"source": "model:credit-risk@3", "target": "job:train-credit-risk-prod-0912", "type": "trained_by",
            "field": "spec.job"}
    assert edge in data["edges"]


# -- safety --------------------------------------------------------------------

HOSTILE = """
apiVersion: catgen/v1
kind: Model
metadata:
  name: evil
  version: "1"
  description: "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(2)> \\
    ![p](https://evil.example/p.png) abc\\u202edcba ${{inputs.x}} {% raw %}"
  owner: "<b>owner</b>"
  tags: {"<i>k</i>": "<svg onload=alert(3)>"}
spec:
  workspace: workspace:ws
  type: custom_model
  path: "javascript:alert(4)"
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    write(root, "catalog/models/evil/1.yaml", HOSTILE)
    write(root, "catalog/workspaces/ws.yaml",
          "apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: ws}\nspec: {stage: dev, region: eastus}\n")
    write(root, "catalog/policy.yaml",
          "apiVersion: catgen/v1\nkind: Policy\nmetadata: {name: default}\nspec: {stages: [{name: dev}]}\n")
    write(root, "catalog/models/bad name/1.yaml",
          "apiVersion: catgen/v1\nkind: Model\nmetadata: {name: '../../../escape', version: '1'}\nspec: {}\n")
    build(root / "catalog", root / "site")
    return root / "site"


def test_hostile_text_is_never_markup(hostile_site):
    for path in hostile_site.rglob("*.html"):
        parsed = tags_of(path.read_text("utf-8"))
        for tag, attrs in parsed.tags:
            assert tag not in ("img", "iframe", "object", "embed"), (path, tag)
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            for name in ("href", "src", "action", "xlink:href"):
                value = re.sub(r"\s", "", attrs.get(name) or "").lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (path, tag, attrs)
            if tag == "script":
                assert not re.match(r"(https?:)?//", attrs.get("src", "")), attrs  # only the site's own scripts
        assert not any("alert(" in s for s in parsed.scripts), path
    html = page_html(hostile_site, "models/evil/1")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\u202e" not in html and "\\u202e" in html
    assert "${{inputs.x}}" in html and "{% raw %}" in html


def test_name_that_is_not_an_identity_gets_no_page(hostile_site):
    assert not (hostile_site.parent / "escape").exists()
    assert not any("escape" in p.as_posix() for p in hostile_site.rglob("*") if "catalog.json" not in p.name)


def test_no_resource_from_another_host(example_site):
    for path in example_site.rglob("*.html"):
        for tag, attrs in tags_of(path.read_text("utf-8")).tags:
            if tag in ("script", "img", "link", "iframe", "source", "video", "audio"):
                for name in ("src", "href"):
                    if tag == "link" and attrs.get("rel") not in LOADED_LINKS:
                        continue
                    assert not re.match(r"(https?:)?//", attrs.get(name) or ""), (path, tag, attrs)


# -- determinism -----------------------------------------------------------------


def test_two_builds_are_byte_identical(tmp_path, example_site):
    build(EXAMPLE, tmp_path / "again")
    first, second = site_files(example_site), site_files(tmp_path / "again")
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


# -- the offline promise: a site that would load from another host is refused -------------------


def small_project(root: Path, mkdocs: str, pages: dict | None = None) -> Path:
    """A project folder with a small catalog, ``mkdocs.yml`` and guide pages under ``docs/``."""
    write(root / "catalog", "policy.yaml", POLICY)
    write(root / "catalog", "workspaces/dev.yaml", WORKSPACE)
    write(root, "mkdocs.yml", mkdocs)
    write(root, "docs/index.md", "# Guide\n")
    for name, text in (pages or {}).items():
        write(root / "docs", name, text)
    return root


def build_error(project: Path) -> str:
    with pytest.raises(CatalogError) as refused:
        build(project / "catalog", project / "site", cwd=project)
    assert "\n" not in str(refused.value)
    return str(refused.value)


@pytest.mark.parametrize("mkdocs, pages, loads", [
    ("extra_javascript: [https://cdn.example.com/x.js]", {}, "<script src=https://cdn.example.com/x.js>"),
    ("extra_css: [//cdn.example.com/x.css]", {}, "<link href=//cdn.example.com/x.css>"),
    ("{}", {"p.md": '<script src="https://evil.example/x.js"></script>\n'}, "<script src=https://evil.example/x.js>"),
    ("{}", {"p.md": '<img srcset="a.png 1x, https://t.example/p.png 2x">\n'}, "<img srcset=https://t.example/p.png>"),
    ("{}", {"p.md": '<iframe src="https://x.example/"></iframe>\n'}, "<iframe src=https://x.example/>"),
    ("{}", {"p.md": '<div style="background: url(https://x.example/b.png)">x</div>\n'}, "style=url(https://x.example"),
    ("extra_css: [my.css]", {"my.css": "@import 'https://fonts.example/f.css';\n"}, "url(https://fonts.example/f.css)"),
])
def test_a_resource_from_another_host_refuses_the_build(tmp_path, mkdocs, pages, loads):
    project = small_project(tmp_path, f"site_name: x\n{mkdocs.replace('{}', '')}\n", pages)
    reason = build_error(project)
    assert "would not work offline" in reason and loads in reason, reason
    assert not (project / "site").exists()


def test_the_refused_build_leaves_the_previous_site(tmp_path):
    project = small_project(tmp_path, "site_name: x\n")
    build(project / "catalog", project / "site", cwd=project)
    before = site_files(project / "site")
    write(project, "mkdocs.yml", "site_name: x\nextra_javascript: [https://cdn.example.com/x.js]\n")
    build_error(project)
    assert site_files(project / "site") == before
    assert [p.name for p in tmp_path.iterdir() if "catgen-build" in p.name] == []


def test_links_to_other_sites_are_fine(tmp_path):
    project = small_project(tmp_path, "site_name: x\nrepo_url: https://github.com/contoso/ml\n",
                            {"p.md": "[elsewhere](https://example.com/) <a href='//example.org/'>x</a>\n"})
    build(project / "catalog", project / "site", cwd=project)
    assert (project / "site" / "p" / "index.html").is_file()


def test_allowed_addresses_may_be_loaded(tmp_path):
    allowed = "extra: {catgen: {allow_remote: ['https://cdn.contoso.com/']}}\n"
    project = small_project(tmp_path, f"site_name: x\nextra_javascript: [https://cdn.contoso.com/x.js]\n{allowed}")
    build(project / "catalog", project / "site", cwd=project)
    write(project, "mkdocs.yml", "site_name: x\nextra_javascript: [https://cdn.contoso.com.evil.example/x.js]\n"
          + allowed)
    assert "cdn.contoso.com.evil.example" in build_error(project)


def test_a_rebuild_reads_only_what_changed_and_checks_again_what_is_no_longer_allowed(tmp_path, monkeypatch):
    allowed = "extra: {catgen: {allow_remote: ['https://cdn.contoso.com/']}}\n"
    project = small_project(tmp_path, "site_name: x\n" + allowed,
                            {"p.md": "# P\n\n<script src=https://cdn.contoso.com/x.js></script>\n"})
    read = []
    monkeypatch.setattr(pagewriter, "file_resources", lambda site, shown, body=None: read.append(shown) or
                        bodies.update({shown: body}) or offline.file_resources(site, shown, body))
    bodies = {}
    build(project / "catalog", project / "site", cwd=project)
    assert "p/index.html" in read
    assert bodies["audit/index.html"] and bodies["p/index.html"] is None  # a catalog page's body is read apart
    read.clear()
    build(project / "catalog", project / "site", cwd=project)
    assert read == []  # every file MkDocs wrote is the one the last build checked, with the same settings
    write(project, "mkdocs.yml", "site_name: x\n")
    assert "https://cdn.contoso.com/x.js" in build_error(project)


def test_a_failed_build_stops_its_data_files_process(tmp_path, monkeypatch):
    project = small_project(tmp_path, "site_name: x\n", {"p.md": "---\ntemplate: missing.html\n---\n# P\n"})

    def slow_data_files(site, guide, prefix, site_dir, parts):  # still writing when the build fails
        time.sleep(1)
        os.makedirs(os.path.join(site_dir, "late", *parts))

    monkeypatch.setattr(plugin, "write_data_files", slow_data_files)
    with pytest.raises(Exception, match="missing.html"):
        build(project / "catalog", project / "site", cwd=project)
    time.sleep(1.5)
    assert [p.name for p in tmp_path.iterdir() if ".catgen-build-" in p.name] == []  # no staging folder back


def test_offline_scan_reads_tags_not_text():
    assert offline.is_remote("https://x") and offline.is_remote("//x") and offline.is_remote(" HTTP://x")
    assert not any(offline.is_remote(a) for a in ("data:image/png;base64,xx", "/assets/x.js", "x.js", "#top", ""))


# -- file names that are not UTF-8 ---------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_builds(tmp_path):
    catalog = tmp_path / "catalog"
    write(catalog, "policy.yaml", POLICY)
    write(catalog, "workspaces/dev.yaml", WORKSPACE)
    with open(bytes(catalog / "workspaces") + b"/\xff.yaml", "wb") as handle:
        handle.write(b"apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: other}\n"
                     b"spec: {stage: dev, region: x}\n")
    build(catalog, tmp_path / "site")
    checks = page_html(tmp_path / "site", "checks")
    assert "CG107" in checks and "\\xff.yaml" in checks
    for data in (tmp_path / "site").rglob("*.json"):
        json.loads(data.read_text("utf-8"))  # the byte is an escape inside a string: still JSON
    assert "\\xff.yaml" in json.dumps(json.loads((tmp_path / "site" / "catalog.json").read_text("utf-8")))


def test_a_model_in_a_file_whose_name_is_not_utf8_gets_its_lineage_picture(tmp_path):
    # The picture's marker ids hash the file name: a strict encode of its surrogate escape stopped the build.
    catalog = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, catalog)
    model = (EXAMPLE / "models" / "credit-risk" / "3.yaml").read_bytes().replace(b"name: credit-risk", b"name: odd")
    with open(bytes(catalog / "models") + b"/\xff.yaml", "wb") as handle:
        handle.write(model)
    build(catalog, tmp_path / "site")
    page = page_tree(tmp_path / "site", "models/odd/3")
    header = page.find("dl", cls="cg-fields")
    fields = {dt.text(): dd.text() for dt, dd in zip(header.find_all("dt"), header.find_all("dd"))}
    assert fields["File"] == "models/\\xff.yaml"  # the byte shown as its escape
    assert len(page.find_all("svg", cls="cg-lineage")) == 1


def test_mkdocs_messages_are_one_inert_line_each(capsys):
    import logging

    from catgen.website.build import mkdocs_logging

    with mkdocs_logging(quiet=True):
        logging.getLogger("mkdocs").warning("Doc file 'a\n::error::forged.md' ##[add-mask]x")
    err = capsys.readouterr().err
    assert err == "catgen: WARNING: Doc file 'a\\n::error::forged.md' #\\x23[add-mask]x\n"


# -- modes ---------------------------------------------------------------------------------------


def test_a_built_site_is_world_readable_under_a_strict_umask(tmp_path):
    """Copied as-is to a web server running as another user, every folder and file can be read."""
    project = small_project(tmp_path, "site_name: x\n")
    saved = os.umask(0o077)
    try:
        build(project / "catalog", project / "site", cwd=project)
    finally:
        os.umask(saved)
    site = project / "site"
    entries = [site, *site.rglob("*")]
    wrong = {p.relative_to(site).as_posix(): oct(p.stat().st_mode & 0o777) for p in entries
             if p.stat().st_mode & 0o777 != (0o755 if p.is_dir() else 0o644)}
    assert wrong == {} and len(entries) > 20
    assert (site / "audit" / "index.html").stat().st_mode & 0o777 == 0o644
