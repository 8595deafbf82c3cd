"""Reports that a CI log cannot mistake for commands, and that every encoder can write.

The line formats (text, github) pass each piece of outside text through
``catgen.errors.log_safe``. The structured formats keep their values exact but
are serialised so that no line can be read as a workflow command: JSON and XML
can spell any character as an escape, so a ``#`` that follows a ``#`` is written
``\\u0023`` (``&#35;``), and invisible line breaks and controls as escapes too.
File names that are not UTF-8 reach here as Python's surrogate escapes, which no
encoder can write: each undecodable byte is shown as ``\\xNN``, as in text.
"""

from __future__ import annotations

import json
import re

# What JSON may carry raw but a log reader must not see raw: DEL, C1 controls (NEL is a line
# break to some readers), line and paragraph separators, bidirectional controls, the BOM; and '##'.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]|(?<=#)#")
_SURROGATES = re.compile("[\ud800-\udfff]")


def undecodable_as_escapes(text: str) -> str:
    """``text`` with each lone surrogate (an undecodable file-name byte) shown as ``\\xNN`` (``\\udNNN``)."""
    return _SURROGATES.sub(_surrogate_escape, text)


def _surrogate_escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def encodable(value):
    """A JSON-like value with every string made encodable (``undecodable_as_escapes``)."""
    if isinstance(value, str):
        return undecodable_as_escapes(value)
    if isinstance(value, dict):
        return {encodable(key): encodable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encodable(item) for item in value]
    return value


def inert_json(document, **options) -> str:
    """``json.dumps`` of ``document``, with what a CI log could act on written as ``\\uXXXX`` escapes.

    Outside strings JSON holds none of these characters, so the escapes are always inside a string.
    """
    text = json.dumps(encodable(document), ensure_ascii=False, **options)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def inert_xml(serialised: str) -> str:
    """Serialised XML with every ``#`` that follows a ``#`` written ``&#35;`` (XML markup never has ``##``)."""
    return re.sub("(?<=#)#", "&#35;", serialised)
