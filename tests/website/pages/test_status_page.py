"""The /status/ page, its timeline file, deployment histories and model serving histories, on testing.story.

The story (fixed commit dates): C1 2024-09-01 m@1 serves prod-blue at 100; C2 2024-09-10 m@2; C3 2024-09-15
traffic 90; C4 2024-09-20 m@2 revoked (09:00), rolled back to m@1 at 100 (10:00).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from catgen.dates import parse_timestamp
from catgen.history.report import status_document
from catgen.history.timeline import open_timeline
from testing.catalogs import EXAMPLE, write
from testing.site import (
    STORY_NOW, build, build_story_site, headers, page_html, page_tree, parse_html, rows, section, site_files,
)
from testing.gitrepo import isolate_git
from testing.story import story_repo


STORY_NOW_STAMP = "2024-09-22T10:13:20Z"
assert parse_timestamp(STORY_NOW_STAMP).timestamp() == int(STORY_NOW)


@pytest.fixture(scope="module")
def _story_built(tmp_path_factory) -> tuple:
    """The story built once for the module (each build takes most of a second; the tests only read it)."""
    root = tmp_path_factory.mktemp("story")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CATGEN_CACHE_DIR", str(root / ".catgen-cache"))
        site, commits = build_story_site(root, patch)
    return root, site, commits


@pytest.fixture
def story_site(_story_built, monkeypatch):
    """(site, commit of each step), from the story's repository with git isolated as it was built."""
    root, site, commits = _story_built
    isolate_git(root, monkeypatch)
    monkeypatch.chdir(root / "repo")
    return site, commits


