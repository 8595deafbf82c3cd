"""MkDocs' sitemap without build dates (two builds of one catalog are byte-identical), in parts when it is long.

The sitemaps protocol (https://www.sitemaps.org/protocol.html) allows one file at most 50,000 addresses and
50 MB: a catalog of 100,000 manifests has more pages than that, and a search engine refuses the whole file. A
longer sitemap is written as ``sitemap-1.xml``, ``sitemap-2.xml``... of the same entries in the same order, and
``sitemap.xml`` becomes their index (``<sitemapindex>``), which is where robots.txt and search consoles point.
"""

from __future__ import annotations

import gzip
import io
import os
import re
from xml.sax.saxutils import escape

URLS_AT_MOST = 50_000  # the protocol's limits for one sitemap file
BYTES_AT_MOST = 52_428_800
_ENTRY = re.compile(r"\s*<url>.*?</url>", re.S)
INDEX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')


def normalise_sitemap(site_dir: str, site_url: str | None = None) -> None:
    """Drop build dates from sitemap.xml, split it when it is over the protocol's limits (its parts' addresses
    start with ``site_url``), and write its .gz without a timestamp."""
    path = os.path.join(site_dir, "sitemap.xml")
    if not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as handle:
        text = re.sub(r"\s*<lastmod>[^<]*</lastmod>", "", handle.read())
    parts = split_sitemap(text) if site_url else [text]
    if len(parts) > 1:
        base = site_url if site_url.endswith("/") else site_url + "/"
        for number, part in enumerate(parts, start=1):
            with open(os.path.join(site_dir, f"sitemap-{number}.xml"), "w", encoding="utf-8") as handle:
                handle.write(part)
        text = sitemap_index([f"{base}sitemap-{number}.xml" for number in range(1, len(parts) + 1)])
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", fileobj=buffer, mode="wb", mtime=0) as stream:
        stream.write(text.encode("utf-8"))
    with open(path + ".gz", "wb") as handle:
        handle.write(buffer.getvalue())


def split_sitemap(text: str) -> list[str]:
    """``text`` as sitemaps within the protocol's limits, each its head, a run of its entries and its tail
    (``[text]`` when it is within them, or holds no entry to split by)."""
    entries = list(_ENTRY.finditer(text))
    if not entries or (len(entries) <= URLS_AT_MOST and len(text.encode("utf-8")) <= BYTES_AT_MOST):
        return [text]
    head, tail = text[:entries[0].start()], text[entries[-1].end():]
    room = BYTES_AT_MOST - len(head.encode("utf-8")) - len(tail.encode("utf-8"))
    parts: list[list[str]] = [[]]
    size = 0
    for found in entries:
        entry = found.group()
        length = len(entry.encode("utf-8"))
        if parts[-1] and (len(parts[-1]) == URLS_AT_MOST or size + length > room):
            parts.append([])
            size = 0
        parts[-1].append(entry)
        size += length
    return [head + "".join(part) + tail for part in parts]


def sitemap_index(addresses: list[str]) -> str:
    """A ``<sitemapindex>`` of the sitemaps at ``addresses``, laid out as MkDocs lays out its sitemap."""
    listed = "".join(f"\n    <sitemap>\n         <loc>{escape(address)}</loc>\n    </sitemap>" for address in addresses)
    return f"{INDEX_HEAD}{listed}\n</sitemapindex>"
