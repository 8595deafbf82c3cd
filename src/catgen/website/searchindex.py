"""A prefix-sharded search index that stays small per query at any catalog size.

The browser never loads the whole index. It reads ``search/manifest.json``
(the shard list and document count), then only the shard named by the first
two characters of each typed word (``search/cr.json`` for "credit"), and
only the chunks of the document table that hold the hits it shows
(``search/docs-<n>.json``, ``DOCS_PER_CHUNK`` documents each).

A shard maps each token to two posting lists: documents whose name holds the
token (ranked first) and documents where it appears elsewhere (kind, version,
tags, owner, description).
"""

from __future__ import annotations

import json
import re

from catgen.website.text import summary_text

DOCS_PER_CHUNK = 250
_WORD = re.compile(r"[0-9a-z]+(?:[.@_-][0-9a-z]+)*")
_PART = re.compile(r"[0-9a-z]+")


def tokens(text) -> set[str]:
    """Lower-case words of ``text``, whole (``risk-team@contoso.com``) and in parts."""
    if text is None:
        return set()
    found = set()
    for word in _WORD.findall(str(text).casefold()):
        found.add(word)
        found.update(_PART.findall(word))
    return {t for t in found if len(t) >= 2}


def manifest_tokens(manifest) -> tuple[set, set]:
    """(name tokens, other tokens) of one manifest."""
    meta = manifest.metadata
    name = tokens(manifest.name)
    other = tokens(manifest.kind) | tokens(manifest.version)
    other |= tokens(meta.get("owner")) | tokens(meta.get("description"))
    tags = meta.get("tags")
    if isinstance(tags, dict):
        for key, value in tags.items():
            other |= tokens(key) | tokens(value)
    return name, other - name


def build_index(site) -> dict[str, str]:
    """``{path under the site: JSON text}`` for every index file, deterministic."""
    docs, shards = [], {}
    for doc_id, manifest in enumerate(site.pages):
        title = f"{manifest.name} {manifest.version}" if manifest.version else manifest.name
        docs.append([title, site.url(manifest), manifest.kind, summary_text(manifest.metadata.get("description"))])
        name, other = manifest_tokens(manifest)
        for slot, words in ((0, name), (1, other)):
            for word in words:
                shards.setdefault(word[:2], {}).setdefault(word, ([], []))[slot].append(doc_id)
    files = {f"search/{prefix}.json": _dump(postings) for prefix, postings in shards.items()}
    chunks = range(0, len(docs), DOCS_PER_CHUNK)
    files.update({f"search/docs-{start // DOCS_PER_CHUNK}.json": _dump(docs[start:start + DOCS_PER_CHUNK])
                  for start in chunks})
    files["search/manifest.json"] = _dump({"docs": len(docs), "chunk": DOCS_PER_CHUNK, "shards": sorted(shards)})
    return files


def _dump(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
