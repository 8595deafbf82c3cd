"""``read_history``: one git log, per-file changes oldest first, notes instead of crashes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from testing.gitrepo import GitRepo, isolate_git, run_cli
from testing.story import DATES, story_repo

from catgen.history.gitlog import commit_date, read_history


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


@pytest.mark.parametrize("stamp, date", [
    (0, datetime(1970, 1, 1, tzinfo=timezone.utc)),
    ((1 << 64) - 50399, datetime(1969, 12, 31, 10, 0, 1, tzinfo=timezone.utc)),  # git prints a date before 1970 so
    (253402300800, datetime(9999, 12, 31, tzinfo=timezone.utc)),  # 10000-01-01: after the last datetime's day
    (10 ** 30, datetime(9999, 12, 31, tzinfo=timezone.utc)),
    (-(10 ** 20), datetime(1, 1, 2, tzinfo=timezone.utc)),
])
def test_a_commit_date_is_the_datetime_it_says_or_the_end_of_the_range_it_is_past(stamp, date):
    assert commit_date(stamp) == date


HOSTILE_DATES = [  # as a commit object holds them, and as catgen dates the commit
    ("-50399 +1400", "1970-01-01T00:00:00Z"),  # git reads no number there (it shows 1970, and so does catgen)
    ("253402300800 +0000", "9999-12-31T00:00:00Z"),
    ("99999999999999999999999 +0000", "9999-12-31T00:00:00Z"),
    ("18446744073709551615 -1200", "1969-12-31T23:59:59Z"),
]


def test_commits_dated_out_of_range_stay_in_the_history_and_stop_no_command(tmp_path, monkeypatch, capsys):
    # A commit object is text: a change (or anyone) can give it any date. It was an internal error
    # (OverflowError) for ``catgen history``, ``status`` and ``build``.
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.add_example()
    commits = []
    for traffic, (stamp, _shown) in zip((90, 80, 70, 60), HOSTILE_DATES):
        repo.edit("deployments/credit-risk-dev.yaml", f"traffic: {traffic + 10}", f"traffic: {traffic}")
        commits.append(repo.commit_dated(stamp))
    monkeypatch.chdir(repo.path)
    dates = {c.commit: c.date.strftime("%Y-%m-%dT%H:%M:%SZ")
             for c in read_history("catalog").changes("deployments/credit-risk-dev.yaml")}
    assert [dates[commit] for commit in commits] == [shown for _stamp, shown in HOSTILE_DATES]
    code, out, err = run_cli(capsys, "history", "deployment:credit-risk-dev")
    assert (code, err) == (0, "")
    assert all(f"{shown}  changed   commit {commit[:12]}" in out for commit, (_, shown) in zip(commits, HOSTILE_DATES))
    assert run_cli(capsys, "status")[0] == 0
    assert run_cli(capsys, "build", "--site-dir", str(tmp_path / "site"))[0] == 0


def test_a_commit_before_1970_is_dated_as_it_says(tmp_path, monkeypatch):
    # git commits it, and its log prints the date as a 64-bit unsigned number.
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.add_example()
    repo.edit("deployments/credit-risk-dev.yaml", "traffic: 100", "traffic: 90")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "1970-01-01T00:00:01+14:00")
    commit = repo.commit("before 1970 in UTC")
    monkeypatch.chdir(repo.path)
    [change] = [c for c in read_history("catalog").changes("deployments/credit-risk-dev.yaml") if c.commit == commit]
    assert change.date == datetime(1969, 12, 31, 10, 0, 1, tzinfo=timezone.utc)
