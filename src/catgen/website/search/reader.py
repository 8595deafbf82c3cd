"""The browser's lookup (``assets/catgen-search.js``) in Python, over a built site's index files.

For the benchmark (``benchmarks/bench_search.py``) and the tests: it reads the
same files in the same order, so it counts the bytes and requests a first search
costs, and ranks as the browser does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from catgen.website.search.shards import file_key
from catgen.website.search.tokens import query_words


@dataclass
class Found:
    ids: list  # document numbers, best first
    total: int
    records: dict  # number -> record, for the ids the read nodes carried
    fetched: list = field(default_factory=list)  # (file, bytes) in the order read


class IndexReader:
    def __init__(self, site: Path):
        self.folder = Path(site) / "search"
        self.fetched: list = []
        self.index = self._load("index")
        self.leaves, self.inner = set(self.index["leaves"]), set(self.index["inner"])

    def _load(self, key: str):
        path = self.folder / f"{key}.js"
        text = path.read_text("utf-8")
        self.fetched.append((f"search/{key}.js", len(text.encode("utf-8"))))
        head = f"catgenSearchData({json.dumps(key)},"
        assert text.startswith(head) and text.endswith(");\n"), path
        return json.loads(text[len(head):-3])

    def word_hits(self, word: str) -> tuple[dict, dict, int]:
        """({number: score}, records, total) of one query word."""
        prefix = next((word[:n] for n in range(len(word), 0, -1) if word[:n] in self.leaves | self.inner), None)
        if prefix is None or (prefix in self.inner and prefix != word):
            return {}, {}, 0
        node = self._load(f"w/{file_key(prefix)}")
        records = {int(k): v for k, v in node["d"].items()}
        if prefix in self.inner and len(word) >= 2:
            top = node["top"]
            return dict(zip(top[0::2], top[1::2])), records, node["n"]
        scores: dict = {}
        counted = 0  # the most documents one matching word has (its list may be capped)
        for token, entry in node["w"].items():
            exact = token == word
            if not exact and (len(word) < 2 or not token.startswith(word)):
                continue
            weights = self.index["exact" if exact else "prefix"]
            counted = max(counted, entry[0])
            for number, field_class in postings_of(entry):
                scores[number] = max(scores.get(number, -1), weights[field_class])
        return scores, records, max(counted, len(scores))

    def search(self, query: str, kind: str = "") -> Found:
        self.fetched = self.fetched[:1]  # the index file is read once per page
        hits = [self.word_hits(w) for w in query_words(query)]
        if not hits:
            return Found([], 0, {}, list(self.fetched))
        scores = {n: sum(h[0][n] for h in hits) for n in hits[0][0] if all(n in h[0] for h in hits)}
        if kind:
            scores = {n: s for n, s in scores.items() if self.kind_of(n) == kind}
        ids = sorted(scores, key=lambda n: (-scores[n], n))
        records: dict = {}
        for h in hits:
            records.update(h[1])
        total = max(hits[0][2], len(ids)) if len(hits) == 1 and not kind else len(ids)
        return Found(ids, total, records, list(self.fetched))

    def records_of(self, found: Found, ids: list) -> list:
        """[title, address, kind, reference or page, summary] of ``ids``: from the nodes read (no summary),
        else from the document table (as the browser does)."""
        table = self.table_records(found, [n for n in ids if n not in found.records])
        return [self.expand(n, found.records[n]) if n in found.records else table[n] for n in ids]

    def table_records(self, found: Found, ids: list) -> dict:
        """{number: whole record} of ``ids``, reading the chunks of the document table that hold them."""
        chunk, table = self.index["chunk"], {}
        for number in sorted({n // chunk for n in ids}):
            rows = self._load(f"d/{number}")
            found.fetched.append(self.fetched[-1])
            table.update({number * chunk + i: record for i, record in enumerate(rows)})
        return table

    def expand(self, number: int, inline) -> list:
        if not isinstance(inline, str):
            return [inline[0], inline[1], self.kind_of(number), inline[2], ""]
        prefix, _, rest = inline.partition(":")
        name, _, version = rest.partition("@")
        address = f"{self.index['plurals'][prefix]}/{name}/" + (f"{version}/" if version else "")
        return [f"{name} {version}" if version else name, address, self.kind_of(number), inline, ""]

    def kind_of(self, number: int) -> str:
        return next((kind for kind, first, end in self.index["kinds"] if first <= number < end), "")


def postings_of(entry: list) -> list[tuple[int, int]]:
    """(document number, field class) of one word's entry, in stored order."""
    pairs = []
    for group in entry[1]:
        number = 0
        for i, value in enumerate(group[1:]):
            number = value if i == 0 else number + value
            pairs.append((number, group[0]))
    return pairs
