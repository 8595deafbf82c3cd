"""Attacks on what catgen prints and writes: CI-log commands, undecodable names, the site folder, the offline site.

Every test runs catgen as a real process (``python -m catgen``) in a real git repository, the way
CI runs it, and reads its output the way a CI runner does (``runner_commands``). One test per
attack, named for it. The reporters' own tests are in ``tests/reporters/``; the site folder's in
``tests/website/test_safedir.py`` and ``test_build.py``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from testing.catalogs import POLICY, REPO, WORKSPACE, write
from testing.sample_catalog import HOSTILE_NAMES, runner_commands, write_hostile

FORMATS = ["text", "json", "github", "sarif", "junit"]


def catgen(*args: str, cwd: Path, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run catgen as CI does: a process of its own; stdout and stderr as bytes, decoded strictly by the tests."""
    environment = {**os.environ, "GITHUB_ACTIONS": "true", **(env or {})}
    return subprocess.run([sys.executable, "-m", "catgen", *args], cwd=cwd, env=environment, capture_output=True,
                          timeout=timeout)


def hostile_repository(root: Path) -> Path:
    write_hostile(root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def small_catalog(root: Path) -> Path:
    write(root / "catalog", "policy.yaml", POLICY)
    write(root / "catalog", "workspaces/dev.yaml", WORKSPACE)
    return root / "catalog"


def one_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8")
    assert len(text.splitlines()) == 1 and "Traceback" not in text, text
    return text


# -- workflow commands forged in file names and messages -----------------------------------------


@pytest.mark.parametrize("output_format", FORMATS)
def test_file_names_cannot_forge_workflow_commands(tmp_path, output_format):
    repo = hostile_repository(tmp_path)
    done = catgen("check", "--format", output_format, cwd=repo)
    assert done.returncode == 1, done.stderr
    log = done.stdout.decode("utf-8")  # strict: undecodable name bytes are escapes, never raw bytes
    commands = runner_commands(log)
    if output_format == "github":
        findings = json.loads(catgen("check", "--format", "json", cwd=repo).stdout)["findings"]
        assert commands == log.splitlines()[: len(findings)] and len(findings) > len(HOSTILE_NAMES)
    else:
        assert commands == []


@pytest.mark.parametrize("output_format", FORMATS)
def test_report_file_written_with_output_is_as_inert_as_stdout(tmp_path, output_format):
    repo = hostile_repository(tmp_path)
    done = catgen("check", "--format", output_format, "--output", "report.out", cwd=repo)
    assert done.returncode == 1 and done.stdout == b"", done.stderr
    report = (repo / "report.out").read_bytes().decode("utf-8")
    assert report == catgen("check", "--format", output_format, cwd=repo).stdout.decode("utf-8")


def test_error_reasons_quoting_names_and_refs_are_one_inert_line(tmp_path):
    repo = hostile_repository(tmp_path)
    for args in (["check", "x\n::error::forged ##[add-mask]s"], ["check", "--base", "x\n::stop-commands::t"],
                 ["lineage", "model:x\n::error::y", "--catalog", "catalog"], ["build", "x\r::warning::y"]):
        reason = one_line(catgen(*args, cwd=repo).stderr)
        assert runner_commands(reason) == [], reason


def test_stop_commands_in_a_message_cannot_silence_later_annotations(tmp_path):
    repo = hostile_repository(tmp_path)
    log = catgen("check", "--format", "github", cwd=repo).stdout.decode("utf-8")
    assert "stop-commands" not in "".join(runner_commands(log))
    assert all(line.startswith(("::error ", "::warning ")) for line in runner_commands(log))


# -- file names that are not UTF-8 -----------------------------------------------------------------


@pytest.mark.parametrize("output_format", FORMATS)
def test_name_that_is_not_utf8_is_reported_in_every_format(tmp_path, output_format):
    repo = hostile_repository(tmp_path)
    done = catgen("check", "--format", output_format, cwd=repo)
    assert done.returncode == 1 and done.stderr == b"", done.stderr
    log = done.stdout.decode("utf-8")
    shown = "%FF%FE.yaml" if output_format == "sarif" else ("\\\\xff\\\\xfe.yaml" if output_format in ("json",)
                                                              else "\\xff\\xfe.yaml")
    assert shown in log


def test_name_that_is_not_utf8_builds_the_site(tmp_path):
    catalog = small_catalog(tmp_path)
    with open(bytes(catalog / "workspaces") + b"/\xff.yaml", "wb") as handle:
        handle.write(b"apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: w}\nspec: {stage: dev, region: x}\n")
    done = catgen("build", "--site-dir", "site", str(catalog), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "\\xff.yaml" in (tmp_path / "site" / "checks" / "index.html").read_text("utf-8")


def test_a_catalog_in_a_folder_whose_name_is_not_utf8_is_checked_built_and_shown(tmp_path):
    # The parse cache and the check state are named by a digest of the folder's name: a strict encode stopped
    # every command.
    root = Path(os.fsdecode(bytes(tmp_path) + b"/\xff"))
    catalog = small_catalog(root)
    for args in (["check", str(catalog)], ["check", str(catalog)], ["status", str(catalog)],
                 ["build", "--site-dir", str(root / "site"), str(catalog)]):
        done = catgen(*args, cwd=root)
        assert done.returncode == 0 and b"internal error" not in done.stderr, (args, done.stderr)
    assert (root / "site" / "index.html").is_file()


# -- the job summary -----------------------------------------------------------------------------


def action_check_script() -> str:
    steps = yaml.safe_load((REPO / "action.yml").read_text("utf-8"))["runs"]["steps"]
    return next(step["run"] for step in steps if step.get("name") == "catgen check")


def test_file_names_cannot_close_the_job_summary_code_fence(tmp_path):
    repo = tmp_path / "repo"
    small_catalog(repo)
    write(repo / "catalog", "models/m/x.yaml", "apiVersion: catgen/v1\n")
    for name in (b"````\n# forged heading\n![x](https:t.example).yaml", b"``` .yaml"):
        with open(bytes(repo / "catalog" / "models") + b"/" + name, "wb") as handle:
            handle.write(b"apiVersion: catgen/v1\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shims = tmp_path / "bin"
    write(shims, "catgen", f'#!/bin/sh\nexec "{sys.executable}" -m catgen "$@"\n').chmod(0o755)
    summary = tmp_path / "summary.md"
    env = {**os.environ, "PATH": f"{shims}:{os.environ['PATH']}", "GITHUB_ACTIONS": "true", "CATALOG": "catalog",
           "BASE": "", "REPORT": str(tmp_path / "report.log"), "GITHUB_STEP_SUMMARY": str(summary)}
    done = subprocess.run(["bash", "-c", action_check_script()], cwd=repo, env=env, capture_output=True, timeout=120)
    assert done.returncode == 1, done.stderr
    lines = summary.read_text("utf-8").splitlines()
    fence = re.match(r"^(`{3,})text$", lines[1]).group(1)
    assert lines[0] == "### catgen check" and lines[-1] == fence
    inside = lines[2:-1]
    assert not any(line.strip().startswith(fence) for line in inside)  # nothing closes it early
    assert any("# forged heading" in line for line in inside)


# -- the site folder ------------------------------------------------------------------------------


def staging_folders(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if ".catgen-build-" in p.name]


def test_a_killed_build_leaves_staging_that_the_next_build_removes(tmp_path):
    catalog = small_catalog(tmp_path)
    started = tmp_path / "started"
    # A hook of the project's mkdocs.yml holds the build in its staging folder until it is killed.
    write(tmp_path, "hold.py", f"import pathlib, time\n\ndef on_post_build(config):\n"
                               f"    pathlib.Path({str(started)!r}).write_text('x')\n    time.sleep(120)\n")
    write(tmp_path, "mkdocs.yml", "site_name: x\nhooks: [hold.py]\n")
    temporary = tmp_path / "tmp"  # the system's temporary folder, for the build: nothing of its is left there
    temporary.mkdir()
    environment = {**os.environ, "GITHUB_ACTIONS": "true", "TMPDIR": str(temporary)}
    build = subprocess.Popen([sys.executable, "-m", "catgen", "build", str(catalog)], cwd=tmp_path, env=environment,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), "the build never reached its staging folder"
    finally:
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
    left = staging_folders(tmp_path)
    assert len(left) == 1 and (left[0] / "site" / "index.html").is_file() and not (tmp_path / "site").exists()
    assert list(temporary.iterdir()) == [] and (left[0] / "config").is_dir()  # the configuration goes with it
    write(tmp_path, "mkdocs.yml", "site_name: x\n")
    done = catgen("build", str(catalog), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert staging_folders(tmp_path) == [] and (tmp_path / "site" / "index.html").is_file()


def test_a_planted_marker_cannot_make_the_build_replace_the_repository(tmp_path):
    repo = tmp_path / "repo"
    catalog = small_catalog(repo)
    write(repo, "README.md", "precious")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    write(repo, ".catgen-site", "")
    reason = one_line(catgen("build", str(catalog), "--site-dir", ".", cwd=repo).stderr)
    assert "holds the current directory" in reason
    write(repo, ".catgen-site", json.dumps({"files": {}, "folders": []}))
    sub = repo / "sub"
    sub.mkdir()
    reason = one_line(catgen("build", "../catalog", "--site-dir", "..", cwd=sub).stderr)
    assert "refusing to replace it" in reason
    assert (repo / "README.md").read_text() == "precious" and (repo / ".git" / "HEAD").is_file()


# -- the offline site ----------------------------------------------------------------------------


def test_a_remote_script_in_mkdocs_yml_refuses_the_build(tmp_path):
    catalog = small_catalog(tmp_path)
    write(tmp_path, "mkdocs.yml", "site_name: x\nextra_javascript: ['https://cdn.example.com/track.js']\n")
    done = catgen("build", str(catalog), cwd=tmp_path)
    assert done.returncode == 2
    assert "would not work offline" in one_line(done.stderr) and not (tmp_path / "site").exists()


def test_a_remote_script_in_a_guide_page_refuses_the_build(tmp_path):
    catalog = small_catalog(tmp_path)
    write(tmp_path, "mkdocs.yml", "site_name: x\n")
    write(tmp_path, "docs/index.md", "# Hi\n\n<script src=//evil.example/x.js></script>\n")
    done = catgen("build", str(catalog), cwd=tmp_path)
    assert done.returncode == 2 and "//evil.example/x.js" in one_line(done.stderr)
