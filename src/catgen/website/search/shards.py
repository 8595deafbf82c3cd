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

from catgen.model import KIND_BY_PREFIX, KINDS
from catgen.website.search.tokens import EXACT, PREFIX

BUDGET = 48_000  # bytes of a leaf, estimated before writing
CAP = 1000  # document numbers kept per word: the best, by field class then document order
RECORDS = 20  # records inline per word and per inner node: a first screen of results
TOP = 100  # documents ranked per inner node
CHUNK = 50  # whole records per file of the document table (summaries: a page of results spans few)
FORMAT = "catgen-search/2"


def postings(documents: list) -> dict[str, list]:
    """{word: [(field class, document number)...]} in rank order."""
    found: dict[str, list] = {}
    for number, document in enumerate(documents):
        for word, field_class in document.words.items():
            found.setdefault(word, []).append((field_class, number))
    return {word: sorted(pairs) for word, pairs in found.items()}


def index_files(documents: list, kinds: list, budget: int = BUDGET) -> dict[str, str]:
    """``{path under the site: script text}`` of the whole index, deterministic."""
    records = [d.record for d in documents]
    words = postings(documents)
    inline = [compact(r) for r in records]
    record_sizes = [len(json.dumps(r, ensure_ascii=False)) for r in inline]
    sizes = {w: _entry_size(pairs, record_sizes) for w, pairs in words.items()}
    trie = _Trie(words, inline, budget)
    trie.split("", sorted(words), sizes)
    files = {f"search/w/{file_key(prefix)}.js": _script(f"w/{file_key(prefix)}", node)
             for prefix, node in trie.files.items()}
    for start in range(0, len(records), CHUNK):
        key = f"d/{start // CHUNK}"
        files[f"search/{key}.js"] = _script(key, records[start:start + CHUNK])
    files["search/index.js"] = _script("index", {
        "format": FORMAT, "docs": len(records), "chunk": CHUNK, "kinds": kinds, "exact": EXACT, "prefix": PREFIX,
        "plurals": {k.prefix: k.plural for k in KINDS.values() if k.plural},
        "leaves": sorted(trie.leaves), "inner": sorted(trie.inner)})
    return files


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
    """Splits the words into nodes under ``BUDGET``; ``files`` holds each node's content."""

    def __init__(self, words: dict, records: list, budget: int):
        self.words, self.records, self.budget = words, records, budget
        self.leaves: set = set()
        self.inner: set = set()
        self.files: dict = {}

    def split(self, prefix: str, words: list, sizes: dict) -> tuple[dict, set]:
        """Write the node of ``prefix`` (``words`` all start with it); return (its prefix scores, its documents)."""
        if prefix and (sum(sizes[w] for w in words) <= self.budget or words == [prefix]):
            return self._leaf(prefix, words)
        children: dict[str, list] = {}
        for word in words:
            if word != prefix:
                children.setdefault(word[len(prefix)], []).append(word)
        scores: dict = {}
        documents: set = set()
        for char in sorted(children):
            child_scores, child_documents = self.split(prefix + char, children[char], sizes)
            _keep_best(scores, child_scores)
            documents |= child_documents
        if prefix:
            self._inner(prefix, scores, documents)
        return _top(scores), documents

    def _leaf(self, prefix: str, words: list) -> tuple[dict, set]:
        entries, shown, scores, documents = {}, set(), {}, set()
        for word in words:
            pairs = self.words[word]
            entries[word] = _entry(pairs)
            shown.update(n for _, n in pairs[:RECORDS])
            _keep_best(scores, {n: PREFIX[c] for c, n in pairs[:TOP]})
            documents.update(n for _, n in pairs)
        self.leaves.add(prefix)
        self.files[prefix] = {"w": entries, "d": self._records(shown)}
        return _top(scores), documents

    def _inner(self, prefix: str, scores: dict, documents: set) -> None:
        """The inner node of ``prefix``: the word equal to it (scored exact) joins the ranking below it."""
        own = self.words.get(prefix)
        ranked = dict(scores)
        entries = {}
        if own:
            entries[prefix] = _entry(own)
            _keep_best(ranked, {n: EXACT[c] for c, n in own[:TOP]})
            documents.update(n for _, n in own)
        top = sorted(ranked.items(), key=lambda item: (-item[1], item[0]))[:TOP]
        shown = {n for n, _ in top[:RECORDS]} | {n for _, n in (own or [])[:RECORDS]}
        self.inner.add(prefix)
        self.files[prefix] = {"w": entries, "top": [x for pair in top for x in pair], "n": len(documents),
                              "d": self._records(shown)}

    def _records(self, numbers) -> dict:
        return {str(n): self.records[n] for n in sorted(numbers)}


def _entry(pairs: list) -> list:
    """[total, [class, first number, gap, gap...]...]: the first ``CAP`` documents, by class then number."""
    groups: list = []
    previous = None
    for field_class, number in pairs[:CAP]:
        if not groups or groups[-1][0] != field_class:
            groups.append([field_class, number])
        else:
            groups[-1].append(number - previous)
        previous = number
    return [len(pairs), groups]


def _entry_size(pairs: list, record_sizes: list) -> int:
    shown = sum(record_sizes[n] for _, n in pairs[:RECORDS])
    return len(json.dumps(_entry(pairs), separators=(",", ":"))) + shown + 8


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
