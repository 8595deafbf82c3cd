"""The site folder: never a stranger's folder replaced, never a half-built site left behind."""

from __future__ import annotations

import os

import pytest

from testing.catalogs import EXAMPLE, write
from testing.site import build, site_files
from catgen.cli import main
from catgen.website.pages import generate
from catgen.website.safedir import MARKER


def test_site_dir_refuses_a_foreign_folder(tmp_path, capsys):
    foreign = tmp_path / "mine"
    write(foreign, "notes.txt", "precious")
    with pytest.raises(SystemExit) as exit_:
        main(["build", str(EXAMPLE), "--site-dir", str(foreign)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "not a catgen site" in err and len(err.strip().splitlines()) == 1
    assert (foreign / "notes.txt").read_text() == "precious"


def test_interrupted_build_leaves_the_old_site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    build(EXAMPLE, site)
    before = site_files(site)

    def explode(ctx, manifest):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(generate, "version_page", explode)
    with pytest.raises(RuntimeError):
        build(EXAMPLE, site)
    assert site_files(site) == before
    # No staging folder left behind (the parse cache is the test's own).
    assert sorted(set(os.listdir(tmp_path)) - {".catgen-cache"}) == ["site"]
    assert (site / MARKER).is_file()
