"""The check state (``checking/state.py``): records by column, stored and read back, and which files changed.

``changed_paths`` has two ways to find the files to read again: whole columns
compared at once when the listing holds the stored paths in the stored order,
else a look-up per path. Both are run on the same folders here and must agree;
and a change is found whatever way it was made (other bytes of the same size
and time within the racy window, a new inode, a link in a file's place).
"""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

import pytest

from catgen.checking.state import (
    DIGEST, FLAGS, MTIME, RACY_NS, SIZE, Records, StateStore, changed_paths, content_digest, trusted_before,
)
from catgen.load.sources import DirectorySource

FILES = {"a.yaml": b"a: 1\n", "m/b.yaml": b"b: 2\n", "m/c.yaml": b"c: 3\n", "z.yml": b"z: 4\n"}
SETTLED_NS = time.time_ns() - 3600 * 10**9  # an hour ago: outside any racy window


def _folder(root: Path) -> DirectorySource:
    for relpath, raw in FILES.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_bytes(raw)
        os.utime(root / relpath, ns=(SETTLED_NS, SETTLED_NS))
    return DirectorySource(str(root))


def _state(source: DirectorySource, *, order=sorted, listed_ns: int | None = None) -> dict:
    """The state a check would have left of the folder as it is now (kind, links: made up, unread here)."""
    records = {seen.relpath: (*seen[1:], content_digest((Path(source.root) / seen.relpath).read_bytes()),
                              "Model", None, None, "", "", "")
               for seen in source.stats()}
    files = Records.of({path: records[path] for path in order(records)})
    return {"files": files, "listed_ns": time.time_ns() if listed_ns is None else listed_ns}


def _both_ways(source: DirectorySource, state: dict) -> tuple[set, dict]:
    """``changed_paths`` by columns and by path look-ups (the stored paths in another order): the same answer."""
    listing = source.stats()
    paths = [seen.relpath for seen in listing]
    by_columns = changed_paths(source, listing, paths, state)
    stored = state["files"]
    reversed_order = Records.of({path: stored[path] for path in reversed(stored.paths)})
    by_path = changed_paths(source, listing, paths, {**state, "files": reversed_order})
    assert by_columns == by_path
    return by_columns


def test_records_by_column_by_path_and_replaced():
    records = Records.of({"a": (1, 2, 3, 0, "d1", "Model", "k", None, "", "", ""),
                          "b": (4, 5, 6, 0, "d2", "Policy", None, None, "x", "", "")})
    assert records.paths == ["a", "b"] and records.columns[SIZE] == [1, 4]
    assert records["b"][DIGEST] == "d2" and "a" in records and "c" not in records and records.get("c") is None
    assert dict(records.items()) == {"a": records["a"], "b": records["b"]} and list(records) == ["a", "b"]
    changed = records.replaced({"b": (7, 8, 9, 0, "d3", "Policy", None, None, "", "", "")})
    assert changed["b"][DIGEST] == "d3" and changed["a"] == records["a"]
    assert records["b"][DIGEST] == "d2"  # the original is left as it was
    assert len(Records.of({})) == 0 and Records.of({}).columns == [[] for _ in range(11)]


def test_a_saved_state_reads_back_as_the_same_records(tmp_path):
    store = StateStore("root", directory=str(tmp_path))
    records = Records.of({"a.yaml": (1, 2, 3, 0, "d", "Model", "model\x1fa\x1f1", None, "", "", "")})
    findings = {"a.yaml": [("CG201", "schema", "error", "a.yaml", 1, 1, "bad", None)]}
    store.save(records, findings, (None, 5))
    loaded = store.load()
    assert dict(loaded["files"].items()) == dict(records.items())
    assert (loaded["findings"], loaded["horizon"], loaded["listed_ns"]) == (findings, (None, 5), store.listed_ns)
    assert StateStore("another root", directory=str(tmp_path)).load() is None


