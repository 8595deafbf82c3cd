"""``catgen check`` on the working tree: exit codes, the text and JSON reports, ``--output``, what stops it.

``--base`` and ``--changed`` are tested in ``tests/checking/test_base.py``; the
other report formats in ``tests/reporters/``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

import catgen.load.sources
from testing.catalogs import EXAMPLE
from testing.cli import broken, clean, one_error_line, plain_text_default, run, warning_only  # noqa: F401 (fixtures)

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): "
                  r"(?P<code>CG\d{3}) (?P<name>[a-z-]+): (?P<message>.+)$")


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
    assert ("catalog/deployments/scoring.yaml:9:12: CG201 schema: `spec.traffic` must be an integer from 0 to 100, "
            "got 'lots'") in out.splitlines()


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


def _files(folder) -> dict:
    return {path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("output", ["catalog/policy.yaml", "catalog/workspaces/dev.yaml", "catalog/report.yml",
                                    "catalog/workspaces/../new.yaml", "linked/policy.yaml"])
def test_an_output_that_would_be_a_manifest_of_the_catalog_is_refused_before_anything_is_written(broken, output):
    (broken.parent / "linked").symlink_to(broken)
    before = _files(broken)
    code, out, err = run("check", "--output", output, "catalog")
    assert (code, out) == (2, "")
    assert one_error_line(err) == (f"catgen: error: --output {output} is a .yaml/.yml file in the catalog folder: "
                                   "the report would replace a manifest or be read as one; write it elsewhere")
    assert _files(broken) == before


def test_a_report_of_another_name_may_go_in_the_catalog_folder(broken):
    # A catalog at the repository's root, with its SARIF report beside the manifests (as the action writes it).
    code, out, err = run("check", "--format", "sarif", "--output", "catalog/catgen.sarif", "catalog")
    assert (code, out, err) == (1, "", "")
    assert json.loads((broken / "catgen.sarif").read_text())["version"] == "2.1.0"


def test_output_is_deterministic(broken):
    assert run("check", "--format", "json", "catalog") == run("check", "--format", "json", "catalog")


def test_missing_catalog_folder():
    code, out, err = run("check", "/no/such/dir")
    assert (code, out) == (2, "")
    assert "/no/such/dir" in one_error_line(err)


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
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("dev.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(catgen.load.sources.os, "open", refuse)
    code, out, err = run("check", str(clean))
    assert (code, out) == (2, "")
    assert one_error_line(err).endswith("workspaces/dev.yaml: Permission denied")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full (a device that is always full)")
def test_a_report_that_cannot_be_written_names_its_file(broken):
    code, out, err = run("check", "--output", "/dev/full", "catalog")
    assert (code, out) == (2, "")
    assert one_error_line(err) == "catgen: error: cannot write the report to /dev/full: No space left on device"


@pytest.mark.parametrize("args, code, said", [
    (["check", "catalog"], 2, "catgen: error: standard output is closed: nothing can be written to it\n"),
    (["check", "catalog", "--output", "report.txt"], 1, ""),  # it writes elsewhere: it runs
])
def test_a_closed_standard_output_is_one_line_only_when_written_to(broken, tmp_path, args, code, said):
    done = subprocess.run([sys.executable, "-m", "catgen", *args], cwd=tmp_path, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=60, preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (code, said)


def test_unwritable_output(broken, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run("check", "--output", str(blocker / "sub" / "report.txt"), "catalog")
    assert code == 2
    one_error_line(err)



def test_the_cycle_collector_is_off_while_a_check_runs_and_as_it_was_after(clean, monkeypatch):
    """A check keeps everything it builds to the end: no collections meanwhile (benchmarks/README.md, issue 17)."""
    import gc

    from catgen.reporters import REPORTERS

    seen = []
    text = REPORTERS["text"]
    monkeypatch.setitem(REPORTERS, "text", lambda result, stream, strict: seen.append(gc.isenabled()) or text(
        result, stream, strict=strict))
    assert gc.isenabled()
    assert run("check", "--format", "text", str(clean))[0] == 0
    assert (seen, gc.isenabled()) == ([False], True)
    gc.disable()
    try:
        assert run("check", "--format", "text", str(clean))[0] == 0
        assert not gc.isenabled()  # whoever turned it off keeps it off
    finally:
        gc.enable()


MODULES_USED = """
import sys
from catgen.cli import main
try:
    main(["check", "--format", "text", sys.argv[1]])
except SystemExit:
    pass
print(" ".join(sorted(m for m in sys.modules if m.startswith(("catgen.rules.", "catgen.reporters.")))))
"""


def test_a_warm_check_that_finds_nothing_changed_imports_no_rule_and_one_reporter(clean):
    """The stored findings are the answer: the rules and the other four reporters are not imported (issue 17)."""
    def modules_used() -> list:
        done = subprocess.run([sys.executable, "-c", MODULES_USED, str(clean)], capture_output=True, text=True,
                              timeout=60)
        return done.stdout.splitlines()[-1].split()

    assert "catgen.rules.loading" in modules_used()  # the first check judges every file
    assert modules_used() == ["catgen.reporters.text", "catgen.rules.base"]
    (clean / "workspaces/dev.yaml").write_text((clean / "workspaces/dev.yaml").read_text() + "# changed\n")
    assert "catgen.rules.loading" in modules_used()  # a changed file is judged again


def test_a_warm_check_of_stored_findings_imports_no_rule(clean):
    """Judging stored findings (levels, exceptions) reads the rule code alone, not the rule modules."""
    (clean / "workspaces/extra.yaml").write_text("apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: extra}\n"
                                                "spec: {stage: dev, region: x, colour: blue}\n")
    first = subprocess.run([sys.executable, "-c", MODULES_USED, str(clean)], capture_output=True, text=True,
                           timeout=60)
    assert "CG201" in first.stdout and "catgen.rules.loading" in first.stdout.splitlines()[-1]
    again = subprocess.run([sys.executable, "-c", MODULES_USED, str(clean)], capture_output=True, text=True,
                           timeout=60)
    assert "CG201" in again.stdout
    assert again.stdout.splitlines()[-1].split() == ["catgen.reporters.text", "catgen.rules.base"]
