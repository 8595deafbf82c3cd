"""Writing untrusted text into SVG: XML escaping and shortening to fit a box.

Manifest text is untrusted: every string a picture writes goes through
``xml_text`` (character data) or ``xml_attr`` (a quoted attribute value).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

# Characters XML 1.0 forbids even as references: C0 controls but tab, LF, CR;
# lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MARKUP = re.compile("[&<>]")  # what ``escape`` replaces


def xml_text(value) -> str:
    """``value`` as XML character data: markup characters escaped, forbidden ones replaced."""
    text = str(value)
    if text.isascii() and text.isprintable() and not _MARKUP.search(text):
        return text  # the common case: nothing forbidden, nothing to escape
    return escape(_NOT_XML.sub("\ufffd", text))


def xml_attr(value) -> str:
    """``value`` as a double-quoted XML attribute value, quotes and whitespace kept literal."""
    text = _NOT_XML.sub("\ufffd", str(value))
    return '"' + escape(text, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}) + '"'


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "\u2026"


def truncate_middle(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis inside, keeping both ends.

    Names tend to differ at the end (a date, a version), so the tail is kept.
    """
    if len(text) <= limit:
        return text
    tail = (limit - 1) * 2 // 5
    return text[: limit - 1 - tail] + "\u2026" + text[len(text) - tail :]
