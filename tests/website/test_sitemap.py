"""The sitemap: without build dates, and in parts with an index when it is over the sitemaps protocol's limits."""

from __future__ import annotations

import gzip
import shutil
import xml.etree.ElementTree as ElementTree

from testing.catalogs import EXAMPLE
from testing.site import build, working_dir
from catgen.website import sitemap
from catgen.website.sitemap import normalise_sitemap

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _sitemap(count: int, dated: bool = True) -> str:
    date = "\n         <lastmod>2026-01-01</lastmod>" if dated else ""
    entries = "".join(f"\n    <url>\n         <loc>https://x.org/a/p{i}/</loc>{date}\n    </url>" for i in range(count))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS[1:-1]}">{entries}\n</urlset>'


def _locs(text: str, tag: str) -> list[str]:
    root = ElementTree.fromstring(text.encode("utf-8"))
    assert root.tag == NS + tag
    return [loc.text for loc in root.iter(NS + "loc")]


def test_a_sitemap_within_the_limits_stays_one_file_without_dates(tmp_path):
    (tmp_path / "sitemap.xml").write_text(_sitemap(3))
    normalise_sitemap(str(tmp_path), "https://x.org/a/")
    text = (tmp_path / "sitemap.xml").read_text()
    assert "lastmod" not in text and _locs(text, "urlset") == [f"https://x.org/a/p{i}/" for i in range(3)]
    assert gzip.decompress((tmp_path / "sitemap.xml.gz").read_bytes()).decode() == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sitemap.xml", "sitemap.xml.gz"]


def test_more_addresses_than_one_file_may_hold_are_parts_of_an_index(tmp_path, monkeypatch):
    monkeypatch.setattr(sitemap, "URLS_AT_MOST", 2)
    (tmp_path / "sitemap.xml").write_text(_sitemap(5))
    normalise_sitemap(str(tmp_path), "https://x.org/a")
    index = (tmp_path / "sitemap.xml").read_text()
    parts = _locs(index, "sitemapindex")
    assert parts == [f"https://x.org/a/sitemap-{n}.xml" for n in (1, 2, 3)]
    found = [_locs((tmp_path / f"sitemap-{n}.xml").read_text(), "urlset") for n in (1, 2, 3)]
    assert [len(part) for part in found] == [2, 2, 1]
    assert sum(found, []) == [f"https://x.org/a/p{i}/" for i in range(5)]  # every address, in order
    assert gzip.decompress((tmp_path / "sitemap.xml.gz").read_bytes()).decode() == index


def test_a_part_holds_no_more_bytes_than_the_protocol_allows(tmp_path, monkeypatch):
    one_entry = len(sitemap._ENTRY.search(_sitemap(1, dated=False)).group().encode())
    head_and_tail = len(_sitemap(0).encode())
    monkeypatch.setattr(sitemap, "BYTES_AT_MOST", head_and_tail + 3 * one_entry)
    (tmp_path / "sitemap.xml").write_text(_sitemap(7))
    normalise_sitemap(str(tmp_path), "https://x.org/a/")
    sizes = [len((tmp_path / f"sitemap-{n}.xml").read_bytes()) for n in (1, 2, 3)]
    assert all(size <= sitemap.BYTES_AT_MOST for size in sizes) and not (tmp_path / "sitemap-4.xml").exists()


def test_without_a_site_url_a_long_sitemap_is_not_split(tmp_path, monkeypatch):
    # Without an address for the parts there can be no index (and MkDocs lists no page without one).
    monkeypatch.setattr(sitemap, "URLS_AT_MOST", 2)
    (tmp_path / "sitemap.xml").write_text(_sitemap(5))
    normalise_sitemap(str(tmp_path))
    assert len(_locs((tmp_path / "sitemap.xml").read_text(), "urlset")) == 5


def test_a_site_splits_its_sitemap_and_a_rebuild_that_needs_fewer_parts_leaves_none_behind(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLE, tmp_path / "catalog")
    (tmp_path / "mkdocs.yml").write_text("site_name: Parts\nsite_url: https://example.org/catalog/\n")
    monkeypatch.setenv("CATGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sitemap, "URLS_AT_MOST", 25)
    with working_dir(tmp_path):
        build(tmp_path / "catalog", tmp_path / "site", cwd=tmp_path)
    site = tmp_path / "site"
    parts = _locs((site / "sitemap.xml").read_text(), "sitemapindex")
    listed = [loc for n in range(1, len(parts) + 1) for loc in _locs((site / f"sitemap-{n}.xml").read_text(), "urlset")]
    pages = {f"https://example.org/catalog/{p.parent.relative_to(site)}/" for p in site.rglob("index.html")}
    assert len(parts) >= 4 and len(listed) == len(set(listed))
    assert pages - {"https://example.org/catalog/./"} <= set(listed)  # every page but 404's
    monkeypatch.setattr(sitemap, "URLS_AT_MOST", 1000)
    build(tmp_path / "catalog", site, cwd=tmp_path)
    assert len(_locs((site / "sitemap.xml").read_text(), "urlset")) == len(listed)
    assert sorted(p.name for p in site.glob("sitemap*")) == ["sitemap.xml", "sitemap.xml.gz"]
