"""The ``catgen`` command line: exit codes, report formats, one-line errors.

Most tests call ``catgen.cli.main`` in-process (it always ends in
``SystemExit``); two run the installed ``catgen`` script to prove the real
process behaves the same.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import catgen.load.sources
from catgen.cli import main
from catgen.rules import RULES
from catgen.rules.base import Rule

from testing.catalogs import EXAMPLE, POLICY, WORKSPACE, write

DEPLOYMENT = """
apiVersion: catgen/v1
kind: Deployment
metadata:
  name: scoring
spec:
  workspace: workspace:dev
  endpoint: scoring
  model: model:missing@1
  traffic: lots
"""

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<code>CG\d{3}) (?P<name>[a-z-]+): (?P<message>.+)$")


def run(*args: str) -> tuple[int, str, str]:
    """Run ``catgen ARGS`` in-process: (exit code, stdout, stderr)."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as done:
        main(list(args))
    return done.value.code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _plain_text_default(monkeypatch):
    """Under GitHub Actions `--format` defaults to `github`; these tests expect `text`."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def clean(tmp_path):
    catalog = tmp_path / "catalog"
    write(catalog, "policy.yaml", POLICY)
    write(catalog, "workspaces/dev.yaml", WORKSPACE)
    return catalog


@pytest.fixture
def broken(clean):
    """The clean catalog plus three errors in two files (two in the first)."""
    write(clean, "deployments/scoring.yaml", DEPLOYMENT)
    write(clean, "workspaces/bad.yaml", WORKSPACE.replace("name: dev", "name: bad").replace("stage: dev", "stage: prod"))
    return clean


@pytest.fixture
def warning_only(clean, monkeypatch):
    """A catalog whose only finding is a warning: an expired policy exception (CG306)."""
    if "CG605" not in RULES:  # the rule may not be written yet; the exception only needs its code
        monkeypatch.setitem(RULES, "CG605", Rule("CG605", "unpinned-image", "error", lambda ctx: []))
    write(clean, "policy.yaml", POLICY + """\
  exceptions:
    - rule: CG605
      subject: environment:legacy@1
      reason: being replaced
      expires: 2020-06-30
