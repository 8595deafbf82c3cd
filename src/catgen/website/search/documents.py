"""What the search finds: one document per manifest page, per guide section, and the checks page.

A document is the record a result shows (title, address, kind, reference,
summary) and its words, each with the class of the best field it came from
(``tokens``). The documents are numbered in ``ORDER``: by kind, then name, newer
versions before older ones; the browser breaks ties of score by that number, so
``credit-risk`` lists version 3 before version 1 and models before jobs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from catgen.website.search import guidetext
from catgen.website.search.tokens import KEYWORD, NAME, NAME_PART, REFERENCE, TEXT, WORD, add
from catgen.website.sitemodel import version_key
from catgen.website.text import summary_text

GUIDE, PAGE = "Guide", "Page"  # the kinds of documents that are not manifests
ORDER = ("Model", "Data", "Environment", "Component", "Job", "Deployment", "Promotion", "Workspace", "Registry",
         PAGE, GUIDE)
# Spec fields whose values people type whole: commits, places, people, stages, endpoints.
KEYWORD_FIELDS = {"commit", "region", "location", "replication_locations", "requested_by", "by", "approvers",
                  "stage", "endpoint", "compute", "instance_type", "repository"}
NAMED_FIELDS = {"metrics", "parameters", "inputs", "outputs"}  # their keys are names people search for
_RULE_CODE = re.compile(r"\bCG\d{3}\b", re.IGNORECASE)
_MAX_VALUES = 2000  # values read from one manifest's spec: a bound on one document's words


@dataclass
class Document:
    record: list  # [title, address, kind, reference, summary]: what a result shows
    words: dict = field(default_factory=dict)  # word -> field class
    name: str = ""
    version: str | None = None
    make_words: Callable[[], dict] | None = None  # makes the words when they are not kept in ``words``

    @property
    def kind(self) -> str:
        return self.record[2]

    def indexed_words(self) -> dict:
        """{word: field class}: ``words``, or made afresh (a manifest's, which the index reads once)."""
        return self.words if self.make_words is None else self.make_words()


def ordered(documents: list) -> list:
    """``documents`` in index order: kind, name, then newer versions first."""
    by_version = sorted(documents, key=lambda d: version_key(d.version) if d.version else (), reverse=True)
    return sorted(by_version, key=lambda d: (ORDER.index(d.kind) if d.kind in ORDER else len(ORDER),
                                             d.name.casefold()))


def manifest_document(site, manifest) -> Document:
    """A manifest page's document; its words are made when the index reads them (``manifest_words``): all
    manifests' words at once would be 3.5 million (word, class) pairs at 50,000 manifests."""
    meta, name, version = manifest.metadata, manifest.name, manifest.version
    title = f"{name} {version}" if version else name
    record = [title, site.url(manifest), manifest.kind, manifest.ref, summary_text(meta.get("description"))]
    return Document(record, {}, name, version, partial(manifest_words, site, manifest))


def manifest_words(site, manifest) -> dict:
    """{word: field class} of a manifest page's document."""
    meta, name, version = manifest.metadata, manifest.name, manifest.version
    words: dict = {}
    add(words, name, NAME_PART)
    add(words, version, KEYWORD)
    add(words, manifest.kind, TEXT)
    add(words, meta.get("description"), TEXT)
    for person in (meta.get("owner"), meta.get("created_by")):
        add(words, person, KEYWORD)
    tags = meta.get("tags")
    for key, value in tags.items() if isinstance(tags, dict) else ():
        add(words, key, KEYWORD)
        add(words, value, KEYWORD)
    _add_spec(words, manifest.spec)
    for finding in site.findings_of(manifest):
        add(words, finding.code, KEYWORD)
    _set_whole(words, name, NAME)
    kind = manifest.kind.casefold()
    for reference in (manifest.ref, f"{name}@{version}" if version else None, f"{kind}:{name}" if version else None):
        _set_whole(words, reference, REFERENCE)
    return words


def _set_whole(words: dict, text, field_class: int) -> None:
    """``text`` as one word of ``field_class`` when it is one word (a name, a reference)."""
    if text and WORD.fullmatch(str(text).casefold()):
        words[str(text).casefold()] = min(field_class, words.get(str(text).casefold(), field_class))


def _add_spec(words: dict, spec: dict) -> None:
    """The spec's values (keyword fields stronger than the rest) and the names under ``NAMED_FIELDS``."""
    stack, seen = [(None, spec)], 0
    while stack and seen < _MAX_VALUES:
        key, value = stack.pop()
        seen += 1
        if isinstance(value, dict):
            for child_key, child in value.items():
                if key in NAMED_FIELDS:
                    add(words, child_key, KEYWORD)
                stack.append((child_key, child))
        elif isinstance(value, list):
            stack.extend((key, item) for item in value)
        elif isinstance(value, str):
            add(words, value, KEYWORD if key in KEYWORD_FIELDS else TEXT)


def guide_documents(pages) -> list[Document]:
    """One document per section of each guide page: ``pages`` are (address, Markdown text)."""
    documents = []
    for address, text in pages:
        found = guidetext.sections(text)
        page_title = next((s.title for s in found if s.title), address)
        for section in found:
            anchor = f"#{section.anchor}" if section.anchor else ""
            record = [section.title or page_title, address + anchor, GUIDE, page_title, summary_text(section.text)]
            words: dict = {}
            add(words, section.text, TEXT)
            for code in _RULE_CODE.findall(section.text):
                add(words, code, KEYWORD)
            add(words, section.title, NAME_PART)
            _rule_heading(words, section.title)
            documents.append(Document(record, words, f"{address}{anchor}"))
    return documents


def _rule_heading(words: dict, title: str) -> None:
    """A heading that starts with a rule code (``CG511 stage-not-reached``): code and rule name as names."""
    parts = title.split()
    if parts and _RULE_CODE.fullmatch(parts[0]):
        for part in parts[:2]:
            _set_whole(words, part, NAME)


def checks_document(site) -> Document:
    words: dict = {}
    add(words, "checks findings", NAME_PART)
    for finding in site.result.findings:
        add(words, finding.code, KEYWORD)
        add(words, finding.name, KEYWORD)
    summary = f"{len(site.result.findings)} current findings of catgen check"
    return Document(["Checks", "checks/", PAGE, "", summary], words, "checks")


def all_documents(site, guide_pages=()) -> list[Document]:
    """Every document of the site, in index order."""
    documents = [manifest_document(site, m) for m in site.pages]
    return ordered(documents + [checks_document(site)] + guide_documents(guide_pages))


def kind_ranges(documents: list) -> list:
    """[[kind, first id, id after the last]...] of ``ordered`` documents (the search page's kind filter)."""
    ranges: list = []
    for number, document in enumerate(documents):
        if ranges and ranges[-1][0] == document.kind:
            ranges[-1][2] = number + 1
        else:
            ranges.append([document.kind, number, number + 1])
    return ranges
