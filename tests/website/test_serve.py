"""``catgen serve`` serves the generated site on 127.0.0.1 and rebuilds when a manifest changes."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from testing.catalogs import EXAMPLE


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


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    port = _free_port()
    temporary = tmp_path / "tmp"  # where the server builds: empty again once it stopped
    temporary.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "catgen", "serve", str(root), "--dev-addr", f"127.0.0.1:{port}"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "TMPDIR": str(temporary)},
    )
    try:
        yield root, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        finally:
            process.stderr.close()
    assert list(temporary.iterdir()) == []  # SIGTERM stops it as Ctrl-C does: nothing left in the temporary folder


def test_serve_renders_pages_and_rebuilds_on_change(served):
    root, base = served
    page = _get(f"{base}/models/credit-risk/3/", time.monotonic() + 60)
    assert "credit-risk" in page and "job:train-credit-risk-prod-0912" in page
    model = root / "models/credit-risk/3.yaml"
    model.write_text(model.read_text().replace("Loan-default classifier", "Renamed-for-the-test classifier"))
    deadline = time.monotonic() + 60
    while "Renamed-for-the-test" not in _get(f"{base}/models/credit-risk/3/", deadline):
        assert time.monotonic() < deadline, "the page was not rebuilt after the manifest changed"
        time.sleep(0.5)
