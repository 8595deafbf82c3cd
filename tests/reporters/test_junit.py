"""The `junit` reporter: the structure Azure Pipelines and GitLab read, counts consistent."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from testing.sample_catalog import WARNING_MESSAGE, hostile_result, runner_commands, sample_result

from catgen.checking.engine import CheckResult
from catgen.model import Finding
from catgen.reporters import REPORTERS, junit
from catgen.reporters.text import format_finding


def render(result) -> str:
    stream = io.StringIO()
    junit.report(result, stream)
    return stream.getvalue()


def cases_by_name(suite) -> dict:
    return {case.get("name"): case for case in suite.findall("testcase")}


def test_structure_and_counts(tmp_path):
    result = sample_result(tmp_path)
    output = render(result)
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(output)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "catgen check"
    cases = suite.findall("testcase")
    failing = [c for c in cases if c.find("failure") is not None]
    for element in (root, suite):
        assert element.get("tests") == str(len(cases)) == "4"
        assert element.get("failures") == str(len(failing)) == "3"
        assert (element.get("errors"), element.get("skipped")) == ("0", "0")
    assert [c.get("name") for c in cases] == [m.path for m in result.catalog.manifests] + ["CG3xx catalog-wide"]


def test_one_case_per_manifest_with_its_findings(tmp_path):
    result = sample_result(tmp_path)
    cases = cases_by_name(ET.fromstring(render(result)).find("testsuite"))
    model = cases["catalog/models/credit-risk/3.yaml"]
    assert model.get("classname") == "catgen.model"
    failure = model.find("failure")
    errors = [f for f in result.findings if f.path == "catalog/models/credit-risk/3.yaml"]
    assert len(errors) == 2
    assert failure.get("type") == "CG302"
    assert failure.get("message") == f"CG302 dangling-ref: {errors[0].message} (and 1 more)"
    assert failure.text.splitlines() == [format_finding(f) for f in errors]

    broken = cases["catalog/data/broken/1.yaml"]
    assert broken.get("classname") == "catgen.file"  # not YAML: its kind is unknown
    assert broken.find("failure").get("type") == "CG101"


def test_warnings_go_to_system_out_and_do_not_fail(tmp_path):
    result = sample_result(tmp_path)
    registry = cases_by_name(ET.fromstring(render(result)).find("testsuite"))["catalog/registries/contoso-ml.yaml"]
    assert registry.get("classname") == "catgen.registry"
    assert registry.find("failure") is None
    assert WARNING_MESSAGE in registry.find("system-out").text
    assert "(warning)" in registry.find("system-out").text


def test_catalog_wide_findings_have_a_case_per_family(tmp_path):
    result = sample_result(tmp_path)
    case = cases_by_name(ET.fromstring(render(result)).find("testsuite"))["CG3xx catalog-wide"]
    assert case.get("classname") == "catgen.catalog"
    failure = case.find("failure")
    assert failure.get("type") == "CG306"
    assert failure.text.startswith("catalog/policy.yaml:1:1: CG306 policy: the catalog has no policy")


def test_markup_and_control_characters_stay_text(tmp_path):
    result = sample_result(tmp_path)
    odd = Finding("CG302", "dangling-ref", "error", "catalog/policy.yaml", 2, 1, 'bad <ref> & "quote"\x01\x1b[31m')
    odd_result = CheckResult(result.catalog, [*result.findings, odd])
    case = cases_by_name(ET.fromstring(render(odd_result)).find("testsuite"))["CG3xx catalog-wide"]
    assert 'bad <ref> & "quote"\\x01\\x1b[31m' in case.find("failure").text  # controls shown as escapes


def test_clean_catalog_passes(tmp_path):
    result = sample_result(tmp_path)
    clean = CheckResult(result.catalog, [])
    suite = ET.fromstring(render(clean)).find("testsuite")
    assert suite.get("failures") == "0" and suite.get("tests") == "3"
    assert all(case.find("failure") is None for case in suite.findall("testcase"))


def test_deterministic_and_registered(tmp_path):
    result = sample_result(tmp_path)
    assert REPORTERS["junit"] is junit.report
    assert render(result) == render(result)


def test_hostile_names_and_messages_are_xml_and_no_command(tmp_path):
    log = render(hostile_result(tmp_path))
    assert runner_commands(log) == [] and "##" not in log
    log.encode("utf-8")
    suite = ET.fromstring(log.split("\n", 1)[1])
    names = [case.get("name") for case in suite.iter("testcase")]
    assert "catalog/models/credit-risk/\\xff\\xfe.yaml" in names
    assert "catalog/models/credit-risk/a\\n::error::forged-name.yaml" in names
    assert "catalog/models/credit-risk/b#\\x23[add-mask]x.yaml" in names  # names are log_safe, like text
