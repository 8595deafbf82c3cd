"""``REPORTERS`` (``reporters/__init__.py``): every format named at once, a reporter's module imported on use."""

from __future__ import annotations

import subprocess
import sys

import pytest

from catgen.reporters import REPORTERS, json_format, text

IMPORTED_AFTER = """
import sys
from catgen.reporters import REPORTERS
named = sorted(REPORTERS)
before = sorted(m for m in sys.modules if m.startswith("catgen.reporters."))
REPORTERS["json"]
after = sorted(m for m in sys.modules if m.startswith("catgen.reporters."))
print(named, before, after)
"""


def test_naming_the_formats_imports_no_reporter_and_using_one_imports_only_it():
    done = subprocess.run([sys.executable, "-c", IMPORTED_AFTER], capture_output=True, text=True, timeout=60)
    named, before, after = done.stdout.strip().split("] [")
    assert named == "['github', 'json', 'junit', 'sarif', 'text'"
    assert before == ""
    assert after == "'catgen.reporters._inert', 'catgen.reporters.json_format']"


def test_each_name_gives_its_module_report_function_and_no_other_name_imports_anything():
    assert REPORTERS["text"] is text.report and REPORTERS["json"] is json_format.report
    assert len(REPORTERS) == 5 and dict(REPORTERS)["text"] is text.report
    for name in ("xml", "catgen.reporters.text", "os"):
        with pytest.raises(KeyError):
            REPORTERS[name]
