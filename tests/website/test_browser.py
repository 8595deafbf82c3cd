"""The built site in a real browser: Debian's chromium, headless, driven by Playwright.

Serves the example site from 127.0.0.1, searches for "credit", opens the
asset from the results, follows a lineage link, and fails if the page asks
any other host for anything. Never runs ``playwright install``: it launches
/usr/bin/chromium (installed by .ci/run).
"""

from __future__ import annotations

import contextlib

import pytest

from testing.browser import launched, needs_chromium, record_foreign, served as served_from
from testing.site import build_story_site

pytestmark = needs_chromium


@pytest.fixture
def server(example_site):
    with served_from(example_site) as base:
        yield base


def test_search_open_asset_follow_lineage_offline(server):
    foreign = []
    with launched() as browser:
        page = browser.new_page()
        record_foreign(page, foreign)
        page.goto(server)
        page.fill(".cg-header-search input", "credit")
        page.press(".cg-header-search input", "Enter")
        page.wait_for_url("**/search/?q=credit")
        page.wait_for_selector("a.cg-result")
        titles = page.locator("a.cg-result").all_inner_texts()
        assert any(t.startswith("credit-risk") for t in titles)
        page.locator("a.cg-result", has_text="credit-risk 3").first.click()
        page.wait_for_url("**/models/credit-risk/3/")
        assert "credit-risk" in page.locator("h1").inner_text()
        page.locator(".cg-lineage-up a", has_text="job:train-credit-risk-prod-0912").click()
        page.wait_for_url("**/jobs/train-credit-risk-prod-0912/")
        assert "train-credit-risk-prod-0912" in page.locator("h1").inner_text()
        page.locator(".cg-lineage-svg a").first.click()  # a node of the drawn graph is a link too
        page.wait_for_load_state()
        assert page.url.startswith(server)
        page.goto(server + "search/?q=risk-team")
        page.wait_for_selector("a.cg-result")
        page.goto(server + "search/?q=lightgbm")
        page.wait_for_selector("a.cg-result")
    assert foreign == []


def _prod_model(page) -> str:
    row = page.locator('.cg-status-stage[data-stage="prod"] table.cg-status-endpoints tbody tr')
    return row.locator("td").nth(3).inner_text() if row.count() else ""


def _pick(page, day: str, time: str) -> None:
    page.fill(".cg-status-when input[name=time]", time)
    page.fill(".cg-status-when input[name=date]", day)


@pytest.mark.parametrize("served", [True, False], ids=["http", "file"])
def test_status_page_shows_the_model_serving_at_a_past_date(tmp_path, monkeypatch, served):
    """testing.story: m@1 from 09-01, m@2 from 09-10, m@1 again from 09-20 10:00 (UTC); file:// works too."""
    site, _ = build_story_site(tmp_path, monkeypatch)
    foreign = []
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(served_from(site)) if served else site.as_uri() + "/"
        page = stack.enter_context(launched()).new_page()
        record_foreign(page, foreign)
        page.goto(base + "status/" + ("" if served else "index.html"))
        assert _prod_model(page) == "model:m@1"  # now, from the static HTML
        page.wait_for_selector("form.cg-status-when:not([hidden])")
        _pick(page, "2024-09-12", "12:00")
        assert _prod_model(page) == "model:m@2"
        assert "2024-09-12T12:00:59Z" in page.locator(".cg-status-showing").inner_text()
        _pick(page, "2024-09-20", "09:30")  # revoked, not yet rolled back: m@2 with no standing promotion
        assert _prod_model(page) == "model:m@2"
        assert "(revoked)" in page.locator('.cg-status-stage[data-stage="prod"] tbody').inner_text()
        _pick(page, "2024-09-05", "08:00")
        assert _prod_model(page) == "model:m@1"
        _pick(page, "2024-08-01", "08:00")
        assert _prod_model(page) == "" and "Nothing deployed" in page.locator(".cg-status-view").inner_text()
        page.click(".cg-status-when button[name=now]")
        assert _prod_model(page) == "model:m@1"
    assert foreign == []
