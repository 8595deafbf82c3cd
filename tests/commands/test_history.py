"""``catgen history``: the story's model and deployment, event by event."""

from __future__ import annotations

import json

import pytest

from testing.gitrepo import run_cli
from testing.story import DATES, story_repo


@pytest.fixture
def story(tmp_path, monkeypatch):
    return story_repo(tmp_path, monkeypatch)


def _events(capsys, ref):
    code, out, err = run_cli(capsys, "history", ref, "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["ref"] == ref
    return document["events"]


def test_the_model_is_created_promoted_approved_and_revoked_in_date_order(story, capsys):
    _, commits = story
    events = _events(capsys, "model:m@2")
    assert [(e["event"], e["date"]) for e in events] == [
        ("promoted", "2024-09-10T09:00:00Z"), ("approved", "2024-09-10T09:30:00Z"),
        ("created", DATES["C2"]), ("revoked", "2024-09-20T09:00:00Z")]
    assert events[1]["by"] == "bob@x.com" and events[1]["promotion"] == "promotion:m-2-to-prod"
    assert events[2]["commit"] == commits["C2"] and events[2]["author"] == "Test <test@example.com>"
    assert events[3]["reason"] == "faulty" and events[3]["stage"] == "prod"


def test_the_deployment_lists_each_commit_with_model_and_traffic_before_and_after(story, capsys):
    _, commits = story
    events = _events(capsys, "deployment:prod-blue")
    assert [(e["event"], e["date"], e["commit"]) for e in events] == [
        ("added", DATES["C1"], commits["C1"]), ("changed", DATES["C2"], commits["C2"]),
        ("changed", DATES["C3"], commits["C3"]), ("changed", DATES["C4"], commits["C4"])]
    assert [(e["model"]["from"], e["model"]["to"]) for e in events] == [
        (None, "model:m@1"), ("model:m@1", "model:m@2"), ("model:m@2", "model:m@2"), ("model:m@2", "model:m@1")]
    traffic = [(e["traffic"]["from"], e["traffic"]["to"]) for e in events]
    assert traffic == [(None, 100), (100, 100), (100, 90), (90, 100)]


def test_a_deleted_deployment_keeps_its_history(story, capsys):
    repo, _ = story
    (repo.catalog / "deployments/prod-blue.yaml").unlink()
    repo.commit("retire prod-blue")
    events = _events(capsys, "deployment:prod-blue")
    assert events[-1]["event"] == "deleted" and events[-1]["model"] == {"from": "model:m@1", "to": None}


def test_a_commit_of_a_deployment_that_cannot_be_read_is_unreadable_not_deleted(story, capsys):
    repo, _ = story
    manifest = repo.catalog / "deployments/prod-blue.yaml"
    readable = manifest.read_text()
    for broken in ("spec: [unclosed\n", readable.replace("kind: Deployment", "kind: Model")):
        manifest.write_text(broken)
        repo.commit("broken")
    manifest.write_text(readable)
    repo.commit("mended")
    events = _events(capsys, "deployment:prod-blue")
    assert [e["event"] for e in events[-3:]] == ["unreadable", "unreadable", "added"]
    assert events[-3]["model"] == {"from": "model:m@1", "to": None}


def test_text_shows_one_line_per_event(story, capsys):
    code, out, _ = run_cli(capsys, "history", "deployment:prod-blue")
    assert code == 0 and "model model:m@2 -> model:m@1, traffic 90 -> 100" in out
    code, _, err = run_cli(capsys, "history", "workspace:prod")
    assert code == 2 and "asset versions and deployments" in err


def test_a_reason_cannot_forge_a_ci_command_in_the_text_output(story, capsys):
    # A revocation's reason is manifest text: a line break and '::error::' in it must stay inert.
    path = story[0].catalog / "promotions/m-2-revoked.yaml"
    path.write_text(path.read_text().replace("reason: faulty", 'reason: "faulty\\n::error file=x::forged ##[x]"'))
    code, out, _ = run_cli(capsys, "history", "model:m@2")
    assert code == 0
    assert not [line for line in out.splitlines() if line.lstrip().startswith("::") or "##" in line]
    assert "faulty\\n::error file=x::forged" in out  # shown, escaped, on the revocation's own line
