"""The audit trail (/audit/): promotion requests, approvals, revocations and deployment changes in date order.

The example catalog (built once per session, outside git: no deployment changes) checks promotions,
labels and the filter markup; testing.story (a git repository with fixed commit dates, rendered
without MkDocs, once for the module) checks deployment changes, revocations and the pending mark.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import yaml

from catgen.website.pages.audit import audit_page
from catgen.website.pages.auditevents import stage_label
from catgen.website.pages.context import PageContext
from catgen.website.sitemodel import SiteModel
from testing.catalogs import EXAMPLE
from testing.site import headers, page_tree, parse_html, row_nodes, rows, working_dir
from testing.story import story_repo

HEADERS = ["Date", "Event", "Asset", "Stage", "Who", "Details", "Record"]
DATE, EVENT, ASSET, STAGE, WHO, DETAILS, RECORD = range(7)
AFTER_STORY = datetime(2024, 9, 22, 10, 13, 20, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """(repository, commit of each step); each test runs in its own folder, so ``story_page`` enters it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield story_repo(tmp_path_factory.mktemp("audit-story"), monkeypatch)


def story_page(story, now=AFTER_STORY):
    repo, _ = story
    with working_dir(repo.path):  # git history is the repository's that holds the current directory
        site = SiteModel.load(str(repo.catalog), now=now)
    _, html = audit_page(PageContext(site, "audit/"))
    return parse_html(html).find("div", cls="cg-page")


def trail(page):
    return page.find("table", cls="cg-audit")


# -- promotions (the example catalog) -------------------------------------------------------------


def test_every_promotion_and_approval_in_date_order(example_site):
    table = trail(page_tree(example_site, "audit"))
    assert headers(table) == HEADERS
    dates = [row[DATE] for row in rows(table)]
    assert dates == sorted(dates) and len(dates) > 14
    promotions = [yaml.safe_load(p.read_text()) for p in (EXAMPLE / "promotions").rglob("*.yaml")]
    approvals = sum(len(p["spec"].get("approvals") or []) for p in promotions)
    events = [row[EVENT].split()[0] for row in rows(table)]
    assert events.count("requested") == len(promotions) and events.count("approved") == approvals


def test_each_row_carries_its_filter_values(example_site):
    table = trail(page_tree(example_site, "audit"))
    for node, row in zip(row_nodes(table), rows(table)):
        assert node.attrs["data-date"] == row[DATE][:10]
        assert node.attrs["data-who"] == row[WHO]
        assert node.attrs["data-asset"] == row[ASSET]
        if all(m.attrs["data-state"] == "in force" for m in node.find_all("td")[STAGE].find_all(cls="cg-badge")
               if "data-state" in m.attrs):
            assert row[STAGE] == stage_label(node.attrs["data-stage"])  # "registry contoso-ml", "prod"


def test_filter_labels_are_readable_and_counted(example_site):
    page = page_tree(example_site, "audit")
    form = page.find("form", cls="cg-audit-filter")
    assert "hidden" in form.attrs  # without a script every row shows and the filters stay hidden
    options = {o.attrs["value"]: o.text() for o in form.find("select").find_all("option")}
    table_rows = row_nodes(trail(page))
    assert options[""] == f"any ({len(table_rows)})"
    assert options["registry:contoso-ml"].startswith("registry contoso-ml (")
    for value, label in options.items():
        if value:
            count = sum(r.attrs["data-stage"] == value for r in table_rows)
            assert label.endswith(f" ({count})") and "registry:" not in label and count > 0
    assert {i.attrs["name"] for i in form.find_all("input")} == {"asset", "person", "from", "to"}
    people = {o.attrs["value"] for o in page.find("datalist", id="cg-audit-people").find_all("option")}
    assert people == {r.attrs["data-who"] for r in table_rows}


def test_the_count_says_how_many_events_show(example_site):
    page = page_tree(example_site, "audit")
    count = page.find("p", cls="cg-audit-count")
    total = len(row_nodes(trail(page)))
    assert count.find("span", cls="cg-audit-shown").text() == str(total)
    assert count.text() == f"{total} of {total} events"


def test_references_sit_in_spans_that_never_wrap(example_site):
    page = page_tree(example_site, "audit")
    assert page.find("div", cls="cg-audit-scroll").find("table", cls="cg-audit")  # scrolls in its own box
    for tr in row_nodes(trail(page)):
        cells = tr.find_all("td")
        for column in (ASSET, RECORD):
            [ref] = cells[column].find_all("span", cls="cg-ref")
            assert ref.text() == cells[column].text() and ref.find_all("a")
    css = (example_site / "assets" / "catgen" / "catgen.css").read_text("utf-8")
    assert ".md-typeset .cg-ref a" in css and "white-space: nowrap" in css


