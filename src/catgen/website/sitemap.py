"""MkDocs' sitemap without build dates, so two builds of one catalog are byte-identical."""

from __future__ import annotations

import gzip
import io
import os
import re


def normalise_sitemap(site_dir: str) -> None:
    """Drop build dates from sitemap.xml and write its .gz without a timestamp (byte-identical builds)."""
    path = os.path.join(site_dir, "sitemap.xml")
    if not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as handle:
        text = re.sub(r"\s*<lastmod>[^<]*</lastmod>", "", handle.read())
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", fileobj=buffer, mode="wb", mtime=0) as stream:
        stream.write(text.encode("utf-8"))
    with open(path + ".gz", "wb") as handle:
        handle.write(buffer.getvalue())
