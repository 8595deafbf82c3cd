"""Keeping unchanged pages of the previous site, so a rebuild writes only what changed.

Each page the page writer writes gets a hash of everything its HTML depends
on: its address, title and body, the frame around them (``frame.Frames.
fingerprint``: the theme's page for its kind of address, so a changed
template, navigation title or plugin changes it), and a global key (catgen
version, configuration...). The hashes are written to the site's marker
file; the next build into the same folder keeps a page whose hash is
unchanged where it is (``safedir.Staging.kept``: not written, not copied,
not moved) instead of writing it. The few pages MkDocs renders itself (home,
indexes, status, audit, checks, search and the guide) are rendered every
time (catgen's among them from bodies kept where their inputs did not change:
``themepages``): their hashes are recorded, and a rendered file equal to the
one in place stays in place too (``sitemerge``). A page job whose recorded inputs
did not change is not even rendered: its pages keep the hashes the marker
holds (``pagerecords``). A cache lives as long as its plugin instance, which
MkDocs makes per configuration load: one build.
"""

from __future__ import annotations

import hashlib
import json
import os

from mkdocs.structure.files import File, Files, InclusionLevel

from catgen import __version__
from catgen.website.pagerecords import PageRecords
from catgen.website.siteinventory import MARKER, file_sha256, marker_text


class PageCache:
    """The hashes of this build's pages, and the unchanged pages of the previous site that stay."""

    def __init__(self, previous=None, kept: set | None = None, records=None, *, recorded: bool = False,
                 changed=None, folder: str | None = None):
        self.previous = previous  # the previous site's ``siteinventory.Inventory``, proven catgen's
        self.folder = folder  # where the previous site is (its unchanged files stay there)
        self.hashes: dict[str, str] = {}  # src_uri -> hash of everything the page's HTML depends on
        # Files of the previous site that stay as they are (unchanged pages): ``safedir.Staging.kept``.
        self.kept: set[str] = set() if kept is None else kept
        self.key = ""  # this build's ``global_key``
        self.records = records  # the previous build's ``pagerecords.PageRecords`` for this site folder, if any
        self.recorded = recorded  # note each page job's inputs (``pageinputs``) for the next build
        self.made = None  # this build's ``PageRecords`` (``new_records``), when it records
        self.changed = changed  # ``pagereuse.ChangedInputs`` of ``records`` (given with them)

    @property
    def reused(self) -> int:
        return len(self.kept)

    def add(self, files: Files, config, src_uri: str, content: str, key: str, body: str) -> None:
        """Add a generated page for MkDocs to render to ``files``, and record its hash."""
        files.append(File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
        self.hashes[src_uri] = page_hash(key, src_uri, content, body)

    def reusable_records(self):
        """The previous build's records when this build records too, with the same global key (else none)."""
        records = self.records
        return records if self.recorded and records is not None and records.key == self.key else None

    def new_records(self):
        """This build's records, begun the first time asked (the pages MkDocs renders ask first, then the page
        writer), going on from the reusable ones; None when the build does not record."""
        if self.made is None and self.recorded:
            self.made = PageRecords.following(self.reusable_records(), self.key)
        return self.made

    def held_before(self, src_uri: str, content: str, body: str) -> bool:
        """The previous site's marker holds this very page MkDocs renders (its hash, as ``add`` makes it)."""
        pages = self.previous.marker.get("pages") if self.previous is not None else None
        return isinstance(pages, dict) and pages.get(src_uri) == page_hash(self.key, src_uri, content, body)

    def previous_size(self, shown: str) -> int | None:
        """The size of the previous site's file ``shown`` (None: it has no such file)."""
        if self.previous is None or self.folder is None or shown not in self.previous.files:
            return None
        try:
            return os.stat(os.path.join(self.folder, shown)).st_size
        except OSError:
            return None

    def is_unchanged(self, src_uri: str, digest: str, dest_uri: str) -> bool:
        """The previous site has this page, with this hash, in the file ``dest_uri``."""
        if self.previous is None or dest_uri not in self.previous.files:
            return False
        pages = self.previous.marker.get("pages")
        return isinstance(pages, dict) and pages.get(src_uri) == digest

    def checked_before(self, site_dir: str, shown: str) -> bool:
        """The file ``shown`` of ``site_dir`` is, byte for byte, one of the previous site, built with the same
        settings (the global key: the allowed remote addresses are among them), whose offline check it passed."""
        if self.previous is None or self.previous.marker.get("key") != self.key or shown not in self.previous.files:
            return False
        return file_sha256(os.path.join(site_dir, shown)) == self.previous.files[shown]

    def write_marker(self, site_dir: str) -> None:
        """Mark ``site_dir`` as a catgen site, with this build's page hashes for the next build."""
        marker = {"generator": "catgen", "version": __version__, "key": self.key, "pages": self.hashes}
        with open(os.path.join(site_dir, MARKER), "w", encoding="utf-8") as handle:
            handle.write(marker_text(marker))


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
