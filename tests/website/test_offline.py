"""The offline check reads a text with the HTML parser only where the parser could find something: the
quick look and the parser agree on what a text loads."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catgen.website import offline
from catgen.website.offline import _ResourceFinder, framed_resources, html_resources

LOADS = [
    '<img src="https://a.example/x.png">', "<IMG\tSRC=//a.example/x.png>", "<script src=https://a.example/s.js>",
    '<link rel="stylesheet" href="https://a.example/s.css">', '<p STYLE = "background:url(https://a.example/b)">',
    "<style>@import 'https://a.example/i.css';</style>", '<style>a{b:url( "https://a.example/u")}</style>',
    '<svg><use href="https://a.example/i.svg#x"/></svg>', "<img src=&#104;ttps://a.example/x.png>",
    "<lin\u212a rel=icon href=https://a.example/f.ico>",  # the Kelvin sign lowercases to k, for the parser too
]
NOTHING = [
    '<imgx src="https://a.example/x">', '<p style="a:url(#x)">', "text style=url(//a.example/x)",
    '<path marker-end="url(#arrow)"/>', '<a href="https://a.example/">a link</a>', "<style>a{b:c}</style>",
    '<div class="cg-page"><h1>x</h1><svg xmlns="http://www.w3.org/2000/svg"><g/></svg></div>',
]


def _parsed(text: str) -> list:
    finder = _ResourceFinder()
    finder.feed(text)
    finder.close()
    return finder.found


@pytest.mark.parametrize("text", LOADS)
def test_a_text_that_loads_from_another_host_is_parsed(text):
    assert html_resources(text) == _parsed(text) != []


@pytest.mark.parametrize("text", NOTHING)
def test_a_text_that_loads_nothing_finds_nothing(text):
    assert html_resources(text) == _parsed(text) == []


def _long_page(body: str) -> str:
    nav = '<li><input class="toggle" id="n{0}" type="checkbox"><a href="p{0}/">Page {0}</a></li>'
    return FRAME.format("assets/s.css", "<ul>" + "".join(nav.format(i) for i in range(400)) + "</ul>" + body)


def test_a_long_text_is_answered_from_memory_only_when_it_is_the_same_text():
    page = _long_page("<p>x</p>")
    assert len(page) >= offline.REMEMBERED_FROM
    first = html_resources(page)
    assert first == _parsed(page) == []
    first.append(("mutated by a caller", "x"))  # the remembered answer is not the caller's list
    assert html_resources(page) == []
    # The same page but for one address: parsed, not remembered.
    loads = _long_page('<img src="https://a.example/x.png">')
    quiet = _long_page('<img src="assets/a.example/x.png">')
    assert html_resources(loads) == _parsed(loads) == [("<img src=https://a.example/x.png>", "https://a.example/x.png")]
    assert html_resources(quiet) == [] and html_resources(loads) != []


def test_what_is_remembered_stays_bounded(monkeypatch):
    monkeypatch.setattr(offline, "_REMEMBERED", {})
    monkeypatch.setattr(offline, "REMEMBERED_AT_MOST", 3)
    pages = [_long_page(f'<img src="https://a.example/{i}.png">') for i in range(5)]
    for i, page in enumerate(pages):
        assert html_resources(page)[0][1] == f"https://a.example/{i}.png"
    assert len(offline._REMEMBERED) == 3
    assert html_resources(pages[0])[0][1] == "https://a.example/0.png"  # forgotten, then parsed again


FRAME = '<html><head><link rel="stylesheet" href="{}"><script src="x.js"></script></head><body>{}</body></html>'


@pytest.mark.parametrize("body", LOADS + NOTHING)
def test_a_page_read_as_frame_and_body_finds_what_the_whole_page_does(body):
    for sheet in ("https://cdn.example/s.css", "assets/s.css"):
        page = FRAME.format(sheet, body)
        assert sorted(framed_resources(page, body)) == sorted(html_resources(page))


def test_a_body_the_page_does_not_hold_once_is_read_with_the_page():
    body = '<img src="https://a.example/x.png">'
    twice = FRAME.format("s.css", body + body)
    assert framed_resources(twice, body) == html_resources(twice) and len(html_resources(twice)) == 2
    assert framed_resources(FRAME.format("s.css", "<p>changed</p>"), body) == []


FRAGMENTS = LOADS + NOTHING + [
    "plain text ", "a < b", "&amp", "&#104;", "<!-- c -->", "<!--", "-->", "<script>", "</script>", "<style>",
    "</style>", "<div ", ">", '"', "'", "\u0130", "x" * 5000, '<input name="x">', "<p style=", "=", " style",
    "url(https://a.example/z)", "<img", " src=https://a.example/late.png", "<![CDATA[", "]]>", "</",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=14))
def test_reading_up_to_the_last_place_finds_what_reading_it_all_does(parts):
    text = "".join(parts)
    assert html_resources(text) == _parsed(text)


def test_an_unclosed_construct_after_the_last_resource_is_read_in_a_few_feeds(monkeypatch):
    feeds = []
    feed = _ResourceFinder.feed
    monkeypatch.setattr(_ResourceFinder, "feed", lambda self, data: feeds.append(len(data)) or feed(self, data))
    for unclosed in ('<div title="', "<!--", "<script>"):
        text = '<img src="https://a.example/x.png">' + unclosed + "x" * 1_000_000
        feeds.clear()
        assert html_resources(text) == [("<img src=https://a.example/x.png>", "https://a.example/x.png")]
        assert len(feeds) <= 10 and sum(feeds) >= len(text), unclosed  # 4 KB doubling: linear, not 250 feeds


def _last_candidate_by_backward_searches(low: str) -> int:
    """The reference: ``_last_candidate`` as it was written first, a backward search per tag name."""
    from catgen.website.offline import _READ_TAGS, _style_may_load

    if "<style" in low and _style_may_load(low):
        return len(low)
    last = -1
    for name in _READ_TAGS:
        start = low.rfind(name)
        while start > last:
            end = start + len(name)
            if end == len(low) or low[end] in "\t\n\r\f />\x00":
                last = end
                break
            start = low.rfind(name, 0, start)
    start = low.rfind("style")
    while start > last:
        before = low[start - 1] if start else ""
        if (before.isspace() or before in "\"'/") and before and re.match(r"\s*=", low[start + 5:]):
            return start + 5
        start = low.rfind("style", 0, start)
    return last


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS + [
    "style", "style=", "\u2003style =", "/style", "<frame ", "<iframe>", "<use/", "<use", "<image\x00", "\u0085",
    "<source", "<objectstyle=", "xstyle=",
]), max_size=16))
def test_the_last_candidate_is_where_backward_searches_put_it(parts):
    from catgen.website.offline import _last_candidate

    low = "".join(parts).lower()
    assert _last_candidate(low) == _last_candidate_by_backward_searches(low)
