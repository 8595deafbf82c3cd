"""Stage marks as HTML: only an in-force stage is the coloured badge; the others say their state and link the reason."""

from __future__ import annotations

import pytest

from testing.marks import ERROR_PROMOTION, PENDING_PROMOTION, REVOCATION, marks_in, marks_site, render, rendered
from testing.site import parse_html


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict:
    return rendered(marks_site(tmp_path_factory.mktemp("marks")))


def stages_cell(page):
    fields = page.find_all("dl", cls="cg-fields")[1]  # the placement list after the header's
    return {dt.text(): dd for dt, dd in zip(fields.find_all("dt"), fields.find_all("dd"))}["Stages"]


@pytest.mark.parametrize("address, stage, state, reason", [
    ("models/credit-risk/1/", "prod", "pending", f"promotions/{PENDING_PROMOTION}/"),
    ("models/credit-risk/2/", "prod", "revoked", f"promotions/{REVOCATION}/"),
    ("models/fraud-detector-emea/1/", "prod", "with errors", f"promotions/{ERROR_PROMOTION}/#findings"),
])
def test_a_mark_not_in_force_says_its_state_and_links_its_reason(pages, address, stage, state, reason):
    cell = stages_cell(render(pages, address))
    link = next(a for a in cell.find_all("a", cls="cg-mark-link") if marks_in(a) == {stage: state})
    badge = link.find("span", cls="cg-mark")
    assert badge.text() == f"{stage}: {state}"  # in words, not colour alone
    assert "cg-stage" not in badge.classes()  # never the reached badge
    assert link.attrs["href"] == "../../../" + reason
    assert badge.attrs["title"]  # the reason in one line too


def test_in_force_stages_are_plain_stage_badges(pages):
    cell = stages_cell(render(pages, "models/credit-risk/3/"))
    assert marks_in(cell) == {"dev": "in force", "test": "in force", "prod": "in force"}
    assert [b.text() for b in cell.find_all("span", cls="cg-stage")] == ["dev", "test", "prod"]
    assert cell.find_all("a") == [] and cell.find_all("span", cls="cg-mark") == []


def test_the_promotion_timeline_marks_each_event(pages):
    timeline = render(pages, "models/credit-risk/2/").find("ol", cls="cg-timeline")
    states = [(span.attrs["data-stage"], span.attrs["data-state"]) for span in timeline.find_all("span")
              if "data-state" in span.attrs]
    assert ("prod", "revoked") in states and ("prod", "revocation") in states and ("test", "in force") in states


def test_an_in_force_badge_is_coloured_by_its_stage_position_without_a_search_of_the_stages(tmp_path):
    from catgen.website.pages.context import PageContext
    from catgen.website.pages.marks import mark_html
    from catgen.website.sitemodel import IN_FORCE, StageMark

    class Unwalkable(list):
        def __iter__(self):
            raise AssertionError("the stages were searched")

    site = marks_site(tmp_path)
    site.policy.stages = Unwalkable(site.policy.stages)  # its index was made when it was read
    ctx = PageContext(site, "models/credit-risk/3/")
    badges = [parse_html(mark_html(ctx, StageMark(stage, IN_FORCE))).find("span") for stage in ("prod", "dev", "qa")]
    assert [b.classes() for b in badges] == [{"cg-badge", "cg-stage", f"cg-stage-{order}"} for order in (2, 0, "x")]