""")
    return clean


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("catgen: error: ")
    assert "Traceback" not in stderr
    return lines[0]


# -------------------------------------------------------------- exit codes


def test_exit_0_on_the_example_catalog():
    code, out, err = run("check", str(EXAMPLE))
    assert (code, err) == (0, "")
    assert re.fullmatch(r"\d+ manifests checked, 0 errors, 0 warnings\n", out)


def test_exit_0_on_the_default_catalog_folder(clean):
    os.chdir(clean.parent)  # `catalog/` under the current directory is the default
    code, out, _ = run("check")
    assert code == 0
    assert out == "2 manifests checked, 0 errors, 0 warnings\n"


def test_exit_1_with_errors(broken):
    code, out, err = run("check", str(broken))
    assert code == 1 and err == ""
    assert out.splitlines()[-1] == "4 manifests checked, 3 errors, 0 warnings"


def test_warnings_exit_0_but_1_with_strict(warning_only):
    code, out, _ = run("check", str(warning_only))
    assert code == 0
    assert "CG306 policy: (warning) the exception for CG605 on environment:legacy@1 expired" in out
    assert out.splitlines()[-1] == "2 manifests checked, 0 errors, 1 warning"
    assert run("check", "--strict", str(warning_only))[0] == 1


# ------------------------------------------------------------------ formats


def test_text_lines_sorted_by_path_then_line_with_a_summary_last(broken):
    code, out, _ = run("check", "catalog")
    lines = out.splitlines()
    parsed = [LINE.match(line) for line in lines[:-1]]
    assert all(parsed), lines
    assert [(m["path"], int(m["line"]), m["code"], m["name"]) for m in parsed] == [
        ("catalog/deployments/scoring.yaml", 8, "CG302", "dangling-ref"),
        ("catalog/deployments/scoring.yaml", 9, "CG201", "schema"),
        ("catalog/workspaces/bad.yaml", 6, "CG306", "policy"),
    ]
    assert lines[-1] == "4 manifests checked, 3 errors, 0 warnings"


def test_text_line_exact(broken):
    _, out, _ = run("check", "catalog")
    assert "catalog/deployments/scoring.yaml:9:12: CG201 schema: `spec.traffic` must be an integer from 0 to 100, got 'lots'" in out.splitlines()


def test_json_structure(broken):
    code, out, err = run("check", "--format", "json", "catalog")
    assert code == 1 and err == ""
    document = json.loads(out)
    assert document["version"] == 1
    assert set(document) >= {"version", "findings", "summary"}
    assert document["summary"]["errors"] == len(document["findings"]) == 3
    assert document["summary"]["warnings"] == 0
    assert document["summary"]["manifests"] == 4
    for finding in document["findings"]:
        assert set(finding) >= {"code", "name", "level", "path", "line", "column", "message", "subject"}
        assert isinstance(finding["line"], int) and finding["line"] >= 1
        assert isinstance(finding["column"], int) and finding["column"] >= 1
        assert finding["level"] in ("error", "warning")
    traffic = next(f for f in document["findings"] if f["code"] == "CG201")
    assert traffic == {
        "code": "CG201", "name": "schema", "level": "error", "path": "catalog/deployments/scoring.yaml",
        "line": 9, "column": 12, "message": "`spec.traffic` must be an integer from 0 to 100, got 'lots'",
        "subject": "deployment:scoring",
    }


def test_json_on_a_clean_catalog(clean):
    code, out, _ = run("check", "--format", "json", str(clean))
    document = json.loads(out)
    assert code == 0 and document["findings"] == []
    assert document["summary"]["errors"] == 0


def test_output_writes_the_file_and_nothing_to_stdout(broken, tmp_path):
    target = tmp_path / "reports" / "check.json"
    code, out, err = run("check", "--format", "json", "--output", str(target), "catalog")
    assert (code, out, err) == (1, "", "")
    assert json.loads(target.read_text())["summary"]["errors"] == 3


def test_output_text_matches_stdout(broken, tmp_path):
    target = tmp_path / "check.txt"
    _, printed, _ = run("check", "catalog")
    run("check", "--output", str(target), "catalog")
    assert target.read_text() == printed


def test_output_is_deterministic(broken):
    assert run("check", "--format", "json", "catalog") == run("check", "--format", "json", "catalog")


# ----------------------------------------------- exit 2: the check cannot run


def test_missing_catalog_folder():
    code, out, err = run("check", "/no/such/dir")
    assert (code, out) == (2, "")
    assert "/no/such/dir" in one_error_line(err)


def test_bad_format(clean):
    code, out, err = run("check", "--format", "xml", str(clean))
    assert (code, out) == (2, "")
    assert "'xml'" in one_error_line(err)


def test_a_file_instead_of_a_folder(clean):
    code, out, err = run("check", str(clean / "policy.yaml"))
    assert (code, out) == (2, "")
    assert "policy.yaml" in one_error_line(err)


def test_unreadable_manifest_file(clean):
    target = clean / "workspaces" / "dev.yaml"
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):
            pytest.skip("running with privileges that read a mode-000 file (root)")
        code, out, err = run("check", str(clean))
    finally:
        target.chmod(0o644)
    assert (code, out) == (2, "")
    assert "workspaces/dev.yaml" in one_error_line(err)


def test_unreadable_manifest_file_simulated(clean, monkeypatch):
    """The same path as above, for runs as root: the read itself fails."""
    real_open = open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("dev.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(catgen.load.sources, "open", refuse, raising=False)
    code, out, err = run("check", str(clean))
    assert (code, out) == (2, "")
    assert one_error_line(err).endswith("workspaces/dev.yaml: Permission denied")


def test_unwritable_output(broken, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run("check", "--output", str(blocker / "sub" / "report.txt"), "catalog")
    assert code == 2
    one_error_line(err)


# ------------------------------------------------------------------ schema


def test_schema_of_one_kind():
    code, out, _ = run("schema", "model")
    assert code == 0
    schema = json.loads(out)
    assert schema["$id"] == "https://catgen.dev/schemas/v1/model.json"
    assert schema["properties"]["kind"]["const"] == "Model"


def test_schema_kind_is_case_insensitive():
    assert json.loads(run("schema", "Model")[1])["$id"].endswith("/model.json")


def test_schema_of_every_kind():
    code, out, _ = run("schema")
    assert code == 0
    bundle = json.loads(out)
    assert set(bundle) == {"envelope", "registry", "workspace", "model", "environment", "component",
                           "data", "job", "promotion", "deployment", "policy"}
    assert all(schema["$id"].endswith(f"/{name}.json") for name, schema in bundle.items())


def test_schema_unknown_kind():
    code, out, err = run("schema", "widget")
    assert (code, out) == (2, "")
    one_error_line(err)


# -------------------------------------------------------- the real process

# The console script of the virtualenv running the tests (.venv, or .venv-ci under .ci/run).
CATGEN = Path(sys.executable).parent / "catgen"
needs_script = pytest.mark.skipif(not CATGEN.exists(), reason="the catgen console script is not installed next to this Python")


@needs_script
def test_installed_script_on_the_example_catalog():
    done = subprocess.run([str(CATGEN), "check", str(EXAMPLE)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""


@needs_script
def test_installed_script_exit_2_without_traceback():
    done = subprocess.run([str(CATGEN), "check", "/no/such/dir"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_python_dash_m_catgen(clean):
    done = subprocess.run([sys.executable, "-m", "catgen", "check", str(clean)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_an_internal_error_is_one_line_and_exit_2(monkeypatch):
    import catgen.commands.check

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(catgen.commands.check, "run", broken)
    code, out, err = run("check", str(EXAMPLE))
    assert code == 2 and out == ""
    one_error_line(err)
    assert "internal error (RuntimeError: boom)" in err and "Traceback" not in err
