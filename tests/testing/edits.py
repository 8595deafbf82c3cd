"""Random changes to a copy of the example catalog, for properties that must hold after any change.

An edit is ``(operation, file index, line index, value index)``; indexes wrap around what exists.
``set`` writes another value the example uses after some key (a reference, a stage, a number, a date,
a flag), ``delete`` removes a file, ``copy`` makes a second file of the same identity (or one at
another's path), ``swap`` gives a file another's bytes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from hypothesis import strategies as st

from testing.catalogs import EXAMPLE

EXAMPLE_FILES = sorted(p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("*.yaml"))
FIELD = re.compile(r"^(\s*(?:- )?[\w.-]+: )(\S.*)$")


def _values() -> list[str]:
    """Every value written after a key in the example: references, stages, numbers, dates, flags."""
    found = set()
    for relpath in EXAMPLE_FILES:
        for line in (EXAMPLE / relpath).read_text().splitlines():
            match = FIELD.match(line)
            if match:
                found.add(match.group(2))
    return sorted(found) + ["2999-01-01", "[", "100", "true", "model:credit-risk@9"]


VALUES = _values()
EDITS = st.lists(
    st.tuples(st.sampled_from(["set", "set", "set", "delete", "copy", "swap"]), st.integers(0, 10_000),
              st.integers(0, 200), st.integers(0, len(VALUES) - 1)),
    min_size=1, max_size=3,
)


def apply_edit(root: Path, operation: str, file_index: int, line_index: int, value_index: int) -> None:
    present = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))
    target = root / present[file_index % len(present)]
    other = root / present[value_index % len(present)]
    if operation == "delete":
        target.unlink()
    elif operation == "copy":  # a second file of the same identity, or a file at another's path
        elsewhere = line_index % 2 or other == target
        destination = target.with_name(f"copy-{line_index}.yaml") if elsewhere else other
        if destination == target:  # a copy copied again under its own name
            destination = target.with_name(f"copy-{line_index}-again.yaml")
        shutil.copy(target, destination)
    elif operation == "swap":
        target.write_bytes(other.read_bytes())
    else:
        lines = target.read_text().splitlines()
        fields = [i for i, line in enumerate(lines) if FIELD.match(line)]
        if fields:
            at = fields[line_index % len(fields)]
            lines[at] = FIELD.sub(lambda m: m.group(1) + VALUES[value_index], lines[at])
        target.write_text("\n".join(lines) + "\n")


def copy_example(folder: str) -> Path:
    """A copy of the example catalog at ``<folder>/catalog``."""
    root = Path(folder) / "catalog"
    shutil.copytree(EXAMPLE, root)
    return root
