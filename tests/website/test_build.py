"""``catgen build`` on the example catalog and on hostile ones: page map, links, safety, determinism."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from testing.site import build, example_site  # noqa: F401 (fixture)

from testing.catalogs import EXAMPLE, write
from catgen.load.catalog import open_catalog
from catgen.cli import main
from catgen.model import KINDS
from catgen.website import pages as pages_module
from catgen.website.plugin import MARKER

VERSION_PAGE = "models/credit-risk/3/index.html"


def page(site: Path, address: str) -> str:
    return (site / address / "index.html").read_text("utf-8")


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
    assert {"source": "model:credit-risk@3", "target": "job:train-credit-risk-prod-0912", "type": "trained_by", "field": "spec.job"} in data["edges"]


# -- links along the lineage ---------------------------------------------------


def test_version_page_links_to_its_lineage(example_site):
    html = (example_site / VERSION_PAGE).read_text("utf-8")
    hrefs = {a.get("href") for tag, a in tags_of(html).tags if tag == "a"}
    for target in ("jobs/train-credit-risk-prod-0912/", "data/loans-prod/7/", "environments/lightgbm-py311/2/",
                   "components/credit-risk-pipeline/1/", "deployments/credit-risk-prod-blue/", "deployments/credit-risk-test/"):
        assert f"../../../{target}" in hrefs, target
    for href in hrefs - {None}:  # every relative link resolves to a file of the site
        if "://" in href or href.startswith(("#", "mailto:")):
            continue
        resolved = (example_site / "models/credit-risk/3" / href.split("#")[0]).resolve()
        assert resolved.is_file() or (resolved / "index.html").is_file(), href


def test_asset_page_lists_versions_with_stages_and_metrics(example_site):
    html = page(example_site, "models/credit-risk")
    for version in ("1", "2", "3"):
        assert f'href="{version}/"' in html
    assert "cg-stage" in html and "auc" in html


def test_job_page_compares_with_baseline(example_site):
    html = page(example_site, "jobs/train-credit-risk-prod-0912")
    assert "train-credit-risk-dev-0901" in html and "cg-diff" in html


def test_audit_lists_every_promotion_and_approval_in_date_order(example_site):
    html = page(example_site, "audit")
    dates = re.findall(r"<tr data-stage=[^>]*><td>([^<]*)</td>", html)
    assert dates == sorted(dates) and len(dates) > 14


def test_checks_page_and_rules_anchor_links(example_site):
    assert "findings" in page(example_site, "checks").lower()


# -- safety --------------------------------------------------------------------

HOSTILE = """
apiVersion: catgen/v1
kind: Model
metadata:
  name: evil
  version: "1"
  description: "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(2)> ![p](https://evil.example/p.png) abc\\u202edcba ${{inputs.x}} {% raw %}"
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
    write(root, "catalog/workspaces/ws.yaml", "apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: ws}\nspec: {stage: dev, region: eastus}\n")
    write(root, "catalog/policy.yaml", "apiVersion: catgen/v1\nkind: Policy\nmetadata: {name: default}\nspec: {stages: [{name: dev}]}\n")
    write(root, "catalog/models/bad name/1.yaml", "apiVersion: catgen/v1\nkind: Model\nmetadata: {name: '../../../escape', version: '1'}\nspec: {}\n")
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
    html = page(hostile_site, "models/evil/1")
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
                    if tag == "link" and attrs.get("rel") not in ("stylesheet", "icon", "preload", "modulepreload", "preconnect", "manifest"):
                        continue
                    assert not re.match(r"(https?:)?//", attrs.get(name) or ""), (path, tag, attrs)


# -- determinism and the site folder ---------------------------------------------


def _tree(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(tmp_path, example_site):
    build(EXAMPLE, tmp_path / "again")
    first, second = _tree(example_site), _tree(tmp_path / "again")
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_rebuild_reuses_unchanged_pages_and_stays_identical(tmp_path):
    import shutil

    catalog = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, catalog)
    site = tmp_path / "site"
    build(catalog, site)
    stats = build(catalog, site)
    assert stats["reused"] == stats["pages"]
    fresh = tmp_path / "fresh"
    build(catalog, fresh)
    assert _tree(site) == _tree(fresh)
    model = catalog / "models/credit-risk/3.yaml"
    model.write_text(model.read_text().replace("Loan-default classifier", "Loan default classifier"))
    stats = build(catalog, site)
    assert 0 < stats["reused"] < stats["pages"]
    assert "Loan default classifier" in page(site, "models/credit-risk/3")
    fresh2 = tmp_path / "fresh2"
    build(catalog, fresh2)
    assert _tree(site) == _tree(fresh2)


def test_site_dir_refuses_a_foreign_folder(tmp_path, capsys):
    foreign = tmp_path / "mine"
    write(foreign, "notes.txt", "precious")
    with pytest.raises(SystemExit) as exit_:
        main([str(EXAMPLE), "--site-dir", str(foreign)][:0] + ["build", str(EXAMPLE), "--site-dir", str(foreign)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "not a catgen site" in err and len(err.strip().splitlines()) == 1
    assert (foreign / "notes.txt").read_text() == "precious"


def test_interrupted_build_leaves_the_old_site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    build(EXAMPLE, site)
    before = _tree(site)

    def explode(ctx, manifest):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(pages_module, "version_page", explode)
    with pytest.raises(RuntimeError):
        build(EXAMPLE, site)
    assert _tree(site) == before
    assert sorted(set(os.listdir(tmp_path)) - {".catgen-cache"}) == ["site"]  # no staging folder left behind (the parse cache is the test's own)
    assert (site / MARKER).is_file()


def test_description_code_spans_show_angle_brackets_once():
    from catgen.website.text import description_html

    html_text = description_html("Use `<b>` and `a & b`; <script>x</script>")
    assert "<code>&lt;b&gt;</code>" in html_text and "<code>a &amp; b</code>" in html_text
    assert "<script>" not in html_text and "&lt;script&gt;" in html_text


def test_job_page_compares_inputs_with_the_baseline():
    """The prod retraining's page shows production data next to the baseline's sample data."""
    from catgen.load.catalog import open_catalog
    from catgen.checking.engine import run_check
    from catgen.website.drawing import job_comparison
    from catgen.website.pages import PageContext
    from catgen.website.sitemodel import SiteModel
    from testing.catalogs import EXAMPLE

    site = SiteModel.from_result(run_check(open_catalog(str(EXAMPLE), cache=False)))
    job = site.catalog.get("Job", "train-credit-risk-prod-0912")
    html_text = job_comparison(PageContext(site, "jobs/train-credit-risk-prod-0912/"), job, site.graph.target(job, "baseline"))
    inputs = html_text.split("<h3>Inputs</h3>")[1].split("</table>")[0]
    assert "data:loans-prod@7" in inputs and "(production)" in inputs
    assert "data:loans-sample@1" in inputs and "(sample)" in inputs
    assert 'class="cg-diff"' in inputs
