"""Manifest text as HTML: descriptions render as Markdown without raw HTML; links keep only allowed targets."""

from __future__ import annotations

import pytest

from catgen.website.text import allowed_href, description_html, summary_text
from testing.site import parse_html


def test_description_code_spans_show_angle_brackets_once():
    html_text = description_html("Use `<b>` and `a & b`; <script>x</script>")
    assert "<code>&lt;b&gt;</code>" in html_text and "<code>a &amp; b</code>" in html_text
    assert "<script>" not in html_text and "&lt;script&gt;" in html_text
    paragraph = parse_html(html_text).find("p")
    assert [code.text() for code in paragraph.find_all("code")] == ["<b>", "a & b"]
    assert paragraph.find_all("script") == [] and "<script>x</script>" in paragraph.text()


@pytest.mark.parametrize("href, kept", [
    ("https://example.com/x", True), ("mailto:a@b.c", True), ("../models/", True), ("#anchor", True),
    ("javascript:alert(1)", False), (" Java\tScript:alert(1)", False), ("//evil.example/", False),
    ("data:text/html,x", False), ("&#106;avascript:alert(1)", False),
])
def test_allowed_href_keeps_only_http_mailto_and_relative_targets(href, kept):
    assert allowed_href(href) == (href if kept else None)


def test_no_href_stays_none():
    assert allowed_href(None) is None


def test_summary_text_drops_markdown_marks_and_cuts_long_text():
    assert summary_text("A *bold* `code` [link](x)\n\nmore") == "A bold code link(x) more"
    assert len(summary_text("word " * 100)) == 120 and summary_text("word " * 100).endswith("…")
    assert summary_text(None) == ""
