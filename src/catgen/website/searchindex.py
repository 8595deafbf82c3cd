"""The site's search index: every manifest page, the checks page and each section of the user guide.

``search.documents`` makes the documents and their words (``search.tokens``),
``search.shards`` writes them as a trie of shards under a byte budget; the
browser side is ``assets/catgen-search.js``. See docs/site.md, "Search".
"""

from __future__ import annotations

from collections.abc import Iterator

from catgen.website import urls
from catgen.website.search import shards
from catgen.website.search.documents import (
    checks_document, guide_documents, kind_ranges, manifest_document, ordered,
)


def index_texts(site, guide=(), prefix: str = "") -> Iterator[tuple[str, str]]:
    """(path under the catalog's folder, text) of each index file, each made when asked for: the build writes
    each before the next is made.

    ``guide`` holds the user guide's MkDocs files (``url`` and ``content_string``); ``prefix`` is the
    catalog's folder in the site, which every address in the index is relative to.
    """
    documents, words = manifest_words(site)
    return texts_with_the_rest(site, documents, words, guide_pages(guide, prefix))


def manifest_words(site) -> tuple[list, shards.Postings]:
    """The manifests' documents in index order, and their words: most of the index's work, and none of it
    needs the guide (``searchahead`` does it while MkDocs starts). Every manifest comes before the checks
    page and the guide in ``documents.ORDER``, so they are numbered first."""
    documents = ordered([manifest_document(site, manifest) for manifest in site.pages])
    return documents, shards.Postings(documents)


def texts_with_the_rest(site, documents: list, words: shards.Postings, guide: list) -> Iterator[tuple[str, str]]:
    """``index_texts`` of the manifests' ``documents`` and ``words`` (``manifest_words``), the checks page and
    the ``guide`` pages (``guide_pages``)."""
    rest = [checks_document(site)] + ordered(guide_documents(guide))
    words.add(rest)
    documents = documents + rest
    return shards.index_texts(documents, kind_ranges(documents), words=words)


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
