"""The `sarif` reporter: SARIF 2.1.0, checked against the official schema and field by field."""

from __future__ import annotations

import copy
import io
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from testing.catalogs import REPO, check
from testing.sample_catalog import hostile_result, runner_commands, sample_result, with_warning, write_sample

import catgen
import catgen.errors
from catgen.model import Finding
from catgen.reporters import REPORTERS, sarif
from catgen.reporters._paths import RepositoryPaths
from catgen.rules import RULES

# The OASIS SARIF 2.1.0 schema (errata01), byte for byte; see the README beside it.
SCHEMA_FILE = Path(__file__).with_name("sarif-schema-2.1.0.json")


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def render(result) -> dict:
    stream = io.StringIO()
    sarif.report(result, stream)
    return json.loads(stream.getvalue())


def test_valid_against_the_sarif_schema(tmp_path, validator):
    log = render(sample_result(tmp_path))
    assert [e.message for e in validator.iter_errors(log)] == []
    assert log["$schema"] == sarif.SARIF_SCHEMA and log["version"] == "2.1.0"


def test_the_schema_check_catches_a_broken_log(tmp_path, validator):
    log = render(sample_result(tmp_path))
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(broken))
    del broken["version"]
    assert not validator.is_valid(broken)


SITE = "https://ml.contoso.com/catalog/"


@pytest.fixture(autouse=True)
def no_site_address(monkeypatch):
    """Links depend on CATGEN_SITE_URL and ./mkdocs.yml: each test says which it has."""
    monkeypatch.delenv("CATGEN_SITE_URL", raising=False)


