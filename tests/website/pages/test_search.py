"""The search page: a styled form with a kind filter; every page loads the search script."""

from __future__ import annotations

from testing.site import page_tree, parse_html


def test_the_search_page_has_words_kind_and_a_button(example_site):
    form = page_tree(example_site, "search/").find("form", cls="cg-search-form")
    assert form.attrs["role"] == "search" and form.attrs["action"] == "./"
    assert [i.attrs["name"] for i in form.find_all("input")] == ["q"]
    options = [o.attrs["value"] for o in form.find("select").find_all("option")]
    assert form.find("select").attrs["name"] == "kind"
    assert options[0] == "" and options[-1] == "Guide" and "Model" in options and "Job" in options
    assert "Policy" not in options and "Page" not in options
    assert form.find("button").attrs["type"] == "submit"


def test_every_page_loads_the_search_script_and_the_index_is_there(example_site):
    for address in ("", "models/credit-risk/3/", "search/"):
        page = parse_html((example_site / address / "index.html").read_text("utf-8"))
        sources = [s.attrs.get("src", "") for s in page.find_all("script")]
        assert any(s.endswith("assets/catgen/catgen-search.js") for s in sources), address
    assert (example_site / "search/index.js").read_text("utf-8").startswith('catgenSearchData("index",')
    assert not (example_site / "search/manifest.json").exists()  # the two-letter shards are gone


def test_the_page_script_no_longer_searches(example_site):
    assert "catgenSearch" not in (example_site / "assets/catgen/catgen.js").read_text("utf-8")
