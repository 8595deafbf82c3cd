"""The audit page in a real browser (Debian's chromium, headless, Playwright): filters and a 400 px screen.

One site build for the module: testing.story (deployment changes from git, a revocation). The
filters must change which rows show and "N of M events"; at 400 px the header's title must not be
cut by the catalog search box, references must not wrap inside a word, and only the table scrolls.
"""

from __future__ import annotations

import pytest

from testing.browser import launched, needs_chromium, served
from testing.site import STORY_NOW, build
from testing.story import story_repo

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def audit_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit-browser")
    with pytest.MonkeyPatch.context() as monkeypatch:
        repo, _ = story_repo(root, monkeypatch)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", STORY_NOW)
        build(repo.catalog, root / "site", cwd=repo.path)
    with served(root / "site") as base:
        yield base + "audit/"


@pytest.fixture
def browser():
    with launched() as chromium:
        yield chromium


def _shown(page) -> tuple[int, int, str]:
    """(rows showing, the count the page says, the "any" option's label)."""
    visible = page.locator("table.cg-audit tbody tr:visible").count()
    said = int(page.locator(".cg-audit-shown").inner_text())
    return visible, said, page.locator(".cg-audit-filter select option").first.inner_text()


def test_filters_change_the_rows_and_the_count(audit_url, browser):
    page = browser.new_page()
    page.goto(audit_url)
    page.wait_for_selector("form.cg-audit-filter:not([hidden])")
    total = page.locator("table.cg-audit tbody tr").count()
    assert total == 9 and _shown(page) == (9, 9, "any (9)")  # 2 requests, 2 approvals, a revocation, 4 commits
    assert page.locator(".cg-audit-count").inner_text() == "9 of 9 events"
    page.select_option(".cg-audit-filter select", "prod")
    assert _shown(page)[:2] == (9, 9)  # every event of the story is prod's
    page.fill(".cg-audit-filter input[name=person]", "bob")
    assert _shown(page) == (1, 1, "any (1)")
    assert page.locator(".cg-audit-filter select option[value=prod]").inner_text() == "prod (1)"
    page.fill(".cg-audit-filter input[name=person]", "")
    page.fill(".cg-audit-filter input[name=asset]", "model:m@2")
    assert _shown(page)[:2] == (6, 6)  # its request, approval, revocation; the switches to it, the traffic, back
    page.fill(".cg-audit-filter input[name=asset]", "")
    page.fill(".cg-audit-filter input[name=from]", "2024-09-15")
    page.fill(".cg-audit-filter input[name=to]", "2024-09-20")
    assert _shown(page)[:2] == (3, 3)  # the traffic change, the revocation, the rollback
    assert page.locator(".cg-audit-count").inner_text() == "3 of 9 events"
    page.click(".cg-audit-filter button[type=reset]")
    page.wait_for_function("document.querySelector('.cg-audit-shown').textContent === '9'")
    assert _shown(page) == (9, 9, "any (9)")


def _overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_the_audit_page_at_400_px(audit_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 400, "height": 800})
    page.goto(audit_url)
    page.wait_for_selector("form.cg-audit-filter:not([hidden])")
    page.wait_for_selector(".cg-header-search input")
    shot = tmp_path / "audit-400.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    title = page.locator(".md-header__title .md-header__topic").first
    search = page.locator(".cg-header-search")
    assert not _overlap(title.bounding_box(), search.bounding_box())
    cut = page.evaluate("(() => { const t = document.querySelector('.md-header__topic .md-ellipsis');"
                        " return t.scrollWidth - t.clientWidth; })()")
    assert cut <= 0, f"the header's title is cut by {cut} px"
    line = page.locator("table.cg-audit .cg-date").first.bounding_box()["height"]
    heights = page.locator("table.cg-audit .cg-ref").evaluate_all("refs => refs.map(r => r.offsetHeight)")
    assert heights and max(heights) < 1.5 * line  # no reference wraps onto a second line
    widths = page.evaluate("[document.documentElement.scrollWidth, document.querySelector('.cg-audit-scroll')"
                           ".scrollWidth, document.querySelector('.cg-audit-scroll').clientWidth]")
    assert widths[0] <= 400 and widths[1] > widths[2]  # the table scrolls in its own box, not the page
