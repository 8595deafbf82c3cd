"""The search page: a form the vendored script answers from the sharded index (``catgen.website.searchindex``)."""

from __future__ import annotations

from catgen.website.markup import page
from catgen.website.pages.context import PageContext

SEARCH_FORM = (
    '<form class="cg-search-form" action="./" method="get" role="search">'
    '<input type="search" name="q" placeholder="Search by name, tag, owner or description" aria-label="Search"'
    ' autocomplete="off"><button type="submit">Search</button></form><div class="cg-search-results" aria-live="polite">'
    '</div><noscript><p>Search needs JavaScript; the indexes list every manifest.</p></noscript>'
)


def search_page(ctx: PageContext) -> tuple[str, str]:
    return "Search", page("Search", SEARCH_FORM)
