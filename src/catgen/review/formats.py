"""The formats of ``catgen diff``, by name: ``render(review, stream, *, strict=False)`` each."""

from __future__ import annotations

from catgen.review import json_format, markdown, text

RENDERERS = {
    "text": text.render,
    "markdown": markdown.render,
    "json": json_format.render,
}
