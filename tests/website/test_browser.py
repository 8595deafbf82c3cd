"""The built site in a real browser: Debian's chromium, headless, driven by Playwright.

Serves the example site from 127.0.0.1, searches for "credit", opens the
asset from the results, follows a lineage link, and fails if the page asks
any other host for anything. Never runs ``playwright install``: it launches
/usr/bin/chromium (installed by .ci/run).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} is missing (apt-get install chromium)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(example_site):
    handler = functools.partial(_Quiet, directory=str(example_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_search_open_asset_follow_lineage_offline(server):
    playwright = pytest.importorskip("playwright.sync_api")
    foreign = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: foreign.append(r.url)
                    if urlsplit(r.url).hostname != "127.0.0.1" and not r.url.startswith("data:") else None)
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
        finally:
            browser.close()
    assert foreign == []
