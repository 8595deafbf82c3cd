"""Fixtures every test shares: a temp folder to run in, a private parse cache, the example catalog.

Also how the suite runs: on every core by default (pytest-xdist), see ``pytest_cmdline_main``.
Helpers live in the ``testing`` package next to this file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testing.catalogs import EXAMPLE

# Session fixtures from a plugin module exist once per run (imported into each test module,
# they would be one per module: the example site would be built again for each).
pytest_plugins = ["testing.site"]


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """``pytest`` runs on ``-n auto`` pytest-xdist workers (``--dist load``: the best balance measured).

    Serial instead with ``-n 0``, ``-p no:xdist``, ``--pdb``, ``--collect-only``, or when every
    argument names single tests (``path::test``: starting workers costs more than it saves).
    ``-n N``, ``--tx`` and ``--dist`` are obeyed. A hook rather than ``-n auto`` in addopts, which
    would make ``-p no:xdist`` a usage error.
    """
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return
    option = config.option
    chosen = option.numprocesses is not None or option.tx or option.collectonly or option.usepdb
    single_tests = bool(config.args) and all("::" in arg for arg in config.args)
    if not chosen and not single_tests:
        option.numprocesses = "auto"


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


@pytest.fixture
def one_thread(monkeypatch):
    """This process seen as ``catgen check`` sees itself: no thread but this one, so it may fork its workers
    (pytest-xdist runs a thread of its own in each worker, which would keep every check in one process)."""
    from catgen import processes

    monkeypatch.setattr(processes.threading, "active_count", lambda: 1)
