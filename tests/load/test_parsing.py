"""The parse cache: same findings with and without it, invalidated by catgen's version and the schemas."""

import hashlib
import marshal
import os
import signal
import subprocess
import sys
import time

import pytest

import catgen.load.parsing as parsing
from catgen.load.catalog import open_catalog
from catgen.checking.engine import run_check
from catgen.load.parsing import ParseCache, default_cache_dir
from testing.catalogs import NOW, edit, write


def _findings(root, cache):
    return [f.as_dict() for f in run_check(open_catalog(str(root), cache=cache or False), now=NOW).findings]


def test_cached_and_uncached_runs_give_the_same_findings(example, tmp_path):
    edit(example, "deployments/credit-risk-dev.yaml", "model:credit-risk@3", "model:credit-risk@9")
    (example / "broken.yaml").write_text("a: [1,\n")
    uncached = _findings(example, None)
    cold = _findings(example, ParseCache(str(example), str(tmp_path / "c")))
    warm_cache = ParseCache(str(example), str(tmp_path / "c"))
    warm = _findings(example, warm_cache)
    assert uncached == cold == warm and uncached
    assert warm_cache.added == 0  # everything came from the cache


def test_one_changed_file_is_the_only_miss(example, tmp_path):
    _findings(example, ParseCache(str(example), str(tmp_path / "c")))
    edit(example, "models/credit-risk/3.yaml", "type: mlflow_model", "type: custom_model")
    cache = ParseCache(str(example), str(tmp_path / "c"))
    _findings(example, cache)
    assert cache.added == 1


def test_a_new_catgen_version_does_not_trust_the_cache(example, tmp_path, monkeypatch):
    directory = str(tmp_path / "c")
    _findings(example, ParseCache(str(example), directory))
    monkeypatch.setattr(parsing, "__version__", "999.0")
    parsing.salt.cache_clear()
    try:
        cache = ParseCache(str(example), directory)
        assert cache.entries == {}
        _findings(example, cache)
        assert cache.added > 0
    finally:
        parsing.salt.cache_clear()


def test_a_changed_schema_changes_the_salt(monkeypatch):
    import catgen.load.schemas

    original_text = catgen.load.schemas.schema_text
    parsing.salt.cache_clear()
    before = parsing.salt()
    monkeypatch.setattr(catgen.load.schemas, "schema_text",
                        lambda name: original_text(name) + (" " if name == "model" else ""))
    parsing.salt.cache_clear()
    try:
        assert parsing.salt() != before
    finally:
        monkeypatch.undo()
        parsing.salt.cache_clear()


def test_a_corrupt_or_foreign_cache_file_only_costs_speed(example, tmp_path):
    cache = ParseCache(str(example), str(tmp_path / "c"))
    _findings(example, cache)
    with open(cache.path, "wb") as handle:
        handle.write(b"\x00garbage")
    assert _findings(example, ParseCache(str(example), str(tmp_path / "c"))) == _findings(example, None)
    with open(cache.path, "wb") as handle:
        marshal.dump({"salt": "someone-else", "entries": {"x": ("p", "CG101", 1, 1, "fake")}}, handle)
    assert ParseCache(str(example), str(tmp_path / "c")).entries == {}


