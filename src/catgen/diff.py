"""Structural difference between two parsed YAML values.

Manifests are compared as data, not as text: a file that is re-indented,
re-ordered or re-quoted but means the same is unchanged. The checker's
immutability rules (CG4xx) and the change set of ``catgen check --base`` both
read it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

MISSING = object()  # a key or item one side does not have


@dataclass(frozen=True)
class Change:
    """One difference between a base value and a working value."""

    path: tuple  # the field, e.g. ("spec", "path") or ("spec", "approvals", 1)
    before: object  # MISSING when the field was added
    after: object  # MISSING when the field was removed

    @property
    def field(self) -> str:
        return ".".join(str(step) for step in self.path)

    @property
    def located_at(self) -> tuple:
        """Where to point in the working file: a removed field's parent, else the field."""
        return self.path[:-1] if self.after is MISSING else self.path


def diff(before, after, path: tuple = ()):
    """Every leaf-level difference between two parsed YAML values, as ``Change``s."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key, value in before.items():
            if key in after:
                yield from diff(value, after[key], path + (key,))
            else:
                yield Change(path + (key,), value, MISSING)
        for key, value in after.items():
            if key not in before:
                yield Change(path + (key,), MISSING, value)
    elif isinstance(before, list) and isinstance(after, list):
        for index in range(max(len(before), len(after))):
            old = before[index] if index < len(before) else MISSING
            new = after[index] if index < len(after) else MISSING
            if old is MISSING or new is MISSING:
                yield Change(path + (index,), old, new)
            else:
                yield from diff(old, new, path + (index,))
    elif not same_scalar(before, after):
        yield Change(path, before, after)


def same_scalar(a, b) -> bool:
    """Equal as YAML values: ``true`` is not ``1``, ``1`` is ``1.0``, NaN is NaN."""
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or (math.isnan(a) and math.isnan(b))
    return type(a) is type(b) and a == b


def same_data(before, after) -> bool:
    return next(diff(before, after), None) is None


def data_key(value):
    """A hashable form of a parsed YAML value: two values get equal keys exactly when ``same_data`` finds them the
    same (mappings by key, lists by position, ``true`` is not ``1``, ``1`` is ``1.0``, NaN is NaN). Grouping by it
    tells thousands of values apart in one pass, where comparing each with each cost their square."""
    if isinstance(value, dict):
        return ("d", frozenset((key, data_key(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("l", tuple(data_key(item) for item in value))
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", "nan") if value != value else ("n", value)
    return ("s", type(value), value)


def show(value, limit: int = 120) -> str:
    """A value as a short, one-line text for a message."""
    if value is MISSING:
        return "unset"
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
