"""The `github` reporter: workflow-command annotations, then the full text report."""

from __future__ import annotations

import io
import re
import subprocess

from click.testing import CliRunner
from testing.sample_catalog import hostile_result, runner_commands, sample_result, write_sample

from catgen.cli import cli
from catgen.model import Finding
from catgen.reporters import REPORTERS, github, text

ANNOTATION = re.compile(r"^::(error|warning) ([^:]*)::(.*)$")


def render(result, reporter=github.report) -> str:
    stream = io.StringIO()
    reporter(result, stream)
    return stream.getvalue()


def unescape(value: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, raw)
    return value


def parse_annotation(line: str) -> tuple[str, dict, str]:
    match = ANNOTATION.match(line)
    assert match, line
    command, properties, message = match.groups()
    fields = dict(pair.split("=", 1) for pair in properties.split(","))
    return command, {k: unescape(v) for k, v in fields.items()}, unescape(message)


def test_one_annotation_per_finding_then_the_text_report(tmp_path):
    result = sample_result(tmp_path)
    lines = render(result).splitlines()
    annotations, rest = lines[: len(result.findings)], lines[len(result.findings):]
    assert len(result.findings) == 5 and result.warnings == 1
    for line, found in zip(annotations, result.findings):
        command, fields, message = parse_annotation(line)
        assert command == found.level
        assert fields == {"file": found.path, "line": str(found.line), "col": str(found.column),
                          "title": f"{found.code} {found.name}"}
        assert message == found.message
    assert "\n".join(rest) + "\n" == render(result, text.report)
    assert rest[-1] == text.summary_line(result) == "3 manifests checked, 4 errors, 1 warning"


def test_messages_and_properties_are_escaped():
    found = Finding("CG302", "dangling-ref", "error", "catalog/odd,name:x.yaml", 2, 5, "50% done: a, b")
    line = github.annotation(found, found.path)
    assert line == "::error file=catalog/odd%2Cname%3Ax.yaml,line=2,col=5,title=CG302 dangling-ref::50%25 done: a, b"
    command, fields, message = parse_annotation(line)
    assert (fields["file"], message) == (found.path, found.message)


def test_line_breaks_in_values_are_shown_as_escapes_on_one_line():
    found = Finding("CG302", "dangling-ref", "error", "catalog/a\n::x.yaml", 2, 5, "done\r\n::error::next ##[x]")
    line = github.annotation(found, found.path)
    assert "\n" not in line and "\r" not in line and "##" not in line
    command, fields, message = parse_annotation(line)
    assert (fields["file"], message) == ("catalog/a\\n::x.yaml", "done\\r\\n::error::next #\\x23[x]")


def test_hostile_names_and_messages_give_only_catgens_annotations(tmp_path):
    result = hostile_result(tmp_path)
    log = render(result)
    commands = runner_commands(log)
    assert commands == log.splitlines()[: len(result.findings)]
    assert [parse_annotation(line)[0] for line in commands] == [f.level for f in result.findings]
    log.encode("utf-8")  # undecodable file-name bytes are escapes, not surrogates
    assert "catalog/models/credit-risk/\\xff\\xfe.yaml" in log


def test_escaping_percent_first_keeps_escapes_literal():
    assert github.escape_data("%0A") == "%250A"
    assert github.escape_property("a%2Cb") == "a%252Cb"


def test_paths_are_repository_relative_from_a_subfolder(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    project = repo / "ml"
    write_sample(project)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(project)
    result = sample_result(project)
    first = render(result).splitlines()[0]
    _, fields, _ = parse_annotation(first)
    assert result.findings[0].path == "catalog/data/broken/1.yaml"
    assert fields["file"] == "ml/catalog/data/broken/1.yaml"


def test_registered_as_a_format():
    assert REPORTERS["github"] is github.report


def test_github_actions_switches_the_default_format(tmp_path):
    write_sample(tmp_path)
    runner = CliRunner()
    on_github = runner.invoke(cli, ["check"], env={"GITHUB_ACTIONS": "true"})
    assert on_github.output.startswith("::error file=catalog/data/broken/1.yaml,line=4,col=1,title=CG101 yaml-syntax::")
    forced_text = runner.invoke(cli, ["check", "--format", "text"], env={"GITHUB_ACTIONS": "true"})
    assert forced_text.output.startswith("catalog/data/broken/1.yaml:4:1: CG101")
    assert not any(line.startswith("::") for line in forced_text.output.splitlines())
    elsewhere = runner.invoke(cli, ["check"], env={"GITHUB_ACTIONS": None})
    assert elsewhere.output == forced_text.output
    not_true = runner.invoke(cli, ["check"], env={"GITHUB_ACTIONS": "false"})
    assert not_true.output == forced_text.output
