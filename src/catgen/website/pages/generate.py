"""Every catalog page the plugin adds: ``(address, (title, html))``, in a fixed order."""

from __future__ import annotations

from catgen.model import KINDS
from catgen.website import urls
from catgen.website.pages.assets import asset_page, version_page
from catgen.website.pages.audit import audit_page
from catgen.website.pages.checks import checks_page
from catgen.website.pages.context import PageContext
from catgen.website.pages.home import home_page
from catgen.website.pages.indexes import index_pages
from catgen.website.pages.job import job_page
from catgen.website.pages.places import deployment_page, registry_page, workspace_page
from catgen.website.pages.promotions import promotion_page
from catgen.website.pages.search import search_page
from catgen.website.pages.status import status_page
from catgen.website.pages.usedby import used_by_pages

# The page of each kind that is not a versioned asset (those get ``version_page``).
MANIFEST_PAGES = {"Job": job_page, "Workspace": workspace_page, "Registry": registry_page,
                  "Deployment": deployment_page, "Promotion": promotion_page}
WHOLE_CATALOG_PAGES = (("", home_page), ("status/", status_page), ("audit/", audit_page),
                       ("checks/", checks_page), ("search/", search_page))


def generated_pages(site, prefix: str = ""):
    """``(address, (title, html))`` of every catalog page; ``prefix`` is the catalog's folder in the site."""
    for url, render in WHOLE_CATALOG_PAGES:
        yield url, render(PageContext(site, url, prefix))
    for kind in KINDS:
        if kind != "Policy":
            for url, title, body in index_pages(site, kind, prefix):
                yield url, (title, body)
    for manifest in site.pages:
        url = site.url(manifest)
        yield url, manifest_page(PageContext(site, url, prefix), manifest)
    yield from used_by_pages(site, prefix)  # "+N more" on a heavily used manifest's page links there
    for (kind, name), versions in site.assets.items():
        url = urls.asset_url(kind, name)
        yield url, asset_page(PageContext(site, url, prefix), kind, name, versions)


def manifest_page(ctx: PageContext, manifest) -> tuple[str, str]:
    """The page of one manifest, by kind."""
    if KINDS[manifest.kind].versioned:
        return version_page(ctx, manifest)
    return MANIFEST_PAGES[manifest.kind](ctx, manifest)
