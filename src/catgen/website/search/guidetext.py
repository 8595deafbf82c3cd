"""The user guide's Markdown as search sections: one per heading, with the anchor MkDocs gives it.

Anchors follow Python-Markdown's ``toc`` defaults (``slugify``, ``_1`` suffixes for
repeats, ``{#id}`` attributes kept), which is what the Material theme uses unless a
project sets its own ``slugify``. Fenced code is left out: examples would bury the prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown.extensions.toc import slugify, unique

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w-]+)[^}]*\}\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(?<![0-9A-Za-z])[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}(?![0-9A-Za-z])")  # not inside a_word
_TAG = re.compile(r"<[^>]{0,200}>")


@dataclass
class Section:
    title: str  # the heading as text
    anchor: str  # "" for the page's first heading
    lines: list = field(default_factory=list)  # its prose, Markdown marks dropped

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.lines).split())


def plain(markdown_text: str) -> str:
    """Markdown inline text as plain text: link texts kept, code and emphasis marks and HTML tags dropped."""
    text = _LINK.sub(r"\1", markdown_text)
    text = _TAG.sub(" ", text)
    return _MARKS.sub("", text.replace("`", "")).replace("|", " ")


def sections(markdown_text: str) -> list[Section]:
    """The sections of one guide page, in order; text before the first heading belongs to the first section."""
    found: list[Section] = []
    ids: set = set()
    fenced = False
    for line in _without_front_matter(markdown_text).splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        heading = None if fenced else _HEADING.match(line)
        if heading:
            raw = heading.group(2)
            custom = _ATTR_ID.search(raw)
            title = " ".join(plain(_ATTR_ID.sub("", raw)).split())
            anchor = unique(custom.group(1) if custom else slugify(title, "-"), ids)
            found.append(Section(title, anchor if found else ""))
        elif not fenced and (found or line.strip()):
            if not found:
                found.append(Section("", ""))
            found[-1].lines.append(plain(line))
    return [s for s in found if s.title or s.text]


def _without_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end >= 0:
            return text[end + 4:]
    return text
