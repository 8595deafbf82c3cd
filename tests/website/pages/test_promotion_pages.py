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


PROMOTIONS = 60  # of one asset: more than a promotion page shows of its asset's timeline (``AROUND``)


@pytest.fixture(scope="module")
def busy_site(tmp_path_factory):
    from datetime import date, timedelta

    from catgen.website.sitemodel import SiteModel
    from testing.catalogs import POLICY, WORKSPACE, check, write

    root = tmp_path_factory.mktemp("promoted-often")
    write(root, "policy.yaml", POLICY)
    write(root, "workspaces/dev.yaml", WORKSPACE)
    write(root, "environments/py/1.yaml",
          "apiVersion: catgen/v1\nkind: Environment\nmetadata: {name: py, version: '1'}\n"
          "spec: {image: 'python@sha256:" + "a" * 64 + "', workspace: 'workspace:dev'}\n")
    for number in range(PROMOTIONS):
        day = date(2024, 1, 1) + timedelta(days=number)
        write(root, f"promotions/p-{number:02d}.yaml",
              f"apiVersion: catgen/v1\nkind: Promotion\nmetadata: {{name: p-{number:02d}}}\n"
              f"spec: {{stage: dev, asset: 'environment:py@1', requested_by: bob@contoso.com, date: {day}}}\n")
    return SiteModel.from_result(check(root))


def _timeline(site, url: str):
    from catgen.website.pages.context import PageContext
    from catgen.website.pages.generate import manifest_page
    from testing.site import parse_html

    manifest = next(m for m in site.pages if site.url(m) == url)
    _, html = manifest_page(PageContext(site, url), manifest)
    timeline = parse_html(html).find("ol", cls="cg-timeline")
    items = [child for child in timeline.children if not isinstance(child, str) and child.tag == "li"]
    return timeline, [item.text().split()[1].rstrip(":") for item in items], html  # "<date> <name>: to ..."


@pytest.mark.parametrize("number, first", [(0, 0), (30, 5), (59, 10)])
def test_a_promotion_page_shows_fifty_of_its_assets_promotions_about_it_and_links_to_all(busy_site, number, first):
    """Each promotion page listed every promotion of its asset: 4,000 of one model made a 9 GB site in 3 minutes."""
    from catgen.website.pages.promotions import AROUND
    from testing.site import parse_html

    _, listed, html = _timeline(busy_site, f"promotions/p-{number:02d}/")
    assert listed == [f"p-{n:02d}" for n in range(first, first + AROUND)] and f"p-{number:02d}" in listed
    (said,) = [p for p in parse_html(html).find_all("p") if p.text().startswith("Promotions ")]
    assert said.text() == (f"Promotions {first + 1} to {first + AROUND} of {PROMOTIONS}, about this one; "
                           f"all {PROMOTIONS} on the page of environment:py@1.")
    assert said.find("a").attrs["href"] == "../../environments/py/1/#promotions"


def test_the_assets_own_page_lists_every_promotion(busy_site):
    from testing.site import parse_html

    _, listed, html = _timeline(busy_site, "environments/py/1/")
    assert listed == [f"p-{n:02d}" for n in range(PROMOTIONS)]
    assert not [p for p in parse_html(html).find_all("p") if p.text().startswith("Promotions ")]
