"""Fuzzing the site's text functions: manifest text never becomes markup, never hides or reorders.

``catgen.website.text`` is what every page uses for manifest text: ``esc`` for
names and values, ``description_html`` for Markdown descriptions,
``allowed_href`` for links. Whatever the text, the output holds no element or
attribute the text could have chosen beyond the Markdown allowlist, no
script-capable link, and no invisible or direction-changing character.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from catgen.website.text import description_html, esc, allowed_href, visible

# What a description may render to: Markdown's own elements (raw HTML is off).
ALLOWED_TAGS = {"p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "hr", "br",
                "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"href", "rel", "title", "class", "align", "style", "id", "start"}
HIDING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")

_HOSTILE = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href='javascript:alert(1)'>x</a>",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x]( java\tscript:alert(1))", "[x](data:text/html,<b>)",
    "[x](vbscript:msgbox)", "![i](http://evil.example/p.png)", "![i](javascript:alert(1))", "[x](//evil.example)",
    "&lt;script&gt;", "&#x3C;script&#x3E;", "<!-- c -->", "<![CDATA[x]]>", '" onmouseover="alert(1)',
    "' autofocus onfocus='x", "\u202eexe.txt", "\u2066", "\u200b", "\x00", "\x1b[31m", "`<b>`", "```\n<script>\n```",
    "| a | b |\n|---|---|\n| <i> | x |", "<style>*{}</style>", "<svg onload=alert(1)>", "<iframe src=x>",
    "<math><mi xlink:href=x>", "[x][r]\n\n[r]: javascript:alert(1)",
    "<http://example.com>", "<javascript:alert(1)>", "*a*", "# h", "> q", "- l", "1. n", "\n\n", "\t", "    code",
])
_TEXT = st.lists(st.one_of(_HOSTILE, st.text(max_size=12)), max_size=12).map("".join)


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        raise AssertionError(f"a comment reached the page: {data!r}")


def parsed(markup: str) -> _Collect:
    collector = _Collect()
    collector.feed(markup)
    collector.close()
    return collector


@given(_TEXT)
def test_esc_output_is_only_text(text):
    out = esc(text)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert parsed(out).tags == []
    assert not HIDING.search(out)
    assert "".join(parsed(out).text) == visible(text)  # nothing lost: the text, made visible


@given(_TEXT)
def test_visible_spells_out_every_hiding_character(text):
    shown = visible(text)
    assert not HIDING.search(shown) and "\t" not in shown and "\n" not in shown
    assert visible(text, block=True).count("\n") == text.count("\n")


@given(_TEXT)
def test_description_html_makes_only_markdown_markup(text):
    out = description_html(text)
    page = parsed(out)
    for tag, attrs in page.tags:
        assert tag in ALLOWED_TAGS, (tag, text)
        assert set(attrs) <= ALLOWED_ATTRIBUTES, (tag, attrs, text)
        assert not any(name.startswith("on") for name in attrs)
        if "href" in attrs:
            assert allowed_href(attrs["href"]) is not None, (attrs, text)
    assert "<script" not in out.lower() and "<img" not in out.lower() and "<iframe" not in out.lower()
    assert not HIDING.search(out), (out, text)


@given(st.one_of(_HOSTILE, st.text(max_size=30)))
def test_allowed_href_never_lets_a_script_scheme_through(href):
    kept = allowed_href(href)
    if kept is None:
        return
    squeezed = re.sub(r"[\x00-\x20\x7f-\x9f]", "", href).lower()
    assert not squeezed.startswith(("javascript:", "vbscript:", "data:", "//", "\\\\"))


@given(_TEXT)
def test_rendering_is_deterministic(text):
    assert description_html(text) == description_html(text)
    assert esc(text) == esc(text)
