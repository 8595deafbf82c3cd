"""The `json` reporter: version 1, the documented keys, stable."""

from __future__ import annotations

import io
import json

from testing.sample_catalog import hostile_result, runner_commands, sample_result

from catgen.reporters import REPORTERS

FINDING_KEYS = ["code", "name", "level", "path", "line", "column", "message", "subject"]


def render(result, strict=False) -> dict:
    stream = io.StringIO()
    REPORTERS["json"](result, stream, strict=strict)
    return json.loads(stream.getvalue())


def test_version_findings_and_summary(tmp_path):
    result = sample_result(tmp_path)
    document = render(result)
    assert list(document) == ["version", "findings", "summary"]
    assert document["version"] == 1
    assert [list(f) for f in document["findings"]] == [FINDING_KEYS] * 5
    for written, found in zip(document["findings"], result.findings):
        assert written == {key: getattr(found, key) for key in FINDING_KEYS}
    assert document["summary"] == {"manifests": 3, "errors": 4, "warnings": 1, "waived": 0, "exit_code": 1}


def test_strict_counts_warnings_in_the_exit_code(tmp_path):
    result = sample_result(tmp_path)
    result.findings = [f for f in result.findings if f.level == "warning"]
    assert render(result)["summary"]["exit_code"] == 0
    assert render(result, strict=True)["summary"]["exit_code"] == 1


def test_stable_output(tmp_path):
    result = sample_result(tmp_path)
    first, second = io.StringIO(), io.StringIO()
    REPORTERS["json"](result, first)
    REPORTERS["json"](result, second)
    assert first.getvalue() == second.getvalue()


def test_hostile_names_and_messages_are_exact_json_and_no_command(tmp_path):
    result = hostile_result(tmp_path)
    stream = io.StringIO()
    REPORTERS["json"](result, stream)
    log = stream.getvalue()
    assert runner_commands(log) == [] and "##" not in log
    log.encode("utf-8")
    findings = json.loads(log)["findings"]
    shown = [f["path"] for f in findings]
    assert "catalog/models/credit-risk/a\n::error::forged-name.yaml" in shown  # exact: JSON escapes the line break
    assert "catalog/models/credit-risk/b##[add-mask]x.yaml" in shown  # exact once parsed (written #\u0023)
    assert "catalog/models/credit-risk/\\xff\\xfe.yaml" in shown  # bytes that are not UTF-8, as escapes
    assert {f["message"] for f in findings} >= {f.message for f in result.findings if "\udcff" not in f.message}