def test_unwritable_cache_folder_is_ignored(example, tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    assert _findings(example, ParseCache(str(example), str(blocker / "sub"))) == _findings(example, None)


def test_two_checks_at_once_share_the_cache_safely(example, tmp_path):
    """Writers go through a temporary file and a rename: readers never see half a file."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "CATGEN_CACHE_DIR": str(tmp_path / "shared")}
    for round_ in range(3):
        (example / "models/credit-risk/3.yaml").write_text(
            (example / "models/credit-risk/3.yaml").read_text() + f"# round {round_}\n")
        runs = [subprocess.Popen([sys.executable, "-m", "catgen", "check", str(example)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, out + err
    caches = [p for p in (tmp_path / "shared").iterdir() if p.name.startswith("parsed-") and p.suffix == ".marshal"]
    assert len(caches) == 1 and not [p for p in (tmp_path / "shared").iterdir() if p.suffix == ".tmp"]
    assert ParseCache(str(example), str(tmp_path / "shared")).entries


def _rewrite_entries(cache_path, change):
    with open(cache_path, "rb") as handle:
        stored = marshal.loads(handle.read())
    stored = change(stored)
    with open(cache_path, "wb") as handle:
        handle.write(marshal.dumps(stored))


WRONG_SHAPES = {
    "a number": lambda entry: 42,
    "a list": lambda entry: list(entry),
    "an empty tuple": lambda entry: (),
    "too short": lambda entry: entry[:2],
    "too long": lambda entry: entry + ("x",),
    "unknown tag": lambda entry: ("x",) + entry[1:],
    "problem of the wrong length": lambda entry: ("p", "CG101", 1, 1),
    "problem with a string line": lambda entry: ("p", "CG101", "1", 1, "m"),
    "data a list": lambda entry: ("d", [1], []),
    "data holding a set": lambda entry: ("d", {"spec": {1, 2}}, []),
    "data with a number key": lambda entry: ("d", {1: "x"}, []),
    "data holding bytes": lambda entry: ("d", {"spec": [b"x"]}, []),
    "problems a dict": lambda entry: ("d", {}, {}),
    "problem not a triple": lambda entry: ("d", {}, [("spec",)]),
    "problem path a list": lambda entry: ("d", {}, [(["spec"], "m", False)]),
}


NOT_BYTES = {  # what an entry can be besides marshal bytes of a wrong shape
    "the entry itself, not its bytes": lambda blob: marshal.loads(blob),
    "bytes marshal cannot read": lambda blob: blob[:-3],
    "no bytes": lambda blob: b"",
}
WRONG_SHAPES.update({shape: None for shape in NOT_BYTES})


@pytest.mark.parametrize("shape", list(WRONG_SHAPES))
def test_a_cache_entry_of_the_wrong_shape_is_a_miss(example, tmp_path, shape):
    cache = ParseCache(str(example), str(tmp_path / "c"))
    expected = _findings(example, cache)
    _rewrite_entries(cache.path, lambda stored: {"salt": stored["salt"], "entries": {
        d: _stored_as(shape, WRONG_SHAPES[shape], e) for d, e in stored["entries"].items()}})
    again = ParseCache(str(example), str(tmp_path / "c"))
    assert _findings(example, again) == expected
    assert again.added == len(again.entries) > 0  # every file parsed again, and cached in the right shape
    assert all(parsing.well_formed(marshal.loads(entry)) for entry in again.entries.values())


def _stored_as(shape: str, change, blob: bytes):
    """An entry as a cache file holds it (its own marshal bytes), in the wrong shape; or not bytes at all."""
    if shape in NOT_BYTES:
        return NOT_BYTES[shape](blob)
    return marshal.dumps(change(marshal.loads(blob)))


@pytest.mark.parametrize("stored", [42, [], {"salt": None}, {"entries": {}}, "text", {"salt": "s", "entries": []}])
def test_a_cache_file_of_the_wrong_shape_is_empty(example, tmp_path, stored):
    cache = ParseCache(str(example), str(tmp_path / "c"))
    _findings(example, cache)
    if isinstance(stored, dict) and "salt" in stored and stored["salt"] == "s":
        stored = {"salt": parsing.salt(), "entries": []}
    _rewrite_entries(cache.path, lambda _: stored)
    assert ParseCache(str(example), str(tmp_path / "c")).entries == {}


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    """Running or sleeping: a zombie waiting for init to reap it holds no resources and runs nothing."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc") or (os.cpu_count() or 1) < 2, reason="needs /proc and 2 cores")
def test_killing_a_check_mid_parse_leaves_no_worker_behind(tmp_path):
    """SIGKILL the check while its workers parse: each worker ends too, instead of waiting forever."""
    root = tmp_path / "catalog"
    for number in range(parsing.PARALLEL_THRESHOLD * 3):
        write(root, f"models/m{number}/1.yaml", MANY_KEYS.format(number=number))
    check = subprocess.Popen([sys.executable, "-m", "catgen", "check", str(root), "--no-cache"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and check.poll() is None:
            workers = _children(check.pid)
            time.sleep(0.02)
        assert len(workers) >= 2, "the check never started its parse workers"
        os.kill(check.pid, signal.SIGKILL)
        check.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if _alive(pid)], "parse workers outlived the killed check"
    finally:
        if check.poll() is None:
            check.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)  # a failed run must not leave them behind either


