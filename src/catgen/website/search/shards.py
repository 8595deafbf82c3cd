"""The index files: a trie of shards, each under a byte budget, so a first search costs two small files.

``search/index.js`` lists the trie's nodes. A *leaf* node ``w/<prefix>.js`` holds
every word starting with its prefix: for each word, how many documents have it
and their numbers (best field class first, at most ``CAP``), plus the records of
the first ``RECORDS`` of them, so a one-word search shows its first screen from
the leaf alone. An inline record is short: a manifest's is its reference
(``model:credit-risk@3``: the browser derives title and address from it, ``compact``),
anything else's ``[title, address, page]``. A node whose words would exceed ``BUDGET`` bytes is split by the
next character into children; what remains of it (an *inner* node) holds the word
equal to its prefix, if any, the ``TOP`` best documents over all words below it
(scored as prefix matches, ``tokens.PREFIX``) and their count. The browser looks
a word up in the longest listed node that starts it: a leaf when the word is long
enough, else the inner node's ranking. The document table ``d/<n>.js`` (``CHUNK``
whole records each, with the summaries) is read for the summaries the search page
shows under its results, and for results no node carried.

Each file is a script, ``catgenSearchData(key, value);``, rather than JSON: a
browser loads a script from a ``file://`` folder, where it refuses to fetch JSON.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Generator, Iterator

from catgen.model import KIND_BY_PREFIX, KINDS
from catgen.website.search.tokens import EXACT, PREFIX

BUDGET = 48_000  # bytes of a leaf, estimated before writing
CAP = 1000  # document numbers kept per word: the best, by field class then document order
RECORDS = 20  # records inline per word and per inner node: a first screen of results
TOP = 100  # documents ranked per inner node
CHUNK = 50  # whole records per file of the document table (summaries: a page of results spans few)
FORMAT = "catgen-search/2"


class Postings:
    """Which documents have each word, by field class: ``{word: array of codes}``, ``class * numbers_below + number``
    each, sorted, so that they rank them (best class first, then document number).

    Compact because the index reads every document's words once, in number order, and keeps only these
    codes (a manifest's words are made when read: ``Document.indexed_words``): at 50,000 manifests
    3.5 million (word, document) pairs as tuples cost 300 MB, as codes 30 MB. Documents may be added in
    parts (``add``), numbered on: the manifests' words are read before the guide is known (``searchahead``).
    """

    def __init__(self, documents=()):
        self.count = 0  # documents added
        self.numbers_below = 1 << 21  # a code's number is its remainder by this; small codes are fast ones
        self.codes: dict[str, array] = {}
        self._sorted = False
        self.add(documents)

    def add(self, documents) -> None:
        """The words of ``documents``, numbered after those added before."""
        self._sorted = False
        for number, document in enumerate(documents, self.count):
            if number == self.numbers_below:
                self._widen()
            below = self.numbers_below
            for word, field_class in document.indexed_words().items():
                codes = self.codes.get(word)
                if codes is None:
                    codes = self.codes[word] = array("q")
                codes.append(field_class * below + number)
            self.count = number + 1

    def _widen(self) -> None:
        """Room for 16 times as many documents: every code made again (past two million documents)."""
        old, new = self.numbers_below, self.numbers_below << 4
        for word, codes in self.codes.items():
            self.codes[word] = array("q", (code // old * new + code % old for code in codes))
        self.numbers_below = new

    def total(self, word: str) -> int:
        """How many documents have ``word``."""
        return len(self.codes[word])

    def ranked(self, word: str, limit: int = CAP) -> list[tuple[int, int]]:
        """The first ``limit`` (field class, document number) of ``word``, in rank order."""
        if not self._sorted:  # once, in rank order: each word's codes are read in it twice
            for each, codes in self.codes.items():
                self.codes[each] = array("q", sorted(codes))
            self._sorted = True
        return [divmod(code, self.numbers_below) for code in self.codes[word][:limit]]

    def numbers(self, word: str) -> Iterator[int]:
        """The numbers of the documents that have ``word``."""
        return (code % self.numbers_below for code in self.codes[word])


def index_texts(documents: list, kinds: list, budget: int = BUDGET, words: Postings | None = None
                ) -> Iterator[tuple[str, str]]:
    """(path under the site, script text) of each index file, each made when asked for, deterministic.
    ``words``: the ``Postings`` of ``documents`` when they are made already."""
    records = [d.record for d in documents]
    words = Postings(documents) if words is None else words
    if words.count != len(documents):
        raise ValueError(f"the postings hold {words.count} documents, not {len(documents)}")
    inline = [compact(r) for r in records]
    record_sizes = [len(json.dumps(r, ensure_ascii=False)) for r in inline]
    sizes = {w: _entry_size(words.ranked(w), words.total(w), record_sizes) for w in words.codes}
    trie = _Trie(words, inline, budget)
    yield from trie.split("", sorted(words.codes), sizes)
    for start in range(0, len(records), CHUNK):
        key = f"d/{start // CHUNK}"
        yield f"search/{key}.js", _script(key, records[start:start + CHUNK])
    yield "search/index.js", _script("index", {
        "format": FORMAT, "docs": len(records), "chunk": CHUNK, "kinds": kinds, "exact": EXACT, "prefix": PREFIX,
        "plurals": {k.prefix: k.plural for k in KINDS.values() if k.plural},
        "leaves": sorted(trie.leaves), "inner": sorted(trie.inner)})


def compact(record: list):
    """The inline form of a record: a manifest's reference when title and address follow from it, else
    ``[title, address, page]``."""
    title, address, kind, reference = record[:4]
    if derived(reference) == (title, address, kind):
        return reference
    return [title, address, reference]


def derived(reference: str) -> tuple | None:
    """(title, address, kind) that the browser makes of a manifest reference (``urls.manifest_url``)."""
    prefix, _, rest = reference.partition(":")
    kind = KIND_BY_PREFIX.get(prefix)
    if kind is None or not kind.plural or not rest:
        return None
    name, at, version = rest.partition("@")
    if bool(at) != kind.versioned:
        return None
    if version:
        return f"{name} {version}", f"{kind.plural}/{name}/{version}/", kind.name
    return name, f"{kind.plural}/{name}/", kind.name


def file_key(prefix: str) -> str:
    """A prefix as a file name: letters and digits as they are, any other character as ``_`` and two hex digits."""
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):02x}" for c in prefix)


class _Trie:
    """Splits the words into nodes under ``BUDGET``; ``split`` yields each node's file as it is made."""

    def __init__(self, words: Postings, records: list, budget: int):
        self.words, self.records, self.budget = words, records, budget
        self.leaves: set = set()
        self.inner: set = set()

    def split(self, prefix: str, words: list, sizes: dict) -> Generator[tuple[str, str], None, tuple[dict, set]]:
        """Yield the files of the node of ``prefix`` (``words`` all start with it) and of the nodes under it;
        return (its prefix scores, its documents)."""
        if prefix and (sum(sizes[w] for w in words) <= self.budget or words == [prefix]):
            file, scores, documents = self._leaf(prefix, words)
            yield file
            return scores, documents
        children: dict[str, list] = {}
        for word in words:
            if word != prefix:
                children.setdefault(word[len(prefix)], []).append(word)
        scores: dict = {}
        documents: set = set()
        for char in sorted(children):
            child_scores, child_documents = yield from self.split(prefix + char, children[char], sizes)
            _keep_best(scores, child_scores)
            documents |= child_documents
        if prefix:
            yield self._inner(prefix, scores, documents)
        return _top(scores), documents

    def _leaf(self, prefix: str, words: list) -> tuple[tuple[str, str], dict, set]:
        """The leaf node of ``prefix``: (its file, its prefix scores, its documents)."""
        entries, shown, scores, documents = {}, set(), {}, set()
        for word in words:
            pairs = self.words.ranked(word)
            entries[word] = _entry(pairs, self.words.total(word))
            shown.update(n for _, n in pairs[:RECORDS])
            _keep_best(scores, {n: PREFIX[c] for c, n in pairs[:TOP]})
            documents.update(self.words.numbers(word))
        self.leaves.add(prefix)
        return _node_file(prefix, {"w": entries, "d": self._records(shown)}), _top(scores), documents

    def _inner(self, prefix: str, scores: dict, documents: set) -> tuple[str, str]:
        """The inner node of ``prefix``: the word equal to it (scored exact) joins the ranking below it."""
        own = self.words.ranked(prefix) if prefix in self.words.codes else []
        ranked = dict(scores)
        entries = {}
        if own:
            entries[prefix] = _entry(own, self.words.total(prefix))
            _keep_best(ranked, {n: EXACT[c] for c, n in own[:TOP]})
            documents.update(self.words.numbers(prefix))
        top = sorted(ranked.items(), key=lambda item: (-item[1], item[0]))[:TOP]
        shown = {n for n, _ in top[:RECORDS]} | {n for _, n in own[:RECORDS]}
        self.inner.add(prefix)
        return _node_file(prefix, {"w": entries, "top": [x for pair in top for x in pair], "n": len(documents),
                                   "d": self._records(shown)})

    def _records(self, numbers) -> dict:
        return {str(n): self.records[n] for n in sorted(numbers)}


def _node_file(prefix: str, node: dict) -> tuple[str, str]:
    return f"search/w/{file_key(prefix)}.js", _script(f"w/{file_key(prefix)}", node)


def _entry(pairs: list, total: int) -> list:
    """[total, [class, first number, gap, gap...]...]: ``pairs``, the first ``CAP`` documents, by class then number."""
    groups: list = []
    previous = None
    for field_class, number in pairs[:CAP]:
        if not groups or groups[-1][0] != field_class:
            groups.append([field_class, number])
        else:
            groups[-1].append(number - previous)
        previous = number
    return [total, groups]


def _entry_size(pairs: list, total: int, record_sizes: list) -> int:
    shown = sum(record_sizes[n] for _, n in pairs[:RECORDS])
    return len(json.dumps(_entry(pairs, total), separators=(",", ":"))) + shown + 8


def _keep_best(scores: dict, more: dict) -> None:
    for number, score in more.items():
        if scores.get(number, -1) < score:
            scores[number] = score


def _top(scores: dict) -> dict:
    """The ``TOP`` best of ``scores`` (best score, then lower number): all a parent's ranking needs."""
    return dict(sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:TOP])


def _script(key: str, value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"catgenSearchData({json.dumps(key)},{text});\n"
