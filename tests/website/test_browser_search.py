"""Search in a real browser (Debian's chromium via Playwright): the header's results as you type, and /search/.

One site per module: the example catalog with two real guide pages (the rules), so
rule codes are found. Served from 127.0.0.1, and opened from ``file://`` as well;
fails if any page asks another host for anything.
"""

from __future__ import annotations

import shutil

import pytest

from testing.browser import launched, needs_chromium, record_foreign, served
from testing.catalogs import EXAMPLE, REPO, write
from testing.site import build

pytestmark = needs_chromium
OPTIONS = "#cg-typeahead:not([hidden]) [role=option]"


@pytest.fixture(scope="module")
def search_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-site")
    write(root, "mkdocs.yml", "site_name: Search test\n")
    (root / "docs/rules").mkdir(parents=True)
    shutil.copy(REPO / "docs/rules.md", root / "docs/rules.md")
    shutil.copy(REPO / "docs/rules/promotion.md", root / "docs/rules/promotion.md")
    build(EXAMPLE, root / "site", cwd=root)
    return root / "site"


@pytest.fixture(scope="module")
def browser():
    with launched() as chromium:
        yield chromium


def _page(browser, foreign: list):
    page = browser.new_page()
    record_foreign(page, foreign)
    return page


def _type(page, text: str) -> list[str]:
    """Type into the header box; the hrefs of the results it lists."""
    page.fill(".cg-header-search input", text)
    page.wait_for_function("(q) => document.querySelector('#cg-typeahead').dataset.query === q", arg=text)
    return [a.get_attribute("href") for a in page.locator(OPTIONS + " a").all()]


def test_type_ahead_finds_a_reference_a_person_and_a_rule_code(search_site, browser):
    foreign = []
    with served(search_site) as base:
        page = _page(browser, foreign)
        page.goto(base)
        box = page.locator(".cg-header-search input")
        assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
        assert _type(page, "model:credit-risk@3")[0] == base + "models/credit-risk/3/"
        assert _type(page, "MODEL:Crédit-Risk@3")[0] == base + "models/credit-risk/3/"  # folded as the index is
        assert page.locator("#cg-typeahead").get_attribute("role") == "listbox"
        assert box.get_attribute("aria-expanded") == "true"
        assert base + "promotions/credit-risk-3-to-prod/" in _type(page, "alice")
        assert _type(page, "CG511")[0] == base + "rules/#cg511-chronology"
        assert _type(page, "zebra") == [base + "search/?q=zebra"]  # only "No results", a link to the search page
        page.keyboard.press("Escape")
        assert box.get_attribute("aria-expanded") == "false" and page.locator("#cg-typeahead").is_hidden()
        _type(page, "credit-risk 3")
        page.keyboard.press("ArrowDown")
        first = page.locator(OPTIONS).first
        assert first.get_attribute("aria-selected") == "true"
        assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
        page.keyboard.press("Enter")
        page.wait_for_url("**/models/credit-risk/3/")
    assert foreign == []


def test_search_page_ranks_the_version_typed_first_and_filters_by_kind(search_site, browser):
    foreign = []
    with served(search_site) as base:
        page = _page(browser, foreign)
        page.goto(base)
        page.fill(".cg-header-search input", "credit-risk 3")
        page.press(".cg-header-search input", "Enter")  # nothing chosen in the list: the search page
        page.wait_for_url("**/search/?q=credit-risk+3")
        page.wait_for_selector("a.cg-result")
        assert page.locator("a.cg-result").first.inner_text() == "credit-risk 3"
        page.wait_for_function("() => document.querySelector('.cg-result-summary').textContent !== ''")
        page.select_option(".cg-search-form select[name=kind]", "Job")
        page.wait_for_url("**/search/?q=credit-risk+3&kind=Job")
        page.wait_for_selector("a.cg-result")
        assert set(page.locator(".cg-search-hit > .cg-kind").all_inner_texts()) == {"Job"}
    assert foreign == []


def test_type_ahead_works_from_a_file_copy(search_site, browser):
    foreign = []
    page = _page(browser, foreign)
    page.goto(search_site.as_uri() + "/index.html")
    assert _type(page, "credit-risk")[0] == search_site.as_uri() + "/models/credit-risk/3/index.html"
    assert foreign == []
