"""The site's search index: every manifest page, the checks page and each section of the user guide.

``search.documents`` makes the documents and their words (``search.tokens``),
``search.shards`` writes them as a trie of shards under a byte budget; the
browser side is ``assets/catgen-search.js``. See docs/site.md, "Search".
"""

from __future__ import annotations

from collections.abc import Iterator

from catgen.website import urls
from catgen.website.search import shards
from catgen.website.search.documents import all_documents, kind_ranges


def index_texts(site, guide=(), prefix: str = "") -> Iterator[tuple[str, str]]:
    """(path under the catalog's folder, text) of each index file, each made when asked for: the build writes
    each before the next is made.

    ``guide`` holds the user guide's MkDocs files (``url`` and ``content_string``); ``prefix`` is the
    catalog's folder in the site, which every address in the index is relative to.
    """
    documents = all_documents(site, guide_pages(guide, prefix))
    return shards.index_texts(documents, kind_ranges(documents))


def guide_pages(guide, prefix: str = "") -> list[tuple[str, str]]:
    """(address from the catalog's folder ``prefix``, Markdown) of each guide page that can be read
    (MkDocs reports the others itself)."""
    pages = []
    for file in guide:
        try:
            pages.append((urls.relative(prefix, file.url) if prefix else file.url, file.content_string))
        except (OSError, UnicodeError, AssertionError):
            continue
    return sorted(pages)
