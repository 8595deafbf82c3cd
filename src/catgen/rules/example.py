"""What an example of a rule is: a change to the example catalog, and what ``catgen check`` says of it.

Every rule is declared with at least one example that fails (the rule fires,
in a given file at a given line) and one that passes (the whole catalog checks
clean). The examples of a family live in ``<family>_examples.py`` next to the
family's module; ``catgen.docgen`` renders them into ``docs/rules/<family>.md``
and ``tests/rules/test_examples.py`` runs each one on a fresh copy of the
example catalog (``catalog/``), as of 2026-01-15.

An example's ``files`` map paths relative to the example catalog to what the
change does to them: the whole new text of the file (``str``), raw ``bytes``,
``Replace`` (lines of the example catalog's file replaced), ``Symlink``,
``Padded`` (text padded to a size), or ``None`` (the file is deleted).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Replace:
    """Edit the example catalog's file: each ``old`` text (which occurs exactly once) becomes ``new``."""

    pairs: tuple  # ((old, new), ...)

    def apply(self, text: str) -> str:
        for old, new in self.pairs:
            if text.count(old) != 1:
                raise ValueError(f"{old!r} occurs {text.count(old)} times, not once")
            text = text.replace(old, new)
        return text


def replace(old: str, new: str, *more: str) -> Replace:
    """``replace(old, new, old2, new2, ...)``: whole lines of the file, each ending in a newline."""
    texts = (old, new, *more)
    if len(texts) % 2:
        raise ValueError("replace() takes pairs of (old, new) texts")
    return Replace(tuple(zip(texts[::2], texts[1::2])))


@dataclass(frozen=True)
class Symlink:
    """The file is a symbolic link to ``target`` (relative to the link's folder)."""

    target: str


@dataclass(frozen=True)
class Padded:
    """``text`` followed by a YAML comment line that makes the file ``size`` bytes long.

    For sizes no one wants to read (or keep in the source): the file is built
    when the example runs.
    """

    text: str
    size: int

    def render(self) -> bytes:
        head = self.text.encode("utf-8") + b"# "
        return head + b"x" * (self.size - len(head) - 1) + b"\n"


@dataclass(frozen=True)
class Example:
    """One example of a rule (build it with ``fails`` or ``passes``)."""

    title: str  # Markdown: what the change is, and why the rule fires or not
    files: tuple  # ((path relative to the example catalog, str | bytes | Replace | Symlink | Padded | None), ...)
    fires: bool
    path: str | None = None  # where it fires: the file, relative to the example catalog
    line: int | None = None  # and the line
    also: tuple = ()  # other rules the same change fires (any other finding fails the example)
    base: bool = False  # checked with ``--base``: the example catalog, committed, is the base


def fails(title: str, files: dict, *, at: str, line: int, also: tuple = (), base: bool = False) -> Example:
    """An example that makes the rule fire in the file ``at`` (relative to the catalog) at ``line``."""
    return Example(title, tuple(files.items()), True, at, line, tuple(also), base)


def passes(title: str, files: dict, *, base: bool = False) -> Example:
    """An example after which the whole catalog checks clean: no finding at all."""
    return Example(title, tuple(files.items()), False, base=base)
