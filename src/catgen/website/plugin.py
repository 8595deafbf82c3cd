"""The MkDocs plugin that turns a catalog into pages (``plugins: [catgen]``): the hooks only.

``on_files`` adds one generated Markdown page per address of SPEC §7
(each page body is one raw-HTML block, so manifest text never meets the
Markdown or template engines): MkDocs renders the few whole-catalog and index
pages, and ``on_post_build`` writes the per-manifest pages in proven frames of
the theme's page (``pagewriter``, ``frame``). It adds the JSON files and vendored
assets (``datafiles``), arranges the user guide (``guide``) and sets the
navigation (``nav``). Unchanged pages of a previous build are reused
(``pagecache``). In a user's own ``mkdocs.yml`` (``mkdocs build``), the
``catalog`` option is relative to that file's folder, and a ``docs/index.md``
that the catalog's home displaces is reported with one warning; ``catalog_url``
puts every catalog page and file in a folder of the site instead of ``/``
(``catgen build`` keeps ``/``, SPEC §7).
"""

from __future__ import annotations

import logging
from functools import partial

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from catgen.errors import CatalogError
from catgen.website import urls
from catgen.website.compiledtemplates import keep_compiled
from catgen.website.config import CatalogUrl, add_catgen_settings, catalog_path, moved_index_message
from catgen.website.datafiles import ASSETS, asset_bytes, asset_paths
from catgen.website.frame import BODY_PLACEHOLDER, Frames, ThemeRenderer, front_matter, known_prefixes
from catgen.website.guide import arrange_guide, rule_anchors
from catgen.website.nav import site_nav
from catgen.website.pagecache import PageCache, global_key
from catgen.website.pageinputs import Recording
from catgen.website.pages.generate import page_jobs, theme_page_urls
from catgen.website.pagewriter import Meanwhile, PageWriter, add_to_sitemap, deferred_data_files, write_data_files
from catgen.website.searchindex import guide_pages
from catgen.website.sitemap import normalise_sitemap
from catgen.website.sitemodel import SiteModel
from catgen.website.statusdata import status_timeline
from catgen.website.themepages import ThemePages

log = logging.getLogger("mkdocs.plugins.catgen")


class CatalogPluginConfig(Config):
    catalog = config_options.Type(str, default="catalog")
    catalog_url = CatalogUrl()  # the catalog's folder in the site, "" or ending in "/"