def test_promotions_not_in_force_are_marked_with_the_reason_a_click_away():
    site = SiteModel.load(str(EXAMPLE), now=AFTER_STORY)  # then some promotions are dated after now
    table = trail(parse_html(audit_page(PageContext(site, "audit/"))[1]))
    pending = {p.name for p in site.by_kind["Promotion"] if p.spec["date"] > "2024-09-22T10:13:20Z"}
    marked = {}
    for node, row in zip(row_nodes(table), rows(table)):
        for mark in node.find_all("td")[STAGE].find_all("span", cls="cg-mark"):
            marked.setdefault(row[RECORD], set()).add(mark.attrs["data-state"])
            assert mark.attrs["title"] and row[STAGE].endswith(": " + mark.attrs["data-state"])
    assert pending and {name for name, states in marked.items() if "pending" in states} == pending


# -- deployment changes and revocations (testing.story, from git) ----------------------------------


def test_deployment_changes_come_from_git_with_commit_author_model_and_traffic(story):
    _, commits = story
    table = trail(story_page(story))
    changes = [(r[DATE], r[EVENT], r[ASSET], r[STAGE], r[WHO], r[DETAILS], r[RECORD]) for r in rows(table)
               if r[ASSET] == "deployment:prod-blue"]
    who = "Test <test@example.com>"
    assert changes == [
        ("2024-09-01T10:00:00Z", "added", "deployment:prod-blue", "prod", who,
         "model — → model:m@1; traffic — → 100", commits["C1"][:12]),
        ("2024-09-10T10:00:00Z", "changed", "deployment:prod-blue", "prod", who, "model model:m@1 → model:m@2",
         commits["C2"][:12]),
        ("2024-09-15T10:00:00Z", "changed", "deployment:prod-blue", "prod", who,
         "model model:m@2; traffic 100 → 90", commits["C3"][:12]),
        ("2024-09-20T10:00:00Z", "changed", "deployment:prod-blue", "prod", who,
         "model model:m@2 → model:m@1; traffic 90 → 100", commits["C4"][:12]),
    ]
    switch = [n for n in row_nodes(table) if n.find_all("td")[RECORD].text() == commits["C2"][:12]][0]
    assert switch.attrs["data-asset"] == "model:m@1 model:m@2 deployment:prod-blue"
    assert switch.find("code").attrs["title"] == commits["C2"]
    assert [a.attrs["href"] for a in switch.find_all("td")[DETAILS].find_all("a")] == ["../models/m/1/",
                                                                                      "../models/m/2/"]


def test_a_revocation_is_an_event_with_its_reason(story):
    table = trail(story_page(story))
    revoked = [r for r in rows(table) if r[EVENT] == "revoked"]
    assert revoked == [["2024-09-20T09:00:00Z", "revoked", "model:m@2", "prod: revocation", "rob@example.com",
                        "faulty", "m-2-revoked"]]
    events = [r[EVENT] for r in rows(table)]
    assert events.index("revoked") == len(events) - 2  # before the rollback commit at 10:00
    assert events.count("requested") == 2 and events.count("approved") == 2


def _states(table) -> list[tuple[str, str, str | None]]:
    """(event, record, state of its stage mark or None when in force) of every promotion event."""
    found = []
    for node, row in zip(row_nodes(table), rows(table)):
        marks = node.find_all("td")[STAGE].find_all("span", cls="cg-mark")
        if row[EVENT] in ("requested", "approved", "revoked"):
            found.append((row[EVENT], row[RECORD], marks[0].attrs["data-state"] if marks else None))
    return found


def test_a_promotion_dated_after_now_is_pending_and_a_revoked_one_says_so(story):
    before = _states(trail(story_page(story, now=datetime(2024, 9, 12, tzinfo=timezone.utc))))
    assert ("revoked", "m-2-revoked", "pending") in before
    assert ("requested", "m-2-to-prod", None) in before and ("requested", "m-1-to-prod", None) in before
    after = _states(trail(story_page(story)))
    assert ("requested", "m-2-to-prod", "revoked") in after and ("approved", "m-2-to-prod", "revoked") in after
    assert ("requested", "m-1-to-prod", None) in after and ("approved", "m-1-to-prod", None) in after
    assert all(state != "pending" for _, _, state in after)  # nothing is dated after now
