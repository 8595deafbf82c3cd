"""A rebuild into a catgen site renders only the page jobs whose recorded inputs changed, and equals a fresh build.

The first build into an empty folder records nothing; every build into a catgen site records what each job
read (``pageinputs``) in the user's cache folder; the build after it reuses the pages of every job whose
inputs have the same digests. The records are read as untrusted: of another shape, from another build of the
folder, or naming inputs that are gone, they cost only speed.
"""

from __future__ import annotations

import marshal
import os
import shutil
from pathlib import Path

import pytest

from testing.catalogs import EXAMPLE
from testing.site import build, site_files
from catgen.website.pagerecords import (
    PageRecords, pack_body, read_stored, records_path, salt, unpack_body, write_stored,
)

STORY_NOW = "1727000000"


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", STORY_NOW)
    shutil.copytree(EXAMPLE, tmp_path / "catalog")
    return tmp_path


def _edit(root, relpath: str, old: str, new: str) -> None:
    path = root / "catalog" / relpath
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))


def _equals_fresh(root, name: str) -> dict:
    stats = build(root / "catalog", root / "site")
    build(root / "catalog", root / name)
    assert site_files(root / "site") == site_files(root / name)
    return stats


def test_only_a_build_into_a_catgen_site_records_and_the_next_one_renders_only_what_changed(root):
    first = build(root / "catalog", root / "site")
    assert not os.path.exists(records_path(str(root / "site")))  # a build into an empty folder records nothing
    second = build(root / "catalog", root / "site")
    assert second["rendered"] == first["rendered"] > 80  # no records yet: every job rendered, and recorded
    assert os.path.exists(records_path(str(root / "site")))
    assert build(root / "catalog", root / "site")["rendered"] == 0
    _edit(root, "models/credit-risk/3.yaml", "Loan-default classifier", "Loan default classifier")
    stats = _equals_fresh(root, "fresh-description")
    assert 0 < stats["rendered"] <= 15
    assert build(root / "catalog", root / "site")["rendered"] == 0  # the records follow the site


def test_time_passing_a_promotions_date_renders_its_pages_again(root, monkeypatch):
    _edit(root, "promotions/credit-risk-2-to-test.yaml", "2024-07-22T09:00:00Z", "2024-10-01T00:00:00Z")
    build(root / "catalog", root / "site")
    build(root / "catalog", root / "site")  # pending at STORY_NOW (2024-09-22)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1730000000")  # 2024-10-27: in force
    stats = _equals_fresh(root, "fresh")
    assert stats["rendered"] > 0


DAMAGES = ["garbage", "salt", "jobs", "inputs", "digests", "pages", "unhashable"]


def _damage(path, stored: dict, damage: str) -> None:
    """Write the records file at ``path`` with one kind of damage."""
    identity = next(iter(stored["jobs"]))
    if damage == "garbage":
        path.write_bytes(b"\xff not marshal")
        return
    if damage == "salt":
        stored["salt"] = "another catgen"
    elif damage == "jobs":
        stored["jobs"] = {key: ([10**9], "x") for key in stored["jobs"]}
    elif damage == "inputs":
        stored["inputs"] = [("site", "__class__")] * len(stored["inputs"])
    elif damage == "unhashable":
        stored["inputs"][0] = (["a list"],)
    elif damage == "digests":
        stored["digests"] = [b"other"] * len(stored["digests"])
    else:
        stored["jobs"][identity] = (stored["jobs"][identity][0], [("models/x/index.md", "h", "f", [1])])
    write_stored(str(path), stored)


def test_records_of_another_shape_cost_only_speed(root):
    build(root / "catalog", root / "site")
    build(root / "catalog", root / "site")
    path = Path(records_path(str(root / "site")))
    whole = path.read_bytes()
    build(root / "catalog", root / "fresh")
    for damage in DAMAGES:
        path.write_bytes(whole)
        _damage(path, read_stored(str(path)), damage)
        stats = build(root / "catalog", root / "site")
        if damage == "unhashable":  # the first input recorded is the home page's (the pages MkDocs renders go first)
            assert "" in stats["theme_made"]
        else:
            assert stats["rendered"] > (0 if damage == "pages" else 80), damage
        assert site_files(root / "site") == site_files(root / "fresh"), damage