@pytest.mark.parametrize("files", [
    (["a", "a"], [[1, 1]] * 4 + [["d", "d"], ["Model", "Model"], [None, None], [None, None]] + [["", ""]] * 3),
    (["a"], [[1]] * 4 + [["d"], ["Model"], [None], [None]] + [[""]] * 2),  # a column short
    (["a"], [[1]] * 3 + [["1"]] + [["d"], ["Model"], [None], [None]] + [[""]] * 3),  # flags not an int
    (["a"], [[1, 2]] + [[1]] * 3 + [["d"], ["Model"], [None], [None]] + [[""]] * 3),  # a column too long
])
def test_a_state_whose_records_are_of_another_shape_is_no_state(tmp_path, files):
    store = StateStore("root", directory=str(tmp_path))
    Path(store.path).write_bytes(marshal.dumps({"format": 1, "root": "root", "listed_ns": 0, "files": files,
                                                "findings": {}, "horizon": (None, None)}))
    assert store.load() is None


def test_nothing_changed_reads_nothing(tmp_path, monkeypatch):
    source = _folder(tmp_path)
    state = _state(source)
    monkeypatch.setattr(source, "read", lambda relpath: pytest.fail(f"read {relpath}"))
    assert _both_ways(source, state) == (set(), {})


def test_other_bytes_of_the_same_size_and_time_are_found_within_the_racy_window(tmp_path):
    source = _folder(tmp_path)
    path = tmp_path / "m/b.yaml"
    racy = _state(source, listed_ns=SETTLED_NS + RACY_NS // 2)  # listed just after the files were last written
    settled = _state(source, listed_ns=SETTLED_NS + RACY_NS + 1)  # listed when their stat could be trusted
    path.write_bytes(b"b: 9\n")  # in place: same inode, same size
    os.utime(path, ns=(SETTLED_NS, SETTLED_NS))
    changed, restated = _both_ways(source, racy)
    assert changed == {"m/b.yaml"}  # the others were read too (as recent), found the same and restated as they were
    assert restated == {path: racy["files"][path] for path in ("a.yaml", "m/c.yaml", "z.yml")}
    assert _both_ways(source, settled) == (set(), {})  # a trusted stat is not read: what stat sees is the contract


def test_a_file_in_another_inode_is_read_and_found(tmp_path):
    source = _folder(tmp_path)
    state = _state(source)
    path = tmp_path / "m/c.yaml"
    (tmp_path / "new").write_bytes(b"c: 8\n")
    os.replace(tmp_path / "new", path)
    os.utime(path, ns=(SETTLED_NS, SETTLED_NS))
    assert _both_ways(source, state) == ({"m/c.yaml"}, {})


def test_a_touched_file_with_the_same_bytes_is_restated_not_changed(tmp_path):
    source = _folder(tmp_path)
    state = _state(source)
    path = tmp_path / "a.yaml"
    os.utime(path, ns=(SETTLED_NS, SETTLED_NS + 10**9))
    changed, restated = _both_ways(source, state)
    assert changed == set() and list(restated) == ["a.yaml"]
    assert restated["a.yaml"][MTIME] == SETTLED_NS + 10**9
    assert restated["a.yaml"][DIGEST] == state["files"]["a.yaml"][DIGEST]


def test_a_file_of_another_size_is_changed_without_being_read(tmp_path, monkeypatch):
    source = _folder(tmp_path)
    state = _state(source)
    (tmp_path / "z.yml").write_bytes(b"z: 40\n")
    monkeypatch.setattr(source, "read", lambda relpath: pytest.fail(f"read {relpath}"))
    assert _both_ways(source, state) == ({"z.yml"}, {})


def test_added_removed_and_replaced_by_a_link_are_changed(tmp_path):
    source = _folder(tmp_path)
    state = _state(source)
    (tmp_path / "a.yaml").unlink()
    (tmp_path / "m/new.yaml").write_bytes(b"n: 1\n")
    (tmp_path / "z.yml").unlink()
    (tmp_path / "z.yml").symlink_to(tmp_path / "m/b.yaml")
    listing = source.stats()
    changed, restated = changed_paths(source, listing, [seen.relpath for seen in listing], state)
    assert (changed, restated) == ({"a.yaml", "m/new.yaml", "z.yml"}, {})
    assert state["files"]["z.yml"][FLAGS] == 0 and [s.kind for s in listing if s.relpath == "z.yml"] == [1]


def test_trusted_before_is_the_racy_window_before_the_listing():
    assert trusted_before(10 * RACY_NS) == 9 * RACY_NS
