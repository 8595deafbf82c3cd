"""The last build's page jobs into a site folder: each job's inputs with their digests, and the pages it made.

A rebuild reuses a job's pages without rendering it when every input it read (``pageinputs``) has the same
digest now, its pages have the same frame (``frame.Frames.fingerprint``), and the previous site holds each
of them with the hash the record gives (``pagecache.PageCache.is_unchanged``: the site's proven marker).

The records live in the user's cache folder (``parsing.default_cache_dir``), one file per site folder,
written by temporary file and rename once a build has put its site in place. Their *salt* holds
catgen's version, Python's and the name, size and time of change of every catgen module (a page reads
through most of them), so edited code never reuses a page rendered by the old one. They are stored with
``marshal`` (plain data only) and read as untrusted: a file of another shape is no records at all, and a
job's record of another shape, or that names an input this build does not have, is no record for that
job: it is rendered.
"""

from __future__ import annotations

import hashlib
import itertools
import marshal
import os
import sys
import zlib
from functools import cache

from catgen import __version__
from catgen.load.parsing import PACKAGE, default_cache_dir
from catgen.processes import collector_paused

RECORDS_FORMAT = 3  # a header, then each part: its length and its marshal bytes
PARTS = ("inputs", "digests", "jobs", "theme")


@cache
def salt() -> str:
    """catgen, Python and every catgen module's name, size and time of change (as Python's own bytecode cache
    tells an edited module; reading all their source took 60 ms of every rebuild)."""
    digest = hashlib.sha256(f"{RECORDS_FORMAT}|{__version__}|{sys.version}|".encode())
    for folder, names, files in sorted(os.walk(PACKAGE)):
        names[:] = [name for name in names if name != "__pycache__"]
        for name in sorted(f for f in files if f.endswith(".py")):
            found = os.stat(os.path.join(folder, name))
            digest.update(f"{os.path.relpath(folder, PACKAGE)}/{name}|{found.st_size}|{found.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


def records_path(site_dir: str) -> str:
    name = hashlib.sha256(os.path.realpath(site_dir).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return os.path.join(default_cache_dir(), f"site-{name}.pages")


class PageRecords:
    """Page jobs by identity: ``(input indices, pages)``; ``inputs`` and ``digests`` by index.

    A page is ``(src_uri, hash, frame fingerprint, remote loads)``; ``key`` is the build's ``pagecache.global_key``.
    A build's records go on from the previous build's (``following``: the same lists, which that build reads no
    more): a job reused keeps its indices, a job rendered again has its inputs added (an input of a kept job
    read again gets an entry of its own: no index of the old entries is built, which at 50k cost 40 MB);
    ``save`` drops what no job reads once that is a quarter of them.

    ``theme`` holds the pages MkDocs renders that a build makes from the catalog (``pages.generate.theme_pages``)
    by address: ``(input indices, title, body)``, the body compressed (``pack_body``: at 50,000 manifests the
    audit trail alone is 26 MB of HTML, a thirtieth of that compressed). Their bodies are kept, not their files:
    MkDocs renders them every time, and the body of one whose inputs did not change is used again
    (``themepages``).
    """

    def __init__(self, key: str = "", jobs: dict | None = None, inputs: list | None = None,
                 digests: list | None = None, theme: dict | None = None):
        self.key = key
        self.jobs: dict = {} if jobs is None else jobs
        self.theme: dict = {} if theme is None else theme
        self.inputs: list = [] if inputs is None else inputs
        self.digests: list = [] if digests is None else digests
        self.added: dict = {}  # input -> its index, of those added by this build
        self.loaded: int | None = None  # how many inputs ``load`` read (a build following these adds to the lists)

    @classmethod
    def following(cls, previous: "PageRecords | None", key: str) -> "PageRecords":
        """This build's records, to be filled, going on from ``previous`` (None: the first records)."""
        if previous is None:
            return cls(key)
        return cls(key, None, previous.inputs, previous.digests)

    def keep(self, identity: tuple, indices: list, pages: list) -> None:
        """A job reused: its record as it was (the indices are those of ``following``'s records)."""
        self.jobs[identity] = (indices, pages)

    def add(self, identity: tuple, inputs: list | None, pages: list) -> None:
        """A job rendered: its inputs ``[(key, digest)]`` (None: it has none, so it is never reused)."""
        if inputs is not None:
            self.jobs[identity] = (self._indices(inputs), pages)

    def keep_theme(self, address: str, indices: list, title: str, packed: bytes) -> None:
        """A page MkDocs renders, its body reused: its record as it was (the body as ``pack_body`` made it)."""
        self.theme[address] = (indices, title, packed)

    def add_theme(self, address: str, inputs: list | None, title: str, body: str) -> None:
        """A page MkDocs renders, its body made again from ``inputs`` ``[(key, digest)]`` (None: never reused)."""
        if inputs is not None:
            self.theme[address] = (self._indices(inputs), title, pack_body(body))

    def _indices(self, inputs: list) -> list:
        indices = []
        for key, digest in inputs:
            at = self.added.get(key)
            if at is None:
                at = self.added[key] = len(self.inputs)
                self.inputs.append(key)
                self.digests.append(digest)
            indices.append(at)
        return indices

    def job(self, identity: tuple) -> tuple[list, list] | None:
        """``(input indices, pages)`` of the job ``identity``, or None when there is none of the right shape."""
        found = self.jobs.get(identity)
        if type(found) is not tuple or len(found) != 2 or type(found[0]) is not list or type(found[1]) is not list:
            return None
        indices, pages = found
        if not self._are_indices(indices) or not all(map(_is_page, pages)):
            return None
        return indices, pages

    def theme_page(self, address: str) -> tuple[list, str, bytes] | None:
        """``(input indices, title, packed body)`` of the page MkDocs renders at ``address``, or None (none of that
        shape)."""
        found = self.theme.get(address)
        if type(found) is not tuple or len(found) != 3 or type(found[0]) is not list \
                or type(found[1]) is not str or type(found[2]) is not bytes or not self._are_indices(found[0]):
            return None
        return found

    def theme_inputs(self) -> list[int]:
        """The indices of the inputs the pages of ``theme`` read (of the records of the right shape), in order."""
        found = set()
        for address in self.theme:
            record = self.theme_page(address)
            if record is not None:
                found.update(record[0])
        return sorted(found)

    def inputs_read(self) -> int:
        """How many inputs these records had as read: a record's indices are among those."""
        return len(self.inputs) if self.loaded is None else self.loaded

    def _are_indices(self, indices: list) -> bool:
        count = self.inputs_read()
        return all(type(i) is int and 0 <= i < count for i in indices)

    @classmethod
    def load(cls, path: str) -> "PageRecords | None":
        """The records at ``path``, or None. Read with the cycle collector paused: its collections would walk
        the site model once for every few thousand of the million objects read (0.5 s at 10k)."""
        try:
            with collector_paused():
                stored = read_stored(path)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if stored is None:
            return None
        key, inputs, digests, jobs, theme = (stored.get(name) for name in ("key", *PARTS))
        if type(key) is not str or type(jobs) is not dict or type(inputs) is not list or type(digests) is not list \
                or type(theme) is not dict or len(inputs) != len(digests) or not all(type(i) is tuple for i in inputs):
            return None
        records = cls(key, jobs, inputs, digests, theme)  # an input naming nothing here is "changed" (``pageinputs``)
        records.loaded = len(inputs)
        return records

    def save(self, path: str) -> None:
        """Write the records (only the inputs some job reads), by temporary file and rename."""
        self.added = {}  # the index of this build's inputs: no longer needed (at 50k, 20 MB)
        with collector_paused():  # as ``load``: a million objects made while the site model is about
            self._save(path)

    def _save(self, path: str) -> None:
        stored = {"inputs": self.inputs, "digests": self.digests, "jobs": self.jobs, "theme": self.theme}
        used = bytearray(len(self.inputs))
        for indices, *_made in itertools.chain(self.jobs.values(), self.theme.values()):
            for i in indices:
                used[i] = 1
        kept = used.count(1)
        if kept < len(used) * 3 // 4:  # a quarter read by no job: dropped (else kept: renumbering costs memory)
            renumbered = list(itertools.accumulate(used, initial=0))  # old index -> new index (where used)
            stored["inputs"] = [key for key, wanted in zip(self.inputs, used) if wanted]
            stored["digests"] = [digest for digest, wanted in zip(self.digests, used) if wanted]
            stored["jobs"] = {identity: ([renumbered[i] for i in indices], pages)
                              for identity, (indices, pages) in self.jobs.items()}
            stored["theme"] = {address: ([renumbered[i] for i in indices], *made)
                               for address, (indices, *made) in self.theme.items()}
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            temp = f"{path}.{os.getpid()}.tmp"
            write_stored(temp, {"salt": salt(), "key": self.key, **stored})
            os.replace(temp, path)
        except (OSError, ValueError):
            pass  # a read-only or full cache folder only costs the next build's speed


def read_stored(path: str) -> dict | None:
    """The records file at ``path`` as ``write_stored`` wrote it, parts and all; None when its header is not
    a dict with this catgen's salt (no part is read then). ``marshal``'s errors as they are; ``ValueError`` for
    a part cut short or bytes after the last."""
    with open(path, "rb") as handle:
        data = memoryview(handle.read())
    header, at = _part_at(data, 0)
    if type(header) is not dict or header.get("salt") != salt():
        return None
    stored = dict(header)
    for part in PARTS:
        stored[part], at = _part_at(data, at)
    if at != len(data):
        raise ValueError("bytes after the records")
    return stored


def _part_at(data: memoryview, at: int) -> tuple:
    """The object whose length and ``marshal`` bytes start at ``at``, and where the next starts. (``marshal.load``
    from a file reads it a few bytes at a time: ten times slower.)"""
    size = int.from_bytes(data[at:at + 8], "little")
    end = at + 8 + size
    if len(data[at:at + 8]) < 8 or end > len(data):
        raise ValueError("records cut short")
    return marshal.loads(data[at + 8:end]), end


def write_stored(path: str, stored: dict) -> None:
    """``stored`` (``salt``, ``key`` and the ``PARTS``) into ``path``: the header, then a part at a time, each
    its length and its ``marshal`` bytes.

    marshal holds an object's bytes, and a table of what it met, while it writes it: at 50,000 manifests, the
    records as one object took 100 MB more at the end of the first rebuild, its peak; a part at a time, 35 MB.
    """
    with open(path, "wb") as handle:
        for value in ({"salt": stored["salt"], "key": stored["key"]}, *(stored[part] for part in PARTS)):
            data = marshal.dumps(value)
            handle.write(len(data).to_bytes(8, "little"))
            handle.write(data)
            del data


def pack_body(body: str) -> bytes:
    """A page body as the records keep it: UTF-8 (a file name's bytes that are not UTF-8 reach pages as lone
    surrogates), compressed."""
    return zlib.compress(body.encode("utf-8", "surrogatepass"), 1)


def unpack_body(packed: bytes, limit: int) -> str | None:
    """The body ``pack_body`` made, or None when it is not one of at most ``limit`` bytes: the records are
    untrusted, and a few compressed bytes can stand for a thousand times as many."""
    expand = zlib.decompressobj()
    try:
        body = expand.decompress(packed, limit + 1)
        if len(body) > limit or not expand.eof or expand.unused_data:
            return None
        return body.decode("utf-8", "surrogatepass")
    except (zlib.error, UnicodeDecodeError):
        return None


def _is_page(page) -> bool:
    return (type(page) is tuple and len(page) == 4 and all(type(part) is str for part in page[:3])
            and type(page[3]) is list and all(type(load) is tuple and len(load) == 2 for load in page[3]))
