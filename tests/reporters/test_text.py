"""The `text` reporter: one line per finding and a summary line, none of them a CI command."""

from __future__ import annotations

import io

from testing.sample_catalog import HOSTILE_TEXTS, hostile_result, runner_commands, sample_result

from catgen.model import Finding
from catgen.reporters import text


def render(result) -> str:
    stream = io.StringIO()
    text.report(result, stream)
    return stream.getvalue()


def test_one_line_per_finding_then_the_summary(tmp_path):
    result = sample_result(tmp_path)
    lines = render(result).splitlines()
    assert lines[:-1] == [text.format_finding(f) for f in result.findings]
    assert lines[-1] == "3 manifests checked, 4 errors, 1 warning"


def test_hostile_names_and_messages_stay_one_line_each_and_no_command(tmp_path):
    result = hostile_result(tmp_path)
    log = render(result)
    assert len(log.splitlines()) == len(result.findings) + 1
    assert runner_commands(log) == []
    log.encode("utf-8")  # undecodable file-name bytes are escapes, not surrogates
    lines = log.splitlines()
    for shown in ("\\xff\\xfe.yaml", "a\\n::error::forged-name.yaml"):
        assert any(line.startswith(f"catalog/models/credit-risk/{shown}:") and " CG107 " in line for line in lines)


def test_line_breaks_controls_and_double_hashes_are_escaped():
    message = "a\nb\rc\td\x1b[8m\u202e ##[x] ###"
    found = Finding("CG302", "dangling-ref", "error", "catalog/x.yaml", 1, 1, message)
    assert text.format_finding(found) == ("catalog/x.yaml:1:1: CG302 dangling-ref: "
                                          "a\\nb\\rc\\td\\x1b[8m\\u202e #\\x23[x] #\\x23\\x23")


def test_a_line_that_would_start_with_two_colons_does_not():
    found = Finding("CG107", "misplaced-file", "error", "::error::x.yaml", 1, 1, "m")
    assert text.format_finding(found) == "\\x3a:error::x.yaml:1:1: CG107 misplaced-file: m"
    spaced = Finding("CG107", "misplaced-file", "error", "\u3000::warning::x.yaml", 1, 1, "m")
    assert runner_commands(text.format_finding(spaced)) == []


def test_every_hostile_text_as_a_message_is_inert():
    for hostile in HOSTILE_TEXTS:
        line = text.format_finding(Finding("CG302", "dangling-ref", "error", hostile, 1, 1, hostile))
        assert "\n" not in line and "\r" not in line and runner_commands(line) == [], hostile
