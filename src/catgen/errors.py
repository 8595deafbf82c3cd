"""The one error that stops a command, and the one way to show outside text in a CI log.

Every command turns ``CatalogError`` into exit 2 with its message as the
one-line reason on stderr. Anything a manifest gets wrong is a finding, never
this.

``log_safe`` is for every piece of text that catgen prints and that it did not
write itself (file names, values from manifests, git refs, messages quoting
them). CI runners read their commands out of the log: GitHub Actions runs a
line that starts with ``::`` (after leading whitespace) and one that holds
``##[`` anywhere (its older syntax), Azure Pipelines one that holds ``##vso[``.
Text passed through ``log_safe`` can neither start a line of its own nor hold
those sequences, so it can never be read as a command.
"""

from __future__ import annotations

import re


class CatalogError(Exception):
    """The check itself cannot run (exit 2): the message is the one-line reason."""


# Control characters (C0, DEL, C1: line breaks, escape sequences), Unicode line and paragraph
# separators, bidirectional controls (they reorder what a reader sees), the BOM, lone surrogates
# (bytes of a file name that are not UTF-8, as Python's surrogateescape carries them), and every
# '#' that follows a '#' (no '##[' or '##vso[' survives).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
                     "\ud800-\udfff]|(?<=#)#")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # the original byte of a file name that is not UTF-8
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def log_safe(text: str) -> str:
    """``text`` as one line of printable text that no CI runner reads as a command.

    Line breaks, control and invisible reordering characters are shown as
    backslash escapes (``\\n``, ``\\x1b``, ``\\u202e``), undecodable bytes of a
    file name as ``\\xff``, and the second ``#`` of ``##`` as ``\\x23``.
    """
    return _UNSAFE.sub(_escape, str(text))


def log_safe_line(text: str) -> str:
    """``log_safe``, and a line that would start with ``::`` (after whitespace) starts with ``\\x3a:``."""
    safe = log_safe(text)
    stripped = safe.lstrip()
    if stripped.startswith("::"):
        return safe[: len(safe) - len(stripped)] + "\\x3a" + stripped[1:]
    return safe

