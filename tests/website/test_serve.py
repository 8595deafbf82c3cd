"""``catgen serve`` serves the generated site on 127.0.0.1 and rebuilds when a manifest changes."""

import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from testing.catalogs import EXAMPLE
from testing.cli import one_error_line, run
from testing.streams import StreamReader


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


# As on a system where catgen does not fork (macOS, Windows): its own switch turned off before anything uses it.
WITHOUT_FORK = ("import sys, catgen.processes as processes; processes.forking_platform = lambda: False; "
                "from catgen.cli import main; sys.argv[0] = 'catgen'; main()")


def _serve(tmp_path, root, port: int, *, fork: bool = True) -> subprocess.Popen:
    start = ["-m", "catgen"] if fork else ["-c", WITHOUT_FORK]
    return subprocess.Popen(
        [sys.executable, *start, "serve", str(root), "--dev-addr", f"127.0.0.1:{port}"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},  # where the server builds: empty again once stopped
    )


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    port = _free_port()
    (tmp_path / "tmp").mkdir()
    process = _serve(tmp_path, root, port)
    try:
        yield root, f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    # SIGTERM stops it as Ctrl-C does: nothing left in the temporary folder, nor the session's page records.
    assert list((tmp_path / "tmp").iterdir()) == []
    assert sorted(path.suffix for path in (tmp_path / ".catgen-cache").iterdir() if path.name.startswith("site-")) == []


def test_serve_renders_pages_and_rebuilds_on_change(served):
    """And a rebuild renders only what changed: the page records of the session's first build are used."""
    root, base, process = served
    page = _get(f"{base}/models/credit-risk/3/", time.monotonic() + 60)
    assert "credit-risk" in page and "job:train-credit-risk-prod-0912" in page
    model = root / "models/credit-risk/3.yaml"
    model.write_text(model.read_text().replace("Loan-default classifier", "Renamed-for-the-test classifier"))
    deadline = time.monotonic() + 60
    while "Renamed-for-the-test" not in _get(f"{base}/models/credit-risk/3/", deadline):
        assert time.monotonic() < deadline, "the page was not rebuilt after the manifest changed"
        time.sleep(0.5)
    said = StreamReader(process.stderr).until("pages rendered again\n", deadline - time.monotonic())
    rendered, pages = re.search(r"catgen: INFO: ([\d,]+) of ([\d,]+) pages rendered again\n", said).groups()
    assert 0 < int(rendered) < 10 < int(pages.replace(",", ""))


def test_a_rebuild_that_fails_is_said_and_the_last_site_stays_served(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: Served\n")
    (tmp_path / "docs").mkdir()
    notes = tmp_path / "docs/notes.md"
    notes.write_text("# Notes\n\nFirst words.\n")
    shutil.copytree(EXAMPLE, tmp_path / "catalog")
    (tmp_path / "tmp").mkdir()
    port = _free_port()
    process = _serve(tmp_path, tmp_path / "catalog", port)
    url = f"http://127.0.0.1:{port}/notes/"
    try:
        assert "First words." in _get(url, time.monotonic() + 60)
        notes.write_text('# Notes\n\nSecond words. <img src="https://example.com/x.png">\n')
        stderr = StreamReader(process.stderr)
        said = stderr.until("catgen: error: ", 60) + stderr.until("\n", 10)
        assert "catgen: error: the site would load resources from other hosts, so it would not work offline: " \
               "notes/index.html loads <img src=https://example.com/x.png>;" in said
        assert "First words." in _get(url, time.monotonic() + 10)
        notes.write_text("# Notes\n\nThird words.\n")
        deadline = time.monotonic() + 60
        while "Third words." not in _get(url, deadline):
            assert time.monotonic() < deadline, "the page was not rebuilt after the guide was mended"
            time.sleep(0.5)
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        (tmp_path / "tmp").mkdir()
        process = _serve(tmp_path, EXAMPLE, port)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.decode().splitlines() == [f"catgen: error: cannot serve on 127.0.0.1:{port}: Address already in use"]
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("address, said", [
    ("127.0.0.1:99999", "cannot serve on 127.0.0.1:99999: a port is a number from 0 to 65535"),
    ("127.0.0.1:-1", "cannot serve on 127.0.0.1:-1: a port is a number from 0 to 65535"),
    ("nonsense", "site configuration: Config value 'dev_addr': Must be a string of format 'IP:PORT'"),
    ("example.com:80", "site configuration: Config value 'dev_addr': 'example.com' does not appear to be an IPv4 or "
                       "IPv6 address"),
])
def test_an_address_that_cannot_be_served_is_one_line_and_exit_2(address, said):
    code, out, err = run("serve", str(EXAMPLE), "--dev-addr", address)
    assert (code, out) == (2, "")
    assert one_error_line(err) == "catgen: error: " + said


def test_the_server_ending_on_its_own_ends_the_command_with_exit_2(served, tmp_path):
    root, base, process = served
    _get(f"{base}/", time.monotonic() + 60)
    [server] = (pathlib.Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split())
    os.kill(int(server), signal.SIGKILL)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert err.decode().splitlines()[-1] == "catgen: error: the development server stopped"


def test_where_catgen_does_not_fork_the_server_builds_in_its_own_process(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "catalog")
    (tmp_path / "tmp").mkdir()
    port = _free_port()
    process = _serve(tmp_path, tmp_path / "catalog", port, fork=False)
    url = f"http://127.0.0.1:{port}/models/credit-risk/3/"
    try:
        assert "Loan-default classifier" in _get(url, time.monotonic() + 60)
        model = tmp_path / "catalog/models/credit-risk/3.yaml"
        model.write_text(model.read_text().replace("Loan-default classifier", "Renamed-without-fork classifier"))
        deadline = time.monotonic() + 60
        while "Renamed-without-fork" not in _get(url, deadline):
            assert time.monotonic() < deadline, "the page was not rebuilt after the manifest changed"
            time.sleep(0.5)
        assert not (pathlib.Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split())
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_what_a_rebuild_leaves_behind_is_collected_before_the_next(tmp_path, monkeypatch):
    """A build freezes its heap while it forks, so its cycles land in the collector's oldest generation, which
    Python seldom collects: ``catgen serve`` collects after each rebuild, and nothing of a build stays reachable."""
    import gc

    from catgen.model import Manifest
    from catgen.website.build import build_site
    from catgen.website.serve import collect_garbage
    from catgen.website.sitemodel import SiteModel

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1727000000")
    thresholds = gc.get_threshold()
    gc.set_threshold(0)  # no collection of Python's own meanwhile: only ``collect_garbage`` may find them
    try:
        for _ in range(2):
            build_site(str(EXAMPLE), str(tmp_path / "site"), record=True)
        assert any(type(o) is SiteModel for o in gc.get_objects())  # left in cycles by the builds
        collect_garbage()
    finally:
        gc.set_threshold(*thresholds)
    assert not [o for o in gc.get_objects() if type(o) in (SiteModel, Manifest)]
