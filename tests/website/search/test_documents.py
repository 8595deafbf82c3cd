"""Documents: their order (kind, name, newer versions first) and the classes of guide words."""

from __future__ import annotations

from catgen.website.search.documents import GUIDE, Document, guide_documents, kind_ranges, ordered
from catgen.website.search.tokens import KEYWORD, NAME, NAME_PART, TEXT


def _doc(kind: str, name: str, version: str | None = None) -> Document:
    return Document(["", "", kind, "", ""], {}, name, version)


def test_documents_are_ordered_by_kind_then_name_then_newest_version():
    docs = [_doc("Job", "a"), _doc("Model", "m", "2"), _doc("Model", "m", "10"), _doc("Model", "b", "1"),
            _doc(GUIDE, "rules/")]
    assert [(d.kind, d.name, d.version) for d in ordered(docs)] == [
        ("Model", "b", "1"), ("Model", "m", "10"), ("Model", "m", "2"), ("Job", "a", None), (GUIDE, "rules/", None)]
    assert kind_ranges(ordered(docs)) == [["Model", 0, 3], ["Job", 3, 4], [GUIDE, 4, 5]]


def test_a_rule_heading_makes_its_code_and_name_names_and_body_codes_keywords():
    page = "# Rules\n\nSee CG201.\n\n## CG511 chronology\n\nAn approval before the request.\n\n## Other\n\nText.\n"
    intro, rule, other = guide_documents([("rules/", page)])
    assert rule.record == ["CG511 chronology", "rules/#cg511-chronology", GUIDE, "Rules",
                           "An approval before the request."]
    assert rule.words["cg511"] == NAME and rule.words["chronology"] == NAME and rule.words["approval"] == TEXT
    assert intro.words["cg201"] == KEYWORD and intro.record[1] == "rules/"
    assert other.words["other"] == NAME_PART and "cg511" not in other.words
