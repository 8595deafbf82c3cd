"""``read_history``: one git log, per-file changes oldest first, notes instead of crashes."""

from __future__ import annotations

from testing.story import DATES, story_repo

from catgen.history.gitlog import read_history


def test_changes_per_file_oldest_first_with_committer_dates(tmp_path, monkeypatch):
    _, commits = story_repo(tmp_path, monkeypatch)
    history = read_history("catalog")
    assert history.available and history.note is None
    changes = history.changes("deployments/prod-blue.yaml")
    expected = [(commits["C1"], "A")] + [(commits[s], "M") for s in ("C2", "C3", "C4")]
    assert [(c.commit, c.status) for c in changes] == expected
    assert changes[0].date.strftime("%Y-%m-%dT%H:%M:%SZ") == DATES["C1"]
    blobs = history.contents(changes)
    assert b"traffic: 90" in blobs[changes[2].blob]


def test_outside_git_is_a_note(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "catalog").mkdir()
    monkeypatch.chdir(tmp_path)
    history = read_history("catalog")
    assert not history.available and history.files == {} and history.note.startswith("note: no git history")