def test_a_records_file_cut_short_with_bytes_after_it_or_in_the_former_layout_is_no_records(tmp_path):
    records = PageRecords("key")
    records.add(("page", "a"), [(("M", "a"), b"1")], [("a/index.md", "h", "f", [])])
    path = tmp_path / "records"
    records.save(str(path))
    whole = path.read_bytes()
    assert PageRecords.load(str(path)).job(("page", "a")) == ([0], [("a/index.md", "h", "f", [])])
    stored = read_stored(str(path))
    for damaged in (whole[:len(whole) // 2], whole[:-1], whole + b"\0" * 9, marshal.dumps(stored)):
        path.write_bytes(damaged)  # the last: the whole records as one marshal object, as catgen wrote them before
        assert PageRecords.load(str(path)) is None


def test_records_of_an_older_build_reuse_nothing_the_site_no_longer_has(root):
    build(root / "catalog", root / "site")
    build(root / "catalog", root / "site")
    path = records_path(str(root / "site"))
    older = open(path, "rb").read()
    _edit(root, "models/credit-risk/3.yaml", "Loan-default classifier", "Loan default classifier")
    build(root / "catalog", root / "site")
    open(path, "wb").write(older)  # the records of the site before the edit, beside the site after it
    _edit(root, "models/credit-risk/3.yaml", "Loan default classifier", "Loan-default classifier")
    _equals_fresh(root, "fresh")  # the inputs are the older ones again, but the pages in place are not theirs


def test_a_records_file_that_cannot_be_written_costs_only_speed(root, monkeypatch):
    build(root / "catalog", root / "site")
    cache = root / "read-only-cache"
    cache.write_text("a file where the cache folder would be")
    monkeypatch.setenv("CATGEN_CACHE_DIR", str(cache))
    assert build(root / "catalog", root / "site")["pages"] > 80


def test_the_salt_follows_the_code():
    assert salt() == salt() and len(salt()) == 16
    records = PageRecords("key")
    records.add(("page", "a"), [(("M", "a"), b"1"), (("M", "b"), b"2")], [("a/index.md", "h", "f", [])])
    records.add(("page", "b"), None, [])  # no inputs: never reused, not recorded
    records.add(("page", "c"), [(("M", "b"), b"2")], [])  # one build, one site model: one digest an input
    assert records.inputs == [("M", "a"), ("M", "b")] and records.digests == [b"1", b"2"]
    assert records.jobs[("page", "c")] == ([1], []) and records.job(("page", "b")) is None
    assert records.job(("page", "a")) == ([0, 1], [("a/index.md", "h", "f", [])])


def test_saved_records_drop_the_inputs_no_job_reads_once_they_are_a_quarter(tmp_path):
    previous = PageRecords("key")
    previous.add(("page", "a"), [(("M", "a1"), b"1"), (("M", "a2"), b"1"), (("M", "a3"), b"1")], [])
    previous.add(("page", "b"), [(("M", "b"), b"2"), (("M", "c"), b"3")], [])
    records = PageRecords.following(previous, "key")
    records.keep(("page", "b"), [3, 4], [])  # job a is gone
    records.add(("page", "d"), [(("M", "c"), b"4"), (("M", "d"), b"5")], [])
    records.save(str(tmp_path / "records"))
    loaded = PageRecords.load(str(tmp_path / "records"))
    assert loaded.inputs == [("M", "b"), ("M", "c"), ("M", "c"), ("M", "d")]  # c read again: an entry of its own
    assert loaded.digests == [b"2", b"3", b"4", b"5"]
    assert loaded.jobs == {("page", "b"): ([0, 1], []), ("page", "d"): ([2, 3], [])}
    again = PageRecords.following(loaded, "key")
    again.keep(("page", "b"), [0, 1], [])
    again.add(("page", "e"), [(("M", "d"), b"5")], [])  # one of five read by no job: kept as it is
    again.save(str(tmp_path / "records"))
    assert PageRecords.load(str(tmp_path / "records")).jobs == {("page", "b"): ([0, 1], []), ("page", "e"): ([4], [])}


def test_a_guide_with_a_rules_page_leaves_nothing_to_render_when_nothing_changed(root):
    """Whether the guide has a rules page is known only once MkDocs lists the files, after the process that
    finds the changed inputs was forked: the build evaluates such attributes itself."""
    (root / "mkdocs.yml").write_text("site_name: Rules\n")
    (root / "docs").mkdir()
    (root / "docs/rules.md").write_text("# Rules\n\n## CG201\n\nSchema.\n")
    build(root / "catalog", root / "site")
    build(root / "catalog", root / "site")
    again = build(root / "catalog", root / "site")
    assert again["rendered"] == 0 and again["theme_made"] == ["checks/"]  # the pages MkDocs renders read it too


def test_a_body_packed_comes_back_whole_and_no_longer_than_its_limit():
    body = "<p>caf\u00e9 \udcff</p>" * 50  # a file name's byte that is not UTF-8 reaches a page as a lone surrogate
    packed = pack_body(body)
    size = len(body.encode("utf-8", "surrogatepass"))
    assert len(packed) < size and unpack_body(packed, size) == body
    assert unpack_body(packed, size - 1) is None  # longer than the previous page's file: not that page's body
    assert unpack_body(packed[:-1], size) is None and unpack_body(packed + b"more", size) is None
    assert unpack_body(b"not compressed", 100) is None
