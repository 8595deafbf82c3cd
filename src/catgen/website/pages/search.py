"""The search page: a form (words, kind) that ``assets/catgen-search.js`` answers from the index
(``catgen.website.searchindex``); without JavaScript it says where else to look."""

from __future__ import annotations

from catgen.website.markup import page
from catgen.website.pages.context import PageContext
from catgen.website.search.documents import GUIDE, ORDER
from catgen.website.text import esc

HINT = "A reference (model:credit-risk@3), name, person, commit, tag, metric, region or rule code"


def kind_options(site) -> list[tuple[str, str]]:
    """(value, label) of the kind filter: every kind the site has pages of, then the guide."""
    kinds = [k for k in ORDER if site.by_kind.get(k)]
    return [("", "All kinds")] + [(k, k) for k in kinds] + [(GUIDE, "User guide")]


def search_form(site) -> str:
    options = "".join(f'<option value="{esc(value)}">{esc(label)}</option>' for value, label in kind_options(site))
    return (
        '<form class="cg-search-form" action="./" method="get" role="search">'
        f'<input type="search" name="q" placeholder="{esc(HINT)}" aria-label="Search" autocomplete="off">'
        f'<label class="cg-search-kind">Kind <select name="kind">{options}</select></label>'
        '<button type="submit">Search</button></form>'
        '<div class="cg-search-results" aria-live="polite"></div>'
        '<noscript><p>Search needs JavaScript; the indexes list every manifest.</p></noscript>'
    )


def search_page(ctx: PageContext) -> tuple[str, str]:
    return "Search", page("Search", search_form(ctx.site))
