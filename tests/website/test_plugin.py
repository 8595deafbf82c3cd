"""The catgen plugin in a user's own ``mkdocs.yml``, built by real MkDocs (``mkdocs build -f``) in a subprocess.

The project lives in ``other/`` and MkDocs runs from its parent: the ``catalog`` option is read
relative to the configuration file's folder, a displaced ``docs/index.md`` gets one warning, a
missing catalog one error line, never a traceback; the user's own ``search`` plugin stays.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from testing.catalogs import POLICY, WORKSPACE, write
from testing.site import page_tree

MKDOCS_YML = "site_name: Mine\ntheme: {name: material}\nplugins:\n  - search\n  - catgen: {catalog: catalog}\n"


def user_project(root: Path, *, index: bool = True, catalog: bool = True) -> Path:
    """``root/other``: mkdocs.yml, a small catalog, and a guide with (or without) its own index.md."""
    project = root / "other"
    write(project, "mkdocs.yml", MKDOCS_YML)
    write(project, "docs/about.md", "# About us\n")
    if index:
        write(project, "docs/index.md", "# Our team's front page\n")
    if catalog:
        write(project / "catalog", "policy.yaml", POLICY)
        write(project / "catalog", "workspaces/dev.yaml", WORKSPACE)
    return project


def mkdocs_build(cwd: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}  # Material's own notice off
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "other/mkdocs.yml"], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=environment)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("plugin")
    project = user_project(root)
    return project, mkdocs_build(root)


def test_the_catalog_path_is_relative_to_the_config_file(built):
    project, done = built
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    home = page_tree(project / "site", "")  # the catalog's home at /, as SPEC §7 says
    assert home.find("h1")
    assert page_tree(project / "site", "workspaces/dev").find("h1").text().startswith("dev")


def test_a_displaced_index_gets_one_warning_and_moves_to_guide(built):
    project, done = built
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "index.md is published at /guide/" in warnings[0], done.stderr
    guide = (project / "site" / "guide" / "index.html").read_text("utf-8")
    assert "Our team&#39;s front page" in guide or "Our team's front page" in guide
    assert (project / "site" / "about" / "index.html").is_file()


def test_the_users_own_search_plugin_stays_under_plain_mkdocs(built):
    project, _ = built
    assert (project / "site" / "search" / "search_index.json").is_file()  # Material's search, as configured
    assert page_tree(project / "site", "search").find("form")  # catgen's search page next to it


def test_no_index_no_warning(tmp_path):
    user_project(tmp_path, index=False)
    done = mkdocs_build(tmp_path)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if "WARNING" in line] == []


def test_a_missing_catalog_is_one_error_line_without_a_traceback(tmp_path):
    user_project(tmp_path, catalog=False)
    done = mkdocs_build(tmp_path)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and "catgen:" in errors[0] and "Traceback" not in done.stderr
    assert str(tmp_path / "other" / "catalog") in errors[0] or "other/catalog" in errors[0], errors
