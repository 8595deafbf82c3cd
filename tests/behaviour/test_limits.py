"""Limits and hostile shapes: every one gives a finding (or a one-line exit 2), fast, never a crash.

Manifests come from merge requests by anyone. These tests feed the loader and
the checker the shapes an attacker (or an unlucky tool) would: deep nesting,
megabyte lines and keys, a hundred thousand files, links out of the catalog,
files that vanish or cannot be read mid-walk, look-alike names, invisible and
direction-changing characters, and names Windows cannot check out.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import unicodedata

import pytest

import catgen.load.sources
from catgen.load import yamlsafe
from catgen.load.catalog import open_catalog
from catgen.checking.engine import run_check
from catgen.rules.base import MAX_MESSAGE
from catgen.load.sources import DirectorySource
from catgen.load.yamlsafe import MAX_BYTES, MAX_DEPTH, Document, Problem

from testing.catalogs import NOW, POLICY, check, codes, write
from testing.gitrepo import run_cli


def workspace(name: str = "dev", *, description: str = "ok", extra: str = "") -> str:
    return (
        "apiVersion: catgen/v1\nkind: Workspace\nmetadata:\n"
        f"  name: {name}\n  description: {description}\n"
        f"spec:\n  stage: dev\n  region: eastus\n{extra}"
    )


def model(name: str = "m", version: str = '"1"') -> str:
    return (
        "apiVersion: catgen/v1\nkind: Model\nmetadata:\n"
        f"  name: {name}\n  version: {version}\n"
        "spec:\n  workspace: workspace:dev\n  type: custom_model\n  path: models/m\n"
    )


@pytest.fixture
def root(tmp_path):
    catalog = tmp_path / "catalog"
    write(catalog, "policy.yaml", POLICY)
    write(catalog, "workspaces/dev.yaml", workspace())
    return catalog


def timed_check(root, limit: float = 5.0):
    started = time.perf_counter()
    result = check(root)
    assert time.perf_counter() - started < limit
    return result


def nested_flow(levels: int) -> str:
    """A document whose top-level mapping holds ``levels`` more nested mappings."""
    return "a: " + "{a: " * levels + "1" + "}" * levels + "\n"


# -- deep nesting -----------------------------------------------------------------


def test_nesting_up_to_the_limit_loads_and_one_more_level_is_cg106():
    assert isinstance(yamlsafe.load(nested_flow(MAX_DEPTH - 1).encode()), Document)  # 64 mappings
    problem = yamlsafe.load(nested_flow(MAX_DEPTH).encode())
    assert isinstance(problem, Problem) and problem.code == "CG106"
    assert f"nesting deeper than {MAX_DEPTH}" in problem.message


@pytest.mark.parametrize("text", [
    nested_flow(100_000),  # flow mappings, far past libyaml's own limit
    "a:\n" + "".join(" " * (depth + 1) + "b:\n" for depth in range(300)),  # block mappings
    "a:\n" + "".join(" " * (depth + 1) + "-\n" for depth in range(300)),  # block sequences
    "a: " + "[" * 200_000 + "]" * 200_000 + "\n",  # flow sequences
], ids=["flow-mappings", "block-mappings", "block-sequences", "flow-sequences"])
def test_deep_nesting_is_one_cg106_without_recursion_error(root, text):
    write(root, "workspaces/deep.yaml", text)
    result = timed_check(root)
    assert [(c, p) for c, p, _ in codes(result)] == [("CG106", "workspaces/deep.yaml")]


# -- long lines and keys ----------------------------------------------------------


def test_a_one_mib_single_line_description_loads_and_one_byte_more_is_cg105(root):
    head = workspace("long", description="").encode()
    padding = MAX_BYTES - len(head)
    text = head.replace(b"description: \n", b"description: " + b"x" * padding + b"\n")
    assert len(text) == MAX_BYTES
    write(root, "workspaces/long.yaml", text)
    result = timed_check(root)
    assert codes(result) == []
    assert len(result.catalog.get("Workspace", "long").metadata["description"]) == padding
    write(root, "workspaces/long.yaml", text.replace(b"x", b"xx", 1))
    assert codes(timed_check(root)) == [("CG105", "workspaces/long.yaml", 1)]


def test_a_long_key_is_an_unknown_field_with_a_bounded_message(root):
    write(root, "workspaces/key.yaml", workspace("key", extra="  " + "k" * 1000 + ": 1\n"))
    result = timed_check(root)
    assert codes(result) == [("CG201", "workspaces/key.yaml", 9)]
    assert "unknown key" in result.findings[0].message


def test_a_megabyte_explicit_key_gives_one_finding_of_bounded_length(root):
    # YAML limits plain keys to 1024 characters; a `? ` key has no limit.
    write(root, "workspaces/key.yaml", workspace("key", extra="  ? " + "k" * 900_000 + "\n  : 1\n"))
    result = timed_check(root)
    assert codes(result) == [("CG201", "workspaces/key.yaml", 9)]
    assert len(result.findings[0].message) <= MAX_MESSAGE + 40
    assert result.findings[0].message.endswith("more characters)")


def test_a_plain_key_over_yamls_limit_is_a_syntax_error(root):
    write(root, "workspaces/key.yaml", workspace("key", extra="  " + "k" * 500_000 + ": 1\n"))
    assert codes(timed_check(root)) == [("CG101", "workspaces/key.yaml", 9)]


def test_a_megabyte_reference_is_one_dangling_reference_with_a_bounded_message(root):
    write(root, "workspaces/ref.yaml", workspace("ref", extra="  registries: [registry:" + "r" * 900_000 + "]\n"))
    result = timed_check(root)
    assert codes(result) == [("CG302", "workspaces/ref.yaml", 9)]
    assert len(result.findings[0].message) <= MAX_MESSAGE + 40


def test_fifty_thousand_keys_in_one_mapping(root):
    tags = ", ".join(f"k{i}: v" for i in range(50_000))
    write(root, "workspaces/tags.yaml", workspace("tags").replace("spec:", f"  tags: {{{tags}}}\nspec:"))
    assert codes(timed_check(root)) == []


# -- a hundred thousand files -----------------------------------------------------

MANY = 100_000
BROKEN_EVERY = 10_000  # one broken file in ten thousand: the count to find


def test_one_hundred_thousand_tiny_manifests(tmp_path, monkeypatch, capsys, one_thread):
    """The whole check of 100,000 files through the CLI (parallel parse, cache) in bounded time.

    The files are written to a RAM disk when there is one: creating 100,000
    files on a slow virtual disk takes longer than checking them, and this
    test measures catgen, not the disk.
    """
    ram = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    holder = tempfile.mkdtemp(prefix="catgen-many-", dir=ram or str(tmp_path))
    try:
        catalog = os.path.join(holder, "catalog")
        _write_many(catalog, MANY)
        monkeypatch.chdir(holder)
        started = time.perf_counter()
        code, out, err = run_cli(capsys, "check", "catalog", "--format", "json")
        elapsed = time.perf_counter() - started
    finally:
        shutil.rmtree(holder, ignore_errors=True)
    import json

    report = json.loads(out)
    assert code == 1, err
    assert report["summary"]["manifests"] == MANY + 1
    assert [f["code"] for f in report["findings"]] == ["CG101"] * (MANY // BROKEN_EVERY)
    assert elapsed < 120, f"checking {MANY:,} files took {elapsed:.1f} s"


def _write_many(catalog: str, count: int) -> None:
    """``count`` workspaces in one folder, written with raw os calls (about 1 s on a RAM disk)."""
    folder = os.path.join(catalog, "workspaces")
    os.makedirs(folder)
    with open(os.path.join(catalog, "policy.yaml"), "w", encoding="utf-8") as handle:
        handle.write(POLICY.lstrip())
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    for index in range(count):
        body = (b"apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: w%06d}\n"
                b"spec: {stage: dev, region: eastus}\n") % index
        if index % BROKEN_EVERY == 0:
            body += b"spec: [unclosed\n"
        descriptor = os.open(os.path.join(folder, "w%06d.yaml" % index), flags, 0o644)
        try:
            os.write(descriptor, body)
        finally:
            os.close(descriptor)


# -- links ------------------------------------------------------------------------


def test_a_linked_file_pointing_outside_is_cg106_and_not_read(root, tmp_path):
    outside = write(tmp_path, "outside/secret.yaml", workspace("secret"))
    os.symlink(outside, root / "workspaces" / "secret.yaml")
    result = check(root)
    assert codes(result) == [("CG106", "workspaces/secret.yaml", 1)]
    assert "symbolic link" in result.findings[0].message
    assert result.catalog.get("Workspace", "secret") is None


def test_a_linked_folder_pointing_outside_is_cg106_on_the_link_and_not_walked(root, tmp_path):
    write(tmp_path, "outside/models/m/1.yaml", model())
    os.symlink(tmp_path / "outside" / "models", root / "models")
    result = check(root)
    assert codes(result) == [("CG106", "models", 1)]
    assert "symbolic link to a folder" in result.findings[0].message
    assert "not follow" in result.findings[0].message
    assert result.catalog.get("Model", "m", "1") is None


def test_link_loops_and_dangling_links_are_reported_not_followed(root):
    os.symlink(".", root / "workspaces" / "loop")  # a folder link back into itself
    os.symlink("nowhere.yaml", root / "workspaces" / "dangling.yaml")
    os.symlink("nowhere", root / "workspaces" / "dangling-folder")  # points at nothing: not a folder, not a manifest
    result = timed_check(root)
    assert codes(result) == [("CG106", "workspaces/dangling.yaml", 1), ("CG106", "workspaces/loop", 1)]


def test_a_named_pipe_is_cg106_and_never_opened(root):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    os.mkfifo(root / "workspaces" / "pipe.yaml")  # opening it would block the check forever
    result = timed_check(root)
    assert codes(result) == [("CG106", "workspaces/pipe.yaml", 1)]
    assert "not a regular file" in result.findings[0].message


# -- files that vanish or cannot be read during the walk ---------------------------


def test_a_file_that_vanishes_before_it_is_read_is_treated_as_absent(root, monkeypatch):
    write(root, "workspaces/other.yaml", workspace("other"))
    real_read = DirectorySource.read

    def vanish(self, relpath):
        if relpath == "workspaces/other.yaml":
            raise FileNotFoundError(2, "No such file or directory", relpath)
        return real_read(self, relpath)

    monkeypatch.setattr(DirectorySource, "read", vanish)
    result = check(root)
    assert [m.relpath for m in result.catalog.manifests] == ["policy.yaml", "workspaces/dev.yaml"]
    assert codes(result) == []


def test_a_file_deleted_between_listing_and_reading_really_is_skipped(root, monkeypatch):
    write(root, "workspaces/other.yaml", workspace("other"))
    real_walk = DirectorySource.walk  # files() lists through it; a cold check reads while it walks

    def list_then_delete(self):
        listed = list(real_walk(self))
        os.remove(os.path.join(self.root, "workspaces/other.yaml"))  # the tree changes under us
        yield from listed

    monkeypatch.setattr(DirectorySource, "walk", list_then_delete)
    result = check(root)
    assert "workspaces/other.yaml" not in [m.relpath for m in result.catalog.manifests]
    assert codes(result) == []


def test_a_folder_removed_during_the_walk_is_treated_as_absent(root, monkeypatch):
    write(root, "models/m/1.yaml", model())
    real_scandir = os.scandir

    def scandir_after_removal(path):
        if str(path).endswith(os.path.join("models", "m")):
            shutil.rmtree(path)
        return real_scandir(path)

    monkeypatch.setattr(catgen.load.sources.os, "scandir", scandir_after_removal)
    result = check(root)
    assert [m.relpath for m in result.catalog.manifests] == ["policy.yaml", "workspaces/dev.yaml"]


def test_a_file_that_becomes_unreadable_is_exit_2_with_one_line(root, monkeypatch, capsys):
    real_open = os.open  # the test runs as root in CI, where a mode of 000 denies nothing

    def deny(path, *args, **kwargs):
        if str(path).endswith("dev.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(catgen.load.sources.os, "open", deny)
    code, out, err = run_cli(capsys, "check", str(root), "--no-cache")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("catgen: error: cannot read ")
    assert err.rstrip().endswith("workspaces/dev.yaml: Permission denied")


def test_a_folder_that_becomes_unreadable_is_exit_2_with_one_line(root, monkeypatch, capsys):
    real_scandir = os.scandir

    def deny(path):
        if str(path).endswith("workspaces"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(catgen.load.sources.os, "scandir", deny)
    code, out, err = run_cli(capsys, "check", str(root), "--no-cache")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "cannot read folder" in err and "Permission denied" in err


# -- names: case, Unicode, invisible characters -------------------------------------


def test_names_that_differ_only_in_case_are_cg301(root):
    write(root, "workspaces/Dev.yaml", workspace("Dev"))
    assert codes(check(root)) == [("CG301", "workspaces/dev.yaml", 4)]


@pytest.mark.parametrize("name", [
    "caf\u00e9",  # NFC e-acute
    "cafe\u0301",  # NFD: e + combining acute
    "\u0430dmin",  # Cyrillic a, looks like "admin"
    "\uff41dmin",  # full-width a
    "dev\u200b",  # zero-width space
], ids=["nfc", "nfd", "cyrillic", "fullwidth", "zero-width"])
def test_a_non_ascii_name_is_cg201(root, name):
    write(root, "workspaces/odd.yaml", workspace(f'"{name}"'))
    assert codes(check(root)) == [("CG201", "workspaces/odd.yaml", 4)]


def test_paths_that_differ_only_in_unicode_normalisation_each_give_a_finding(root):
    nfc, nfd = unicodedata.normalize("NFC", "caf\u00e9"), unicodedata.normalize("NFD", "caf\u00e9")
    assert nfc != nfd
    write(root, f"workspaces/{nfc}.yaml", workspace("cafe"))
    write(root, f"workspaces/{nfd}.yaml", workspace(f'"{nfd}"'))
    result = check(root)
    by_path = {p: c for c, p, _ in codes(result)}
    assert by_path == {f"workspaces/{nfc}.yaml": "CG107", f"workspaces/{nfd}.yaml": "CG201"}


@pytest.mark.parametrize("escaped", ["\\u202e", "\\u200f", "\\u2066", "\\x1b[31m", "\\x00", "\\t", "\\n"])
def test_control_and_bidi_characters_in_a_name_are_cg201(root, escaped):
    write(root, "workspaces/odd.yaml", workspace(f'"dev{escaped}x"'))
    assert codes(check(root)) == [("CG201", "workspaces/odd.yaml", 4)]


def test_a_raw_control_character_in_a_file_is_cg101(root):
    write(root, "workspaces/odd.yaml", workspace("odd", description="a\x1bb"))
    assert codes(check(root)) == [("CG101", "workspaces/odd.yaml", 5)]


def test_bidi_overrides_in_a_description_are_text_kept_as_written(root):
    write(root, "workspaces/odd.yaml", workspace("odd", description='"approved \\u202eDEKCOLB\\u202c by alice"'))
    result = check(root)
    assert codes(result) == []  # allowed text; the site shows it visibly (catgen.website.text.visible)
    assert result.catalog.get("Workspace", "odd").metadata["description"] == "approved \u202eDEKCOLB\u202c by alice"


# -- names Windows cannot check out ----------------------------------------------


@pytest.mark.parametrize("name", ["con", "NUL", "Aux", "prn", "com1", "COM9", "lpt1", "lpt9", "con.v1", "nul.tar"])
def test_a_windows_reserved_name_is_cg201_at_the_name(root, name):
    write(root, f"workspaces/{name}.yaml", workspace(name))
    result = check(root)
    assert codes(result) == [("CG201", f"workspaces/{name}.yaml", 4)]
    assert result.findings[0].message == f"`metadata.name` {name!r} is reserved on Windows; a checkout there would fail"


@pytest.mark.parametrize("name", ["console", "con-1", "com10", "lpt0", "nullable", "auxiliary", "x.con"])
def test_names_that_only_resemble_reserved_ones_are_fine(root, name):
    write(root, f"workspaces/{name}.yaml", workspace(name))
    assert codes(check(root)) == []


def test_a_windows_reserved_version_is_cg201_at_the_version(root):
    write(root, "models/m/nul.yaml", model(version="nul"))
    result = check(root)
    assert codes(result) == [("CG201", "models/m/nul.yaml", 5)]
    assert "`metadata.version` 'nul' is reserved on Windows" in result.findings[0].message


@pytest.mark.parametrize("relpath,text", [
    ("models/aux/1.yaml", model(name="aux")),
    ("policy.yaml", POLICY.replace("name: default", "name: prn")),
    ("registries/com3.yaml", "apiVersion: catgen/v1\nkind: Registry\nmetadata:\n  name: com3\n"
                             "spec:\n  location: eastus\n  replication_locations: [eastus]\n"),
])
def test_a_windows_reserved_name_is_reported_for_every_kind(root, relpath, text):
    write(root, relpath, text)
    result = check(root)
    assert [f.code for f in result.findings if "reserved on Windows" in f.message] == ["CG201"]
    assert all(f.line == 4 for f in result.findings if "reserved on Windows" in f.message)


def test_the_check_of_hostile_shapes_is_deterministic(root, tmp_path):
    write(root, "workspaces/Dev.yaml", workspace("Dev"))
    write(root, "workspaces/con.yaml", workspace("con"))
    write(root, "workspaces/deep.yaml", nested_flow(1000))
    os.symlink(tmp_path, root / "linked")
    first = run_check(open_catalog(str(root), cache=False), now=NOW).findings
    second = run_check(open_catalog(str(root), cache=False), now=NOW).findings
    assert first == second and len(first) == 4