MANY_KEYS = """\
apiVersion: catgen/v1
kind: Model
metadata:
  name: m{number}
  version: "1"
  tags: {{{tags}}}
spec:
  workspace: workspace:dev
  type: custom_model
  path: models/m{number}
""".replace("{tags}", ", ".join(f"k{i}: v{i}" for i in range(300)))


PARSED_FILES = [
    b"apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: w}\nspec: {stage: dev, region: eastus}\n",
    b"description: The **bold** and R&D\nname: x\n",  # the fast path
    b"a: &x 1\nb: *x\n",  # CG103, from the positioned loader
    b"a: [1,\n",  # CG101
    b"\xff",  # CG106
]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores")
def test_all_cores_parse_exactly_as_this_process_does(monkeypatch, one_thread):
    raws = PARSED_FILES * 40
    monkeypatch.setattr(parsing, "PARALLEL_THRESHOLD", 10**9)
    serial = parsing.parse_all(raws)
    monkeypatch.setattr(parsing, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(parsing, "CHUNK_MIN", 3)  # many chunks: order must survive them
    pools, start_pool = [], parsing._start_pool
    monkeypatch.setattr(parsing, "_start_pool", lambda: pools.append(start_pool()) or pools[-1])
    parallel = parsing.parse_all(raws)
    assert pools and pools[0] is not None  # else this compares one process with itself
    shape = [(repr(d.data) if isinstance(d, parsing.Document) else d, problems) for d, problems in serial]
    assert shape == [(repr(d.data) if isinstance(d, parsing.Document) else d, problems) for d, problems in parallel]
    assert [type(d).__name__ for d, _ in serial[:5]] == ["Document", "Document", "Problem", "Problem", "Problem"]


def test_the_cycle_collector_is_paused_only_while_parsing():
    import gc

    assert gc.isenabled()
    parsing.parse_all(PARSED_FILES)
    assert gc.isenabled()
    gc.disable()
    try:
        parsing.parse_all(PARSED_FILES)
        assert not gc.isenabled()  # whoever turned it off keeps it off
    finally:
        gc.enable()


def _read_and_parse_on(source, relpaths, monkeypatch, *, all_cores: bool):
    monkeypatch.setattr(parsing, "PARALLEL_THRESHOLD", 1 if all_cores else 10**9)
    monkeypatch.setattr(parsing.ParseStream, "CHUNK", 2)  # many chunks: order must survive them
    with parsing.ParseStream(source) as stream:
        for relpath in relpaths:
            stream.add(relpath)
        if all_cores and (os.cpu_count() or 1) >= 2:
            assert stream.pool is not None  # else this compares one process with itself
        results = dict(stream.each_result())
    found = [results[relpath] for relpath in relpaths]
    return [None if f is None else (repr(f[0].data) if isinstance(f[0], parsing.Document) else f[0], f[1])
            for f in found]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores")
def test_workers_that_read_their_own_files_find_what_this_process_finds(tmp_path, monkeypatch, one_thread):
    """Without a cache each worker reads its files: the same results, a vanished file None, path order kept."""
    from catgen.load.sources import DirectorySource

    relpaths = []
    for number, raw in enumerate(PARSED_FILES * 3):
        (tmp_path / f"f{number:02}.yaml").write_bytes(raw)
        relpaths.append(f"f{number:02}.yaml")
    relpaths.insert(4, "gone.yaml")  # listed, then deleted before it was read
    source = DirectorySource(str(tmp_path))
    parallel = _read_and_parse_on(source, relpaths, monkeypatch, all_cores=True)
    assert parallel == _read_and_parse_on(source, relpaths, monkeypatch, all_cores=False)
    assert parallel[4] is None and parallel.count(None) == 1
    assert [p for p in parallel if p is not None] == [
        (repr(d.data) if isinstance(d, parsing.Document) else d, problems)
        for d, problems in parsing.parse_all(PARSED_FILES * 3)]


@pytest.mark.parametrize("all_cores", [False, True])
def test_a_file_that_cannot_be_read_stops_the_read_at_the_first_in_path_order(tmp_path, monkeypatch, all_cores,
                                                                             one_thread):
    from catgen.errors import CatalogError
    from catgen.load.sources import DirectorySource

    relpaths = [f"f{number:02}.yaml" for number in range(12)][::-1]  # listed in any order
    for relpath in relpaths:
        (tmp_path / relpath).write_bytes(PARSED_FILES[0])
    for unreadable in ("f03.yaml", "f09.yaml"):  # in different chunks on all cores
        os.remove(tmp_path / unreadable)
        os.mkdir(tmp_path / unreadable)
    with pytest.raises(CatalogError, match=r"cannot read .*f03\.yaml"):
        _read_and_parse_on(DirectorySource(str(tmp_path)), relpaths, monkeypatch, all_cores=all_cores)


def test_the_salt_follows_the_source_of_every_module_that_parses_or_validates(tmp_path):
    """An edited validation module, or validators generated again, give another salt (parsing.source_digest)."""
    for relpath in ("load/validation.py", "load/validators/model.py", "model.py", "dates.py"):
        (tmp_path / relpath).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relpath).write_text("# a module\n")

    def salt_of() -> str:
        return parsing.source_digest(hashlib.sha256(), parsing._PARSING, parsing._PARSING_FILES, str(tmp_path))

    before = salt_of()
    assert salt_of() == before
    for relpath in ("load/validation.py", "load/validators/model.py", "dates.py"):
        (tmp_path / relpath).write_text("# edited\n")
        assert salt_of() != before
        before = salt_of()
    (tmp_path / "load" / "validators" / "README.txt").write_text("not a module")
    assert salt_of() == before


@pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2, reason="forks on Linux")
def test_with_another_thread_running_no_worker_is_forked(monkeypatch):
    """``catgen serve`` loads catalogs beside its server's thread: a fork would copy none of its locks' owners."""
    from catgen import processes

    monkeypatch.setattr(processes.threading, "active_count", lambda: 2)
    monkeypatch.setattr(parsing, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(parsing, "_start_pool", lambda: pytest.fail("a pool was started beside another thread"))
    serial = parsing.parse_all(PARSED_FILES * 40)
    assert [type(d).__name__ for d, _ in serial[:5]] == ["Document", "Document", "Problem", "Problem", "Problem"]
    monkeypatch.setattr(processes.threading, "active_count", lambda: 1)
    assert parsing._pool_pays(len(PARSED_FILES))


@pytest.mark.parametrize("environment, folder", [
    ({"CATGEN_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}, "/c"),
    ({"XDG_CACHE_HOME": "/x"}, "/x/catgen"),
    ({"XDG_CACHE_HOME": "relative"}, "/home/someone/.cache/catgen"),  # ignored, as the XDG specification says
    ({"XDG_CACHE_HOME": ""}, "/home/someone/.cache/catgen"),
    ({}, "/home/someone/.cache/catgen"),
])
def test_the_cache_folder(monkeypatch, environment, folder):
    for name in ("CATGEN_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", "/home/someone")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert default_cache_dir() == folder
