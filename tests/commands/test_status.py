"""``catgen status --at``: at every boundary of the story (just before, at, just after each change)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from testing.gitrepo import run_cli
from testing.story import DATES, story_repo


def _prod(capsys, *args):
    code, out, err = run_cli(capsys, "status", "catalog", "--stage", "prod", "--format", "json", *args)
    assert code == 0, err
    document = json.loads(out)
    assert [s["name"] for s in document["stages"]] == ["prod"]
    return document, document["stages"][0]


def _serving(stage):
    endpoints = stage["endpoints"]
    if not endpoints:
        return None
    assert [(e["workspace"], e["endpoint"]) for e in endpoints] == [("workspace:prod", "scoring")]
    [deployment] = endpoints[0]["deployments"]
    assert deployment["deployment"] == "deployment:prod-blue"
    return deployment


@pytest.fixture
def story(tmp_path, monkeypatch):
    return story_repo(tmp_path, monkeypatch)


def test_before_the_first_commit_nothing_served_and_no_asset_existed(story, capsys):
    document, prod = _prod(capsys, "--at", "2024-09-01T09:59:59Z")
    assert document["at"] == "2024-09-01T09:59:59Z"
    assert prod["assets"] == [] and _serving(prod) is None


@pytest.mark.parametrize("at, model, traffic, step, promotion, approvers, assets", [
    ("2024-09-01T10:00:00Z", "model:m@1", 100, "C1", "promotion:m-1-to-prod", ["alice@x.com"], ["model:m@1"]),
    ("2024-09-10T09:59:59Z", "model:m@1", 100, "C1", "promotion:m-1-to-prod", ["alice@x.com"], ["model:m@1"]),
    ("2024-09-10T10:00:00Z", "model:m@2", 100, "C2", "promotion:m-2-to-prod", ["bob@x.com"],
     ["model:m@1", "model:m@2"]),
    ("2024-09-15T09:59:59Z", "model:m@2", 100, "C2", "promotion:m-2-to-prod", ["bob@x.com"],
     ["model:m@1", "model:m@2"]),
    # a traffic change alone does not move since/commit
    ("2024-09-15T10:00:00Z", "model:m@2", 90, "C2", "promotion:m-2-to-prod", ["bob@x.com"],
     ["model:m@1", "model:m@2"]),
    ("2024-09-20T08:59:59Z", "model:m@2", 90, "C2", "promotion:m-2-to-prod", ["bob@x.com"],
     ["model:m@1", "model:m@2"]),
    # revoked at 09:00, rolled back by the commit at 10:00: in between it serves without a standing promotion
    ("2024-09-20T09:00:00Z", "model:m@2", 90, "C2", None, [], ["model:m@1"]),
    ("2024-09-20T10:00:00Z", "model:m@1", 100, "C4", "promotion:m-1-to-prod", ["alice@x.com"], ["model:m@1"]),
    ("2024-09-20T10:00:01Z", "model:m@1", 100, "C4", "promotion:m-1-to-prod", ["alice@x.com"], ["model:m@1"]),
])
def test_at_each_boundary(story, capsys, at, model, traffic, step, promotion, approvers, assets):
    _, commits = story
    document, prod = _prod(capsys, "--at", at)
    assert document["at"] == at
    assert prod["assets"] == assets
    deployment = _serving(prod)
    assert deployment["model"] == model
    assert deployment["traffic"] == traffic
    assert deployment["since"] == DATES[step]
    assert deployment["commit"] == commits[step]
    assert deployment["promotion"] == promotion
    assert deployment["approved_by"] == approvers
    assert ("revoked_by" in deployment) == (promotion is None)


def test_a_bare_date_means_midnight_utc(story, capsys):
    document, prod = _prod(capsys, "--at", "2024-09-10")
    assert document["at"] == "2024-09-10T00:00:00Z"
    assert _serving(prod)["model"] == "model:m@1"


def test_without_at_the_working_tree_is_now(story, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1727000000")  # 2024-09-22T10:13:20Z
    document, prod = _prod(capsys)
    assert document["at"] == "2024-09-22T10:13:20Z"
    deployment = _serving(prod)
    shown = (deployment["model"], deployment["since"], deployment["commit"])
    assert shown == ("model:m@1", DATES["C4"], story[1]["C4"])


def test_stages_come_in_policy_order_and_text_names_the_approver(story, capsys):
    code, out, _ = run_cli(capsys, "status", "catalog", "--format", "json", "--at", "2024-09-12")
    assert [s["name"] for s in json.loads(out)["stages"]] == ["dev", "prod"]
    code, out, _ = run_cli(capsys, "status", "catalog", "--at", "2024-09-12")
    assert "deployment:prod-blue: model:m@2 at 100% traffic" in out and "approved by bob@x.com" in out
    code, out, _ = run_cli(capsys, "status", "catalog", "--at", "2024-09-12", "--format", "markdown")
    assert code == 0 and "## prod" in out


def test_an_unreadable_date_is_one_line_and_exit_2(story, capsys):
    code, _, err = run_cli(capsys, "status", "catalog", "--at", "yesterday")
    assert code == 2 and "--at 'yesterday'" in err


def test_a_folder_outside_git_gets_a_note_and_the_working_tree(story, capsys, monkeypatch, tmp_path):
    repo, _ = story
    outside = tmp_path / "outside"
    outside.mkdir()

    shutil.copytree(repo.catalog, outside / "catalog")
    monkeypatch.chdir(outside)
    code, out, err = run_cli(capsys, "status", "catalog", "--format", "json", "--stage", "prod")
    assert code == 0 and "note: no git history" in err and len(err.strip().splitlines()) == 1
    [deployment] = json.loads(out)["stages"][0]["endpoints"][0]["deployments"]
    assert deployment["model"] == "model:m@1" and deployment["since"] is None and deployment["commit"] is None


def test_a_shallow_clone_says_how_far_back_history_reaches(story, capsys, monkeypatch, tmp_path):
    repo, commits = story
    clone = tmp_path / "clone"

    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone)], check=True)
    monkeypatch.chdir(clone)
    code, out, err = run_cli(capsys, "status", "catalog", "--format", "json", "--stage", "prod",
                             "--at", "2024-09-16")
    assert code == 0 and "shallow clone" in err and "2024-09-15T10:00:00Z" in err
    [deployment] = json.loads(out)["stages"][0]["endpoints"][0]["deployments"]
    assert deployment["model"] == "model:m@2" and deployment["since"] == DATES["C3"]  # as far back as it reaches


def test_manifest_text_stays_inert_in_text_and_markdown(story, capsys):
    # The endpoint name is manifest text: it must not start a CI command nor become markup.
    path = story[0].catalog / "deployments/prod-blue.yaml"
    path.write_text(path.read_text().replace("endpoint: scoring", 'endpoint: "scoring\\n::error::x <b>y</b>"'))
    code, out, _ = run_cli(capsys, "status", "catalog")
    assert code == 0
    assert not [line for line in out.splitlines() if line.lstrip().startswith("::")]
    code, out, _ = run_cli(capsys, "status", "catalog", "--format", "markdown")
    assert code == 0 and "<b>" not in out
    assert not [line for line in out.splitlines() if line.lstrip().startswith("::")]
