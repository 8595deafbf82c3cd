"""JUnit XML, for the test views of Azure Pipelines (PublishTestResults, JUnit) and GitLab.

One ``<testcase>`` per manifest, in path order (``classname`` ``catgen.<kind>``,
or ``catgen.file`` for a file that is not an identified manifest), failing
when the manifest has error findings; its warnings go to ``<system-out>``.
Findings reported at a path that is no manifest of the catalog (the missing
``policy.yaml``, a deleted published file) form one test case per rule
family, ``CG3xx catalog-wide``. No timestamps or durations: the same catalog
gives the same bytes. Names and messages are ``log_safe`` (one line each, a file
name's undecodable bytes as ``\\xNN``) and no ``##`` is written raw, so the file
can be printed in a CI log without a line being read as a workflow command.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from catgen.errors import log_safe
from catgen.reporters._inert import inert_xml
from catgen.reporters.text import format_finding

SUITE_NAME = "catgen check"
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def report(result, stream, *, strict: bool = False) -> None:
    cases = [_manifest_case(m, findings) for m, findings in _by_manifest(result)]
    cases += [_catalog_wide_case(family, findings) for family, findings in _catalog_wide(result)]
    failures = sum(1 for case in cases if case.find("failure") is not None)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": "catgen", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, **counts})
    suite.extend(cases)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(inert_xml(ET.tostring(root, encoding="unicode")))
    stream.write("\n")


def _by_manifest(result):
    """Each manifest of the catalog with the findings reported in it."""
    found_in = defaultdict(list)
    for found in result.findings:
        found_in[found.path].append(found)
    return [(m, found_in.get(m.path, [])) for m in result.catalog.manifests]


def _catalog_wide(result):
    """Findings at paths that are no manifest, grouped by family in code order."""
    manifest_paths = {m.path for m in result.catalog.manifests}
    families = defaultdict(list)
    for found in result.findings:
        if found.path not in manifest_paths:
            families[found.code[:3] + "xx"].append(found)
    return sorted(families.items())


def _manifest_case(manifest, findings) -> ET.Element:
    kind = manifest.kind.lower() if manifest.kind else "file"
    return _case(f"catgen.{kind}", manifest.path, findings)


def _catalog_wide_case(family: str, findings) -> ET.Element:
    return _case("catgen.catalog", f"{family} catalog-wide", findings)


def _case(classname: str, name: str, findings) -> ET.Element:
    case = ET.Element("testcase", {"classname": _xml_text(classname), "name": _xml_text(name)})
    errors = [f for f in findings if f.level == "error"]
    warnings = [f for f in findings if f.level != "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        summary = _xml_text(f"{first.code} {first.name}: {first.message}{more}")
        failure = ET.SubElement(case, "failure", {"message": summary, "type": first.code})
        failure.text = _lines(errors)
    if warnings:
        ET.SubElement(case, "system-out").text = _lines(warnings)
    return case


def _lines(findings) -> str:
    return "\n".join(format_finding(f) for f in findings)  # each line already log_safe


def _xml_text(value: str) -> str:
    """One line without what XML 1.0 cannot represent (``log_safe`` escapes control characters)."""
    return _NOT_XML.sub("\ufffd", log_safe(value))
