"""A real browser for page tests: Debian's chromium, headless, driven by Playwright.

Never ``playwright install`` (no browser downloads here): ``launched`` starts
/usr/bin/chromium, which ``.ci/run`` installs, with the flags that keep it from
calling Google's hosts. ``served`` serves a built site from 127.0.0.1 only;
``record_foreign`` notes every request that leaves it, so a test can assert the
site works offline.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                    reason=f"{CHROMIUM} is missing (apt-get install chromium)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(site):
    """The folder ``site`` over HTTP on 127.0.0.1: yields its address, ending in ``/``."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def launched():
    """A headless chromium (skips the test when Playwright is not installed)."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def record_foreign(page, foreign: list) -> None:
    """Append to ``foreign`` the address of every request ``page`` makes beyond 127.0.0.1, files and data."""
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(("file:", "data:"))
            and urlsplit(r.url).hostname != "127.0.0.1" else None)
