"""Reusing unchanged pages of the previous site, so a rebuild writes only what changed.

Each page the page writer writes gets a hash of everything its HTML depends
on: its address, title and body, the frame around them (``frame.Frames.
fingerprint``: the theme's page for its kind of address, so a changed
template, navigation title or plugin changes it), and a global key (catgen
version, configuration...). The hashes are written to the site's marker
file; the next build into the same folder hard-links a page whose hash is
unchanged from the previous site (a copy where linking fails) instead of
writing it. The few pages MkDocs renders itself (home, indexes, status,
audit, checks, search and the guide) are rendered every time: their hashes
are recorded, but MkDocs may write any file of its own, and a file it
rewrites must not be a link into the previous site. A cache lives as long as
its plugin instance, which MkDocs makes per configuration load: one build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil

from mkdocs.structure.files import File, Files, InclusionLevel

from catgen import __version__
from catgen.website.safedir import MARKER


class PageCache:
    """The hashes of this build's pages, and the reuse of the previous site's unchanged ones."""

    def __init__(self, previous_site: str | None = None):
        self.previous_site = previous_site  # a previous catgen site whose unchanged pages are reused
        self.hashes: dict[str, str] = {}  # src_uri -> hash of everything the page's HTML depends on
        self.reused = 0
        self._previous_hashes: dict | None = None

    def add(self, files: Files, config, src_uri: str, content: str, key: str, body: str) -> None:
        """Add a generated page for MkDocs to render to ``files``, and record its hash."""
        files.append(File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
        self.hashes[src_uri] = page_hash(key, src_uri, content, body)

    def is_unchanged(self, src_uri: str, digest: str) -> bool:
        """The previous site has this page with this hash."""
        return self.previous_site is not None and self.previous_hashes().get(src_uri) == digest

    def link_previous(self, site_dir: str, dest_uri: str) -> bool:
        """The previous site's file at ``dest_uri`` into ``site_dir``: hard-linked (nothing copied, neither is
        written again), copied where linking fails; True when it was there."""
        source = os.path.join(self.previous_site, dest_uri)
        if not os.path.isfile(source) or os.path.islink(source):
            return False
        target = os.path.join(site_dir, dest_uri)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(source, target)
        except OSError:  # another file system, or one without links
            shutil.copy2(source, target)
        return True

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


def page_hash(key: str, *parts: str) -> str:
    """The hash of a page: the global ``key`` and everything of the page itself (its address first)."""
    digest = hashlib.sha256(key.encode("utf-8"))
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", errors="surrogatepass"))
    return digest.hexdigest()


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