def _strict_json(text: str):
    def refuse(constant):
        raise AssertionError(f"not strict JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


def _timeline(site) -> dict:
    return _strict_json((site / "status" / "timeline.json").read_text("utf-8"))


def _state_at(data: dict, at: str) -> dict:
    """What the page's script does: the pieces with from <= at < until, grouped in file order."""
    def holds(piece):
        return (piece["from"] is None or piece["from"] <= at) and (piece["until"] is None or at < piece["until"])
    stages = {name: {"name": name, "assets": [], "endpoints": []} for name in data["stages"]}
    for piece in data["assets"]:
        if holds(piece):
            stages[piece["stage"]]["assets"].append(piece["ref"])
    for piece in data["deployments"]:
        if holds(piece):
            endpoints = stages[piece["stage"]]["endpoints"]
            if not endpoints or (endpoints[-1]["workspace"], endpoints[-1]["endpoint"]) != (piece["workspace"],
                                                                                             piece["endpoint"]):
                endpoints.append({"workspace": piece["workspace"], "endpoint": piece["endpoint"], "deployments": []})
            endpoints[-1]["deployments"].append(piece["entry"])
    return {"at": at, "stages": list(stages.values())}


def _prod(document) -> dict:
    [prod] = [s for s in document["stages"] if s["name"] == "prod"]
    return prod


def _serving(prod) -> tuple | None:
    if not prod["endpoints"]:
        return None
    [endpoint] = prod["endpoints"]
    [entry] = endpoint["deployments"]
    return (endpoint["workspace"], endpoint["endpoint"], entry["deployment"], entry["model"], entry["traffic"],
            entry["since"], entry["commit"], entry["promotion"], entry["approved_by"])


# -- the timeline file -----------------------------------------------------------


M1_C1 = ("model:m@1", 100, "2024-09-01T10:00:00Z", "C1", "promotion:m-1-to-prod", ["alice@x.com"])
M2_C2 = ("model:m@2", 100, "2024-09-10T10:00:00Z", "C2", "promotion:m-2-to-prod", ["bob@x.com"])
M1_C4 = ("model:m@1", 100, "2024-09-20T10:00:00Z", "C4", "promotion:m-1-to-prod", ["alice@x.com"])


@pytest.mark.parametrize("at, expected", [
    ("2024-09-01T09:59:59Z", None),
    ("2024-09-01T10:00:00Z", M1_C1),
    ("2024-09-10T09:59:59Z", M1_C1),
    ("2024-09-10T10:00:00Z", M2_C2),
    ("2024-09-15T09:59:59Z", M2_C2),
    ("2024-09-15T10:00:00Z", ("model:m@2", 90, "2024-09-10T10:00:00Z", "C2", "promotion:m-2-to-prod", ["bob@x.com"])),
    # revoked at 09:00, rolled back by the commit at 10:00: in between it serves without a standing promotion
    ("2024-09-20T09:00:00Z", ("model:m@2", 90, "2024-09-10T10:00:00Z", "C2", None, [])),
    ("2024-09-20T10:00:00Z", M1_C4),
    ("2030-01-01T00:00:00Z", M1_C4),
])
def test_the_timeline_gives_the_state_at_every_boundary(story_site, at, expected):
    site, commits = story_site
    served = _serving(_prod(_state_at(_timeline(site), at)))
    if expected is None:
        assert served is None
        return
    model, traffic, since, step, promotion, approvers = expected
    assert served == ("workspace:prod", "scoring", "deployment:prod-blue", model, traffic, since, commits[step],
                      promotion, approvers)


BOUNDARIES = [f"2024-09-{day}T{time}Z" for day in ("01", "10", "15", "20")
              for time in ("08:59:59", "09:00:00", "09:29:59", "09:30:00", "09:59:59", "10:00:00", "10:00:01")]


@pytest.mark.parametrize("at", ["2024-08-01T00:00:00Z", *BOUNDARIES, "2024-09-22T10:13:20Z"])
def test_the_timeline_gives_what_catgen_status_at_gives(story_site, at):
    """The page computes nothing of its own: at every boundary it shows ``catgen status --at``'s document."""
    site, _ = story_site
    timeline = open_timeline("catalog", parse_timestamp(STORY_NOW_STAMP))
    expected = json.loads(json.dumps(status_document(timeline, parse_timestamp(at), past=True)))
    assert _state_at(_timeline(site), at) == expected


def test_the_timeline_says_how_far_history_reaches_and_holds_now(story_site):
    site, commits = story_site
    data = _timeline(site)
    assert data["format"] == "catgen-status-timeline/1"
    assert data["history"] == {"available": True, "from": "2024-09-01T10:00:00Z", "note": None}
    assert data["stages"] == ["dev", "prod"]
    assert data["now"]["at"] is None  # the build's time is not written: builds are reproducible
    assert _serving(_prod(data["now"]))[3] == "model:m@1"
    assert data["urls"]["model:m@2"] == "models/m/2/"
    assert data["urls"]["deployment:prod-blue"] == "deployments/prod-blue/"
    pieces = [(p["from"], p["until"], p["entry"]["model"], p["entry"]["promotion"]) for p in data["deployments"]]
    assert pieces == [  # one piece per change of what the endpoint shows, none after now
        ("2024-09-01T10:00:00Z", "2024-09-10T10:00:00Z", "model:m@1", "promotion:m-1-to-prod"),
        ("2024-09-10T10:00:00Z", "2024-09-15T10:00:00Z", "model:m@2", "promotion:m-2-to-prod"),
        ("2024-09-15T10:00:00Z", "2024-09-20T09:00:00Z", "model:m@2", "promotion:m-2-to-prod"),
        ("2024-09-20T09:00:00Z", "2024-09-20T10:00:00Z", "model:m@2", None),
        ("2024-09-20T10:00:00Z", None, "model:m@1", "promotion:m-1-to-prod"),
    ]


def test_a_revoked_model_leaves_the_stage_at_the_revocation(story_site):
    site, _ = story_site
    data = _timeline(site)
    assert _prod(_state_at(data, "2024-09-20T08:59:59Z"))["assets"] == ["model:m@1", "model:m@2"]
    revoked = _prod(_state_at(data, "2024-09-20T09:00:00Z"))
    assert revoked["assets"] == ["model:m@1"]
    assert revoked["endpoints"][0]["deployments"][0]["revoked_by"] == "promotion:m-2-revoked"


# -- the page --------------------------------------------------------------------


def _stage_nodes(page):
    return {s.attrs["data-stage"]: s for s in page.find("div", cls="cg-status-view").find_all("section")}


def test_the_page_shows_now_as_html_and_embeds_the_timeline(story_site):
    site, commits = story_site
    page = page_tree(site, "status/")
    stages = _stage_nodes(page)
    assert list(stages) == ["dev", "prod"]
    prod = stages["prod"]
    assert [li.text() for li in prod.find("ul", cls="cg-status-assets").find_all("li")] == ["model:m@1"]
    table = prod.find("table", cls="cg-status-endpoints")
    assert headers(table) == ["Workspace", "Endpoint", "Deployment", "Model", "Traffic", "Since", "Commit",
                              "Promotion", "Approved by"]
    assert rows(table) == [["workspace:prod", "scoring", "deployment:prod-blue", "model:m@1", "100",
                            "2024-09-20T10:00:00Z", commits["C4"][:12], "promotion:m-1-to-prod", "alice@x.com"]]
    assert ("model:m@1", "../models/m/1/") in table.links()
    form = page.find("form", cls="cg-status-when")
    assert "hidden" in form.attrs and form.find("input", id=None).attrs["type"] == "date"
    assert page.find("p", cls="cg-status-history").text() == "Git history reaches back to 2024-09-01T10:00:00Z."
    embedded = page.find("script", id="cg-status-timeline")
    assert embedded.attrs["type"] == "application/json"
    assert _strict_json(embedded.text()) == _timeline(site)


def test_the_status_script_is_vendored_and_linked_from_nav_and_home(story_site):
    site, _ = story_site
    html = page_html(site, "status/")
    assert '<script src="../assets/catgen/catgen-status.js"' in html
    assert (site / "assets" / "catgen" / "catgen-status.js").is_file()
    assert any(text == "Status" and href == "status/" for text, href in page_tree(site, "").links())
    nav_links = [a for nav in parse_html(page_html(site, "")).find_all("nav") for a in nav.find_all("a")]
    assert ("Status", "status/") in [(a.text(), a.attrs.get("href")) for a in nav_links]


def test_the_deployment_page_has_its_history(story_site):
    site, commits = story_site
    table = section(page_tree(site, "deployments/prod-blue/"), "History").find("table")
    assert headers(table) == ["Date", "Event", "Author", "Commit", "Model", "Traffic"]
    assert [[r[0], r[1], r[3], r[4], r[5]] for r in rows(table)] == [
        ["2024-09-01T10:00:00Z", "added", commits["C1"][:12], "— → model:m@1", "— → 100"],
        ["2024-09-10T10:00:00Z", "changed", commits["C2"][:12], "model:m@1 → model:m@2", "100"],
        ["2024-09-15T10:00:00Z", "changed", commits["C3"][:12], "model:m@2", "100 → 90"],
        ["2024-09-20T10:00:00Z", "changed", commits["C4"][:12], "model:m@2 → model:m@1", "90 → 100"],
    ]


@pytest.mark.parametrize("address, spells", [
    ("models/m/1/", [["prod-blue", "scoring", "2024-09-01T10:00:00Z", "2024-09-10T10:00:00Z"],
                     ["prod-blue", "scoring", "2024-09-20T10:00:00Z", "now"]]),
    ("models/m/2/", [["prod-blue", "scoring", "2024-09-10T10:00:00Z", "2024-09-20T10:00:00Z"]]),
])
def test_a_model_page_says_where_and_when_it_served(story_site, address, spells):
    site, _ = story_site
    table = section(page_tree(site, address), "Serving history").find("table")
    assert headers(table) == ["Deployment", "Endpoint", "From", "Until"]
    assert rows(table) == spells


# -- history that is missing, cut short or hostile ---------------------------------


def test_a_catalog_outside_git_says_so_and_shows_now(example_site):
    """The test builds from a folder outside git: stages in the past come from promotion dates, deployments
    only from the working tree (now)."""
    page = page_tree(example_site, "status/")
    reach = page.find("p", cls="cg-status-history").text()
    assert reach.startswith("no git history for the catalog (") and "deployments are known only now" in reach
    assert str(EXAMPLE) not in page_html(example_site, "status/")
    assert any(s.find_all("table") for s in _stage_nodes(page).values())  # now, from the working tree
    data = _timeline(example_site)
    assert data["history"]["available"] is False and data["history"]["from"] is None
    assert data["assets"] and data["deployments"] == []


def test_a_shallow_clone_says_how_far_back_history_reaches(tmp_path, monkeypatch):
    repo, _ = story_repo(tmp_path, monkeypatch)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True)
    monkeypatch.chdir(clone)
    build(clone / "catalog", tmp_path / "site", cwd=clone)
    reach = page_tree(tmp_path / "site", "status/").find("p", cls="cg-status-history").text()
    assert reach.startswith("shallow clone: history of the catalog reaches back only to 2024-09-20T10:00:00Z")
    assert _timeline(tmp_path / "site")["history"]["from"] == "2024-09-20T10:00:00Z"