class CatalogPlugin(BasePlugin[CatalogPluginConfig]):
    def __init__(self):
        self.forget()
        self.user_nav = None
        self.loaded_here = False  # True when this plugin loaded ``site``, so each rebuild loads it afresh
        self.framed = True  # False: every per-manifest page rendered by the theme (``frame.Frames``)

    def forget(self) -> None:
        """Drop what a build made (``catgen build`` asks once it is over: MkDocs keeps its last configuration)."""
        self.site: SiteModel | None = None  # set by ``catgen build`` (checked once), else loaded per build
        self.page_cache = PageCache()  # ``catgen build`` gives it the previous site to reuse pages from
        self.bodies: dict[str, str] = {}  # src_uri -> finished page HTML (see on_files)
        self.jobs: list = []  # the per-manifest pages, written in ``on_post_build`` (``pagewriter``)
        self.key = ""  # ``pagecache.global_key``
        self.recording: Recording | None = None  # what each page read, when the cache records it (``pageinputs``)
        self.theme_made: list[str] = []  # the addresses of the pages MkDocs renders that were made, not kept
        self.nav = self.env = self.files = None
        self.data_files: list[Meanwhile] = []  # writing the data files, a process per part (``on_files``)
        self.search_ahead = None  # ``catgen build``'s ``searchahead.SearchAhead``, if it started one
        self.writer: PageWriter | None = None  # this build's, for what it checked (``build.refuse_remote_resources``)

    def on_config(self, config):
        self.user_nav = config.nav
        self.config.catalog = catalog_path(self.config.catalog, config.config_file_path)
        return add_catgen_settings(config, self.config.catalog, self.config.catalog_url)

    def on_pre_build(self, config):
        if self.site is None or self.loaded_here:
            try:
                self.site = SiteModel.load(self.config.catalog)
            except CatalogError as err:  # MkDocs shows a plugin error as one line, without a traceback
                raise PluginError(f"catgen: {err}") from None
            self.loaded_here = True

    def on_files(self, files: Files, config):
        site, prefix = self.site, self.config.catalog_url
        moved = moved_index_message(files, config, prefix) if self.loaded_here else None  # catgen build: documented
        if moved:
            log.warning("catgen: %s", moved)
        site.has_rules_page = files.get_file_from_path("rules.md") is not None  # finding codes link there
        guide = arrange_guide(files, config, theme_page_urls(), prefix)
        # The data files (the search index reads the guide) are written meanwhile: the catalog's and the search
        # index each by a process of its own, on the cores the pages leave free (all of them, in a rebuild).
        # They are the rebuild's longest step, so they start before the pages MkDocs renders are made, the search
        # index (the longer) first: in a rebuild its process started once the site model was loaded, and is told
        # the guide now (``searchahead``). The status timeline, which the status page shows and the catalog's
        # files hold, is made once, before the catalog's process starts.
        write = partial(write_data_files, site, guide, prefix, config.site_dir)
        ahead, self.search_ahead = self.search_ahead, None
        if ahead is not None and ahead.tell(guide_pages(guide, prefix), prefix, config.site_dir):
            self.data_files = [ahead]
        else:
            self.data_files = [Meanwhile(partial(write, ("search",)))]
        status_timeline(site)
        self.data_files.append(Meanwhile(partial(write, ("catalog",))))
        self.key = self.page_cache.key = global_key(config, guide, self.user_nav)
        self.recording = Recording(site) if self.page_cache.recorded else None
        themed = ThemePages(site, prefix, self.page_cache, self.recording)
        generated = dict(themed.pages())
        self.theme_made = themed.made
        self.jobs = page_jobs(site, prefix)
        for url, (title, body) in generated.items():
            # The body skips Python-Markdown (parsing a large raw-HTML block is
            # most of a page's build time): the page holds a placeholder and
            # ``on_page_content`` puts the finished HTML in its place.
            src_uri = prefix + urls.src_uri(url)
            self.bodies[src_uri] = body
            self.page_cache.add(files, config, src_uri, front_matter(title) + BODY_PLACEHOLDER, self.key, body)
        for file in deferred_data_files(config, prefix):
            files.append(file)
        for path, name in zip(asset_paths(prefix), ASSETS):
            files.append(File.generated(config, path, content=asset_bytes(name)))
        config.nav = site_nav(guide, self.user_nav, prefix)
        return files

    def on_nav(self, nav, config, files):
        self.nav = nav

    def on_env(self, env, config, files):
        keep_compiled(env)  # before MkDocs loads a template: compiled once per process (``catgen serve``)
        self.env, self.files = env, files

    def on_page_content(self, html, page, config, files):
        body = self.bodies.get(page.file.src_uri)
        if body is not None:
            return body
        if page.file.src_uri == "rules.md":  # SARIF helpUri anchors: /rules/#cg201
            return rule_anchors(html)
        return html

    def on_build_error(self, *, error):
        for process in self.data_files:  # started in ``on_files``: none may outlive the failed build
            process.cancel()

    def on_post_build(self, config):
        renderer = ThemeRenderer(config, self.nav, self.env, self.files, self.bodies)
        nav_urls = [page.url for page in self.nav.pages] if self.nav else []
        frames = Frames(renderer, known_prefixes(self.files, nav_urls), enabled=self.framed)
        writer = self.writer = PageWriter(frames, self.page_cache, config.site_dir, self.key, self.config.catalog_url,
                                          self.bodies, self.recording)
        addresses = writer.write(self.jobs)
        self.jobs = []
        try:
            for process in self.data_files:
                process.wait()
        except RuntimeError as err:  # MkDocs shows a plugin error as one line
            raise PluginError(f"catgen: {err}") from None
        add_to_sitemap(config.site_dir, config.site_url, addresses)
        normalise_sitemap(config.site_dir, config.site_url)
        self.page_cache.write_marker(config.site_dir)