def test_driver_lists_every_rule(tmp_path, monkeypatch):
    monkeypatch.setenv("CATGEN_SITE_URL", SITE.rstrip("/"))
    driver = render(sample_result(tmp_path))["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("catgen", catgen.__version__)
    assert driver["informationUri"] == SITE
    assert [r["id"] for r in driver["rules"]] == sorted(RULES)
    for descriptor in driver["rules"]:
        rule = RULES[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"].startswith(rule.summary)
        assert " ".join(rule.doc.split()) == " ".join(descriptor["fullDescription"]["text"].split())
        assert descriptor["helpUri"] == f"{SITE}rules/#{rule.code.lower()}-{rule.name}"
        assert descriptor["help"]["text"].endswith(f"See {descriptor['helpUri']}")
        assert descriptor["defaultConfiguration"]["level"] == rule.level


def test_site_url_of_the_mkdocs_yml_in_the_current_folder(tmp_path, monkeypatch, validator):
    """Read as MkDocs writes it, tags and all (a tag's value is left unset, never run)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nsite_url: https://ml.contoso.com/catalog\nrepo_url: !ENV [REPO, 'https://x']\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:os.system\n",
        encoding="utf-8")
    log = render(sample_result(tmp_path / "sample"))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == SITE
    assert driver["rules"][0]["helpUri"].startswith(f"{SITE}rules/#cg101-")
    assert [e.message for e in validator.iter_errors(log)] == []


def test_no_site_address_no_links(tmp_path, monkeypatch, validator):
    """Never a host the user does not own: without an address the help names `catgen rules CODE`."""
    monkeypatch.chdir(tmp_path)
    log = render(sample_result(tmp_path / "sample"))
    driver = log["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    for descriptor in driver["rules"]:
        assert "helpUri" not in descriptor
        assert descriptor["help"]["text"].endswith(f"See `catgen rules {descriptor['id']}`")
    assert "catgen.dev" not in json.dumps(log)
    assert [e.message for e in validator.iter_errors(log)] == []


@pytest.mark.parametrize("address", ["javascript:alert(1)", "https://x/\"><script>", "ftp://x/", "https:///nohost",
                                     "https://x/ y", "https://x/\u202e"])
def test_a_site_address_that_is_no_plain_url_is_refused(tmp_path, monkeypatch, address):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CATGEN_SITE_URL", address)
    with pytest.raises(catgen.errors.CatalogError, match="CATGEN_SITE_URL"):
        render(sample_result(tmp_path / "sample"))


def test_help_uris_point_at_the_rules_page_headings():
    """docs/rules.md is published at /rules/; its table links each rule to the same anchor."""
    page = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        anchor = sarif.help_uri(rule, SITE).removeprefix(f"{SITE}rules/")
        assert f"]({anchor})" in page and f"\n### {rule.code} {rule.name}\n" in page


def test_one_result_per_finding(tmp_path):
    result = sample_result(tmp_path)
    run = render(result)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(result.findings) == 5
    for entry, found in zip(run["results"], result.findings):
        assert entry["ruleId"] == found.code == rules[entry["ruleIndex"]]["id"]
        assert entry["level"] == found.level
        assert entry["message"]["text"] == found.message
        (location,) = entry["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": found.path, "uriBaseId": "%SRCROOT%"}
        assert physical["region"] == {"startLine": found.line, "startColumn": found.column}
        assert set(entry["partialFingerprints"]) == {"catgenFingerprint/v1"}
    assert [e["level"] for e in run["results"]].count("warning") == 1
    (missing_policy,) = [e for e in run["results"] if e["ruleId"] == "CG306"]
    assert missing_policy["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "catalog/policy.yaml"


def test_fingerprints_survive_moved_lines_but_not_other_findings(tmp_path):
    result = sample_result(tmp_path)
    before = render(result)["runs"][0]["results"]
    model = tmp_path / "catalog/models/credit-risk/3.yaml"
    model.write_text("# a comment and a blank line move every key down\n\n" + model.read_text(encoding="utf-8"),
                     encoding="utf-8")
    after = render(with_warning(check(tmp_path / "catalog")))["runs"][0]["results"]
    lines = lambda results: [  # noqa: E731
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]
    assert lines(after) != lines(before)
    prints = lambda results: [r["partialFingerprints"]["catgenFingerprint/v1"] for r in results]  # noqa: E731
    assert prints(after) == prints(before)
    assert len(set(prints(before))) == len(before)


def test_fingerprint_ignores_positions_inside_messages():
    found = Finding("CG102", "duplicate-key", "error", "catalog/a.yaml", 3, 1,
                    "key <complex key at line 3> again, see catalog/b.yaml:7:2", subject="model:a@1")
    moved = Finding("CG102", "duplicate-key", "error", "catalog/a.yaml", 9, 1,
                    "key <complex key at line 9> again, see catalog/b.yaml:12:4", subject="model:a@1")
    other = Finding("CG102", "duplicate-key", "error", "catalog/a.yaml", 3, 1,
                    "key <complex key at line 3> again, see catalog/b.yaml:7:2", subject="model:a@2")
    assert sarif.fingerprint(found, found.path) == sarif.fingerprint(moved, moved.path)
    assert sarif.fingerprint(found, found.path) != sarif.fingerprint(other, other.path)


def test_uris_are_repository_relative_and_encoded(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    project = repo / "ml"
    write_sample(project)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(project)
    results = render(sample_result(project))["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris[0] == "ml/catalog/data/broken/1.yaml" and all(u.startswith("ml/catalog/") for u in uris)
    paths = RepositoryPaths()
    spaced = Finding("CG107", "misplaced-file", "error", "catalog/my model.yaml", 1, 1, "m")
    uri = sarif.sarif_result(spaced, {}, paths)["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "ml/catalog/my%20model.yaml"


def test_paths_outside_the_repository_stay_as_reported(tmp_path, monkeypatch):
    (tmp_path / "repo").mkdir()
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    monkeypatch.chdir(tmp_path / "repo")
    assert RepositoryPaths().relative("../elsewhere/catalog/x.yaml") == "../elsewhere/catalog/x.yaml"


def test_deterministic(tmp_path):
    result = sample_result(tmp_path)
    first, second = io.StringIO(), io.StringIO()
    REPORTERS["sarif"](result, first)
    REPORTERS["sarif"](result, second)
    assert first.getvalue() == second.getvalue()


def test_hostile_names_and_messages_are_valid_sarif_and_no_command(tmp_path, validator):
    stream = io.StringIO()
    sarif.report(hostile_result(tmp_path), stream)
    log = stream.getvalue()
    assert runner_commands(log) == [] and "##" not in log
    log.encode("utf-8")  # a name that is not UTF-8 crashed the reporter once
    document = json.loads(log)
    validator.validate(document)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]]
    assert "catalog/models/credit-risk/%FF%FE.yaml" in uris  # the file's real bytes, percent-encoded
    assert "catalog/models/credit-risk/a%0A%3A%3Aerror%3A%3Aforged-name.yaml" in uris
