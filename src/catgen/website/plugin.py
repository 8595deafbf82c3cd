"""The MkDocs plugin that turns a catalog into pages (``plugins: [catgen]``).

``on_files`` adds one generated Markdown page per address of SPEC §7 (each
page body is one raw-HTML block, so manifest text never meets the Markdown
or template engines), the JSON files (catalog, schemas, search index) and
the vendored script and style. The user guide from ``docs_dir`` stays, at
its own addresses; ``docs/index.md`` moves to ``/guide/`` because ``/`` is
the catalog's home, and a guide page whose address a catalog page needs is
dropped with a warning. The navigation holds only home, the kind indexes,
audit, checks, search and the guide: per-manifest pages stay out of it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import re
import shutil
from importlib import resources

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from catgen import __version__
from catgen.model import KINDS
from catgen.load.schemas import SCHEMA_FILES, schema_text
from catgen.website import overview, pages, searchindex, urls
from catgen.website.catalogjson import catalog_json
from catgen.website.pages import PageContext
from catgen.website.sitemodel import SiteModel

log = logging.getLogger("mkdocs.plugins.catgen")

MARKER = ".catgen-site"
BODY_PLACEHOLDER = "<!-- catgen: page body -->\n"
ASSETS = ("catgen.css", "catgen.js")
GUIDE_ORDER = ("getting-started.md", "manifests.md", "writing-a-catalog.md", "rules.md", "ci.md", "gate-merges.md",
               "policy.md", "promotion.md", "security.md", "site.md")
_RULE_CELL = re.compile(r"<(h[1-6]|td|dt|li)((?:\s[^>]*)?)>(\s*(?:<[^>]+>\s*)*)(CG\d{3})\b")


class CatalogPluginConfig(Config):
    catalog = config_options.Type(str, default="catalog")


class GeneratedFile(File):
    """A generated file that a page-level cache can mark as unchanged (MkDocs then skips it in dirty mode)."""

    reused = False

    def is_modified(self) -> bool:
        return not self.reused


class CatalogPlugin(BasePlugin[CatalogPluginConfig]):
    def __init__(self):
        self.site: SiteModel | None = None  # set by ``catgen build`` (checked once), else loaded per build
        self.previous_site: str | None = None  # a previous catgen site whose unchanged pages are reused
        self.user_nav = None
        self.hashes: dict[str, str] = {}
        self.bodies: dict[str, str] = {}  # src_uri -> finished page HTML (see on_files)
        self.reused = 0

    # -- configuration -------------------------------------------------------

    def on_config(self, config):
        if config.theme.name == "material":
            config.theme["font"] = False  # Google Fonts otherwise: the site must work offline
        for name in ASSETS:
            target = config.extra_css if name.endswith(".css") else config.extra_javascript
            if f"assets/catgen/{name}" not in [str(x) for x in target]:
                target.append(f"assets/catgen/{name}")
        catalog = os.path.abspath(self.config.catalog)
        if os.path.isdir(catalog) and catalog not in config.watch:
            config.watch.append(catalog)
        self.user_nav = config.nav
        return config

    def on_pre_build(self, config):
        if self.site is None or self._loaded_here:
            self.site = SiteModel.load(self.config.catalog)
            self._loaded_here = True

    _loaded_here = False

    # -- files ---------------------------------------------------------------

    def on_files(self, files: Files, config):
        site = self.site
        site.has_rules_page = files.get_file_from_path("rules.md") is not None  # finding codes link there
        generated = dict(self._generated_pages(site))
        guide = self._arrange_guide(files, config, generated)
        key = self._global_key(config, guide)
        for url, (title, body) in generated.items():
            # The body skips Python-Markdown (parsing a large raw-HTML block is
            # most of a page's build time): the page holds a placeholder and
            # ``on_page_content`` puts the finished HTML in its place.
            src_uri = urls.src_uri(url)
            self.bodies[src_uri] = body
            self._add(files, config, src_uri, _front_matter(title) + BODY_PLACEHOLDER, key, body)
        for path, text in self._data_files(site).items():
            files.append(File.generated(config, path, content=text))
        for name in ASSETS:
            files.append(File.generated(config, f"assets/catgen/{name}", content=_asset(name)))
        config.nav = self._nav(site, guide)
        return files

    def _generated_pages(self, site):
        """``(address, (title, html))`` of every catalog page."""
        for url, render in (("", overview.home_page), ("audit/", overview.audit_page), ("checks/", overview.checks_page), ("search/", overview.search_page)):
            yield url, render(PageContext(site, url))
        for kind in KINDS:
            if kind != "Policy":
                for url, title, body in overview.index_pages(site, kind):
                    yield url, (title, body)
        for manifest in site.pages:
            url = site.url(manifest)
            yield url, pages.manifest_page(PageContext(site, url), manifest)
        for (kind, name), versions in site.assets.items():
            url = urls.asset_url(kind, name)
            yield url, pages.asset_page(PageContext(site, url), kind, name, versions)

    def _data_files(self, site) -> dict[str, str]:
        data = {"catalog.json": catalog_json(site)}
        data.update({f"schemas/{name}.json": schema_text(name) for name in SCHEMA_FILES})
        data.update(searchindex.build_index(site))
        return data

    def _add(self, files: Files, config, src_uri: str, content: str, key: str, body: str) -> None:
        file = GeneratedFile.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV)
        digest = hashlib.sha256((key + content + body).encode("utf-8")).hexdigest()
        self.hashes[src_uri] = digest
        if self.previous_site and _previous_hashes(self.previous_site).get(src_uri) == digest:
            file.reused = _reuse(self.previous_site, config.site_dir, file.dest_uri)
            self.reused += file.reused
        files.append(file)

    def _arrange_guide(self, files: Files, config, generated: dict) -> list:
        """The user guide's pages: docs/index.md moved to guide.md, collisions dropped."""
        taken = {urls.src_uri(u) for u in generated} | {"catalog.json", "assets/catgen/catgen.js", "assets/catgen/catgen.css"}
        guide = []
        for file in list(files):
            if file.src_uri == "index.md":
                files.remove(file)
                moved = File.generated(config, "guide.md", abs_src_path=file.abs_src_path)
                files.append(moved)
                file = moved
            elif file.src_uri in taken or file.dest_uri.replace("index.html", "index.md") in taken or file.src_uri.startswith(("search/", "schemas/")):
                log.warning("catgen: docs page %s is hidden by the catalog page at the same address", file.src_uri)
                files.remove(file)
                continue
            if file.is_documentation_page():
                guide.append(file)
        return guide

    def _nav(self, site, guide: list) -> list:
        nav = [{"Home": "index.md"}]
        nav += [{KINDS[k].plural.capitalize(): urls.src_uri(urls.index_url(KINDS[k].plural))} for k in KINDS if k != "Policy"]
        nav += [{"Audit": "audit/index.md"}, {"Checks": "checks/index.md"}, {"Search": "search/index.md"}]
        present = {f.src_uri for f in guide}
        guide_nav = _filter_nav(self.user_nav, present) if self.user_nav else None
        if not guide_nav:
            ordered = [u for u in ("guide.md",) + GUIDE_ORDER if u in present] + sorted(present - set(GUIDE_ORDER) - {"guide.md"})
            guide_nav = [{_guide_title(u): u} for u in ordered]
        return nav + ([{"Guide": guide_nav}] if guide_nav else [])

    def _global_key(self, config, guide: list) -> str:
        """What every page's HTML depends on besides its own content (theme, nav, versions)."""
        parts = {
            "catgen": __version__, "site_name": config.site_name, "site_url": config.site_url, "theme": dict(config.theme),
            "extra": dict(config.extra), "css": [str(x) for x in config.extra_css], "js": [str(x) for x in config.extra_javascript],
            "guide": sorted(f.src_uri for f in guide), "user_nav": self.user_nav, "copyright": config.copyright, "repo": config.repo_url,
            "plugins": sorted(config.plugins), "markdown": [str(x) for x in config.markdown_extensions],
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    # -- pages ---------------------------------------------------------------

    def on_page_content(self, html, page, config, files):
        body = self.bodies.get(page.file.src_uri)
        if body is not None:
            return body
        if page.file.src_uri == "rules.md":  # SARIF helpUri anchors: /rules/#cg201
            return _rule_anchors(html)
        return html

    def on_post_build(self, config):
        _normalise_sitemap(config.site_dir)
        marker = {"generator": "catgen", "version": __version__, "pages": dict(sorted(self.hashes.items()))}
        with open(os.path.join(config.site_dir, MARKER), "w", encoding="utf-8") as handle:
            json.dump(marker, handle, sort_keys=True, separators=(",", ":"))


def _front_matter(title: str) -> str:
    return f"---\ntitle: {json.dumps(title)}\nhide: [toc]\n---\n\n"


def _asset(name: str) -> bytes:
    return resources.files("catgen.website").joinpath("assets", name).read_bytes()


def _guide_title(src_uri: str) -> str:
    if src_uri == "guide.md":
        return "Overview"
    stem = src_uri.rsplit(".", 1)[0].rsplit("/", 1)[-1]
    return {"ci": "CI"}.get(stem, stem.replace("-", " ").capitalize())


def _filter_nav(items, present: set):
    """The user's nav without entries whose page does not exist (yet)."""
    kept = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            item = "guide.md" if item == "index.md" else item
            kept += [item] if item in present or "://" in item else []
        elif isinstance(item, dict):
            for title, value in item.items():
                value = "guide.md" if value == "index.md" else value
                if isinstance(value, list):
                    sub = _filter_nav(value, present)
                    kept += [{title: sub}] if sub else []
                elif isinstance(value, str) and (value in present or "://" in value):
                    kept.append({title: value})
    return kept


def _rule_anchors(html: str) -> str:
    """Give the first heading or cell naming each rule code the id ``cgNNN``."""
    seen = set(re.findall(r'id="(cg\d{3})"', html))

    def anchor(match):
        code = match.group(4).lower()
        if code in seen:
            return match.group(0)
        seen.add(code)
        return f'<{match.group(1)}{match.group(2)}>{match.group(3)}<span id="{code}" class="cg-anchor"></span>{match.group(4)}'

    return _RULE_CELL.sub(anchor, html)


_PREVIOUS: dict = {}


def _previous_hashes(site_dir: str) -> dict:
    if site_dir not in _PREVIOUS:
        try:
            with open(os.path.join(site_dir, MARKER), encoding="utf-8") as handle:
                _PREVIOUS[site_dir] = json.load(handle).get("pages", {})
        except (OSError, ValueError, AttributeError):
            _PREVIOUS[site_dir] = {}
    return _PREVIOUS[site_dir]


def forget_previous(site_dir: str) -> None:
    _PREVIOUS.pop(site_dir, None)


def _reuse(previous: str, site_dir: str, dest_uri: str) -> bool:
    """Copy an unchanged page's HTML from the previous site; True when it was there."""
    source = os.path.join(previous, dest_uri)
    if not os.path.isfile(source):
        return False
    target = os.path.join(site_dir, dest_uri)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(source, target)
    return True


def _normalise_sitemap(site_dir: str) -> None:
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
