"""``RULES``, ``FAMILIES`` and ``MODULES`` (``rules/__init__.py``): the family modules imported on first use."""

from __future__ import annotations

import subprocess
import sys

import catgen.rules
from catgen.rules import RULES

IMPORTED_AFTER = """
import sys
import catgen.rules
from catgen.rules import RULES, Context
before = sorted(m for m in sys.modules if m.startswith("catgen.rules."))
RULES["CG101"]
after = sorted(m for m in sys.modules if m.startswith("catgen.rules."))
print(" ".join(before), "|", len(after))
"""


def test_importing_the_registry_imports_no_family_until_a_rule_is_asked_for():
    done = subprocess.run([sys.executable, "-c", IMPORTED_AFTER], capture_output=True, text=True, timeout=60)
    before, after = done.stdout.split("|")
    assert before.split() == ["catgen.rules.base"]
    assert int(after.split()[0]) > 9  # every family module, its examples, the shared gate machinery


def test_the_registry_holds_every_rule_of_every_module_in_code_order():
    from catgen.rules import FAMILIES, MODULES

    assert list(RULES) == sorted(r.code for module in MODULES for r in module.RULES)
    assert all(RULES[r.code] is r for module in MODULES for r in module.RULES)
    assert set(FAMILIES) <= set(MODULES) and len(FAMILIES) == 7
    assert catgen.rules.MODULES is MODULES  # made once, then a plain attribute


def test_a_rule_can_be_added_and_taken_out_again(monkeypatch):
    monkeypatch.setitem(RULES, "CG999", RULES["CG101"])
    assert RULES["CG999"] is RULES["CG101"] and "CG999" in dict(RULES)
    monkeypatch.undo()
    assert "CG999" not in RULES
