"""Safe writes: whole files or none, never over a user's file, never through a link.

``catgen new``, ``catgen promote`` and ``catgen check --output`` write with
``catgen.fsutil.atomic_write`` (a temporary file in the target's folder,
then a rename, or a hard link when nothing may be replaced). A failure in the
middle of writing leaves neither a partial file nor a temporary file. The
site folder's own safety (``catgen.website.safedir``) is tested in
``tests/website/test_build.py``; here only the refusals that test does not cover.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import threading

import pytest

import catgen.commands.promote
import catgen.fsutil
from catgen.fsutil import atomic_write
from catgen.website import safedir
from catgen.errors import CatalogError

from testing.catalogs import EXAMPLE
from testing.gitrepo import run_cli


@pytest.fixture
def catalog(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    return root


def leftovers(folder) -> list[str]:
    """Temporary files atomic_write would leave behind if it failed to clean up."""
    return sorted(name for name in os.listdir(folder) if name.startswith(".catgen-") and name.endswith(".tmp"))


class _DiskFull:
    """A text stream that writes part of the text, then fails as a full disk would."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(text[: len(text) // 2])
        self.stream.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stream.close()


@pytest.fixture
def disk_full(monkeypatch):
    real_fdopen = os.fdopen
    monkeypatch.setattr(catgen.fsutil.os, "fdopen", lambda *args, **kwargs: _DiskFull(real_fdopen(*args, **kwargs)))


# -- atomic_write itself ------------------------------------------------------------


def test_a_failure_mid_write_leaves_no_partial_and_no_temporary_file(tmp_path, disk_full):
    target = tmp_path / "out" / "report.txt"
    with pytest.raises(OSError, match="No space left"):
        atomic_write(str(target), "x" * 10_000)
    assert not target.exists()
    assert leftovers(target.parent) == []


def test_a_failure_mid_write_leaves_the_previous_file_whole(tmp_path, disk_full):
    target = tmp_path / "report.txt"
    target.write_text("the previous report\n", encoding="utf-8")
    with pytest.raises(OSError):
        atomic_write(str(target), "a new report\n" * 1000)
    assert target.read_text(encoding="utf-8") == "the previous report\n"
    assert leftovers(tmp_path) == []


