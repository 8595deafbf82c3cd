"""The kind indexes: one row per manifest, the kind's own column, sortable and filterable."""

from __future__ import annotations

from testing.marks import marks_in, marks_site, render, rendered
from testing.site import headers, page_tree, row_nodes, rows


def test_model_index_lists_every_version_with_its_stages(example_site):
    page = page_tree(example_site, "models")
    table = page.find("table", cls="cg-filterable")
    assert headers(table) == ["Name", "Version", "Stages", "Type", "Owner", "Tags", "Description", "Findings"]
    versions = [(row[0], row[1]) for row in rows(table)]
    assert ("credit-risk", "1") in versions and ("credit-risk", "3") in versions
    assert ("credit-risk", "credit-risk/") in table.links()


def test_promotion_index_shows_where_each_promotion_goes(example_site):
    table = page_tree(example_site, "promotions").find("table", cls="cg-sortable")
    assert headers(table)[:2] == ["Name", "To"]
    targets = {row[0]: row[1] for row in rows(table)}
    assert targets["credit-risk-2-to-prod"] == "prod"


def test_model_index_marks_stages_that_are_not_in_force(tmp_path):
    table = render(rendered(marks_site(tmp_path)), "models/").find("table", cls="cg-filterable")
    stages = {(row[0], row[1]): marks_in(tr.find_all("td")[2]) for row, tr in zip(rows(table), row_nodes(table))}
    assert stages[("credit-risk", "1")] == {"dev": "in force", "test": "in force", "prod": "pending"}
    assert stages[("credit-risk", "2")]["prod"] == "revoked"
    assert stages[("credit-risk", "3")] == {"dev": "in force", "test": "in force", "prod": "in force"}
    findings = {(row[0], row[1]): row[-1] for row in rows(table)}
    assert findings[("credit-risk", "1")] != "" and findings[("credit-risk", "3")] == ""  # about it, from elsewhere


def _pager_parts(number: int, count: int) -> list[str]:
    from catgen.website.markup import pager
    from testing.site import parse_html

    nav = parse_html(pager(number, count, lambda n: f"_page/{n}/")).find("nav", cls="cg-pager")
    return [part for part in nav.text().split()]


def test_a_pager_links_the_first_the_last_and_three_on_each_side_of_the_page():
    """Each page linked every page of the list: the 500 pages of 100,000 models' index held 500 links each."""
    from catgen.website.markup import pager
    from testing.site import parse_html

    assert pager(1, 1, str) == ""
    assert _pager_parts(5, 9) == [str(n) for n in range(1, 10)]  # short lists: every page
    assert _pager_parts(250, 500) == ["1", "…", "247", "248", "249", "250", "251", "252", "253", "…", "500"]
    assert _pager_parts(1, 500) == ["1", "2", "3", "4", "…", "500"]
    assert _pager_parts(500, 500) == ["1", "…", "497", "498", "499", "500"]
    nav = parse_html(pager(250, 500, lambda n: f"_page/{n}/")).find("nav", cls="cg-pager")
    assert nav.find("strong").text() == "250" and ("253", "_page/253/") in nav.links()
    assert len(nav.find_all("a")) == 2 + 2 * 3
