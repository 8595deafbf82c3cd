"""The site folder: never a stranger's folder replaced, never a half-built site left behind."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from testing.catalogs import EXAMPLE, POLICY, WORKSPACE, write
from testing.cli import one_error_line, run
from testing.site import build, site_files, working_dir
from catgen.cli import main
from catgen.errors import CatalogError
from catgen.website.pages import generate
from catgen.website.safedir import MARKER, OWNER, is_catgen_site, staged_site


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


# -- the marker must prove that catgen wrote what it replaces ------------------------------------


def small_catalog(root):
    catalog = root / "catalog"
    write(catalog, "policy.yaml", POLICY)
    write(catalog, "workspaces/dev.yaml", WORKSPACE)
    return catalog


def refusal(*args) -> str:
    code, _, err = run("build", *args)
    assert code == 2, err
    return one_error_line(err)


def test_an_empty_planted_marker_proves_nothing(tmp_path):
    foreign = tmp_path / "mine"
    write(foreign, "notes.txt", "precious")
    write(foreign, MARKER, "")
    assert "no readable .catgen-site" in refusal(str(small_catalog(tmp_path)), "--site-dir", str(foreign))
    assert (foreign / "notes.txt").read_text() == "precious"


def test_a_marker_without_an_inventory_is_refused(tmp_path):
    foreign = tmp_path / "mine"
    write(foreign, "notes.txt", "precious")
    write(foreign, MARKER, json.dumps({"generator": "catgen", "pages": {}}))  # what catgen 0.x wrote
    assert "lists no files" in refusal(str(small_catalog(tmp_path)), "--site-dir", str(foreign))
    assert (foreign / "notes.txt").read_text() == "precious"


def test_a_file_catgen_did_not_write_or_that_changed_is_refused(tmp_path):
    catalog, site = small_catalog(tmp_path), tmp_path / "site"
    build(catalog, site)
    write(site, "CNAME", "catalog.contoso.com")
    assert "catgen did not write CNAME" in refusal(str(catalog), "--site-dir", str(site))
    (site / "CNAME").unlink()
    (site / "index.html").write_text("edited by hand")
    assert "someone changed index.html" in refusal(str(catalog), "--site-dir", str(site))
    assert (site / "index.html").read_text() == "edited by hand"
    (site / "index.html").unlink()
    (site / "index.html").symlink_to(tmp_path / "elsewhere")
    assert "index.html is a symbolic link" in refusal(str(catalog), "--site-dir", str(site))


def test_own_site_is_replaced_and_sealed_again(tmp_path):
    catalog, site = small_catalog(tmp_path), tmp_path / "site"
    build(catalog, site)
    marker = json.loads((site / MARKER).read_text())
    assert set(marker["files"]) == set(site_files(site)) - {MARKER}
    assert is_catgen_site(str(site))
    build(catalog, site)
    assert json.loads((site / MARKER).read_text())["files"] == marker["files"]


def forge_inventory(folder):
    """A marker listing every file of ``folder`` with its real hash: what an attacker can write."""
    files = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in folder.rglob("*") if p.is_file() and p.name != MARKER}
    folders = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()]
    write(folder, MARKER, json.dumps({"files": files, "folders": folders}))


def test_a_forged_inventory_never_replaces_a_git_repository(tmp_path):
    repo = tmp_path / "repo"
    catalog = small_catalog(repo)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    forge_inventory(repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with working_dir(elsewhere):
        assert "holds the catalog" in refusal(str(catalog), "--site-dir", str(repo))
        other = small_catalog(tmp_path / "other")
        assert "git repository, .git" in refusal(str(other), "--site-dir", str(repo))
    assert (repo / ".git" / "HEAD").is_file() and (catalog / "policy.yaml").is_file()


def test_the_current_directory_and_its_parents_are_never_replaced(tmp_path):
    project = tmp_path / "project"
    catalog = small_catalog(project)
    forge_inventory(tmp_path)
    with working_dir(project):
        assert "holds the current directory" in refusal(str(catalog), "--site-dir", ".")
        assert "holds the current directory" in refusal(str(catalog), "--site-dir", "..")
    assert (catalog / "policy.yaml").is_file()


def test_the_catalog_and_its_parents_are_never_replaced(tmp_path):
    catalog = small_catalog(tmp_path / "project")
    forge_inventory(tmp_path / "project")
    assert "holds the catalog" in refusal(str(catalog), "--site-dir", str(catalog))
    assert "holds the catalog" in refusal(str(catalog), "--site-dir", str(tmp_path / "project"))
    assert (catalog / "policy.yaml").is_file()


# -- staging folders of killed builds ------------------------------------------------------------


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def plant_staging(parent, name, owner):
    folder = parent / name
    write(folder, "site/index.html", "half a site")
    if owner is not None:
        write(folder, OWNER, json.dumps(owner))
    return folder


def test_stale_staging_of_a_dead_build_is_removed_and_nothing_else(tmp_path):
    host = socket.gethostname()
    dead = plant_staging(tmp_path, ".site.catgen-build-dead", {"pid": dead_pid(), "host": host})
    alive = plant_staging(tmp_path, ".site.catgen-build-alive", {"pid": os.getpid(), "host": host})
    reused = plant_staging(tmp_path, ".site.catgen-build-reused", {"pid": os.getpid(), "host": host, "start": "0"})
    no_owner = plant_staging(tmp_path, ".site.catgen-build-mine", None)
    other_host = plant_staging(tmp_path, ".site.catgen-build-far", {"pid": dead_pid(), "host": host + "-x"})
    other_site = plant_staging(tmp_path, ".docs.catgen-build-dead", {"pid": dead_pid(), "host": host})
    build(small_catalog(tmp_path), tmp_path / "site")
    assert not dead.exists() and not reused.exists()  # "reused": the pid now names a later process
    assert alive.exists() and no_owner.exists() and other_host.exists() and other_site.exists()


# -- modes: a web server running as another user must read the site -------------------------------


@pytest.fixture
def strict_umask():
    saved = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(saved)


def modes(root) -> dict[str, int]:
    """{path under ``root`` ("." for itself): permission bits} of every folder and file."""
    found = {".": root.stat().st_mode & 0o7777}
    found.update({p.relative_to(root).as_posix(): p.stat().st_mode & 0o7777 for p in root.rglob("*")})
    return found


def test_the_staged_site_is_world_readable_whatever_the_umask(tmp_path, strict_umask):
    with staged_site(str(tmp_path / "site")) as staging:
        site = Path(staging.site)
        write(site, "a/b/page.html", "<p>x</p>")
        (site / "open.txt").write_text("x")
        os.chmod(site / "open.txt", 0o666)  # group and other write go too
    found = modes(tmp_path / "site")
    assert {p for p, m in found.items() if m != (0o755 if (tmp_path / "site" / p).is_dir() else 0o644)} == set()
    assert found["a"] == 0o755 and found["a/b/page.html"] == 0o644 and found[MARKER] == 0o644


def test_a_refused_build_changes_no_mode(tmp_path, strict_umask):
    foreign = tmp_path / "mine"
    write(foreign, "notes.txt", "private")
    os.chmod(foreign / "notes.txt", 0o600)
    with pytest.raises(CatalogError):
        with staged_site(str(foreign)):
            pass
    assert modes(foreign)["notes.txt"] == 0o600
