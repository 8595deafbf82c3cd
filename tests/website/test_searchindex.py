"""The search index of the example catalog and its guide, read as the browser reads it (``search.reader``).

One index per module, built without MkDocs: the example catalog's site model and
two real guide pages (the rules and the promotion rules).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from catgen.checking.engine import run_check
from catgen.load.catalog import open_catalog
from catgen.website.search import shards
from catgen.website.search.documents import all_documents, kind_ranges
from catgen.website.search.reader import IndexReader
from catgen.website.searchindex import guide_pages, index_texts, manifest_words, texts_with_the_rest
from catgen.website.sitemodel import SiteModel
from testing.catalogs import EXAMPLE, NOW, REPO


class _GuideFile:
    def __init__(self, url: str, path: Path):
        self.url, self.path = url, path

    @property
    def content_string(self) -> str:
        return self.path.read_text("utf-8")


GUIDE = [_GuideFile("rules/", REPO / "docs/rules.md"), _GuideFile("rules/promotion/", REPO / "docs/rules/promotion.md"),
         _GuideFile("gone/", REPO / "docs/no-such-page.md")]


@pytest.fixture(scope="module")
def site():
    return SiteModel.from_result(run_check(open_catalog(str(EXAMPLE), cache=False), now=NOW), now=NOW)


@pytest.fixture(scope="module")
def files(site):
    return dict(index_texts(site, GUIDE))


@pytest.fixture
def reader(files, tmp_path):
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    return IndexReader(tmp_path)


def _results(reader, query: str, kind: str = "", count: int = 5) -> list[str]:
    """The reference (a manifest's) or address (a guide section's) of the first results."""
    found = reader.search(query, kind)
    return [r[3] if r[2] != "Guide" else r[1] for r in reader.records_of(found, found.ids[:count])]


@pytest.mark.parametrize("query", ["credit-risk@3", "model:credit-risk@3", "MODEL:credit-risk@3", "credit-risk 3"])
def test_a_reference_or_name_and_version_as_typed_finds_that_version_first(reader, query):
    assert _results(reader, query)[0] == "model:credit-risk@3"


def test_a_name_lists_its_versions_newest_first_before_other_fields(reader):
    assert _results(reader, "credit-risk", count=3) == ["model:credit-risk@3", "model:credit-risk@2",
                                                        "model:credit-risk@1"]
    assert _results(reader, "model:credit-risk@9") == []


@pytest.mark.parametrize(("query", "expected"), [
    ("alice", "promotion:credit-risk-3-to-prod"),  # an approver
    ("bob@contoso.com", "promotion:credit-risk-3-to-prod"),  # a requester, as written
    ("risk-team", "model:credit-risk@3"),  # an owner
    ("6b1f", "job:train-credit-risk-prod-0912"),  # a commit prefix
    ("6b1f53303a732ccc8c6aae6640399827c15250e3", "job:train-credit-risk-prod-0912"),  # the whole commit
    ("log_loss", "job:train-credit-risk-prod-0912"),  # a metric name
    ("westeurope", "workspace:ml-prod-weu"),  # a region
    ("framework", "model:credit-risk@3"),  # a tag key
    ("cpu-cluster-d32", "job:train-credit-risk-prod-0912"),  # the compute
])
def test_people_commits_metrics_regions_and_tags_find_their_manifests(reader, query, expected):
    assert expected in _results(reader, query, count=50)


def test_a_word_in_no_document_finds_nothing(reader):
    assert _results(reader, "zebra") == [] and _results(reader, "6b1f0000") == []


def test_a_rule_code_finds_its_guide_section_first(reader):
    first = _results(reader, "CG511", count=2)
    assert first == ["rules/#cg511-chronology", "rules/promotion/#cg511-chronology"]
    assert _results(reader, "chronology")[0] == "rules/#cg511-chronology"  # the rule's name


def test_the_kind_filter_keeps_that_kind_only(reader):
    jobs = reader.search("credit", "Job")
    assert jobs.ids and {reader.kind_of(n) for n in jobs.ids} == {"Job"}
    assert {reader.kind_of(n) for n in reader.search("credit").ids} > {"Job", "Model"}


def test_a_first_search_of_one_word_reads_two_files(reader):
    for query in ("credit", "alice", "cg511", "cr"):
        found = reader.search(query)
        assert [path for path, _ in found.fetched][0] == "search/index.js" and len(found.fetched) == 2, query


def test_the_index_is_the_same_for_the_same_catalog(site, files):
    assert dict(index_texts(site, GUIDE)) == files
    assert dict(index_texts(site)) != files  # the guide counts


def test_manifest_documents_keep_no_words_and_make_them_when_read(site):
    documents = all_documents(site)
    made = [d for d in documents if d.make_words is not None]
    assert len(made) == len(site.pages) and all(d.words == {} for d in made)
    assert all(d.indexed_words() and d.indexed_words() == d.indexed_words() for d in made)
    assert all(d.indexed_words() is d.words for d in documents if d.make_words is None)


def test_the_manifests_words_made_first_then_the_rest_are_the_index_of_every_document(site):
    # ``searchahead`` reads the manifests' words before the guide is known: the documents come out in the order
    # ``all_documents`` gives (manifests, then the checks page, then the guide), numbered alike.
    documents, words = manifest_words(site)
    assert words.count == len(documents) == len(site.pages)
    found = dict(texts_with_the_rest(site, documents, words, guide_pages(GUIDE)))
    every = all_documents(site, guide_pages(GUIDE))
    assert [d.record for d in documents] == [d.record for d in every[:len(documents)]]
    assert found == dict(shards.index_texts(every, kind_ranges(every))) == dict(index_texts(site, GUIDE))
