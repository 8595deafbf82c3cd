"""Manifest text as HTML: descriptions render as Markdown without raw HTML; links keep only allowed targets."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catgen.website.text import (LINK_REL, allowed_href, description_html, esc, linked_text, summary_text, uri_html,
                                 visible, web_href)
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


@pytest.mark.parametrize("value, linked", [
    ("https://example.com/a?b=1&c=2", True), ("http://example.com", True),
    ("azureml://runs/1", False), ("s3://bucket/key", False), ("javascript:alert(1)", False),
    ("https://example.com/a b", False), ("see https://example.com", False), (42, False),
])
def test_web_href_is_exactly_one_http_uri(value, linked):
    assert web_href(value) == (value if linked else None)
    link = parse_html(uri_html(value)).find_all("a")
    assert [(a.attrs["href"], a.attrs["rel"]) for a in link] == ([(value, LINK_REL)] if linked else [])


def test_linked_text_links_each_http_uri_and_keeps_the_rest_text():
    node = parse_html(linked_text("run <b> https://a.example/x_y, then ftp://b.example\nand https://c.example.",
                                  block=True))
    assert [(a.text(), a.attrs["href"]) for a in node.find_all("a")] == [
        ("https://a.example/x_y", "https://a.example/x_y"), ("https://c.example", "https://c.example")]
    assert node.find_all("b") == [] and "\n" in "".join(c for c in node.children if isinstance(c, str))
    assert "\\u000a" in linked_text("a\nb")  # inline: a newline is spelled out


def test_a_bare_uri_in_a_description_is_a_link_but_not_inside_a_link_or_code():
    text = "See https://x.example/a_b_ and [doc https://in.example](https://y.example/) and `https://code.example`"
    paragraph = parse_html(description_html(text)).find("p")
    assert [(a.text(), a.attrs["href"]) for a in paragraph.find_all("a")] == [
        ("https://x.example/a_b_", "https://x.example/a_b_"), ("doc https://in.example", "https://y.example/")]
    assert {a.attrs["rel"] for a in paragraph.find_all("a")} == {LINK_REL}


_TEXT = st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=0x7f)), st.integers(), st.floats(),
                  st.booleans(), st.none())


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_esc_takes_its_shortcut_only_where_escaping_changes_nothing(value):
    reference = "" if value is None else html.escape(
        visible(("true" if value else "false") if isinstance(value, bool) else str(value)), quote=True)
    assert esc(value) == reference


def test_esc_spells_out_controls_and_escapes_markup():
    assert [esc(v) for v in ("plain-name_1.2", "a<b", "it's", "tab\there", "\u202eevil")] == [
        "plain-name_1.2", "a&lt;b", "it&#x27;s", "tab\\u0009here", "\\u202eevil"]
