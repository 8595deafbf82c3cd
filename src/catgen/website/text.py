"""Turning manifest text into safe HTML.

Everything a manifest says is data, never markup: names and values are
escaped, invisible control and bidi-override characters are shown as
``\\u202e``-style text (so they can neither hide nor reorder anything), and
descriptions render as Markdown with raw HTML disabled, images turned into
plain links and links limited to http, https, mailto and relative targets
(``allowed_href``). ``summary_text`` is the short plain-text form of a
description that indexes and search results show.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# C0/C1 controls, DEL, and the characters that change text direction or hide:
# ALM, LRM/RLM, LRE..RLO, LRI..PDI, zero-width and BOM, line/paragraph separators; and lone
# surrogates (a file name's bytes that are not UTF-8), which no page could otherwise be written with.
_INVISIBLE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
_INVISIBLE_INLINE = re.compile(_INVISIBLE[:1] + "\t\n\r" + _INVISIBLE[1:])  # names: tabs/newlines too
_INVISIBLE_BLOCK = re.compile(_INVISIBLE)  # descriptions keep tabs and newlines
_MARKUP = re.compile("[&<>\"']")  # what ``html.escape(quote=True)`` replaces
_SAFE_SCHEMES = ("http", "https", "mailto")
SUMMARY_CHARS = 120
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_WEB_URI = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f<>\"`]+\Z", re.IGNORECASE)
# A bare http(s) URI inside text: printable ASCII only (nothing invisible), trailing punctuation stays text.
_BARE_URI = r"(https?://[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]*[A-Za-z0-9\-_~/#@$&*+=%])"
_BARE_URI_RE = re.compile(_BARE_URI)
LINK_REL = "noopener noreferrer nofollow"  # manifest text is untrusted: no referrer, no endorsement


def visible(text: str, *, block: bool = False) -> str:
    """``text`` with invisible and direction-changing characters spelled out."""
    pattern = _INVISIBLE_BLOCK if block else _INVISIBLE_INLINE
    return pattern.sub(_spelled_out, text)


def _spelled_out(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def esc(value) -> str:
    """Any value as escaped, visible HTML text (``None`` is empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value)
    if text.isascii() and text.isprintable() and not _MARKUP.search(text):
        return text  # the common case (names, versions, refs): nothing to spell out or escape
    return html.escape(visible(text), quote=True)


def web_href(value) -> str | None:
    """``value`` when it is exactly one http(s) URI a page may link to, else None (other schemes stay text)."""
    if not isinstance(value, str) or not _WEB_URI.match(value):
        return None
    return allowed_href(value)


def linked_text(value, *, block: bool = False) -> str:
    """``value`` as escaped, visible text with each http(s) URI in it a link (rel ``LINK_REL``).

    ``block`` keeps newlines and tabs (show it pre-wrapped) instead of spelling them out.
    """
    text, parts, last = str(value), [], 0
    for match in _BARE_URI_RE.finditer(text):
        parts.append(html.escape(visible(text[last:match.start()], block=block), quote=True))
        uri = html.escape(match.group(1), quote=True)
        parts.append(f'<a href="{uri}" rel="{LINK_REL}">{uri}</a>')
        last = match.end()
    return "".join(parts) + html.escape(visible(text[last:], block=block), quote=True)


def uri_html(value) -> str:
    """A value as ``<code>`` text, linked (rel ``LINK_REL``) when it is an http(s) URI."""
    href = web_href(value)
    if href is None:
        return f"<code>{esc(value)}</code>"
    return f'<a href="{esc(href)}" rel="{LINK_REL}"><code>{esc(value)}</code></a>'


def allowed_href(href: str | None) -> str | None:
    """``href`` when a description may link there (http, https, mailto or relative), else None.

    The href is untrusted manifest text, so a refusal is an answer, not an
    error: the link loses its target and stays as text.
    """
    if href is None:
        return None
    squeezed = re.sub(r"[\x00-\x20\x7f-\x9f]", "", html.unescape(href)).lower()
    match = _SCHEME.match(squeezed)
    if match is None:
        return None if squeezed.startswith(("//", "\\")) else href  # protocol-relative: another host
    return href if match.group(1) in _SAFE_SCHEMES else None



class _SanitizeLinks(Treeprocessor):
    """Drop unsafe hrefs and turn images into links (a page never loads another host's picture)."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag == "img":
                    parent[index] = _image_as_link(child)
        for anchor in root.iter("a"):
            href = allowed_href(anchor.get("href"))
            if href is None:
                anchor.attrib.pop("href", None)
            anchor.set("rel", LINK_REL)


def _image_as_link(image: etree.Element) -> etree.Element:
    link = etree.Element("a")
    link.text = f"[image: {image.get('alt') or image.get('src') or ''}]"
    link.tail = image.tail
    href = allowed_href(image.get("src"))
    if href is not None:
        link.set("href", href)
    return link


class _BareLinks(InlineProcessor):
    """A bare http(s) URI in a description becomes a link (never inside another link)."""

    ANCESTOR_EXCLUDES = ("a",)

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API name)
        anchor = etree.Element("a")
        anchor.set("href", m.group(1))
        anchor.text = AtomicString(m.group(1))
        return anchor, m.start(0), m.end(0)


class _SafeMarkdown(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API name)
        md.treeprocessors.register(_SanitizeLinks(md), "catgen_sanitize", 0)
        # Before emphasis (and after `code` and [links](...)), so a `_` in a URI stays part of it.
        md.inlinePatterns.register(_BareLinks(_BARE_URI, md), "catgen_bare_links", 115)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.deregister("entity")


_renderer = markdown.Markdown(extensions=[_SafeMarkdown(), "tables", "fenced_code"])


def description_html(text) -> str:
    """A Markdown description as safe HTML (no raw HTML, no unsafe links)."""
    if not isinstance(text, str) or not text.strip():
        return ""
    # No pre-escaping: with the raw-HTML block and inline patterns removed,
    # every "<" stays text and the serializer escapes it exactly once
    # (escaping here too showed `<b>` in code spans as "&lt;b>").
    _renderer.reset()
    return _renderer.convert(visible(text, block=True))


def summary_text(description) -> str:
    """The first sentence-ish of a description, as plain text (Markdown marks dropped)."""
    if not isinstance(description, str):
        return ""
    text = re.sub(r"[`*_#>\[\]]", "", " ".join(description.split()))
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"
