"""Fixtures every test shares: a temp folder to run in, a private parse cache, the example catalog.

Helpers live in the ``testing`` package next to this file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testing.catalogs import EXAMPLE


@pytest.fixture(autouse=True)
def _chdir_tmp(tmp_path, monkeypatch):
    """Run every test from its temp folder, so shown paths are short and predictable,
    with a parse cache of its own (never the user's)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CATGEN_CACHE_DIR", str(tmp_path / ".catgen-cache"))


@pytest.fixture
def example(tmp_path) -> Path:
    """A private copy of the example catalog at ``<tmp>/catalog``."""
    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    return root
