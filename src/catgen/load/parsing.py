"""Parse many manifest files fast: a content-addressed cache, then both cores.

Each file's bytes are hashed together with a *salt* made of catgen's version,
Python's, the schema files and the code that parses and validates, so a cached
result is reused only for the same bytes under the very same catgen. Misses are parsed
by the fast loader (``fastyaml``: no positions; ``Manifest.locate`` finds a
line when a finding needs one), in one worker process per core when there
are enough of them to pay for the pool (``benchmarks/bench_parse.py``).
Without a cache (``check --no-cache``) there are no bytes to look up first:
``ParseStream`` has the workers read and parse while the folder is still
being listed.

The cache stores plain data with ``marshal`` (dicts, lists, strings,
numbers): loading it can never construct an object or run code. It lives in
the user's cache folder (``$CATGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/catgen``,
else ``~/.cache/catgen``), one file per catalog folder, written by temporary
file and rename, so two checks running at once never see half a file (the
last one to finish wins). Any problem with the cache only costs speed: an
entry of any other shape than ``pack`` makes is a miss, parsed again.

Worker processes die with the process that started them: a ``catgen check``
killed mid-parse must not leave workers blocked on a queue nobody will feed.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from functools import cache

from catgen import __version__
from catgen.errors import CatalogError
from catgen.load import fastyaml, schemas
from catgen.load.validation import file_problems
from catgen.load.yamlsafe import MAX_BYTES, Document, Problem, too_large
from catgen.processes import collector_paused, die_with_parent, fork_is_safe, ready_to_fork

PARALLEL_THRESHOLD = 800  # below this many misses a process pool costs more than it saves (bench_parse.py)
MAX_CORES = 4  # beyond this, shipping results back to this one process costs more than the parse saves
CHUNKS_PER_CORE = 8  # small enough that the workers finish together, few enough that each costs nothing
CHUNK_MIN = 16
CACHE_FORMAT = 4  # 4: each entry its own marshal bytes


def pack(loaded: Document | Problem) -> tuple:
    """Plain data to cache or send between processes: the parse and the file's CG201 problems.

    Positions are left out: most manifests never need one, and they are most
    of the bytes. ``Manifest.locate`` parses a file again when a finding in it
    needs a line. The file's CG201 problems go along: they depend on its bytes
    alone, so they are found here, on every core, and cached.
    """
    if isinstance(loaded, Problem):
        return ("p", loaded.code, loaded.line, loaded.column, loaded.message)
    return ("d", loaded.data, file_problems(loaded.data))


def unpack(packed: tuple) -> tuple[Document | Problem, list]:
    """The parse (without positions) and its CG201 problems ``(path, message, at_value)``."""
    if packed[0] == "p":
        return Problem(*packed[1:]), []
    return Document(packed[1], None), packed[2]


def well_formed(packed) -> bool:
    """``packed`` is exactly what ``pack`` makes, down to plain data: anything else in a cache is a miss."""
    if not isinstance(packed, tuple) or not packed:
        return False
    if packed[0] == "p":
        return len(packed) == 5 and [type(part) for part in packed[1:]] == [str, int, int, str]
    if packed[0] != "d" or len(packed) != 3 or not isinstance(packed[1], dict) or not isinstance(packed[2], list):
        return False
    return _plain(packed[1]) and all(_well_formed_problem(problem) for problem in packed[2])


def _well_formed_problem(problem) -> bool:
    return (
        isinstance(problem, tuple) and len(problem) == 3 and isinstance(problem[0], tuple)
        and all(type(step) in (str, int) for step in problem[0])
        and isinstance(problem[1], str) and isinstance(problem[2], bool)
    )


_SCALARS = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = frozenset({dict, list})


def _plain(data: dict) -> bool:
    """Only what the loader builds: mappings with string keys, lists, strings, numbers, booleans, null.

    A loop over each value, not a set of types per container: every cached parse is walked when a catalog is
    loaded from the cache, and this way costs 40% less (37 against 62 ms at 10k)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            for key in node:
                if type(key) is not str:
                    return False
            node = node.values()
        for value in node:
            kind = type(value)
            if kind in _CONTAINERS:
                stack.append(value)
            elif kind not in _SCALARS:
                return False
    return True


# The modules whose code decides a file's parse and its CG201 problems: every module of the folders, and the files.
_PARSING, _PARSING_FILES = ("load", "load/validators"), ("model.py", "dates.py")
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # catgen's folder


@cache
def salt() -> str:
    """What a cached parse depends on besides the bytes: catgen, Python, schemas, and the source of every module
    that parses or validates (so an edited loader, or validators generated again, never reuse an old parse)."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}|{sys.version}|".encode())
    for name in schemas.SCHEMA_FILES:
        digest.update(schemas.schema_text(name).encode())
    return source_digest(digest, _PARSING, _PARSING_FILES)


def source_digest(digest, folders: tuple, files: tuple, package: str = PACKAGE) -> str:
    """``digest`` updated with the source of catgen's modules in ``folders`` and ``files``, as 16 hex digits."""
    modules = sorted(os.path.join(package, folder, name) for folder in folders
                     for name in os.listdir(os.path.join(package, folder)) if name.endswith(".py"))
    for path in modules + [os.path.join(package, name) for name in files]:
        with open(path, "rb") as handle:
            digest.update(os.path.basename(path).encode() + b"\0" + handle.read())
    return digest.hexdigest()[:16]


