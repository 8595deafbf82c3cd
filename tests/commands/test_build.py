"""``catgen build``: the site is built whatever the findings, and error findings are said on stderr.

The site itself is tested in ``tests/website/``.
"""

from __future__ import annotations

import pytest

from testing.catalogs import write
from testing.cli import (  # noqa: F401 (fixtures)
    DEPLOYMENT, broken, clean, one_error_line, plain_text_default, run, warning_only,
)


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


@pytest.mark.parametrize("settings, reason", [
    ("nav: 3\n", "site configuration: Config value 'nav': Expected nav to be a list, got a int: 3"),
    ("theme: {name: no-such-theme}\n", "site configuration: Config value 'theme': Unrecognised theme name: "
                                        "'no-such-theme'. The available installed themes are: "),
    ("plugins: [no-such-plugin]\n", "site configuration: Config value 'plugins': The \"no-such-plugin\" plugin is "
                                     "not installed"),
])
def test_an_invalid_mkdocs_yml_is_one_line_that_says_which_setting_and_why(clean, tmp_path, settings, reason):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n" + settings)
    code, out, err = run("build", str(clean), "--site-dir", "site")
    assert (code, out) == (2, "")
    assert one_error_line(err).startswith("catgen: error: " + reason)
    assert not (tmp_path / "site").exists()


def test_a_strict_configuration_shows_its_warnings_then_why_it_stopped(clean, tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nstrict: true\nunknown_setting: 1\n")
    code, _out, err = run("build", str(clean), "--site-dir", "site")
    assert code == 2
    assert err.splitlines() == ["catgen: WARNING: Config value 'unknown_setting': Unrecognised configuration name: "
                                "unknown_setting",
                                "catgen: error: site configuration: Aborted with 1 configuration warnings in 'strict' "
                                "mode!"]
