"""A value of another type in any field of the example catalog: the check reports it, it never raises.

Manifests that break their schema (CG201) still take part in the graph and the
rules, so every rule meets a list where it expects a name, a mapping where it
expects a region, a number where it expects a date. The example catalog has
every gate and every link, so a wrong type reaches each rule's deepest path.
(Swept whole once, 4,400 cases: it found CG606, CG508 and a stage's ``from``
hashing or substring-testing such values; they are tested in their families.)
"""

from __future__ import annotations

import tempfile

from hypothesis import given, settings
from hypothesis import strategies as st

from catgen.checking.engine import run_check
from catgen.load.catalog import open_catalog

from testing.catalogs import NOW
from testing.edits import EXAMPLE_FILES, FIELD, copy_example
from .strategies import Timer, assert_findings_well_formed, line_count

OTHER_TYPES = ["[a, b]", "{k: v}", "7", "true", "null", "1.5", "[]", "{}", "[[x]]", "[{a: 1}]"]


@settings(max_examples=40)
@given(file_index=st.integers(0, len(EXAMPLE_FILES) - 1), field_index=st.integers(0, 200),
       written=st.sampled_from(OTHER_TYPES))
def test_a_value_of_another_type_is_reported_never_raised(file_index, field_index, written):
    with tempfile.TemporaryDirectory() as folder:
        root = copy_example(folder)
        target = root / EXAMPLE_FILES[file_index]
        lines = target.read_text().splitlines()
        fields = [index for index, line in enumerate(lines) if FIELD.match(line)]
        at = fields[field_index % len(fields)]
        lines[at] = FIELD.sub(lambda match: match.group(1) + written, lines[at])
        target.write_text("\n".join(lines) + "\n")
        with Timer() as timer:
            result = run_check(open_catalog(str(root), cache=False), now=NOW)
        timer.check()
        counts = {result.catalog.source.display(p.relative_to(root).as_posix()): line_count(p.read_bytes())
                  for p in root.rglob("*.yaml")}
        assert_findings_well_formed(result.findings, counts)
