"""The lineage picture: how a neighbourhood is drawn, and that it is safe whatever the text.

What the neighbourhood holds is tested in ``tests/graph/test_neighbourhood.py``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from catgen.load.catalog import open_catalog
from catgen.graph.lineage import Edge, LineageGraph
from catgen.model import KINDS
from catgen.graph.neighbourhood import DOWNSTREAM, UPSTREAM, neighbourhood
from catgen.website.graphics.lineage import lineage_svg
from catgen.website.graphics.xml import truncate_middle

from testing.catalogs import EXAMPLE, write

SVG = "{http://www.w3.org/2000/svg}"


def page_url(manifest) -> str:
    parts = [KINDS[manifest.kind].plural, manifest.name] + ([manifest.version] if manifest.version else [])
    return "../../../" + "/".join(parts) + "/"


@pytest.fixture(scope="module")
def example():
    catalog = open_catalog(str(EXAMPLE), cache=False)
    return LineageGraph.build(catalog), {m.ref: m for m in catalog.manifests}


def node_links(svg: str) -> dict:
    """{title of each node link: href}, from the parsed SVG."""
    root = ET.fromstring(svg)
    return {a.find(f"{SVG}title").text: a.get("href")
            for a in root.iter(f"{SVG}a") if a.get("class", "").startswith("n")}


# -- the drawing ---------------------------------------------------------------


def test_a_lone_center_is_drawn(example):
    graph, by_ref = example
    only = neighbourhood(graph, by_ref["model:credit-risk@3"], hops=0)
    root = ET.fromstring(lineage_svg(only, page_url))
    assert list(node_links(lineage_svg(only, page_url))) == ["model:credit-risk@3"]
    assert root.get("aria-label") == "Lineage of model:credit-risk@3: 0 upstream, 0 downstream"


def test_svg_links_every_node_to_its_page(example):
    graph, by_ref = example
    hood = neighbourhood(graph, by_ref["model:credit-risk@3"])
    svg = lineage_svg(hood, page_url)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.get("aria-label") and root.find(f"{SVG}title").text == root.get("aria-label")
    links = node_links(svg)
    assert links == {node.manifest.ref: page_url(node.manifest) for node in hood.nodes}
    assert links["data:loans-prod@7"] == "../../../data/loans-prod/7/"
    assert links["deployment:credit-risk-prod-blue"] == "../../../deployments/credit-risk-prod-blue/"
    assert len(root.findall(f".//{SVG}path[@class='e']")) == len(hood.edges)


def test_svg_highlights_the_center_and_labels_edges(example):
    graph, by_ref = example
    svg = lineage_svg(neighbourhood(graph, by_ref["model:credit-risk@3"]), page_url)
    root = ET.fromstring(svg)
    centers = [a for a in root.iter(f"{SVG}a") if a.get("class") == "n c"]
    assert [a.find(f"{SVG}title").text for a in centers] == ["model:credit-risk@3"]
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"trained_by", "deploys", "uses_data", "uses_environment", "model", "credit-risk@3"} <= texts


def test_svg_is_self_contained(example):
    graph, by_ref = example
    svg = lineage_svg(neighbourhood(graph, by_ref["model:credit-risk@3"]), page_url)
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "", 1)
    assert "<script" not in svg and "foreignObject" not in svg and "<image" not in svg
    assert "@import" not in svg
    # url() only for the graph's own marker, and every referenced id is defined here.
    referenced = set(re.findall(r"url\(#([^)]+)\)", svg))
    assert referenced and referenced <= set(re.findall(r' id="([^"]+)"', svg))
    assert "url(" not in re.sub(r"url\(#[^)]+\)", "", svg)


def test_svg_uses_theme_variables_not_fixed_colours(example):
    graph, by_ref = example
    svg = lineage_svg(neighbourhood(graph, by_ref["model:credit-risk@3"]), page_url)
    assert "var(--md-default-fg-color" in svg and "var(--md-accent-fg-color" in svg
    assert "var(--md-default-bg-color" in svg
    assert ' fill="' not in svg and ' stroke="' not in svg  # colours come from the style, by class


def test_marker_ids_differ_between_graphs_on_one_page(example):
    graph, by_ref = example
    first = lineage_svg(neighbourhood(graph, by_ref["model:credit-risk@3"]), page_url)
    second = lineage_svg(neighbourhood(graph, by_ref["model:credit-risk@2"]), page_url)
    ids = lambda svg: set(re.findall(r' id="([^"]+)"', svg))  # noqa: E731
    assert ids(first) and not ids(first) & ids(second)
    assert 'id="mine-a"' in lineage_svg(neighbourhood(graph, by_ref["model:credit-risk@2"]), page_url, id_prefix="mine")


def test_output_is_deterministic(example):
    graph, by_ref = example
    center = by_ref["model:credit-risk@3"]
    first = lineage_svg(neighbourhood(graph, center), page_url, title="Lineage")
    assert lineage_svg(neighbourhood(graph, center), page_url, title="Lineage") == first
    catalog = open_catalog(str(EXAMPLE), cache=False)  # a second load: new objects, same bytes
    again = {m.ref: m for m in catalog.manifests}["model:credit-risk@3"]
    assert lineage_svg(neighbourhood(LineageGraph.build(catalog), again), page_url, title="Lineage") == first


# -- hostile text --------------------------------------------------------------


def test_hostile_url_is_quoted(example):
    graph, by_ref = example
    hostile = '../x"><script>alert(1)</script>&y=\'1\''
    svg = lineage_svg(neighbourhood(graph, by_ref["model:credit-risk@3"]), lambda m: hostile)
    assert "<script" not in svg
    hrefs = {a.get("href") for a in ET.fromstring(svg).iter(f"{SVG}a")}
    assert hrefs == {hostile}


@pytest.mark.parametrize("url", ['javascript:alert(1)"><x', " JavaScript:alert(1)", "java\tscript:alert(1)",
                                 "http://example.com/", "//example.com/x", "\\\\example.com\\x", "data:text/html,x"])
def test_urls_that_leave_the_site_are_refused(example, url):
    graph, by_ref = example
    with pytest.raises(ValueError, match="relative URL"):
        lineage_svg(neighbourhood(graph, by_ref["model:credit-risk@3"]), lambda m: url)


class FakeManifest:
    """A stand-in manifest, so labels can hold what a real name never could."""

    def __init__(self, kind: str, name: str, version: str | None = None):
        self.kind, self.name, self.version = kind, name, version
        self.ref = f"{kind.lower()}:{name}" + (f"@{version}" if version else "")
        self.relpath = self.ref


class FakeGraph:
    neighbours = LineageGraph.neighbours  # the lineage graph's own answer, over these edges

    def __init__(self):
        self._out, self._in, self._neighbours = {}, {}, {}

    def add(self, source, target, edge_type):
        edge = Edge(source, target, edge_type, None)
        self._out.setdefault(source, []).append(edge)
        self._in.setdefault(target, []).append(edge)

    def out_edges(self, node, types=None):
        return self._out.get(node, [])

    def in_edges(self, node, types=None):
        return self._in.get(node, [])


def test_hostile_labels_are_text():
    graph = FakeGraph()
    center = FakeManifest("Model", 'a&b<c>"d\'<script>alert(1)</script>', "1]]>")
    upstream = FakeManifest("Job", "j\x00\x1b<x>")  # control characters XML cannot hold
    graph.add(center, upstream, "trained_<by>")
    svg = lineage_svg(neighbourhood(graph, center), lambda m: "x/", title="T <b>&</b>")
    assert "<script" not in svg and "<b>" not in svg and "<x>" not in svg
    root = ET.fromstring(svg)
    titles = {t.text for t in root.iter(f"{SVG}title")}
    assert center.ref in titles and "T <b>&</b>" in titles
    assert "job:j\ufffd\ufffd<x>" in titles
    assert root.get("aria-label") == "T <b>&</b>"
    assert "trained_<by>" in {t.text for t in root.iter(f"{SVG}text")}


def test_long_names_are_cut_with_the_full_ref_in_title():
    graph = FakeGraph()
    center = FakeManifest("Model", "a-very-long-model-name-" + "x" * 100 + "-end", "42")
    svg = lineage_svg(neighbourhood(graph, center), lambda m: "x/")
    root = ET.fromstring(svg)
    shown = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "l"]
    assert len(shown) == 1 and "\u2026" in shown[0] and shown[0].endswith("-end@42")
    assert center.ref in {t.text for t in root.iter(f"{SVG}title")}
    assert truncate_middle("short", 10) == "short"
    assert len(truncate_middle("0123456789abcdef", 10)) == 10


# -- caps and size -------------------------------------------------------------


def test_cap_turns_many_deployments_into_more_link(tmp_path):
    write(tmp_path, "models/m/1.yaml",
          "apiVersion: catgen/v1\nkind: Model\nmetadata: {name: m, version: '1'}\nspec: {}\n")
    for i in range(500):
        write(tmp_path, f"deployments/d-{i:03d}.yaml",
              f"apiVersion: catgen/v1\nkind: Deployment\nmetadata: {{name: d-{i:03d}}}\nspec: {{model: 'model:m@1'}}\n")
    catalog = open_catalog(str(tmp_path), cache=False)
    model = catalog.get("Model", "m", "1")
    hood = neighbourhood(LineageGraph.build(catalog), model)
    shown = [m.name for layer, members in hood.columns() if layer == 1 for m in members]
    assert shown == [f"d-{i:03d}" for i in range(12)]
    assert hood.hidden(model, DOWNSTREAM) == 488 and hood.hidden(model, UPSTREAM) == 0
    svg = lineage_svg(hood, page_url)
    root = ET.fromstring(svg)
    more = [a for a in root.iter(f"{SVG}a") if a.get("class") == "m"]
    assert [(a.find(f"{SVG}text").text, a.get("href")) for a in more] == [("+488 more", "../../../models/m/1/")]
    assert len(svg.encode()) < 30_000


def test_two_hops_with_thousands_of_neighbours_stay_small():
    graph = FakeGraph()
    center = FakeManifest("Model", "credit-risk-scoring", "17")
    for i in range(2000):
        job = FakeManifest("Job", f"score-credit-risk-{i:04d}")
        graph.add(job, center, "uses_model")
        data = FakeManifest("Data", f"loans-snapshot-{i:04d}", "3")
        graph.add(center, data, "uses_data")
        for k in range(20):
            graph.add(FakeManifest("Model", f"challenger-{i:04d}-{k:02d}", "1"), job, "trained_by")
            graph.add(data, FakeManifest("Job", f"extract-loans-{i:04d}-{k:02d}"), "produced_by")
    hood = neighbourhood(graph, center)
    columns = dict(hood.columns())
    assert sorted(columns) == [-2, -1, 0, 1, 2] and all(len(members) <= 12 for members in columns.values())
    assert hood.hidden(center, UPSTREAM) == hood.hidden(center, DOWNSTREAM) == 1988
    svg = lineage_svg(hood, page_url)
    ET.fromstring(svg)
    assert len(svg.encode()) < 30_000
