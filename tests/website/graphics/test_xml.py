"""XML text for the SVG pictures: markup escaped, characters XML forbids replaced, plain text as it is."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from catgen.website.graphics.xml import xml_text

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=0x7f)), st.integers()))
def test_xml_text_takes_its_shortcut_only_where_escaping_changes_nothing(value):
    assert xml_text(value) == escape(_NOT_XML.sub("\ufffd", str(value)))


def test_xml_text_escapes_and_replaces():
    assert [xml_text(v) for v in ("model:a@1", "a<b&c>", "bell\x07", "tab\t")] == [
        "model:a@1", "a&lt;b&amp;c&gt;", "bell\ufffd", "tab\t"]
