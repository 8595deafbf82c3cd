"""The catalog's pages outside MkDocs' page list: rendered, framed and written on every core, one at a time.

MkDocs renders the pages that the navigation lists or that are few (home,
kind indexes, status, audit, checks, search: ``theme_pages``). The rest, one
or more per manifest (``page_jobs``: manifest, used-by and asset pages), are
not in the navigation, so each is its body in a proven ``frame.Frames``
frame. Workers forked from the build (so they share the site model) render
a chunk of pages each: a job whose recorded inputs did not change keeps its
pages as the previous build made them (``pagerecords``, ``pageinputs``); the
others are rendered (their inputs recorded, in a rebuild): body, hash, then
either the previous site's unchanged page kept in place (``pagecache``,
``sitemerge``) or the framed page written out and checked (``offline``).
Only (file, hash, reused, remote resources) and the job's inputs come back, so
no body is held longer than its page. The data files are written by processes
of their own (``Meanwhile``: the catalog's files, and the search index),
started as soon as the guide is known (a rebuild's search index earlier: ``searchahead``).
Any page's bytes are the same whichever worker writes it, and the order of
the results is the order of ``page_jobs``: the output is deterministic.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import re
from functools import partial
from urllib.parse import urljoin

from markupsafe import escape

from mkdocs.structure.files import File

from catgen.load.schemas import SCHEMA_FILES
from catgen.processes import die_with_parent, fork_is_safe, ready_to_fork
from catgen.website import urls
from catgen.website.datafiles import PARTS, data_files
from catgen.website.offline import file_resources, site_files
from catgen.website.pagecache import page_hash
from catgen.website.pageinputs import inputs_recorded, install
from catgen.website.pagereuse import Reuse
from catgen.website.statusdata import TIMELINE_PATH

MAX_CORES = 4  # as for parsing: beyond this the parent's share of the work dominates
POOL_THRESHOLD = 400  # below this many jobs a fork costs more than it saves
CHUNKS_PER_CORE = 8
_WRITER: "PageWriter | None" = None  # the writer a forked worker inherits (nothing is pickled)


@contextlib.contextmanager
def frozen_heap():
    """Everything alive now out of the cycle collector's sight meanwhile (``gc.freeze``).

    Collections then walk only what is made since, and a process forked meanwhile does not write to the
    frozen objects (a collection touches every object it walks), so it keeps sharing their memory pages
    with this one. Unfreezing is all or nothing: a heap already frozen on entry (by a caller) stays so.
    """
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


class DeferredFile(File):
    """A file MkDocs lists (links to it resolve) but does not write: ``data_files_job`` writes it."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


def deferred_data_files(config, prefix: str = "") -> list[File]:
    """The data files that have names of their own (the search index's depend on its content)."""
    names = ["catalog.json", TIMELINE_PATH] + [f"schemas/{name}.json" for name in SCHEMA_FILES]
    return [DeferredFile.generated(config, prefix + name, content="") for name in names]


def write_data_files(site, guide: list, prefix: str, site_dir: str, parts=PARTS) -> None:
    """Write the catalog's data files (``datafiles``: those of ``parts``) into ``site_dir``, as MkDocs writes
    generated text: each piece as it is made, so none of them is held whole."""
    write_files(data_files(site, guide, prefix, parts), site_dir)