def test_hostile_text_in_past_commits_stays_text(tmp_path, monkeypatch):
    repo, _ = story_repo(tmp_path, monkeypatch)
    write(repo.catalog, "deployments/prod-blue.yaml", (repo.catalog / "deployments/prod-blue.yaml").read_text()
          .replace("endpoint: scoring", "endpoint: '</script><img src=x onerror=alert(1)>'"))
    repo.commit("hostile endpoint")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4000000000")
    build(repo.catalog, tmp_path / "site", cwd=repo.path)
    html = page_html(tmp_path / "site", "status/")
    assert "<img src=x" not in html and html.count("</script>") == html.count("<script")
    embedded = parse_html(html).find("script", id="cg-status-timeline").text()
    assert "</script><img src=x onerror=alert(1)>" in json.dumps(_strict_json(embedded), ensure_ascii=False)


def test_two_builds_of_a_history_are_byte_identical(tmp_path, monkeypatch):
    site, _ = build_story_site(tmp_path, monkeypatch)
    build(tmp_path / "repo" / "catalog", tmp_path / "again", cwd=tmp_path / "repo")
    first, second = site_files(site), site_files(tmp_path / "again")
    assert first.keys() == second.keys() and [k for k in first if first[k] != second[k]] == []


def test_the_example_catalog_has_a_status_page(example_site):
    assert (example_site / "status" / "index.html").is_file() and EXAMPLE.is_dir()
