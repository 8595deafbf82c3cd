"""What rendering one page needs: the site model and the address links are relative to."""

from __future__ import annotations

from catgen.website import urls
from catgen.website.markup import link
from catgen.website.pages.marks import stage_marks
from catgen.website.text import esc


class PageContext:
    """Rendering state for one page: the site model and where links are relative to."""

    def __init__(self, site, url: str):
        self.site = site
        self.url = url

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
        return link(self.href("rules/") + f"#{code.lower()}" if self.site.has_rules_page else None, esc(code))
