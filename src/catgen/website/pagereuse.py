"""Which page jobs keep the pages the previous build made: those whose recorded inputs did not change.

The previous build's records (``pagerecords``) list each page job's inputs (``pageinputs``) with their
digests, and its pages. ``changed_meanwhile`` forks, as soon as the site model is loaded, a process that
evaluates every recorded input once against it (while the previous site is proven and MkDocs starts) and
flags those whose digest differs. ``Reuse`` then decides, here and for each job: its pages are reused when
none of its inputs is flagged, the theme's page around each of them is the same (``frame.Frames.fingerprint``),
and the previous site holds each with the hash recorded (``pagecache.PageCache.is_unchanged``: its marker).
Where forking is unsafe (or the process failed) the inputs are evaluated here; so are the few attributes
of the site model, which the build may set after the fork. The flags are taken once per build
(``changed_inputs``): the pages MkDocs renders ask first (``themepages``), then the page writer.
"""

from __future__ import annotations

from itertools import islice

from catgen.processes import Forked, fork_is_safe
from catgen.website.pageinputs import Recording


def changed_meanwhile(site, records) -> Forked | None:
    """A process forked now that flags which inputs of ``records`` have another digest in ``site`` (its
    ``result()``: a byte per input, 1 if so); None where forking is unsafe."""
    if records is None or not fork_is_safe():
        return None
    return Forked(lambda: changed_flags(Recording(site), records))


def changed_flags(recording: Recording, records) -> bytes:
    digest = recording.digest
    read = records.inputs_read()  # this build adds to the same lists
    return bytes(digest(key) != stored for key, stored in islice(zip(records.inputs, records.digests), read))


def changed_inputs(cache, recording: Recording) -> bytes:
    """A byte per input of ``cache.records`` (1: changed), found once per build: by the forked process
    (``changed_meanwhile``), but for the attributes (``("site", "has_rules_page")``...), evaluated here: the
    build sets some of them after the fork (MkDocs lists the guide), and they are few."""
    if cache.flags is None:
        records = cache.records
        meanwhile = cache.changed
        found = meanwhile.result() if meanwhile is not None else None
        if type(found) is not bytes or len(found) != records.inputs_read():
            cache.flags = changed_flags(recording, records)
        else:
            flags = bytearray(found)
            digest, stored = recording.digest, records.digests
            for i, key in enumerate(islice(records.inputs, records.inputs_read())):
                if len(key) == 2 and key[0] != "M":
                    flags[i] = digest(key) != stored[i]
            cache.flags = bytes(flags)
    return cache.flags


class Reuse:
    """The jobs of this build that keep the previous build's pages, by ``records``."""

    def __init__(self, records, recording: Recording, frames, cache):
        self.records, self.recording, self.frames, self.cache = records, recording, frames, cache

    def found(self, jobs: list) -> list:
        """For each job, ``(pages, input indices)`` when its pages are reused, else None. A page is
        ``(src_uri, hash, True, remote loads, frame)``, as ``pagewriter.PageWriter`` notes a page it writes."""
        changed = changed_inputs(self.cache, self.recording)
        return [self._recorded(job, changed) for job in jobs]

    def _recorded(self, job, changed: bytes) -> tuple[list, list] | None:
        found = self.records.job(job.identity)
        if found is None:
            return None
        indices, recorded = found
        if any(changed[i] for i in indices):
            return None
        pages = []
        for src_uri, digest, fingerprint, loads in recorded:
            address = src_uri[:-len("index.md")]
            if self.frames.fingerprint(address) != fingerprint or \
                    not self.cache.is_unchanged(src_uri, digest, address + "index.html"):
                return None
            pages.append((src_uri, digest, True, loads, fingerprint))
        return pages, indices
