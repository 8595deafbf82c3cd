"""Reusing unchanged pages of the previous site, so a rebuild writes only what changed.

Each generated page gets a hash of everything its HTML depends on: its own
Markdown and body, plus a global key (theme, navigation, guide pages, catgen
version...). The hashes are written to the site's marker file; the next
build into the same folder copies a page whose hash is unchanged from the
previous site and tells MkDocs (dirty mode) to skip it. A cache lives as long
as its plugin instance, which MkDocs makes per configuration load: one build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil

from mkdocs.structure.files import File, Files, InclusionLevel

from catgen import __version__
from catgen.website.safedir import MARKER


class GeneratedFile(File):
    """A generated file that a page-level cache can mark as unchanged (MkDocs then skips it in dirty mode)."""

    reused = False

    def is_modified(self) -> bool:
        return not self.reused


class PageCache:
    """The hashes of this build's pages, and the reuse of the previous site's unchanged ones."""

    def __init__(self, previous_site: str | None = None):
        self.previous_site = previous_site  # a previous catgen site whose unchanged pages are reused
        self.hashes: dict[str, str] = {}  # src_uri -> hash of everything the page's HTML depends on
        self.reused = 0
        self._previous_hashes: dict | None = None

    def add(self, files: Files, config, src_uri: str, content: str, key: str, body: str) -> None:
        """Add a generated page to ``files``, copied from the previous site when its hash is unchanged."""
        file = GeneratedFile.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV)
        digest = hashlib.sha256((key + content + body).encode("utf-8")).hexdigest()
        self.hashes[src_uri] = digest
        if self.previous_site and self.previous_hashes().get(src_uri) == digest:
            file.reused = _reuse(self.previous_site, config.site_dir, file.dest_uri)
            self.reused += file.reused
        files.append(file)

    def previous_hashes(self) -> dict:
        """The page hashes in the previous site's marker (none when it has no readable one)."""
        if self._previous_hashes is None:
            try:
                with open(os.path.join(self.previous_site, MARKER), encoding="utf-8") as handle:
                    self._previous_hashes = json.load(handle).get("pages", {})
            except (OSError, ValueError, AttributeError):
                self._previous_hashes = {}
        return self._previous_hashes

    def write_marker(self, site_dir: str) -> None:
        """Mark ``site_dir`` as a catgen site, with this build's page hashes for the next build."""
        marker = {"generator": "catgen", "version": __version__, "pages": dict(sorted(self.hashes.items()))}
        with open(os.path.join(site_dir, MARKER), "w", encoding="utf-8") as handle:
            json.dump(marker, handle, sort_keys=True, separators=(",", ":"))


def global_key(config, guide: list, user_nav) -> str:
    """What every page's HTML depends on besides its own content (theme, nav, versions)."""
    parts = {
        "catgen": __version__, "site_name": config.site_name, "site_url": config.site_url,
        "theme": dict(config.theme), "extra": dict(config.extra), "css": [str(x) for x in config.extra_css],
        "js": [str(x) for x in config.extra_javascript], "guide": sorted(f.src_uri for f in guide),
        "user_nav": user_nav, "copyright": config.copyright, "repo": config.repo_url,
        "plugins": sorted(config.plugins), "markdown": [str(x) for x in config.markdown_extensions],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _reuse(previous: str, site_dir: str, dest_uri: str) -> bool:
    """Copy an unchanged page's HTML from the previous site; True when it was there."""
    source = os.path.join(previous, dest_uri)
    if not os.path.isfile(source):
        return False
    target = os.path.join(site_dir, dest_uri)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(source, target)
    return True
