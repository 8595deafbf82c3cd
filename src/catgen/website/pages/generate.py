"""Every catalog page the plugin adds: ``(address, (title, html))``, in a fixed order."""

from __future__ import annotations

from functools import partial
from itertools import islice

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
    yield from theme_pages(site, prefix)
    for job in page_jobs(site, prefix):
        for url, title, body in job():
            yield url, (title, body)


def theme_page_urls() -> list[str]:
    """The addresses of ``theme_pages``, in their order, without making them."""
    return [url for url, _ in WHOLE_CATALOG_PAGES] + [urls.index_url(KINDS[kind].plural, 1)
                                                      for kind in KINDS if kind != "Policy"]


def theme_pages(site, prefix: str = ""):
    """``(address, (title, html))`` of the pages MkDocs renders: the whole-catalog pages and the kind indexes
    (their first pages: the navigation's)."""
    for url, make in theme_page_makers(site, prefix):
        yield url, make()


def theme_page_makers(site, prefix: str = "") -> list:
    """``(address, call)`` of each of ``theme_pages``: the call makes its ``(title, html)``."""
    makers = [(url, partial(render, PageContext(site, url, prefix))) for url, render in WHOLE_CATALOG_PAGES]
    return makers + [(urls.index_url(KINDS[kind].plural, 1), partial(_first_index_page, site, prefix, kind))
                     for kind in KINDS if kind != "Policy"]


def _first_index_page(site, prefix: str, kind: str) -> tuple[str, str]:
    _url, title, body = next(index_pages(site, kind, prefix))  # there is always a first page, "None yet" or not
    return title, body


class PageJob:
    """A call that gives ``[(address, title, html)]``, its identity between builds (``pagerecords``) and the
    manifest whose page it renders (None for the others)."""

    __slots__ = ("identity", "call", "manifest")

    def __init__(self, identity: tuple, call, manifest=None):
        self.identity, self.call, self.manifest = identity, call, manifest

    def __call__(self) -> list:
        return self.call()


def page_jobs(site, prefix: str = "") -> list[PageJob]:
    """One job per kind index's further pages, per manifest page, for all used-by pages, per asset page,
    in the site's page order."""
    jobs = [PageJob(("index", kind), partial(_further_index_pages, site, prefix, kind))
            for kind in KINDS if kind != "Policy"]
    jobs += [PageJob(("page", m.relpath), partial(_manifest_page, site, prefix, m), m) for m in site.pages]
    jobs.append(PageJob(("used-by",), partial(_used_by_pages, site, prefix)))
    jobs += [PageJob(("asset", kind, name), partial(_asset_page, site, prefix, kind, name))
             for kind, name in site.assets]
    return jobs


def _further_index_pages(site, prefix: str, kind: str) -> list:
    return list(islice(index_pages(site, kind, prefix), 1, None))


def _manifest_page(site, prefix: str, manifest) -> list:
    url = site.url(manifest)
    return [(url, *manifest_page(PageContext(site, url, prefix), manifest))]


def _used_by_pages(site, prefix: str) -> list:
    return [(url, title, body) for url, (title, body) in used_by_pages(site, prefix)]


def _asset_page(site, prefix: str, kind: str, name: str) -> list:
    url = urls.asset_url(kind, name)
    return [(url, *asset_page(PageContext(site, url, prefix), kind, name, site.versions_of(kind, name)))]


def manifest_page(ctx: PageContext, manifest) -> tuple[str, str]:
    """The page of one manifest, by kind."""
    if KINDS[manifest.kind].versioned:
        return version_page(ctx, manifest)
    return MANIFEST_PAGES[manifest.kind](ctx, manifest)
