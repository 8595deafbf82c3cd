"""``catgen build``: the site is built whatever the findings, and error findings are said on stderr.

The site itself is tested in ``tests/website/``.
"""

from __future__ import annotations

import pytest

from testing.catalogs import write
from testing.cli import DEPLOYMENT, broken, clean, plain_text_default, run, warning_only  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Build where no project mkdocs.yml is read (the repository's would add its whole guide)."""
    monkeypatch.chdir(tmp_path)


def test_a_clean_catalog_says_only_what_was_built(clean):
    code, out, err = run("build", str(clean), "--site-dir", "site")
    assert (code, out) == (0, "")
    assert err.startswith("catgen: built ") and err.count("\n") == 1


def test_error_findings_are_counted_on_stderr_with_where_to_read_them_and_exit_0(broken, tmp_path):
    code, out, err = run("build", str(broken), "--site-dir", "public")
    assert (code, out) == (0, "")
    built, findings = err.splitlines()
    assert built.startswith("catgen: built ")
    assert findings == (f"catgen: the catalog has 3 error findings: see the site's /checks/ page "
                        f"(public/checks/index.html) or run `catgen check {broken}`")
    assert (tmp_path / "public" / "checks" / "index.html").is_file()


def test_one_error_finding_is_one_finding(clean):
    write(clean, "deployments/scoring.yaml", DEPLOYMENT.replace("traffic: lots", "traffic: 10"))
    err = run("build", str(clean), "--site-dir", "site")[2]
    assert "the catalog has 1 error finding: " in err


def test_warnings_alone_say_nothing(warning_only):
    assert run("build", str(warning_only), "--site-dir", "site")[2].count("\n") == 1


def test_a_catalog_path_that_would_forge_a_ci_log_line_stays_on_its_line(broken, tmp_path):
    hostile = tmp_path / "x\n::error::forged"
    broken.rename(hostile)
    code, _, err = run("build", str(hostile), "--site-dir", "site")
    assert code == 0
    assert not [line for line in err.splitlines() if line.startswith("::")]
    assert "'" in err.splitlines()[-1]  # shell-quoted, so the command shown runs as written
