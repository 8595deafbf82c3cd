"""The command line in-process, for the tests of the click layer and of each command.

``run`` calls ``catgen.cli.main`` (which always ends in ``SystemExit``) and
returns (exit code, stdout, stderr); ``invoke`` calls the click group without
``main``'s error handling and returns (the command's return value, output).
The fixtures write small catalogs; import them into a test module to use them.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest
from click.testing import CliRunner

from catgen.cli import cli, main
from catgen.rules import RULES
from catgen.rules.base import Rule

from testing.catalogs import POLICY, WORKSPACE, write

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


def run(*args: str) -> tuple[int, str, str]:
    """Run ``catgen ARGS`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as done:
        main(list(args))
    return done.value.code, out.getvalue(), err.getvalue()


def invoke(*args: str):
    """Run ``catgen ARGS`` through click alone (exceptions propagate): (return value, output)."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, standalone_mode=False)
    return result.return_value, result.output


def one_error_line(stderr: str) -> str:
    """The one ``catgen: error: ...`` line a failure to run writes, without a traceback."""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("catgen: error: ")
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture(autouse=True)
def plain_text_default(monkeypatch):
    """Under GitHub Actions `--format` defaults to `github`; these tests expect `text`."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def clean(tmp_path):
    """The smallest clean catalog at ``<tmp>/catalog``: a policy and a workspace."""
    catalog = tmp_path / "catalog"
    write(catalog, "policy.yaml", POLICY)
    write(catalog, "workspaces/dev.yaml", WORKSPACE)
    return catalog


@pytest.fixture
def broken(clean):
    """The clean catalog plus three errors in two files (two in the first)."""
    write(clean, "deployments/scoring.yaml", DEPLOYMENT)
    bad_workspace = WORKSPACE.replace("name: dev", "name: bad").replace("stage: dev", "stage: prod")
    write(clean, "workspaces/bad.yaml", bad_workspace)
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
