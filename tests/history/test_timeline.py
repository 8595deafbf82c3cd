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


def test_a_stage_is_asked_only_about_the_versions_that_may_be_in_it(example, monkeypatch):
    """Every version was asked about every stage: 2,000 promotions to as many stage names (each a CG finding, but
    the status is still shown) made ``catgen status`` take 3.7 s, and the site's status timeline as long."""
    from catgen.graph.lineage import LineageGraph
    from catgen.history.report import status_document
    from catgen.website.statusdata import status_timeline
    from catgen.website.sitemodel import SiteModel
    from testing.catalogs import check

    promotion = (example / "promotions/credit-risk-1-to-test.yaml").read_text(encoding="utf-8")
    for number in range(40):
        (example / f"promotions/elsewhere-{number}.yaml").write_text(promotion.replace(
            "name: credit-risk-1-to-test", f"name: elsewhere-{number}").replace("stage: test", f"stage: s{number}"),
            encoding="utf-8")
    asked = []
    in_stage = LineageGraph.in_stage
    monkeypatch.setattr(LineageGraph, "in_stage", lambda self, *a, **k: asked.append(a[1]) or in_stage(self, *a, **k))
    site = SiteModel.from_result(check(example))
    timeline = site.timeline
    document = status_document(timeline, timeline.now, past=False)
    assert [s["name"] for s in document["stages"]][-40:] == sorted(f"s{n}" for n in range(40))
    assert all(s["assets"] == ["model:credit-risk@1"] for s in document["stages"] if s["name"].startswith("s"))
    versions = sum(len(example_kind) for example_kind in (timeline.catalog.of_kind(k) for k in
                                                          ("Model", "Data", "Environment", "Component")))
    stages = len(document["stages"])
    # The first stage asks each version; every other stage only those with an event for it (not stages x versions).
    assert len(asked) < 4 * versions < stages * versions // 10
    looked_up = []
    stage_history = LineageGraph.stage_history
    monkeypatch.setattr(LineageGraph, "stage_history",
                        lambda self, asset, stage: looked_up.append(stage) or stage_history(self, asset, stage))
    status_timeline(site)
    assert looked_up and looked_up.count("s0") < 10  # not once per version
