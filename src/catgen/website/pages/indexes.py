"""One index per kind (``/<plural>/``), paginated when long, filterable and sortable in the browser."""

from __future__ import annotations

from catgen.model import KINDS
from catgen.website import urls
from catgen.website.markup import link, page, pager, table
from catgen.website.pages.context import PageContext
from catgen.website.pages.promotions import promotion_target_cell
from catgen.website.text import esc, summary_text

# The kind's own column: (header, spec field shown in it).
_KIND_COLUMN = {"Model": ("Type", "type"), "Environment": ("Image", "image"), "Component": ("Type", "type"),
                "Data": ("Classification", "classification"), "Job": ("Status", "status"), "Promotion": ("To", "stage"),
                "Deployment": ("Endpoint", "endpoint"), "Workspace": ("Stage", "stage"),
                "Registry": ("Location", "location")}


def index_pages(site, kind: str, prefix: str = ""):
    """``(url, title, html)`` for each page of one kind's index."""
    plural = KINDS[kind].plural
    manifests = site.by_kind[kind]
    pages = max(1, -(-len(manifests) // urls.PAGE_SIZE))
    for number in range(1, pages + 1):
        url = urls.index_url(plural, number)
        ctx = PageContext(site, url, prefix)
        chunk = manifests[(number - 1) * urls.PAGE_SIZE: number * urls.PAGE_SIZE]
        headers, rows = _index_rows(ctx, kind, chunk)
        body = _pager(ctx, plural, number, pages)
        body += '<p class="cg-filter-hint">Filter and sort this page with the box and column headers.</p>'
        body += table(headers, rows, cls="cg-sortable cg-filterable") if rows else "<p>None yet.</p>"
        body += _pager(ctx, plural, number, pages)
        suffix = f" (page {number} of {pages})" if pages > 1 else ""
        title = esc(plural.capitalize()) + esc(suffix)
        subtitle = f"{len(manifests)} {esc(kind)} manifests"
        yield url, f"{plural.capitalize()}{suffix}", page(title, body, subtitle=subtitle)


def _pager(ctx, plural: str, number: int, pages: int) -> str:
    return pager(number, pages, lambda n: ctx.href(urls.index_url(plural, n)))


def _index_rows(ctx, kind: str, manifests: list) -> tuple[list, list]:
    versioned = KINDS[kind].versioned
    headers = ["Name"] + (["Version", "Stages"] if versioned else [])
    headers += [_KIND_COLUMN[kind][0], "Owner", "Tags", "Description", "Findings"]
    rows = []
    for m in manifests:
        name = link(ctx.href(urls.asset_url(kind, m.name)), esc(m.name)) if versioned else ctx.ref(m, m.name)
        row = [name] + ([ctx.ref(m, m.version), ctx.stage_badges(m)] if versioned else [])
        tags = m.metadata.get("tags")
        found = ctx.site.findings_about(m)
        row += [_kind_cell(ctx, m), esc(m.metadata.get("owner")),
                esc(", ".join(f"{k}: {v}" for k, v in tags.items())) if isinstance(tags, dict) else "",
                esc(summary_text(m.metadata.get("description"))), str(len(found)) if found else ""]
        rows.append(row)
    return headers, rows


def _kind_cell(ctx, manifest) -> str:
    if manifest.kind == "Promotion":
        return promotion_target_cell(manifest, ctx)
    return esc(manifest.spec.get(_KIND_COLUMN[manifest.kind][1]))
