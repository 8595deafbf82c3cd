"""What rendering one page needs: the site model, the address links are relative to, and the catalog's folder.

Links between catalog pages are relative between addresses without the folder (both ends share it);
links to the user guide (the rules page) start from the page's address in the site, folder included.
"""

from __future__ import annotations

from catgen.website import urls
from catgen.website.markup import link
from catgen.website.pages.marks import stage_marks
from catgen.website.text import esc


class PageContext:
    """Rendering state for one page: the site model and where links are relative to."""

    def __init__(self, site, url: str, prefix: str = ""):
        self.site = site
        self.url = url
        self.prefix = prefix  # the catalog's folder in the site ("" the site's root): the plugin's catalog_url

    def href(self, target_url: str | None) -> str | None:
        return urls.relative(self.url, target_url) if target_url is not None else None

    def ref(self, manifest, text: str | None = None) -> str:
        """A link to a manifest's page (plain text when it has none)."""
        label = esc(text if text is not None else manifest.ref)
        return link(self.href(self.site.url(manifest)), label)

    def stage_badges(self, asset) -> str:
        """The asset's stage marks (``marks``): in force, pending, revoked or with errors, each saying which."""
        return stage_marks(self, asset)

    def rule_link(self, code: str) -> str:
        rules = urls.relative(self.prefix + self.url, "rules/")  # a guide page: at the site's root
        return link(rules + f"#{code.lower()}" if self.site.has_rules_page else None, esc(code))