class ParseCache:
    """Parsed manifests by content digest, for one catalog folder.

    Each entry is kept as its own ``marshal`` bytes and unpacked when asked: a warm re-check that needs
    500 files' parses reads the file whole but builds only those (the whole cache of 10,000: 28 -> 4 ms).
    """

    def __init__(self, catalog_key: str, directory: str | None = None):
        self.directory = directory or default_cache_dir()
        # os.fsencode: a folder whose name is not UTF-8 is named by its bytes (its str holds surrogate escapes).
        name = hashlib.sha256(os.fsencode(catalog_key)).hexdigest()[:16]
        self.path = os.path.join(self.directory, f"parsed-{name}-{salt()}.marshal")
        self.entries = self._read()
        self.used: set = set()
        self.added = 0

    def _read(self) -> dict:
        try:
            with open(self.path, "rb") as handle:
                stored = marshal.loads(handle.read())  # 4x faster than marshal.load(handle)
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        if not isinstance(stored, dict) or stored.get("salt") != salt() or not isinstance(stored.get("entries"), dict):
            return {}
        return stored["entries"]

    def get(self, digest: str):
        """The packed parse of the file with this digest, or None (also for an entry of the wrong shape)."""
        blob = self.entries.get(digest)
        if type(blob) is not bytes:
            return None
        try:
            found = marshal.loads(blob)
        except (ValueError, EOFError, TypeError):
            return None
        if not well_formed(found):
            return None
        self.used.add(digest)
        return found

    def put(self, digest: str, packed: tuple) -> None:
        self.entries[digest] = marshal.dumps(packed)
        self.used.add(digest)
        self.added += 1

    def save(self) -> None:
        """Keep what this run used (so the file tracks the catalog, not its history)."""
        if not self.added and len(self.used) == len(self.entries):
            return
        kept = {d: self.entries[d] for d in sorted(self.used)}
        try:
            os.makedirs(self.directory, exist_ok=True)
            temp = f"{self.path}.{os.getpid()}.tmp"
            with open(temp, "wb") as handle:
                handle.write(marshal.dumps({"salt": salt(), "entries": kept}))
            os.replace(temp, self.path)
        except OSError:
            pass  # a read-only or full cache folder only costs speed


def default_cache_dir() -> str:
    """``$CATGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/catgen``, else ``~/.cache/catgen``. A relative
    ``XDG_CACHE_HOME`` is ignored, as the XDG base directory specification says (it would put a cache in
    whatever folder a command runs from)."""
    explicit = os.environ.get("CATGEN_CACHE_DIR")
    if explicit:
        return explicit
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = xdg if xdg and os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "catgen")


def parse_all(raws: list[bytes], parse_cache: ParseCache | None = None) -> list[tuple[Document | Problem, list]]:
    """Parse each file's bytes (cached results first, then misses on all cores)."""
    with collector_paused():
        return _parse_all(raws, parse_cache)


def _parse_all(raws: list[bytes], parse_cache: ParseCache | None) -> list[tuple[Document | Problem, list]]:
    digests = [hashlib.blake2b(raw, digest_size=20).hexdigest() for raw in raws] if parse_cache else []
    packed: list = [parse_cache.get(d) if parse_cache else None for d in digests] if parse_cache else [None] * len(raws)
    missing = [i for i, found in enumerate(packed) if found is None]
    for index, result in zip(missing, _parse_many([raws[i] for i in missing])):
        packed[index] = result
        if parse_cache is not None:
            parse_cache.put(digests[index], result)
    if parse_cache is not None:
        parse_cache.save()
    return [unpack(p) for p in packed]


