"""The home page: counts per kind, the stage board, the latest promotions."""

from __future__ import annotations

import pytest

from testing.marks import ERROR_PROMOTION, PENDING_PROMOTION, marks_in, marks_site, render, rendered
from testing.site import headers, page_tree, row_nodes, rows, section


def test_home_page_counts_every_kind_and_links_its_index(example_site):
    table = section(page_tree(example_site, ""), "Catalog").find("table")
    assert headers(table) == ["Kind", "Manifests"]
    counts = dict((kind, int(count)) for kind, count in rows(table))
    assert counts["Models"] >= 3 and "Policy" not in counts and "" not in counts
    assert ("Models", "models/") in table.links()


def test_stage_board_puts_each_model_in_its_furthest_stage(example_site):
    board = section(page_tree(example_site, ""), "stages").find("div", cls="cg-board")
    columns = {column.find("h3").text(): [li.find_all("a")[0].text() for li in column.find("ul").find_all("li")
                                          if li.find_all("a")]  # an empty column holds one "—"
               for column in board.find_all("div", cls="cg-stage-column")}
    assert list(columns) == ["dev", "test", "prod"]
    assert "credit-risk 3" in columns["prod"] and "credit-risk 1" in columns["test"]
    assert not any("credit-risk 3" in models for stage, models in columns.items() if stage != "prod")


def test_latest_promotions_are_newest_first(example_site):
    table = section(page_tree(example_site, ""), "Latest promotions").find("table")
    assert headers(table) == ["Date", "Asset", "To", "Requested by", "Promotion"]
    dates = [row[0] for row in rows(table)]
    assert dates == sorted(dates, reverse=True) and 0 < len(dates) <= 10


# -- stage marks at a fixed now (testing.marks): what is pending is never counted as done -------------------


@pytest.fixture(scope="module")
def marked_home(tmp_path_factory):
    return render(rendered(marks_site(tmp_path_factory.mktemp("marks"))), "")


def board_columns(page) -> dict:
    board = section(page, "stages").find("div", cls="cg-board")
    return {column.find("h3").text(): [li.find_all("a")[0].text() for li in column.find("ul").find_all("li")
                                       if li.find_all("a")] for column in board.find_all("div", cls="cg-stage-column")}


def test_stage_board_says_as_of_and_lists_a_future_promotion_as_pending_only(marked_home):
    stages = section(marked_home, "stages")
    assert stages.find("p", cls="cg-as-of").find("time").attrs["datetime"] == "2025-06-01"
    columns = board_columns(marked_home)
    assert "credit-risk 1" in columns["test"] and "credit-risk 1" not in columns["prod"]
    pending = stages.find("ul", cls="cg-board-pending").find_all("li")
    assert [(li.find("a").text(), marks_in(li)) for li in pending] == [("credit-risk 1", {"prod": "pending"})]


def test_stage_board_marks_a_stage_with_errors(marked_home):
    prod = [c for c in section(marked_home, "stages").find_all("div", cls="cg-stage-column")
            if c.find("h3").text() == "prod"][0]
    entry = next(li for li in prod.find("ul").find_all("li") if li.find("a").text() == "fraud-detector-emea 1")
    assert marks_in(entry) == {"prod": "with errors"}
    assert entry.find("a", cls="cg-mark-link").attrs["href"] == f"promotions/{ERROR_PROMOTION}/#findings"


def test_latest_promotions_never_lead_with_a_future_one(marked_home):
    latest = section(marked_home, "latest-promotions").find("table")
    assert PENDING_PROMOTION not in [row[4] for row in rows(latest)]
    assert "pending" not in [s for tr in row_nodes(latest) for s in marks_in(tr).values()]
    waiting = section(marked_home, "pending-promotions").find("table")
    assert [row[4] for row in rows(waiting)] == [PENDING_PROMOTION]
    assert marks_in(row_nodes(waiting)[0]) == {"prod": "pending"}


def test_without_a_future_promotion_there_is_no_pending_list(example_site):
    page = page_tree(example_site, "")
    assert section(page, "stages").find_all("ul", cls="cg-board-pending") == []
    assert "pending-promotions" not in [h.attrs.get("id") for h in page.find_all("h2")]


def test_a_stage_name_the_policy_repeats_is_one_column_and_one_mark(tmp_path):
    # A name is the first stage of that name (a second is CG306): n repeats gave every model n marks and n columns.
    from catgen.checking.engine import run_check
    from catgen.load.catalog import open_catalog
    from catgen.website.sitemodel import SiteModel
    from testing.marks import NOW, write_marks_catalog

    catalog = write_marks_catalog(tmp_path)
    policy = catalog / "policy.yaml"
    repeats = "    - name: dev\n" * 5
    policy.write_text(policy.read_text().replace("  immutable_kinds:\n", repeats + "  immutable_kinds:\n"))
    site = SiteModel.from_result(run_check(open_catalog(str(catalog), cache=False), now=NOW), now=NOW)
    site.has_rules_page = True
    columns = [column.find("h3").text() for column in section(render(rendered(site), ""), "stages")
               .find("div", cls="cg-board").find_all("div", cls="cg-stage-column")]
    assert columns == ["dev", "test", "prod"]
    model = site.catalog.get("Model", "credit-risk", "3")
    assert [mark.stage for mark in site.stage_marks(model)] == ["dev", "test", "prod"]
    assert site.timeline.stage_names() == ["dev", "test", "prod"]
