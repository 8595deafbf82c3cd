"""``Timeline``: deployments at T from git, since/commit not moved by traffic changes."""

from __future__ import annotations

from testing.story import story_repo

from catgen.dates import parse_timestamp
from catgen.history.timeline import open_timeline


def test_deployments_at_each_step(tmp_path, monkeypatch):
    _, commits = story_repo(tmp_path, monkeypatch)
    timeline = open_timeline("catalog", parse_timestamp("2024-10-01"))
    assert timeline.deployments_at(parse_timestamp("2024-08-31")) == []
    [served] = timeline.deployments_at(parse_timestamp("2024-09-16"))
    assert (served.model, served.traffic, served.commit) == ("model:m@2", 90, commits["C2"])
    [now] = timeline.deployments_at(None)
    assert (now.model, now.commit) == ("model:m@1", commits["C4"])


def test_an_uncommitted_switch_starts_now(tmp_path, monkeypatch):
    repo, _ = story_repo(tmp_path, monkeypatch)
    repo.edit("deployments/prod-blue.yaml", "model:m@1", "model:m@2")
    now = parse_timestamp("2024-10-01")
    [served] = open_timeline("catalog", now).deployments_at(None)
    assert (served.model, served.since, served.commit) == ("model:m@2", now, None)