def test_never_overwrites_when_told_not_to(tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_bytes(b"precious\r\n\x00bytes")
    with pytest.raises(FileExistsError):
        atomic_write(str(target), "replacement", overwrite=False)
    assert target.read_bytes() == b"precious\r\n\x00bytes"
    assert leftovers(tmp_path) == []


def test_never_writes_through_a_link_at_the_target(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("not catgen's", encoding="utf-8")
    link = tmp_path / "folder" / "new.yaml"
    link.parent.mkdir()
    os.symlink(outside, link)
    with pytest.raises(FileExistsError):
        atomic_write(str(link), "replacement", overwrite=False)
    assert outside.read_text(encoding="utf-8") == "not catgen's" and link.is_symlink()
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "folder" / "dangling.yaml")  # even a dangling one
    with pytest.raises(FileExistsError):
        atomic_write(str(tmp_path / "folder" / "dangling.yaml"), "replacement", overwrite=False)
    assert not (tmp_path / "nowhere.txt").exists()


def test_replacing_a_link_replaces_the_link_not_its_target(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("not catgen's", encoding="utf-8")
    os.symlink(outside, tmp_path / "report.txt")
    atomic_write(str(tmp_path / "report.txt"), "the report")
    assert outside.read_text(encoding="utf-8") == "not catgen's"
    assert not (tmp_path / "report.txt").is_symlink()


def test_the_written_file_is_an_ordinary_file_under_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        atomic_write(str(tmp_path / "a.txt"), "x")
    finally:
        os.umask(previous)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o644


# -- catgen new ---------------------------------------------------------------------


def test_new_leaves_an_existing_manifest_byte_identical(catalog, capsys):
    target = catalog / "models/credit-risk/3.yaml"
    before = target.read_bytes()
    code, out, err = run_cli(capsys, "new", "model", "credit-risk", "--version", "3", "--catalog", str(catalog))
    assert (code, out) == (2, "") and err.count("\n") == 1 and "already exists" in err
    assert target.read_bytes() == before
    assert leftovers(target.parent) == []


def test_new_failing_mid_write_leaves_nothing(catalog, capsys, disk_full):
    code, out, err = run_cli(capsys, "new", "model", "fresh", "--version", "1", "--catalog", str(catalog))
    assert code == 2 and err.count("\n") == 1 and "No space left on device" in err
    folder = catalog / "models/fresh"
    assert not (folder / "1.yaml").exists()
    assert not folder.exists() or leftovers(folder) == []


# -- catgen promote -----------------------------------------------------------------


def test_promote_never_replaces_a_promotion_with_the_same_name(catalog, capsys, monkeypatch):
    monkeypatch.setattr(catgen.commands.promote.secrets, "token_hex", lambda n: "abcdef")
    args = ("promote", "model:fraud-detector-emea@1", "--stage", "prod", "--requested-by", "bob@contoso.com",
            "--catalog", str(catalog))
    assert run_cli(capsys, *args)[0] == 0
    [written] = sorted((catalog / "promotions").glob("fraud-detector-emea-1-to-prod-*-abcdef.yaml"))
    written.write_text(written.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    before = written.read_bytes()
    code, out, err = run_cli(capsys, *args)  # the same name again: refused, not replaced
    assert (code, out) == (2, "") and err.count("\n") == 1 and "exists" in err
    assert written.read_bytes() == before
    assert leftovers(catalog / "promotions") == []


def test_promote_failing_mid_write_leaves_no_promotion(catalog, capsys, disk_full):
    before = sorted(os.listdir(catalog / "promotions"))
    code, _, err = run_cli(capsys, "promote", "model:fraud-detector-emea@1", "--stage", "prod",
                           "--requested-by", "bob@contoso.com", "--catalog", str(catalog))
    assert code == 2 and "No space left on device" in err
    assert sorted(os.listdir(catalog / "promotions")) == before


# -- catgen check --output ------------------------------------------------------------


def test_check_output_failing_mid_write_keeps_the_previous_report(catalog, tmp_path, capsys, disk_full):
    report = tmp_path / "report.json"
    report.write_text('{"previous": true}\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "check", str(catalog), "--format", "json", "--output", str(report))
    assert code == 2 and "No space left on device" in err
    assert report.read_text(encoding="utf-8") == '{"previous": true}\n'
    assert leftovers(tmp_path) == []


def test_check_output_to_a_pipe_writes_through_it_and_leaves_the_pipe(catalog, tmp_path, capsys):
    # /dev/stdout and /dev/null are such files: a rename would put a regular file in their place.
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")))
    reader.start()
    code, _, err = run_cli(capsys, "check", str(catalog), "--format", "json", "--output", str(pipe))
    reader.join(timeout=30)
    assert (code, err) == (0, "")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert json.loads(received[0])["summary"]["errors"] == 0
    assert leftovers(tmp_path) == []


# -- the site folder (what tests/website/test_build.py does not cover) ------------------


def test_site_dir_that_is_a_link_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, tmp_path / "site")
    with pytest.raises(CatalogError, match="is not a folder"):
        safedir.check_site_dir(str(tmp_path / "site"))


def test_site_dir_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "site").write_text("mine", encoding="utf-8")
    with pytest.raises(CatalogError, match="is not a folder"):
        safedir.check_site_dir(str(tmp_path / "site"))
    assert (tmp_path / "site").read_text(encoding="utf-8") == "mine"


def test_an_empty_folder_is_accepted_and_a_site_replaces_it(tmp_path):
    (tmp_path / "site").mkdir()
    with safedir.staged_site(str(tmp_path / "site")) as staging:
        open(os.path.join(staging.site, "index.html"), "w").close()
    assert sorted(os.listdir(tmp_path / "site")) == [safedir.MARKER, "index.html"]  # sealed: what catgen wrote
    assert sorted(os.listdir(tmp_path)) == ["site"]


def test_a_failed_stage_removes_only_its_own_folder(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "sibling").mkdir()
    with pytest.raises(RuntimeError):
        with safedir.staged_site(str(tmp_path / "site")):
            raise RuntimeError("interrupted")
    assert sorted(os.listdir(tmp_path)) == ["sibling", "site"]
