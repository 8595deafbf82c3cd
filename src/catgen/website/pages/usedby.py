"""Used-by pages: every manifest that refers to a heavily used one, so "+N more" is a link, not a dead end.

A manifest referred to by more than ``LIST_CAP`` others (an environment every
job uses, a busy workspace) gets ``<its address>used-by/``, paginated by
``urls.PAGE_SIZE`` (``used-by/_page/<n>/``; no valid name starts with ``_``).
Only such manifests get one, and each referring edge is listed once, so the
pages cost what the lineage graph holds: linear.
"""

from __future__ import annotations

from catgen.website import urls
from catgen.website.markup import page, pager, table
from catgen.website.pages.context import PageContext
from catgen.website.text import esc

LIST_CAP = 50  # references a manifest page lists before "+N more" links here
USED_BY_HEADERS = ["Relation", "Kind", "Manifest"]


def used_by_url(manifest_url: str, number: int = 1) -> str:
    return f"{manifest_url}used-by/" if number == 1 else f"{manifest_url}used-by/_page/{number}/"


def has_used_by_page(site, manifest) -> bool:
    return site.url(manifest) is not None and len(site.graph.in_edges(manifest)) > LIST_CAP


def used_by_pages(site, prefix: str = ""):
    """``(address, (title, html))`` of each page of each used-by list, in the site model's page order."""
    for manifest in site.pages:
        if has_used_by_page(site, manifest):
            yield from _pages_of(site, manifest, prefix)


def _pages_of(site, manifest, prefix: str):
    edges = sorted(site.graph.in_edges(manifest), key=lambda e: (e.type, e.source.relpath))
    count = -(-len(edges) // urls.PAGE_SIZE)
    for number in range(1, count + 1):
        url = used_by_url(site.url(manifest), number)
        ctx = PageContext(site, url, prefix)
        chunk = edges[(number - 1) * urls.PAGE_SIZE: number * urls.PAGE_SIZE]
        rows = [[esc(e.type), esc(e.source.kind), ctx.ref(e.source)] for e in chunk]
        pager = _pager(ctx, site.url(manifest), number, count)
        back = f'<p class="cg-used-by-of">Every manifest that refers to {ctx.ref(manifest)}.</p>'
        body = back + pager + table(USED_BY_HEADERS, rows, cls="cg-sortable cg-filterable cg-used-by") + pager
        suffix = f" (page {number} of {count})" if count > 1 else ""
        subtitle = f"{len(edges)} references to this {esc(manifest.kind)}"
        title = f"Used by {manifest.ref}{suffix}"
        yield url, (title, page(esc(title), body, subtitle=subtitle))


def _pager(ctx, manifest_url: str, number: int, count: int) -> str:
    return pager(number, count, lambda n: ctx.href(used_by_url(manifest_url, n)))
