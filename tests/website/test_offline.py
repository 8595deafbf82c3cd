"""The offline check reads a text with the HTML parser only where the parser could find something: the
quick look and the parser agree on what a text loads."""

from __future__ import annotations

import pytest

from catgen.website.offline import _ResourceFinder, html_resources

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
