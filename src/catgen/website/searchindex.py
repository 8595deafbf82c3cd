"""The site's search index: every manifest page, the checks page and each section of the user guide.

``search.documents`` makes the documents and their words (``search.tokens``),
``search.shards`` writes them as a trie of shards under a byte budget; the
browser side is ``assets/catgen-search.js``. See docs/site.md, "Search".
"""

from __future__ import annotations

from catgen.website.search.documents import all_documents, kind_ranges
from catgen.website.search.shards import index_files


def build_index(site, guide=()) -> dict[str, str]:
    """``{path under the site: text}`` of every index file, deterministic.

    ``guide`` holds the user guide's MkDocs files (``url`` and ``content_string``).
    """
    documents = all_documents(site, guide_pages(guide))
    return index_files(documents, kind_ranges(documents))


def guide_pages(guide) -> list[tuple[str, str]]:
    """(address, Markdown) of each guide page that can be read (MkDocs reports the others itself)."""
    pages = []
    for file in guide:
        try:
            pages.append((file.url, file.content_string))
        except (OSError, UnicodeError, AssertionError):
            continue
    return sorted(pages)
