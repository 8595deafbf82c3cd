"""Promotion pages: where the promotion goes, marked with its state now, and why."""

from __future__ import annotations

import pytest

from testing.marks import PENDING_PROMOTION, REVOCATION, marks_in, marks_site, render, rendered


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict:
    return rendered(marks_site(tmp_path_factory.mktemp("marks")))


def summary(page) -> dict:
    fields = page.find_all("dl", cls="cg-fields")[1]
    return {dt.text(): dd for dt, dd in zip(fields.find_all("dt"), fields.find_all("dd"))}


def test_a_promotion_dated_after_now_says_pending_and_why(pages):
    fields = summary(render(pages, f"promotions/{PENDING_PROMOTION}/"))
    assert marks_in(fields["To"]) == {"prod": "pending"}
    assert (fields["State"].text().startswith("pending: ")
            and "after now (2025-06-01T00:00:00Z)" in fields["State"].text())


def test_a_revoked_promotion_links_to_its_revocation(pages):
    fields = summary(render(pages, "promotions/credit-risk-2-to-prod/"))
    assert marks_in(fields["To"]) == {"prod": "revoked"}
    assert fields["To"].find("a", cls="cg-mark-link").attrs["href"] == f"../{REVOCATION}/"


def test_a_promotion_in_force_is_a_plain_stage_badge(pages):
    fields = summary(render(pages, "promotions/credit-risk-3-to-prod/"))
    assert marks_in(fields["To"]) == {"prod": "in force"} and fields["To"].find_all("a") == []
    assert fields["State"].text().startswith("in force: in force since 2024-09-23")


def test_the_promotion_index_marks_where_each_goes(pages):
    table = render(pages, "promotions/").find("table", cls="cg-sortable")
    marked = {tr.find_all("td")[0].text(): marks_in(tr.find_all("td")[1]) for tr in table.find("tbody").find_all("tr")}
    assert marked[PENDING_PROMOTION] == {"prod": "pending"} and marked["credit-risk-3-to-prod"] == {"prod": "in force"}
    assert marked["credit-risk-3-registry-contoso-ml"] == {}  # shared into a registry, in force: no stage mark
