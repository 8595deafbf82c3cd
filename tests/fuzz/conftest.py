"""Hypothesis profiles for the fuzz tests.

``ci`` (the default) is a fixed, deterministic budget: the same examples on
every run, no example database, the whole folder in well under a minute.
``long`` is for local hunting: ``HYPOTHESIS_PROFILE=long .venv/bin/python -m
pytest tests/fuzz`` runs 5,000 random examples per test and keeps failures in
``.hypothesis/`` at the repository root, so the next run tries them first.
Each test asserts its own time bound per example, so Hypothesis's deadline is
off (a slow CI machine must not make a pass flaky).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

_SLOW_IS_FINE = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci", max_examples=int(os.environ.get("CATGEN_FUZZ_EXAMPLES", "100")), derandomize=True,
    database=None, deadline=None, suppress_health_check=_SLOW_IS_FINE, print_blob=True,
)
settings.register_profile(
    "long", max_examples=5000, derandomize=False, deadline=None, suppress_health_check=_SLOW_IS_FINE,
    database=DirectoryBasedExampleDatabase(str(Path(__file__).resolve().parents[2] / ".hypothesis" / "examples")),
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
