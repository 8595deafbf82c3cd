"""The safe YAML loader: bytes in, plain data and positions out, or one problem.

Manifests are untrusted. This loader never constructs objects from tags and
never expands aliases: it builds plain Python data straight from libyaml's
*event* stream (the C parser when PyYAML has it), which is also faster than
``yaml.safe_load`` because no Python constructor runs. While building it
records where every key and value sits, so a finding can name a line.

Scalars follow the YAML 1.2 core schema: ``true``/``false``, ``null``/``~``,
decimal, octal (``0o``) and hex integers, floats. ``yes``/``no``/``on``/``off``
stay strings, and timestamps stay the text as written (the rules parse them),
so a quoted and an unquoted date mean the same. Paths listed in ``verbatim``
(``metadata.version``) keep a plain scalar's text: ``1.10`` stays ``"1.10"``.

At most one problem is reported per file, the first in this order:
CG105 size, CG106 encoding, CG101 syntax, CG104 tag, CG103 anchor/alias,
CG102 duplicate key, CG106 shape (empty, several documents, not a mapping).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

import yaml

try:  # libyaml's parser is ~10x faster; fall back to pure Python where PyYAML lacks it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# Only the loader's *parser* is used (yaml.parse yields events); its constructor never runs.

MAX_BYTES = 1 << 20
MAX_DEPTH = 64
VERBATIM_PATHS = frozenset({("metadata", "version")})

_INT = re.compile(r"[-+]?[0-9]+$")
_INT_OTHER = re.compile(r"0o[0-7]+$|0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_FLOAT_DIGITS = 309  # a decimal integer of more digits is beyond the largest float (about 1.8e308)
_SPECIAL_FLOATS = {
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}
PLAIN_CONSTANTS = {  # the plain scalars that are not strings or numbers (read by fastyaml too)
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
}

# Problem precedence: lower sorts first. CG106 appears twice on purpose.
_ORDER = {"CG105": 0, "CG106-encoding": 1, "CG101": 2, "CG104": 3, "CG103": 4, "CG102": 5, "CG106": 6}
_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels; no manifest needs that"


@dataclass(frozen=True)
class Problem:
    """Why a file is not a manifest, with a 1-based position."""

    code: str
    line: int
    column: int
    message: str


@dataclass
class Document:
    """A loaded manifest body: the data and where each part of it was written.

    ``positions`` maps a path of keys and indexes, e.g. ``("spec", "inputs", "x")``,
    to ``(key_line, key_col, value_line, value_col)``, all 1-based; ``None``
    until someone needs a position (see ``Manifest.locate``).
    """

    data: dict
    positions: dict | None = field(default_factory=dict)

    def locate(self, path: tuple = (), *, value: bool = False) -> tuple[int, int]:
        """Line and column of ``path`` (or of its nearest written ancestor)."""
        path = tuple(path)
        positions = self.positions or {}
        while path and path not in positions:
            path = path[:-1]
        if not path:
            return 1, 1
        kline, kcol, vline, vcol = positions[path]
        return (vline, vcol) if value else (kline, kcol)


def resolve_plain(text: str):
    """The value of a plain (unquoted) scalar under the YAML 1.2 core schema."""
    if text in PLAIN_CONSTANTS:
        return PLAIN_CONSTANTS[text]
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT.match(text):
            return _integer(text)
        if _INT_OTHER.match(text):
            return _integer(text, 0)
        if _FLOAT.match(text):
            return float(text)
        if text in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[text]
    return text


def _integer(text: str, base: int = 10) -> int | float:
    """An integer, or an infinity when it is beyond any float (CG201 then reports it as not finite).

    Python refuses to read or print decimals of more than 4,300 digits, and no
    rule can compare a number no float holds: such a number is read as infinite.
    """
    negative = text.startswith("-")
    if base == 10:  # leading zeros count towards Python's digit limit, but not towards the value
        digits = text.lstrip("+-").lstrip("0") or "0"
        if len(digits) > _FLOAT_DIGITS:
            return float("-inf") if negative else float("inf")
        text = "-" + digits if negative else digits
    value = int(text, base)
    if abs(value) > sys.float_info.max:
        return float("-inf") if value < 0 else float("inf")
    return value


def load(raw: bytes) -> Document | Problem:
    """Load one manifest file's bytes, or say why it is not a manifest."""
    if len(raw) > MAX_BYTES:
        return too_large(len(raw))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line, col = _byte_position(raw, err.start)
        message = f"not UTF-8: byte 0x{raw[err.start]:02x} cannot be decoded; save the file as UTF-8"
        return Problem("CG106", line, col, message)
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Builder(text).run()


def too_large(size: int) -> Problem:
    """CG105 for a file of ``size`` bytes (the caller knows it is over the limit)."""
    return Problem("CG105", 1, 1, f"file is {size:,} bytes; manifests are limited to {MAX_BYTES:,} bytes (1 MiB)")


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


