"""Stage marks in a real browser (Debian's chromium, headless, Playwright): pending and revoked are visible, in words.

One site build of ``testing.marks`` at its fixed now (SOURCE_DATE_EPOCH), served from 127.0.0.1.
"""

from __future__ import annotations

import pytest

from testing.browser import launched, needs_chromium, served
from testing.marks import NOW_EPOCH, PENDING_PROMOTION, REVOCATION, write_marks_catalog
from testing.site import build

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("marks-site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", NOW_EPOCH)
        build(write_marks_catalog(root), root / "site", cwd=root)
    with served(root / "site") as base:
        yield base


def _visible_mark(page, state: str):
    mark = page.locator(f'.cg-fields .cg-mark[data-state="{state}"]').first
    mark.wait_for(state="visible")
    return mark


def test_pending_and_revoked_marks_are_visible_and_lead_to_their_reason(server):
    with launched() as browser:
        page = browser.new_page()
        page.goto(server + "models/credit-risk/1/")
        pending = _visible_mark(page, "pending")
        assert pending.inner_text() == "prod: pending"
        assert page.locator('.cg-fields .cg-stage[data-stage="prod"]').count() == 0  # never a reached badge
        pending.click()
        page.wait_for_url(f"**/promotions/{PENDING_PROMOTION}/")
        page.goto(server + "models/credit-risk/2/")
        revoked = _visible_mark(page, "revoked")
        assert revoked.inner_text() == "prod: revoked"
        revoked.click()
        page.wait_for_url(f"**/promotions/{REVOCATION}/")
        page.goto(server)
        board = page.locator(".cg-board-pending .cg-mark")
        assert board.is_visible() and board.inner_text() == "prod: pending"
        assert page.locator(".cg-as-of time").get_attribute("datetime") == "2025-06-01"
