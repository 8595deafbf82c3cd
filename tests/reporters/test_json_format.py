"""The `json` reporter: version 1, the documented keys, stable."""

from __future__ import annotations

import io
import json

from testing.sample_catalog import sample_result

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
