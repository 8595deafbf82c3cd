"""The pages MkDocs renders that the build makes from the catalog, each made again only when what it read changed.

``pages.generate.theme_pages`` makes the whole-catalog pages (home, status, audit, checks, search) and the
first page of each kind's index. MkDocs renders them in the theme every build, so what a rebuild can keep is
their bodies. A build that records (``pagecache.PageCache.recorded``: a build into a catgen site, or
``catgen serve``'s) notes what each read (``pageinputs``) and keeps its title and body in the records
(``pagerecords.PageRecords.theme``). The next build uses that body again when none of the inputs it read
changed and the previous site's marker holds the hash of that very page: records alone never put text in a
page. Which of their inputs changed is found first (``pagereuse.ChangedInputs``: a process of its own).
At 10,000 manifests the audit page alone took 0.5-1 s of every rebuild; a changed model's description now
makes again its kind's index only (the home page's stage board reads each model's date through a call).

A page that reads something with no plain form (the checks page reads every finding) has no inputs, and
is made every time.
"""

from __future__ import annotations

from catgen.website import urls
from catgen.website.frame import BODY_PLACEHOLDER, front_matter
from catgen.website.pageinputs import inputs_recorded
from catgen.website.pagerecords import unpack_body
from catgen.website.pages.generate import theme_page_makers


class ThemePages:
    """This build's ``theme_pages`` of ``site`` (the catalog's folder ``prefix``), each made or kept by ``cache``.

    ``recording`` notes the inputs of those made (None: nothing recorded, nothing kept); ``made`` lists their
    addresses.
    """

    def __init__(self, site, prefix: str, cache, recording=None):
        self.site, self.prefix, self.cache, self.recording = site, prefix, cache, recording
        self.made: list[str] = []

    def pages(self) -> list[tuple[str, tuple[str, str]]]:
        """``(address, (title, html))`` of each page, in ``theme_pages``' order; the records of this build
        (``cache.made``) get each one's."""
        cache, recording = self.cache, self.recording
        previous = cache.reusable_records()  # with records, the cache has their ``ChangedInputs``
        records = cache.new_records()
        flags = cache.changed.of_first(recording) if previous is not None else None
        found = []
        for url, make in theme_page_makers(self.site, self.prefix):
            address = self.prefix + url
            kept = self._kept(previous, flags, address)
            if kept is not None:
                indices, title, packed, body = kept
                records.keep_theme(address, indices, title, packed)
            else:
                title, body = self._make(make, records, address)
            found.append((url, (title, body)))
        return found

    def _kept(self, previous, flags: dict | None, address: str) -> tuple | None:
        """The record of the page at ``address`` when its body may be used again, else None."""
        record = previous.theme_page(address) if previous is not None and flags is not None else None
        if record is None or any(flags[i] for i in record[0]):
            return None
        indices, title, packed = record
        # The body is in the previous site's page: no longer than its file (which the site's proof lists).
        size = self.cache.previous_size(address + "index.html")
        body = unpack_body(packed, size) if size is not None else None
        if body is None or not self.cache.held_before(urls.src_uri(address), front_matter(title) + BODY_PLACEHOLDER,
                                                      body):
            return None
        return indices, title, packed, body

    def _make(self, make, records, address: str) -> tuple[str, str]:
        self.made.append(address)
        recording = self.recording
        if recording is None:
            return make()
        with inputs_recorded(recording), recording.job() as noted:
            title, body = make()
        inputs = None if noted.inputs is None else [(key, recording.digest(key)) for key in noted.inputs]
        records.add_theme(address, inputs, title, body)
        return title, body

