"""The home page: counts per kind, the stage board, the latest promotions."""

from __future__ import annotations

from testing.site import headers, page_tree, rows, section


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
