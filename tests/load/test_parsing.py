"""The parse cache: same findings with and without it, invalidated by catgen's version and the schemas."""

import marshal

import catgen.load.parsing as parsing
from catgen.load.catalog import open_catalog
from catgen.checking.engine import run_check
from catgen.load.parsing import ParseCache
from testing.catalogs import NOW, edit


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
    monkeypatch.setattr(catgen.load.schemas, "schema_text", lambda name: original_text(name) + (" " if name == "model" else ""))
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
    caches = [p for p in (tmp_path / "shared").iterdir() if p.suffix == ".marshal"]
    assert len(caches) == 1 and not [p for p in (tmp_path / "shared").iterdir() if p.suffix == ".tmp"]
    assert ParseCache(str(example), str(tmp_path / "shared")).entries