class ParseStream:
    """Read and parse the files of ``source`` as they are listed, without a cache (a cold check); a context.

    Files are held until there are enough to pay for a pool; from then on the
    workers read and parse chunks while this process lists the rest, so the
    listing, the reading and the workers' start (each compiles the schemas)
    overlap, and no file's bytes cross a process boundary. ``each_result`` gives
    each file's parse, ``None`` for one that vanished since it was listed;
    a file that cannot be read raises ``CatalogError``, the first in path
    order, exactly as a serial read would: workers leave such files to it.
    """

    CHUNK = 256  # files per task: small enough that the workers finish together, large enough to cost nothing

    def __init__(self, source):
        self.source = source
        self.waiting: list[str] = []
        self.pool, self.tasks, self.tried = None, [], False

    def add(self, relpath: str) -> None:
        self.waiting.append(relpath)
        if not self.tried and _pool_pays(len(self.waiting)):
            self.pool, self.tried = _start_pool(), True
        if self.pool is not None and len(self.waiting) >= self.CHUNK:
            self._submit()

    def _submit(self) -> None:
        chunk, self.waiting = sorted(self.waiting), []
        try:
            self.tasks.append((chunk, self.pool.submit(_marshalled, (_read_parse_chunk, self.source, chunk, True))))
        except (OSError, RuntimeError):  # the pool broke: this chunk is read here
            self.tasks.append((chunk, None))

    def __enter__(self):
        return self

    def __exit__(self, *failure) -> None:
        """The workers end with the stream, also when the listing failed (no task left to wait for)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def each_result(self):
        """(relpath, its parse or None: it vanished) of every file, a chunk at a time as the workers finish it (the
        caller works meanwhile); what no worker could read is read here last, in path order (the first one raises)."""
        with collector_paused():
            if self.waiting and self.pool is not None:
                self._submit()
            unread = []
            for chunk, task in [(self.waiting, None), *self.tasks]:
                for relpath, packed in zip(chunk, _done(task) or _read_parse_chunk(self.source, chunk, True)):
                    if packed == UNREAD:
                        unread.append(relpath)
                    else:
                        yield relpath, None if packed is None else unpack(packed)
            for relpath in sorted(unread):
                packed = _read_parse_chunk(self.source, [relpath])[0]  # raises its CatalogError
                yield relpath, None if packed is None else unpack(packed)


UNREAD = ("u",)  # a worker could not read the file: this process reads it again, for the error in path order


def _done(task) -> list | None:
    """A task's results, or None when it never ran (no pool, or it broke: the caller does the work here)."""
    if task is None:
        return None
    try:
        return marshal.loads(task.result())
    except (OSError, RuntimeError):
        return None


def _read_parse_chunk(source, relpaths: list[str], leave_failures: bool = False) -> list[tuple | None]:
    """Each file's packed parse; None for one that vanished. A read failure raises, or with
    ``leave_failures`` is ``UNREAD`` (a worker's exception would not say which file failed first)."""
    packed: list = []
    for relpath in relpaths:
        try:
            raw = source.read(relpath)
        except FileNotFoundError:
            packed.append(None)
            continue
        except CatalogError:
            if not leave_failures:
                raise
            packed.append(UNREAD)
            continue
        # ``walk`` lists files without their size: one over the limit says how large it is, as a listed size would.
        large = len(raw) > MAX_BYTES
        packed.append(pack(too_large(max(source.size_of(relpath), len(raw))) if large else fastyaml.load(raw)))
    return packed


def _parse_many(raws: list[bytes]) -> list[tuple]:
    """Pack each file's parse: in this process when few, else in one worker process per core."""
    if not _pool_pays(len(raws)):
        return _parse_chunk(raws)
    found = _on_all_cores(_parse_chunk, [(chunk,) for chunk in _chunked(raws)])
    return _parse_chunk(raws) if found is None else found


def _parse_chunk(raws: list[bytes]) -> list[tuple]:
    return [pack(fastyaml.load(raw)) for raw in raws]


def _pool_pays(files: int) -> bool:
    """Enough files for a pool, two cores, and on Linux (where the workers are forks) no other thread running
    (``catgen serve``'s server): a fork copies none, and a lock one of them holds would stay held in a worker."""
    if files < PARALLEL_THRESHOLD or min(os.cpu_count() or 1, MAX_CORES) < 2:
        return False
    return fork_is_safe() or not sys.platform.startswith("linux")


def _chunked(items: list) -> list[list]:
    size = max(CHUNK_MIN, -(-len(items) // (min(os.cpu_count() or 1, MAX_CORES) * CHUNKS_PER_CORE)))
    return [items[start:start + size] for start in range(0, len(items), size)]


def _on_all_cores(work, calls: list[tuple]) -> list | None:
    """``work(*call)`` for each call, one worker per core, results in call order, joined; None: no pool here."""
    pool = _start_pool()
    if pool is None:
        return None
    try:
        with pool:
            shipped = pool.map(_marshalled, [(work, *call) for call in calls])
            return [item for done in shipped for item in marshal.loads(done)]
    except (OSError, RuntimeError):  # the pool broke: the caller works serially
        return None


def _start_pool():
    """One worker per core (at most MAX_CORES), or None where no pool can start (some sandboxes).

    fork: a worker starts with catgen already imported (forkserver or spawn would
    import it again, about 0.1 s per worker); where fork is unsafe or missing
    (macOS, Windows) Python's default. Results come back as ``marshal`` bytes:
    it dumps plain data about twice as fast as pickle, and the worker is this
    process's own fork, so its bytes are trusted.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    start = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    ready_to_fork()
    try:
        return ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, MAX_CORES), mp_context=start,
                                   initializer=die_with_parent, initargs=(os.getpid(),))
    except (OSError, RuntimeError):
        return None


def _marshalled(call: tuple) -> bytes:
    work, *arguments = call
    return marshal.dumps(work(*arguments))
