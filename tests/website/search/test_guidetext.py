"""Guide pages as sections, with the anchors Python-Markdown's toc gives their headings."""

from __future__ import annotations

import markdown

from catgen.website.search.guidetext import plain, sections
from testing.site import parse_html

PAGE = """---
title: ignored
---
# Promotion rules (CG501-CG513)

Intro with `code` and [a link](x.md).

## CG511 chronology

The **approval** is dated before `requested_by` and separation_of_duties.

```yaml
hidden: inside a fence
```

## Repeated
one
## Repeated
two
## Custom {#my-id}
"""


def test_sections_carry_the_anchors_markdown_gives_the_headings():
    found = sections(PAGE)
    html = markdown.markdown(PAGE.split("---\n", 2)[2], extensions=["toc", "attr_list", "fenced_code"])
    ids = [h.attrs.get("id") for h in parse_html(html).find_all() if h.tag in ("h1", "h2")]
    assert [s.anchor for s in found] == [""] + ids[1:]
    assert [s.title for s in found] == ["Promotion rules (CG501-CG513)", "CG511 chronology", "Repeated", "Repeated",
                                        "Custom"]


def test_section_text_is_plain_and_leaves_fenced_code_out():
    text = sections(PAGE)[1].text
    assert text == "The approval is dated before requested_by and separation_of_duties."
    assert all("hidden" not in s.text for s in sections(PAGE))


def test_plain_keeps_words_with_underscores_and_link_texts():
    assert plain("_em_ a_b [t](u) <b>x</b>").split() == ["em", "a_b", "t", "x"]
