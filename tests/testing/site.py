"""Site test fixtures: the example catalog built once per session (builds take seconds)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from testing.catalogs import EXAMPLE
from catgen.website import build_site


@contextlib.contextmanager
def working_dir(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def build(catalog: Path, site: Path, cwd: Path | None = None) -> dict:
    """Build ``catalog`` into ``site`` from ``cwd`` (default: the site's parent, which has no mkdocs.yml)."""
    with working_dir(cwd or site.parent):
        return build_site(str(catalog), str(site))


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("example-site")
    build(EXAMPLE, root / "site")
    return root / "site"
