"""Which page jobs keep the pages the previous build made: those whose recorded inputs did not change.

The previous build's records (``pagerecords``) list each page job's inputs (``pageinputs``) with their
digests, and its pages. ``ChangedInputs`` evaluates, as soon as the site model is loaded, every recorded input
once against it, and flags those whose digest differs. ``Reuse`` then decides, for each job: its pages are
reused when none of its inputs is flagged, the theme's page around each of them is the same
(``frame.Frames.fingerprint``), and the previous site holds each with the hash recorded
(``pagecache.PageCache.is_unchanged``: its marker).
"""

from __future__ import annotations

from itertools import islice

from catgen.processes import Forked, fork_is_safe
from catgen.website.pageinputs import Recording
from catgen.website.sitemodel import SET_BY_THE_BUILD


class ChangedInputs:
    """Which inputs of the previous build's ``records`` have another digest in this build's ``site``: found by
    two processes forked at once (a context: leaving it stops them), while the previous site is proven and
    MkDocs starts. One evaluates ``first``, the inputs the pages MkDocs renders read (they are made first:
    ``themepages``; waiting for all inputs then cost 0.5-1 s at 10k), the other every other input.

    Where forking is unsafe (or a process failed) the inputs are evaluated here; so are the two attributes
    of the site model that the build sets after the fork (``sitemodel.SET_BY_THE_BUILD``). Each is asked once.
    """

    def __init__(self, site, records, first: list[int]):
        self.records, self.first = records, first
        self.early = self.late = None  # the processes (``processes.Forked``), while their answers are awaited
        self._first: dict | None = None
        self._all: bytes | None = None
        if fork_is_safe():
            skipped = set(first)
            self.early = Forked(lambda: _flags_at(Recording(site), records, first)) if first else None
            self.late = Forked(lambda: changed_flags(Recording(site), records, skipped))

    def __enter__(self):
        return self

    def __exit__(self, *failure) -> None:
        for process in (self.early, self.late):
            if process is not None:
                process.__exit__(*failure)

    def of_first(self, recording: Recording) -> dict[int, bool]:
        """Index -> changed, for each of ``first``."""
        if self._first is None:
            found = self.early.result() if self.early is not None else None
            if type(found) is not bytes or len(found) != len(self.first):
                found = _flags_at(recording, self.records, self.first)
            self._first = {i: self._now(recording, i, flag) for i, flag in zip(self.first, found)}
        return self._first

    def of_all(self, recording: Recording) -> bytes:
        """A byte per input (1: changed)."""
        if self._all is None:
            records = self.records
            found = self.late.result() if self.late is not None else None
            if type(found) is not bytes or len(found) != records.inputs_read():
                self._all = changed_flags(recording, records)
                return self._all
            flags = bytearray(found)
            for i, key in enumerate(islice(records.inputs, records.inputs_read())):
                if _set_after_fork(key):
                    flags[i] = self._now(recording, i, flags[i])
            for i, changed in self.of_first(recording).items():  # left to the other process
                flags[i] = changed
            self._all = bytes(flags)
        return self._all

    def _now(self, recording: Recording, i: int, found: int) -> bool:
        """Input ``i`` changed: as ``found`` by a process, but an attribute set after the fork evaluated here."""
        key = self.records.inputs[i]
        return recording.digest(key) != self.records.digests[i] if _set_after_fork(key) else bool(found)


def _set_after_fork(key: tuple) -> bool:
    """An input that is an attribute the build sets after the processes forked (``sitemodel.SET_BY_THE_BUILD``):
    they saw it unset. (Evaluating every attribute again here cost 70-110 ms of a rebuild at 10k.)"""
    return len(key) == 2 and key[0] == "site" and key[1] in SET_BY_THE_BUILD


def changed_flags(recording: Recording, records, skipped=frozenset()) -> bytes:
    """A byte per input of ``records`` as read (1: changed); 0 for those ``skipped``, found elsewhere."""
    digest = recording.digest
    read = records.inputs_read()  # this build adds to the same lists
    return bytes(i not in skipped and digest(key) != stored
                 for i, (key, stored) in enumerate(islice(zip(records.inputs, records.digests), read)))


def _flags_at(recording: Recording, records, indices: list[int]) -> bytes:
    digest, inputs, digests = recording.digest, records.inputs, records.digests
    return bytes(digest(inputs[i]) != digests[i] for i in indices)


class Reuse:
    """The jobs of this build that keep the previous build's pages, by ``records``."""

    def __init__(self, records, recording: Recording, frames, cache):
        self.records, self.recording, self.frames, self.cache = records, recording, frames, cache

    def found(self, jobs: list) -> list:
        """For each job, ``(pages, input indices)`` when its pages are reused, else None. A page is
        ``(src_uri, hash, True, remote loads, frame)``, as ``pagewriter.PageWriter`` notes a page it writes."""
        changed = self.cache.changed.of_all(self.recording)
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
