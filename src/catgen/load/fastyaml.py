"""The fast loader: bytes to the same plain data as ``yamlsafe.load``, without positions.

``catgen check`` needs a position only for the few files that have a finding
(``Manifest.locate`` parses those again with the positioned loader), so the
bulk parse builds plain data alone. libyaml composes the node tree in C
(``CParser.get_single_node``, the parser and composer ``CSafeLoader`` uses);
a short Python walk turns nodes into data with ``yamlsafe.resolve_plain``. No
event reaches Python and no constructor runs, which makes this path about
1.8 times as fast as the event loop of ``yamlsafe`` (``benchmarks/bench_parse.py``).

The fast path takes only the common, clean case and hands everything else to
``yamlsafe.load``, whose answer (data, or the one CG1xx problem at its
position) is then the answer. A file goes to the positioned loader when:

- it is over the size limit, is not UTF-8, or libyaml rejects it (CG105, CG106, CG101);
- a tag, an anchor or an alias is written (CG104, CG103). A node tree hides
  them (an alias is the node it names, an unused anchor leaves no trace), so
  when the bytes hold ``!``, ``&`` or ``*`` at all, each one must lie inside
  the text of a scalar, after its first character: libyaml starts a node at
  its first property, so a property is never there. A ``**bold**`` word or
  an ``R&D`` in a description keeps the fast path; a comment holding one of
  those characters, a tag, an anchor or an alias does not;
- a mapping has a duplicate key, a key that is not a scalar, the top level is
  not a mapping, the file is empty or holds several documents, or the
  nesting is deep (CG102, CG106).

``tests/load/test_fastyaml.py`` proves that both loaders give the same data,
or the same problem, on every fixture and on Hypothesis-generated YAML.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from catgen.load import yamlsafe
from catgen.load.yamlsafe import MAX_BYTES, MAX_DEPTH, Document, Problem, resolve_plain

try:  # the C parser and composer; without libyaml every file takes the positioned loader
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _CParser = None

_PROPERTY_BYTES = (b"!", b"&", b"*")
_PROPERTY_CHARS = re.compile("[!&*]")
_NULL_TEXTS = frozenset(text for text, value in yamlsafe.PLAIN_CONSTANTS.items() if value is None)
_DEPTH_LIMIT = MAX_DEPTH - 2  # deeper goes to the positioned loader, which knows the exact limit


class _Unusual(Exception):
    """The file needs the positioned loader: a problem to report, or a case the fast path leaves alone."""


if _CParser is not None:
    class _NodeParser(_CParser):
        """libyaml's parser and composer, with the resolver's hooks doing nothing.

        The composer asks ``resolve`` for every node's tag and calls
        ``descend_resolver``/``ascend_resolver`` around it; this module resolves
        scalars itself (as ``yamlsafe`` does), so a node's ``tag`` stays None.
        """

        def resolve(self, kind, value, implicit):
            return None

        def descend_resolver(self, parent, index):
            return None

        def ascend_resolver(self):
            return None


def load(raw: bytes) -> Document | Problem:
    """Load one manifest file's bytes like ``yamlsafe.load``; ``positions`` is None unless the positioned loader ran."""
    data = plain_data(raw)
    if data is None:
        return yamlsafe.load(raw)
    return Document(data, None)


def plain_data(raw: bytes) -> dict | None:
    """The manifest's data, or None when only the positioned loader may answer."""
    if _CParser is None or len(raw) > MAX_BYTES:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        root = _NodeParser(text).get_single_node()
    except (yaml.YAMLError, RecursionError):
        return None
    if root is None or root.__class__ is not MappingNode:
        return None
    if any(char in raw for char in _PROPERTY_BYTES) and not _only_inside_scalars(root, text):
        return None
    try:
        return _mapping(root, 0, "metadata")
    except _Unusual:
        return None


def _mapping(node, depth: int, verbatim_child: str | None = None, verbatim_key: str | None = None) -> dict:
    """A mapping node as a dict; ``verbatim_key``'s plain scalar keeps its text (``metadata.version``)."""
    if depth >= _DEPTH_LIMIT:
        raise _Unusual
    pairs = node.value
    out = {}
    for key_node, value_node in pairs:
        if key_node.__class__ is not ScalarNode:
            raise _Unusual
        key = key_node.value
        if not key_node.style and key in _NULL_TEXTS:
            key = "null" if key else ""
        key = sys.intern(key)
        cls = value_node.__class__
        if cls is ScalarNode:
            text = value_node.value
            out[key] = text if value_node.style or key == verbatim_key else resolve_plain(text)
        elif cls is MappingNode:
            out[key] = _mapping(value_node, depth + 1, None, "version" if key == verbatim_child else None)
        else:
            out[key] = _sequence(value_node, depth + 1)
    if len(out) != len(pairs):  # a key written twice: CG102, which needs its line
        raise _Unusual
    return out


def _sequence(node, depth: int) -> list:
    if depth >= _DEPTH_LIMIT:
        raise _Unusual
    out = []
    for item in node.value:
        cls = item.__class__
        if cls is ScalarNode:
            out.append(item.value if item.style else resolve_plain(item.value))
        elif cls is MappingNode:
            out.append(_mapping(item, depth + 1))
        else:
            out.append(_sequence(item, depth + 1))
    return out


def _only_inside_scalars(root, text: str) -> bool:
    """Every ``!``, ``&`` and ``*`` of ``text`` is part of a scalar's text, so none is a tag, anchor or alias.

    A node met twice is an alias (the composer hands back the node it names),
    which also keeps this walk linear on a "billion laughs" file.
    """
    spans, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return False
        seen.add(id(node))
        cls = node.__class__
        if cls is ScalarNode:
            spans.append((node.start_mark.index, node.end_mark.index))
        elif cls is SequenceNode:
            stack.extend(node.value)
        else:
            stack.extend(part for pair in node.value for part in pair)
    spans.sort()
    starts = [start for start, _ in spans]
    for found in _PROPERTY_CHARS.finditer(text):
        at = bisect_right(starts, found.start()) - 1
        if at < 0 or not spans[at][0] < found.start() < spans[at][1]:
            return False
    return True
