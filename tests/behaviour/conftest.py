"""Fixtures of the behaviour suites: a real repository whose base commit is the example catalog."""

from __future__ import annotations

import pytest

from testing.gitrepo import example_repo


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """The example catalog committed as the base; the current directory is the repository's top."""
    return example_repo(tmp_path, monkeypatch)
