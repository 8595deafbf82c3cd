"""The trie of shards: every word reachable, each leaf under the byte budget, postings capped, records inline."""

from __future__ import annotations

import json
import random

import pytest

from catgen.website.search.documents import Document, kind_ranges
from catgen.website.search.reader import IndexReader, postings_of
from catgen.website.search.shards import CAP, Postings, compact, file_key, index_texts
from catgen.website.search.tokens import NAME, TEXT


def _write(tmp_path, files: dict):
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    return IndexReader(tmp_path)


def _family(count: int) -> list[Document]:
    """``count`` models fam-0000... sharing a long prefix, as a catalog of one family would."""
    return [Document([f"fam-{i:04d} 1", f"models/fam-{i:04d}/1/", "Model", f"model:fam-{i:04d}@1", "A family member."],
                     {f"fam-{i:04d}": NAME, "family": TEXT, "member": TEXT}, f"fam-{i:04d}", "1")
            for i in range(count)]


def test_a_shared_prefix_splits_until_each_leaf_fits_the_budget(tmp_path):
    documents = _family(600)
    files = index_files(documents, kind_ranges(documents), budget=3000)
    reader = _write(tmp_path, files)
    leaves = [files[f"search/w/{file_key(p)}.js"] for p in reader.leaves]
    assert len(reader.leaves) > 10 and max(len(text) for text in leaves) < 3000 + 600
    found = reader.search("fam-0421")
    assert [reader.expand(n, found.records[n])[3] for n in found.ids] == ["model:fam-0421@1"]
    assert len(found.fetched) == 2 and sum(size for _, size in found.fetched) < 8000


def test_a_short_prefix_reads_the_ranking_of_its_inner_node(tmp_path):
    documents = _family(600)
    reader = _write(tmp_path, index_files(documents, kind_ranges(documents), budget=3000))
    assert "fam-0" in reader.inner
    found = reader.search("fam-0")
    assert found.total == 600 and found.ids[:3] == [0, 1, 2]
    assert all(n in found.records for n in found.ids[:20])  # the first screen needs no document table
    assert reader.search("fam-9").ids == [] and reader.search("zzz").ids == []


def test_postings_are_capped_but_counted(tmp_path):
    documents = _family(CAP + 200)
    files = index_files(documents, kind_ranges(documents))
    reader = _write(tmp_path, files)
    prefix = next(p for p in sorted(reader.leaves | reader.inner, key=len, reverse=True) if "family".startswith(p))
    node = json.loads(files[f"search/w/{file_key(prefix)}.js"].split(",", 1)[1][:-3])
    assert node["w"]["family"][0] == CAP + 200 and len(postings_of(node["w"]["family"])) == CAP
    assert reader.search("family").total == CAP + 200


def test_inline_records_are_short_only_when_the_browser_can_rebuild_them():
    assert compact(["credit-risk 3", "models/credit-risk/3/", "Model", "model:credit-risk@3", "x"]) == \
        "model:credit-risk@3"
    assert compact(["job-a", "jobs/job-a/", "Job", "job:job-a", ""]) == "job:job-a"
    assert compact(["CG511 chronology", "rules/#cg511", "Guide", "Rules", ""]) == ["CG511 chronology", "rules/#cg511",
                                                                                   "Rules"]
    assert compact(["odd", "models/odd/1/", "Model", "model:odd@1", ""]) == ["odd", "models/odd/1/", "model:odd@1"]


def test_file_names_are_safe_and_distinct():
    keys = [file_key(p) for p in ("model:c", "model_3ac", "a.b", "a-b", "a@b", "a_b")]
    assert len(set(keys)) == len(keys) and all(k.replace("_", "").isalnum() for k in keys)


def test_files_are_inert_scripts_and_deterministic(tmp_path):
    documents = [Document(["</script><b>x\u2028", "models/m/1/", "Model", "model:m@1", "<img onerror=1>"],
                          {"m": NAME}, "m", "1")]
    files = index_files(documents, kind_ranges(documents))
    assert files == index_files(documents, kind_ranges(documents))
    text = files["search/d/0.js"]
    assert "\u2028" not in text and text.startswith('catgenSearchData("d/0",') and text.endswith(");\n")
    assert json.loads(text[len('catgenSearchData("d/0",'):-3])[0][0] == "</script><b>x\u2028"


def test_postings_rank_each_word_by_class_then_document_number():
    rng = random.Random(17)
    documents = [Document(["", "", "Model", "", ""], {w: rng.randrange(5) for w in rng.sample("abcdefgh", 4)})
                 for _ in range(300)]
    postings = Postings(documents)
    for word in "abcdefgh":
        pairs = sorted((d.words[word], n) for n, d in enumerate(documents) if word in d.words)
        assert postings.ranked(word) == pairs and postings.ranked(word, 7) == pairs[:7]
        assert postings.total(word) == len(pairs) and sorted(postings.numbers(word)) == sorted(n for _, n in pairs)
    assert set(postings.codes) == set("abcdefgh")


def test_postings_added_in_parts_past_their_room_rank_as_those_made_at_once():
    rng = random.Random(18)
    documents = [Document(["", "", "Model", "", ""], {w: rng.randrange(5) for w in rng.sample("abcdefgh", 4)})
                 for _ in range(300)]
    whole = Postings(documents)
    parts = Postings()
    parts.numbers_below = 8  # as two million is for a catalog: the codes are made again each time it is reached
    for start in (0, 5, 100, 299):
        parts.add(documents[start:{0: 5, 5: 100, 100: 299, 299: 300}[start]])
    assert (parts.count, parts.numbers_below) == (300, 2048)  # widened at 8 and at 128
    for word in "abcdefgh":
        assert parts.ranked(word) == whole.ranked(word) and sorted(parts.numbers(word)) == sorted(whole.numbers(word))
    assert index_files(documents, kind_ranges(documents), words=parts) == index_files(documents, kind_ranges(documents))
    short = Postings(documents[:299])
    with pytest.raises(ValueError, match="the postings hold 299 documents, not 300"):
        index_files(documents, kind_ranges(documents), words=short)


def test_words_made_when_read_index_as_words_kept():
    documents = _family(40)
    made = [Document(d.record, {}, d.name, d.version, make_words=d.words.copy) for d in documents]
    assert all(d.words == {} for d in made)
    assert index_files(made, kind_ranges(made), budget=3000) == index_files(documents, kind_ranges(documents),
                                                                             budget=3000)


def index_files(documents: list, kinds: list, budget: int | None = None, words=None) -> dict[str, str]:
    """Every index file at once: {path: text} (``words``: the documents' postings, made already)."""
    if budget is None:
        return dict(index_texts(documents, kinds, words=words))
    return dict(index_texts(documents, kinds, budget, words=words))
