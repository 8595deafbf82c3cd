"""Words as the index stores them and the browser looks them up, and how much each kind of match weighs.

Text is folded first (``folded``): case folded, then decomposed (NFKD) with
its combining marks dropped, so ``Modèle``, ``modele`` and ``MODELE`` are one
word and ``Straße`` is ``strasse``; the browser folds a query the same way.
A word is then a run of ASCII letters and digits, possibly joined by ``. @ _ : -``
(``model:credit-risk@3``, ``alice@contoso.com``, ``6b1f5330``). The index keeps
the whole word, the part after each ``:`` or ``@`` (``credit-risk@3``,
``contoso.com``) and every plain part (``credit``, ``risk``, ``3``), so a query
finds a reference as it is written everywhere and any piece of it. The browser
(``catgen-search.js``) cuts a query with the same pattern and keeps each word whole.

Each (word, document) pair carries the *field class* of the best field the word
came from; the score of a match is ``EXACT[class]`` when the query word equals
the indexed word, ``PREFIX[class]`` when it only starts it. Both rows fall from
class 0 to class 4, so one order of the documents of a word serves both.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

REFERENCE, NAME, NAME_PART, KEYWORD, TEXT = range(5)  # field classes, strongest first
EXACT = (100, 80, 45, 20, 6)  # the whole reference, the exact name, a word of the name, people/commits/tags, text
PREFIX = (55, 50, 30, 12, 3)  # the query word starts the indexed word
MAX_WORD = 80  # longer words (digests, blobs) are cut: nobody types more
SHORT_TEXT = 120  # texts up to this long have their words remembered (at most 16,384 of them)

WORD = re.compile(r"[0-9a-z]+(?:[.@_:-][0-9a-z]+)*")
_PART = re.compile(r"[0-9a-z]+")
_QUALIFIED = re.compile(r"[:@]")


def folded(text: str) -> str:
    """``text`` case folded, without accents: what words are cut from (``catgen-search.js``'s ``fold``)."""
    text = text.casefold()
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.category(c).startswith("M"))


def words(text) -> frozenset[str]:
    """The indexed words of ``text``: each whole word, its tails after ``:``/``@``, and its plain parts."""
    if text is None or isinstance(text, (dict, list)):
        return frozenset()
    text = str(text)
    return _short_text_words(text) if len(text) <= SHORT_TEXT else _text_words(text)


@lru_cache(maxsize=1 << 14)
def _short_text_words(text: str) -> frozenset[str]:
    # Names, references, people, regions, frameworks: the same short values recur across a catalog's manifests.
    return _text_words(text)


def _text_words(text: str) -> frozenset[str]:
    found = set()
    for word in WORD.findall(folded(text)):
        word = word[:MAX_WORD]
        found.add(word)
        found.update(word[m.end():] for m in _QUALIFIED.finditer(word) if m.end() < len(word))
        found.update(_PART.findall(word))
    return frozenset(found)


def query_words(text: str) -> list[str]:
    """A query's words, whole and in order (what the browser looks up)."""
    return [w[:MAX_WORD] for w in WORD.findall(folded(text))]


def add(target: dict, text, field_class: int) -> None:
    """Record the words of ``text`` in ``target`` ({word: best class}) under ``field_class``."""
    for word in words(text):
        if target.get(word, TEXT + 1) > field_class:
            target[word] = field_class