def write_files(files, site_dir: str) -> None:
    """Each (path under ``site_dir``, its text in pieces) of ``files``, written a piece at a time."""
    for path, pieces in files:
        target = os.path.join(site_dir, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.writelines(pieces)


class Meanwhile:
    """A call run in a process forked now, while this one goes on (in this one, at ``wait``, where forking
    is unsafe: see ``PageWriter._on_all_cores``). ``wait`` returns once it is done, raising what it raised."""

    def __init__(self, call):
        self.call, self.process, self.answer = call, None, None
        if fork_is_safe():
            import multiprocessing

            ready_to_fork()
            start = multiprocessing.get_context("fork")
            self.answer, sent = start.Pipe(duplex=False)
            self.process = start.Process(target=_answer, args=(call, sent, os.getpid()), daemon=True)
            with frozen_heap():  # the child's collections then leave the pages it shares with the build alone
                self.process.start()
            sent.close()

    def cancel(self) -> None:
        """Stop it (the build failed): nothing is written into a staging folder after the build removed it."""
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join()

    def wait(self) -> None:
        if self.process is None:
            self.call()
            return
        try:
            failure = self.answer.recv()
        except EOFError:
            failure = f"it ended with code {self.process.exitcode}"
        self.process.join()
        if failure is not None:
            raise RuntimeError(f"writing the site's data files failed: {failure}")


def _answer(call, sent, parent: int) -> None:
    die_with_parent(parent)
    try:
        call()
    except BaseException as err:  # the build reports it as one line
        sent.send(f"{type(err).__name__}: {err}")
    else:
        sent.send(None)


class PageWriter:
    """Writes ``page_jobs`` into ``site_dir`` (the catalog's folder ``prefix``), reusing what ``cache`` allows."""

    def __init__(self, frames, cache, site_dir: str, key: str, prefix: str = "", bodies=None, recording=None):
        self.frames, self.cache, self.site_dir, self.key, self.prefix = frames, cache, site_dir, key, prefix
        self.bodies = bodies or {}  # src_uri -> body of the pages MkDocs rendered (read apart from their frame)
        self.chunks: list = []  # the jobs, cut in chunks for the workers
        self.checked: set[str] = set()  # the pages' files (under the site), checked for remote resources
        self.remote: list[tuple] = []  # (file, what, address) of each remote resource they load (``offline``)
        self.recording = recording  # ``pageinputs.Recording`` of the jobs' inputs (None: not recorded)
        # The previous build's ``pagerecords.PageRecords``, made with this global key, when this build records.
        self.previous = cache.reusable_records() if recording is not None else None
        self.rendered = 0  # jobs rendered (the others' pages were reused by their record)

    def write(self, jobs: list) -> list[str]:
        """Write every page of ``jobs``; record their hashes in the cache; return their addresses, in order.
        The jobs whose recorded inputs did not change keep their pages (``pagereuse``); the others are rendered,
        on every core when there are enough of them. Meanwhile this process checks the files MkDocs wrote for
        remote resources (``offline``), which the workers do for theirs."""
        global _WRITER
        reused = Reuse(self.previous, self.recording, self.frames, self.cache).found(jobs) if self.previous \
            else [None] * len(jobs)
        rendered = [job for job, found in zip(jobs, reused) if found is None]
        size = max(16, -(-len(rendered) // (_cores() * CHUNKS_PER_CORE)))
        self.chunks = [rendered[start:start + size] for start in range(0, len(rendered), size)]
        _WRITER = self
        theirs = site_files(self.site_dir)  # MkDocs' (the workers write theirs as they go)
        try:
            done = self._on_all_cores(len(self.chunks), partial(self._check, theirs)) \
                if len(rendered) >= POOL_THRESHOLD else None
            if done is None:
                self._check(theirs)
                with inputs_recorded(self.recording):
                    done = [self.write_chunk(chunk) for chunk in self.chunks]
        finally:
            _WRITER, self.chunks = None, []
        self.rendered = len(rendered)
        return self._take(jobs, reused, done)

    def _take(self, jobs: list, reused: list, done: list) -> list[str]:
        """Note each job's pages (hashes, pages kept, checked files, what they load) and its record, in order."""
        addresses = []
        made = self.cache.new_records() if self.recording is not None else None
        written = ((entry, table) for chunk, table in done for entry in chunk)
        for job, found in zip(jobs, reused):
            if found is not None:
                pages, indices = found  # the indices of its inputs in the previous records
            else:
                (_identity, pages, inputs), table = next(written)
            for src_uri, digest, reused_page, loads, _fingerprint in pages:
                self.cache.hashes[src_uri] = digest
                address = src_uri[:-len("index.md")]
                if reused_page:
                    self.cache.kept.add(address + "index.html")
                addresses.append(address)
                self.checked.add(address + "index.html")
                self.remote += [(address + "index.html", what, where) for what, where in loads]
            if made is not None:
                record = [(src_uri, digest, frame, loads) for src_uri, digest, _reused, loads, frame in pages]
                if found is not None:
                    made.keep(job.identity, indices, record)
                else:
                    made.add(job.identity, None if inputs is None else [table[i] for i in inputs], record)
        for _nothing_left in written:  # the workers' results read to the end: the pool shuts down
            pass
        return addresses

    def _check(self, shown: list[str]) -> None:
        """Check files of the site for remote resources (``offline``), recording what they load; a file the
        previous build checked with the same settings, byte for byte the same, is not read again."""
        for path in (p for p in shown if p not in self.checked and not self.cache.checked_before(self.site_dir, p)):
            body = self.bodies.get(urls.src_uri(path[:-len("index.html")])) if path.endswith("index.html") else None
            self.remote += [(path, what, address) for what, address in file_resources(self.site_dir, path, body)]
        self.checked.update(shown)

    def _on_all_cores(self, count: int, meanwhile):
        """Each chunk in a worker forked from here, results in chunk order as they come (each taken before the
        next is read: at 50k they are 150 MB); None where forking is unsafe.

        Forking copies only the calling thread: with other threads running (``mkdocs serve``'s server),
        a lock one of them holds would stay held in the worker for ever, so those builds write serially.
        """
        if not fork_is_safe():
            return None
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ready_to_fork()
        pool = None
        try:
            pool = ProcessPoolExecutor(max_workers=_cores(), mp_context=multiprocessing.get_context("fork"),
                                       initializer=_start_worker, initargs=(os.getpid(),))
            results = pool.map(_chunk_in_worker, range(count))  # every chunk submitted: the workers start
        except (OSError, RuntimeError):  # no fork or semaphores here (some sandboxes): serially
            if pool is not None:
                pool.shutdown(cancel_futures=True)
            return None
        return _each_result(pool, results, meanwhile)

    def write_chunk(self, jobs: list) -> tuple[list, list]:
        """Each job of ``jobs``, rendered, as ``(identity, pages, inputs)``, and the table of ``(input, digest)``
        that ``inputs`` index (None: not recorded). A page is ``(src_uri, hash, reused, remote loads, frame)``:
        reused when its hash is unchanged and the previous site (whose build checked it with the same settings:
        they are in the global key) has it; else written."""
        written, table, index = [], [], {}
        for job in jobs:
            pages, noted = self._render(job)
            inputs = None
            if noted is not None:
                inputs = []
                for key in noted:
                    if key not in index:
                        index[key] = len(table)
                        table.append((key, self.recording.digest(key)))
                    inputs.append(index[key])
            written.append((job.identity, pages, inputs))
        return written, table

    def _render(self, job) -> tuple[list, list | None]:
        if self.recording is None:
            rendered, inputs = job(), None
        else:
            with self.recording.job(job.manifest) as noted:
                rendered = job()
            inputs = noted.inputs
        pages = []
        for url, title, body in rendered:
            address = self.prefix + url
            src_uri = urls.src_uri(address)
            fingerprint = self.frames.fingerprint(address)
            digest = page_hash(self.key, address, fingerprint, title, body)
            reused = self.cache.is_unchanged(src_uri, digest, address + "index.html")
            loads = []
            if not reused:
                html, loads = self.frames.page(address, title, body)
                _write(os.path.join(self.site_dir, address, "index.html"), html)
            pages.append((src_uri, digest, reused, loads, fingerprint))
        return pages, inputs


def _each_result(pool, results, meanwhile):
    with pool:  # a worker's failure (a full disk, a killed worker) is the build's: raised, not retried
        meanwhile()
        for done in results:
            yield marshal.loads(done)


def _start_worker(parent: int) -> None:
    die_with_parent(parent)
    if _WRITER.recording is not None:
        install(_WRITER.recording)  # for good: the worker ends with the build


def _chunk_in_worker(index: int) -> bytes:
    return marshal.dumps(_WRITER.write_chunk(_WRITER.chunks[index]))


def _cores() -> int:
    return min(os.cpu_count() or 1, MAX_CORES)


def _write(path: str, html: str) -> None:
    """As MkDocs writes a page: UTF-8, a character no encoding can hold as a character reference."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(html.encode("utf-8", errors="xmlcharrefreplace"))


def add_to_sitemap(site_dir: str, site_url: str | None, addresses: list[str]) -> None:
    """Each page's entry in MkDocs' ``sitemap.xml``, shaped as its last entry and after it, in ``addresses`` order
    (MkDocs lists pages only when the site has a ``site_url``; ``sitemap.normalise_sitemap`` drops the dates)."""
    path = os.path.join(site_dir, "sitemap.xml")
    if not site_url or not addresses or not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    entries = list(re.finditer(r"\s*<url>\s*<loc>[^<]*</loc>.*?</url>", text, re.S))
    if not entries:
        return
    last = entries[-1]
    shape = re.sub(r"<loc>[^<]*</loc>", "<loc>\0</loc>", last.group(), count=1).split("\0")
    base = site_url if site_url.endswith("/") else site_url + "/"
    added = "".join(shape[0] + str(escape(urljoin(base, address))) + shape[1] for address in addresses)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text[:last.end()] + added + text[last.end():])