class _Builder:
    """Turns the event stream into data, collecting the first problem of each kind."""

    def __init__(self, text: str):
        self.text = text
        self.problems: dict[str, Problem] = {}
        self.positions: dict = {}
        self.documents = 0
        self.root = None

    def note(self, key: str, mark, message: str) -> None:
        if key not in self.problems:
            code = key.split("-")[0]
            self.problems[key] = Problem(code, mark.line + 1, mark.column + 1, message)

    def run(self) -> Document | Problem:
        try:
            self._consume(yaml.parse(self.text, Loader=_Loader))
        except _Stop:
            pass
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            if "nesting depth" in _yaml_reason(err):  # libyaml's own limit (1000) met before ours
                self.note("CG106", _ZERO, _TOO_DEEP)
            else:
                self.note("CG101", mark or _ZERO, f"YAML syntax error: {_yaml_reason(err)}")
        except yaml.YAMLError as err:  # reader errors: control characters and the like
            line, col = _reader_position(self.text, err)
            self.problems.setdefault("CG101", Problem("CG101", line, col, f"YAML syntax error: {_one_line(err)}"))
        self._check_shape()
        if self.problems:
            return min(self.problems.items(), key=lambda item: _ORDER[item[0]])[1]
        return Document(self.root, self.positions)

    def _check_shape(self) -> None:
        if self.documents > 1:
            message = f"the file holds {self.documents} YAML documents; a manifest is exactly one"
        elif self.root is None or self.documents == 0:
            message = "the file is empty; a manifest is a mapping with apiVersion, kind, metadata and spec"
        elif not isinstance(self.root, dict):
            message = f"the top level is a {_shape(self.root)}; a manifest is a mapping"
        else:
            return
        self.problems.setdefault("CG106", Problem("CG106", 1, 1, message))

    def _consume(self, events) -> None:
        # Each stack frame: [container, path, pending_key, key_position, keys_seen]
        stack: list[list] = []
        for event in events:
            cls = event.__class__
            if cls is yaml.ScalarEvent:
                self._check_node(event)
                self._add(stack, self._scalar(event, stack), event)
            elif cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
                self._check_node(event)
                container = {} if cls is yaml.MappingStartEvent else []
                path = self._add(stack, container, event)
                if len(stack) >= MAX_DEPTH:
                    self.note("CG106", event.start_mark, _TOO_DEEP)
                    raise _Stop
                stack.append([container, path, _NO_KEY, None, set()])
            elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                stack.pop()
            elif cls is yaml.AliasEvent:
                message = (f"alias *{event.anchor} used; write the value out in full "
                           "(anchors and aliases are not allowed)")
                self.note("CG103", event.start_mark, message)
                self._add(stack, None, event)
            elif cls is yaml.DocumentStartEvent:
                self.documents += 1

    def _check_node(self, event) -> None:
        if event.tag is not None:
            self.note("CG104", event.start_mark, f"explicit tag {event.tag!r}; tags are not allowed in manifests")
        if event.anchor is not None:
            self.note("CG103", event.start_mark, f"anchor &{event.anchor} used; anchors and aliases are not allowed")

    def _scalar(self, event, stack):
        if event.style or event.tag is not None:  # libyaml gives "" for plain, PyYAML None
            return event.value  # quoted or block scalars are strings
        if stack and stack[-1][2] is not _NO_KEY and stack[-1][1] + (stack[-1][2],) in VERBATIM_PATHS:
            return event.value
        return resolve_plain(event.value)

    def _add(self, stack, value, event) -> tuple:
        """Place ``value`` in the current container; return its path."""
        mark = event.start_mark
        if not stack:
            if self.documents <= 1:
                self.root = value
            return ()
        frame = stack[-1]
        container, parent_path = frame[0], frame[1]
        if isinstance(container, list):
            path = parent_path + (len(container),)
            container.append(value)
            self.positions[path] = (mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 1)
            return path
        if frame[2] is _NO_KEY:  # this node is a key
            frame[2], frame[3] = sys.intern(self._key(value, event)), (mark.line + 1, mark.column + 1)
            return parent_path
        key, (kline, kcol) = frame[2], frame[3]
        frame[2] = _NO_KEY
        if key in frame[4]:
            message = f"duplicate key {key!r}; each key may appear once in a mapping"
            self.problems.setdefault("CG102", Problem("CG102", kline, kcol, message))
        frame[4].add(key)
        container[key] = value
        path = parent_path + (key,)
        self.positions[path] = (kline, kcol, mark.line + 1, mark.column + 1)
        return path

    def _key(self, value, event):
        if isinstance(value, (dict, list)):
            message = "a mapping key is itself a mapping or a list; manifest keys are plain words"
            self.note("CG106", event.start_mark, message)
            return f"<complex key at line {event.start_mark.line + 1}>"
        if event.__class__ is yaml.AliasEvent:  # `*a: x`: already CG103; the key needs only a name
            return f"*{event.anchor}"
        if value is None:
            return "null" if event.value else ""
        if isinstance(value, bool):
            return event.value
        return value if isinstance(value, str) else event.value


class _Stop(yaml.YAMLError):
    """Raised to stop parsing once a problem makes the rest pointless."""


class _Mark:
    line = 0
    column = 0


_ZERO = _Mark()
_NO_KEY = object()


def _shape(value) -> str:
    names = {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}
    return names.get(type(value), type(value).__name__)


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


def _yaml_reason(err: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (err.context, err.problem) if p]
    return " ".join(" ".join(parts).split()) or "cannot parse"


def _reader_position(text: str, err: Exception) -> tuple[int, int]:
    position = getattr(err, "position", None)
    if position is None:
        mark = getattr(err, "problem_mark", None)
        return (mark.line + 1, mark.column + 1) if mark else (1, 1)
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1
