"""``build_site``: check the catalog once, build into a staging folder, replace the site when complete.

The configuration is the built-in one merged with the project's ``mkdocs.yml``
(``config``); the staging folder and the refusal to replace a stranger's
folder are ``safedir``'s; a previous catgen site in the target keeps its
unchanged pages in place (``pagecache``, ``sitemerge``); a site that would load resources from
another host is refused before it replaces anything (``offline``).

The build runs the project's ``mkdocs.yml``: its hooks and plugins are Python
code of the repository, so a build is as trusted as any build step of the change.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

from catgen.errors import CatalogError, log_safe_line
from catgen.website.config import load_mkdocs_config
from catgen.website.offline import ALLOW_SETTING, allowed_prefixes, remote_resources
from catgen.website.pagecache import PageCache
from catgen.website.pagerecords import PageRecords, records_path
from catgen.website.pagereuse import ChangedInputs
from catgen.website.pagewriter import frozen_heap
from catgen.website.safedir import staged_site
from catgen.website.searchahead import SearchAhead
from catgen.website.siteinventory import MARKER
from catgen.website.sitestats import load_site_stats, save_site_stats, stats_path
from catgen.website.sitemodel import SiteModel


def build_site(catalog_root: str, site_dir: str, *, site=None, quiet: bool = True, framed: bool = True,
               record: bool = False) -> dict:
    """Build the site of ``catalog_root`` into ``site_dir``; return build statistics.

    ``site`` is an already loaded ``SiteModel`` (the catalog is read and checked once). ``framed=False``
    renders every page with the theme, not in a proven frame (``frame``): the same bytes, slower.
    ``record``: record what each page read even in a first build (``catgen serve`` builds again at once).
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    site = site or SiteModel.load(catalog_root)
    records = records_path(site_dir)
    # What the last build here read (if a catgen site is there, as its marker says before it is proven):
    # which of it changed is found meanwhile.
    catgen_site = os.path.isfile(os.path.join(site_dir, MARKER))
    previous = PageRecords.load(records) if catgen_site else None
    with frozen_heap(), contextlib.ExitStack() as meanwhile:
        # Which of its inputs changed: found while the previous site is proven and MkDocs starts.
        changed = None if previous is None else \
            meanwhile.enter_context(ChangedInputs(site, previous, previous.theme_inputs()))
        # In a rebuild, the search index's process, which reads the manifests' words while MkDocs starts
        # (``searchahead``). A full build's page writers keep both cores busy: it would only compete there.
        search = meanwhile.enter_context(SearchAhead(site)) if catgen_site else None
        # What the last proof found, so that settled files are not read again (held only while proving).
        known = load_site_stats(stats_path(records)) if catgen_site else None
        staging = meanwhile.enter_context(staged_site(site_dir, protected=(catalog_root,), known=known))
        known = None
        meanwhile.enter_context(mkdocs_logging(quiet))
        # The generated configuration lives in the staging folder: a killed build's goes with it (safedir).
        work = os.path.join(os.path.dirname(staging.site), "config")
        os.mkdir(work)
        config = load_mkdocs_config(catalog_root, staging.site, work)
        plugin = config.plugins["catgen"]
        # Only a build into a catgen site records what each page read (it costs about a third of the page
        # writing): a build into an empty folder (as CI's) has nothing to reuse, and leaves nothing to reuse.
        rebuild = staging.previous is not None
        cache = PageCache(staging.previous, staging.kept, previous if rebuild else None, recorded=rebuild or record,
                          changed=changed if rebuild else None, folder=site_dir)
        plugin.site, plugin.page_cache, plugin.framed, plugin.search_ahead = site, cache, framed, search
        if search is not None:
            search.folder = work  # where it is told the guide (gone with the staging folder)
        said = meanwhile.enter_context(build_error_said())
        try:
            build(config)
        except MkDocsException as err:
            raise CatalogError(f"site build failed: {said.reason or err}") from None
        finally:
            writer, theme_made = plugin.writer, plugin.theme_made
            plugin.forget()  # MkDocs keeps its last configuration, plugins and all: not this build's site model
        refuse_remote_resources(staging.site, allowed_prefixes(config.extra), writer.checked, writer.remote)
    if cache.made is not None:  # the site is in place: the next build may reuse its pages
        cache.made.save(records)
    if staging.previous is not None:  # and trust the files it proved and left as they were
        save_site_stats(stats_path(records), staging.previous, staging.replaced)
    return {"pages": len(cache.hashes), "reused": cache.reused, "rendered": writer.rendered, "theme_made": theme_made}


class _BuildErrorSaid(logging.Filter):
    """MkDocs logs a ``BuildError`` (a plugin's error), then raises "Aborted with a BuildError!": its reason is
    kept here for the build's one line (``reason``), rather than shown as a line of its own."""

    def __init__(self):
        super().__init__()
        self.reason: str | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        from mkdocs.exceptions import BuildError

        handled = sys.exc_info()[1]
        if record.levelno >= logging.ERROR and isinstance(handled, BuildError) and record.getMessage() == str(handled):
            self.reason = " ".join(str(handled).split())
            return False
        return True


@contextlib.contextmanager
def build_error_said():
    """``_BuildErrorSaid`` on MkDocs' build logger meanwhile."""
    logger, said = logging.getLogger("mkdocs.commands.build"), _BuildErrorSaid()
    logger.addFilter(said)
    try:
        yield said
    finally:
        logger.removeFilter(said)


def refuse_remote_resources(site: str, allowed: tuple[str, ...], checked=frozenset(), found=()) -> None:
    """A one-line ``CatalogError`` when the built site would load something from another host.

    ``checked`` files were read as they were written, ``found`` what they load: (file, what, address).
    """
    remote = remote_resources(site, allowed, checked)
    remote += [(path, what) for path, what, address in found if not address.strip().startswith(allowed)]
    remote.sort(key=_walk_order)
    if remote:
        page, what = remote[0]
        more = f" (and {len(remote) - 1} more)" if len(remote) > 1 else ""
        raise CatalogError(f"the site would load resources from other hosts, so it would not work offline: "
                           f"{page} loads {what}{more}; put them in docs/ or allow their addresses in mkdocs.yml "
                           f"(extra: catgen: {ALLOW_SETTING}: [PREFIX]), see docs/site.md")


def _walk_order(found: tuple) -> tuple:
    """The order ``os.walk`` with sorted names reads a site in: a folder's files, then its folders."""
    *folders, name = found[0].split("/")
    return tuple((1, folder) for folder in folders) + ((0, name),)


@contextlib.contextmanager
def mkdocs_logging(quiet: bool):
    """Show MkDocs' warnings and errors on stderr (its info chatter too unless ``quiet``), prefixed ``catgen:``."""
    logger = logging.getLogger("mkdocs")
    saved = logger.level
    handler = logging.StreamHandler()
    handler.setFormatter(_LogSafeFormatter("catgen: %(levelname)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved)


class _LogSafeFormatter(logging.Formatter):
    """MkDocs' messages quote file names and page text: each is one ``log_safe`` line (no CI command)."""

    def format(self, record: logging.LogRecord) -> str:
        return log_safe_line(super().format(record))
