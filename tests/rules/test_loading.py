"""CG101-CG107: reading manifest files safely.

Each rule has a test that fires it (code, catalog-relative path and line) and a
test on its valid neighbour that does not. The hostile files (billion laughs,
code-running tags, huge, deeply nested, not UTF-8, symbolic links) must give
one finding each, quickly, and never run anything or crash.
"""

from __future__ import annotations

import os
import time

import pytest
import yaml

from catgen.load.catalog import open_catalog
from catgen.load.sources import DirectorySource
from catgen.load.yamlsafe import MAX_BYTES

from catgen.checking.engine import run_check

from testing.catalogs import NOW, POLICY, WORKSPACE, check, codes, write

LOADING_CODES = ("CG101", "CG102", "CG103", "CG104", "CG105", "CG106", "CG107")


def model(name: str = "m", version: str = '"1"', extra: str = "") -> str:
    return f"""
apiVersion: catgen/v1
kind: Model
metadata:
  name: {name}
  version: {version}
spec:
  workspace: workspace:dev
  type: custom_model
  path: models/{name}
{extra}"""


@pytest.fixture
def root(tmp_path):
    """A small clean catalog: a policy and one workspace."""
    catalog = tmp_path / "catalog"
    write(catalog, "policy.yaml", POLICY)
    write(catalog, "workspaces/dev.yaml", WORKSPACE)
    return catalog


def loading_findings(result) -> list:
    return [c for c in codes(result) if c[0] in LOADING_CODES]


def test_clean_catalog_has_no_loading_findings(root):
    write(root, "models/m/1.yaml", model())
    assert loading_findings(check(root)) == []


# --------------------------------------------------------------------- CG101


def test_cg101_syntax_error_at_the_line_where_parsing_stopped(root):
    write(root, "workspaces/bad.yaml", "apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: bad\nspec: {}\n")
    assert codes(check(root), "CG101") == [("CG101", "workspaces/bad.yaml", 4)]


def test_cg101_control_character_is_a_syntax_error(root):
    write(root, "workspaces/bell.yaml", b"apiVersion: catgen/v1\nkind: Workspace\nmetadata:\n  name: be\x07ll\n")
    findings = [f for f in check(root).findings if f.code == "CG101"]
    assert [(f.path, f.line) for f in findings] == [("catalog/workspaces/bell.yaml", 4)]
    assert "#x0007" in findings[0].message


def test_cg101_valid_neighbour_flow_mapping_closed(root):
    write(root, "workspaces/ok.yaml",
          "apiVersion: catgen/v1\nkind: Workspace\nmetadata: {name: ok}\nspec: {stage: dev, region: eastus}\n")
    assert codes(check(root), "CG101") == []


# --------------------------------------------------------------------- CG102


def test_cg102_duplicate_key_at_its_second_occurrence(root):
    write(root, "models/m/1.yaml", model(extra="  type: mlflow_model\n"))
    assert codes(check(root), "CG102") == [("CG102", "models/m/1.yaml", 10)]


def test_cg102_valid_neighbour_same_key_in_different_mappings(root):
    # `name` under metadata and under an input: different mappings, no duplicate.
    write(root, "models/m/1.yaml", model(extra="  sha256: " + "a" * 64 + "\n"))
    write(root, "jobs/j.yaml", """
        apiVersion: catgen/v1
        kind: Job
        metadata:
          name: j
          tags: {name: x}
        spec:
          workspace: workspace:dev
          type: command
          status: completed
        """)
    assert codes(check(root), "CG102") == []


# --------------------------------------------------------------------- CG103


def test_cg103_anchor_reported_at_the_anchor(root):
    write(root, "models/m/1.yaml", model(extra="  sha256: &digest " + "a" * 64 + "\n"))
    assert codes(check(root), "CG103") == [("CG103", "models/m/1.yaml", 10)]


def test_cg103_billion_laughs_is_refused_fast(root):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        this, prev = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{this}: &{this} [" + ",".join([f"*{prev}"] * 9) + "]")
    write(root, "workspaces/lol.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    result = check(root)
    assert time.perf_counter() - started < 2.0  # expanded, it would be 10**9 strings
    assert codes(result, "CG103") == [("CG103", "workspaces/lol.yaml", 1)]


def test_cg103_merge_key_is_an_alias_too(root):
    write(root, "workspaces/merge.yaml", "base: &base {stage: dev}\nspec:\n  <<: *base\n")
    assert codes(check(root), "CG103") == [("CG103", "workspaces/merge.yaml", 1)]


def test_cg103_valid_neighbour_ampersand_and_star_inside_strings(root):
    write(root, "models/m/1.yaml", model().replace("models/m\n", '"models/m&b*c"\n') + "  job: job:a&b\n")
    assert codes(check(root), "CG103") == []


# --------------------------------------------------------------------- CG104


def test_cg104_local_tag(root):
    write(root, "models/m/1.yaml", model(extra="  sha256: !digest " + "a" * 64 + "\n"))
    assert codes(check(root), "CG104") == [("CG104", "models/m/1.yaml", 10)]


def test_cg104_even_a_standard_str_tag(root):
    write(root, "models/m/1.yaml", model(version="!!str 1"))
    assert codes(check(root), "CG104") == [("CG104", "models/m/1.yaml", 5)]


OS_SYSTEM = "spec: !!python/object/apply:os.system ['touch {marker}']\n"
BUILTINS_EXEC = "spec: !!python/object/apply:builtins.exec [\"open('{marker}', 'w').close()\"]\n"


@pytest.mark.parametrize("payload", [OS_SYSTEM, BUILTINS_EXEC], ids=["os.system", "builtins.exec"])
def test_cg104_code_running_tags_run_nothing(root, tmp_path, payload):
    marker = tmp_path / "pwned"
    header = "apiVersion: catgen/v1\nkind: Workspace\nmetadata:\n  name: evil\n"
    write(root, "workspaces/evil.yaml", header + payload.format(marker=marker))
    result = check(root)
    assert not marker.exists(), "a tag's code ran while loading the catalog"
    assert codes(result, "CG104") == [("CG104", "workspaces/evil.yaml", 5)]
    assert "python/object/apply" in next(f.message for f in result.findings if f.code == "CG104")


@pytest.mark.parametrize("payload", [OS_SYSTEM, BUILTINS_EXEC], ids=["os.system", "builtins.exec"])
def test_the_payloads_are_live(tmp_path, payload):
    """Guard: an unsafe loader does run these payloads, so the test above means something."""
    marker = tmp_path / "ran"
    yaml.unsafe_load(payload.format(marker=marker))
    assert marker.exists()


def test_cg104_valid_neighbour_exclamation_inside_a_string(root):
    write(root, "models/m/1.yaml", model().replace("models/m\n", "models/m!important\n"))
    assert codes(check(root), "CG104") == []


# --------------------------------------------------------------------- CG105


@pytest.mark.parametrize("cache", [False, True])
def test_cg105_from_the_size_reading_at_most_one_byte_past_the_limit(root, monkeypatch, tmp_path, cache):
    """Listed with its size (a cached check), the file is never opened; listed by its folder entry's type alone
    (a cold check), at most MAX_BYTES + 1 bytes of it are read. Either way the finding says its real size."""
    big = write(root, "workspaces/big.yaml", b"apiVersion: catgen/v1\n" + b"#" * (2 * MAX_BYTES) + b"\n")
    size = big.stat().st_size
    read = {}
    original = DirectorySource.read
    monkeypatch.setattr(DirectorySource, "read", lambda self, rel: read.setdefault(rel, original(self, rel)))
    monkeypatch.setenv("CATGEN_CACHE_DIR", str(tmp_path / "cache"))
    result = run_check(open_catalog(str(root), cache=cache), now=NOW)
    assert codes(result, "CG105") == [("CG105", "workspaces/big.yaml", 1)]
    assert len(read.get("workspaces/big.yaml", b"")) == (0 if cache else MAX_BYTES + 1)
    assert f"{size:,} bytes" in next(f.message for f in result.findings if f.code == "CG105")


def test_cg105_valid_neighbour_exactly_one_mib(root):
    text = WORKSPACE.lstrip("\n").replace("name: dev", "name: full").encode()
    padding = MAX_BYTES - len(text) - 1
    write(root, "workspaces/full.yaml", text + b"#" * padding + b"\n")
    assert (root / "workspaces/full.yaml").stat().st_size == MAX_BYTES
    result = check(root)
    assert loading_findings(result) == []


# --------------------------------------------------------------------- CG106


def test_cg106_latin1_at_the_line_of_the_bad_byte(root):
    text = "apiVersion: catgen/v1\nkind: Workspace\nmetadata:\n  name: dev2\n  description: Café\n"
    write(root, "workspaces/dev2.yaml", text.encode("latin-1"))
    result = check(root)
    assert codes(result, "CG106") == [("CG106", "workspaces/dev2.yaml", 5)]
    assert "0xe9" in result.findings[0].message


@pytest.mark.parametrize(
    "text, why",
    [
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("apiVersion: catgen/v1\n---\nkind: Workspace\n", "2 YAML documents"),
        ("- apiVersion: catgen/v1\n- kind: Workspace\n", "list"),
        ("just a string\n", "string"),
    ],
    ids=["empty", "comment-only", "two-documents", "top-level-list", "top-level-string"],
)
def test_cg106_not_one_mapping(root, text, why):
    write(root, "workspaces/x.yaml", text)
    result = check(root)
    assert codes(result, "CG106") == [("CG106", "workspaces/x.yaml", 1)]
    assert why in result.findings[0].message


def test_cg106_ten_thousand_nested_lists_no_recursion_error(root):
    write(root, "workspaces/deep.yaml", "spec: " + "[" * 10_000 + "]" * 10_000 + "\n")
    started = time.perf_counter()
    result = check(root)
    assert time.perf_counter() - started < 5.0
    assert codes(result, "CG106") == [("CG106", "workspaces/deep.yaml", 1)]
    assert "nesting deeper" in result.findings[0].message


def test_cg106_symbolic_link_is_not_followed(root, tmp_path):
    outside = write(tmp_path, "outside/secret.yaml", WORKSPACE.replace("name: dev", "name: linked"))
    os.symlink(outside, root / "workspaces" / "linked.yaml")
    os.symlink(tmp_path / "outside", root / "models")  # a linked folder is reported, not walked
    result = check(root)
    assert codes(result, "CG106") == [("CG106", "models", 1), ("CG106", "workspaces/linked.yaml", 1)]
    assert all("symbolic link" in f.message for f in result.findings)
    assert [m.relpath for m in result.catalog.manifests] == ["models", "policy.yaml", "workspaces/dev.yaml",
                                                             "workspaces/linked.yaml"]
    assert result.catalog.get("Workspace", "linked") is None


def test_cg106_valid_neighbour_document_markers_and_bom(root):
    write(root, "workspaces/a.yaml", "---\n" + WORKSPACE.lstrip("\n").replace("name: dev", "name: a") + "...\n")
    write(root, "workspaces/b.yaml", ("\ufeff" + WORKSPACE.lstrip("\n").replace("name: dev", "name: b")).encode())
    assert loading_findings(check(root)) == []


# ------------------------------------------------------------- precedence


def test_syntax_error_and_tag_give_only_cg101(root):
    write(root, "workspaces/x.yaml", "kind: !foo Workspace\nmetadata: {name: x\n")
    assert loading_findings(check(root)) == [("CG101", "workspaces/x.yaml", 3)]


def test_tag_and_alias_give_cg104(root):
    # The alias comes first in the file; the tag still wins (CG104 before CG103).
    write(root, "workspaces/x.yaml", "a: &x 1\nb: *x\nkind: !foo Workspace\n")
    assert loading_findings(check(root)) == [("CG104", "workspaces/x.yaml", 3)]


def test_one_loading_finding_per_file(root):
    text = "a: &x 1\nb: *x\nc: !foo 2\na: 3\n---\nd: 4\n"
    write(root, "workspaces/x.yaml", text)
    write(root, "workspaces/y.yaml", text.encode() + "é".encode("latin-1"))
    assert loading_findings(check(root)) == [("CG104", "workspaces/x.yaml", 3), ("CG106", "workspaces/y.yaml", 7)]


def test_alias_before_duplicate_key(root):
    write(root, "workspaces/x.yaml", "a: 1\na: 2\nb: &x 3\n")
    assert loading_findings(check(root)) == [("CG103", "workspaces/x.yaml", 3)]


def test_size_before_encoding(root):
    write(root, "workspaces/x.yaml", "é".encode("latin-1") * (MAX_BYTES + 1))
    assert loading_findings(check(root)) == [("CG105", "workspaces/x.yaml", 1)]


def test_broken_file_is_left_out_and_references_to_it_are_not_reported(root):
    write(root, "models/m/1.yaml", "apiVersion: catgen/v1\nkind: Model\nmetadata: {name: m, version: '1'\n")
    write(root, "deployments/d.yaml", """
        apiVersion: catgen/v1
        kind: Deployment
        metadata:
          name: d
        spec:
          workspace: workspace:dev
          endpoint: scoring
          model: model:m@1
        """)
    result = check(root)
    assert codes(result) == [("CG101", "models/m/1.yaml", 4)]  # the parser gives up at the end
    assert result.findings[0].subject == "model:m@1"


# ------------------------------------------------------- what files are read


def test_yml_is_accepted(root):
    write(root, "models/m/1.yml", model())
    result = check(root)
    assert loading_findings(result) == []
    assert result.catalog.get("Model", "m", "1").relpath == "models/m/1.yml"


def test_hidden_files_and_folders_and_other_suffixes_are_skipped(root):
    for rel in (".git/config.yaml", "models/.m/1.yaml", "workspaces/.draft.yaml", "README.md", "notes.txt",
                "models/m/1.yaml.bak"):
        write(root, rel, "not: [valid\n")
    catalog = open_catalog(str(root), cache=False)
    assert [m.relpath for m in catalog.manifests] == ["policy.yaml", "workspaces/dev.yaml"]
    assert codes(check(root)) == []


# ----------------------------------------------- YAML 1.2 core schema decisions


def test_unquoted_version_1_10_stays_1_10(root):
    write(root, "models/m/1.10.yaml", model(version="1.10"))
    write(root, "models/n/2.0.yaml", "apiVersion: catgen/v1\nkind: Model\nmetadata: {name: n, version: 2.0}\n"
          "spec: {workspace: 'workspace:dev', type: custom_model, path: p}\n")
    result = check(root)
    m = result.catalog.get("Model", "m", "1.10")
    assert m is not None and m.metadata["version"] == "1.10"
    assert m.ref == "model:m@1.10"
    assert m.canonical_relpath == "models/m/1.10.yaml"
    assert result.catalog.get("Model", "n", "2.0") is not None  # flow style too
    assert codes(result) == []


def test_cg107_an_unquoted_version_1_10_in_a_1_1_file_is_misplaced(root):
    write(root, "models/m/1.1.yaml", model(version="1.10"))
    assert codes(check(root), "CG107") == [("CG107", "models/m/1.1.yaml", 4)]


def test_yes_no_on_off_stay_strings():
    catalog_data = _load_text("a: no\nb: on\nc: yes\nd: off\ne: true\nf: null\ng: 0x1F\n")
    assert catalog_data == {"a": "no", "b": "on", "c": "yes", "d": "off", "e": True, "f": None, "g": 31}


def test_unquoted_and_quoted_timestamps_are_equal():
    plain = _load_text("created: 2024-09-01T10:00:00Z\nday: 2024-09-01\n")
    quoted = _load_text("created: '2024-09-01T10:00:00Z'\nday: \"2024-09-01\"\n")
    assert plain == quoted == {"created": "2024-09-01T10:00:00Z", "day": "2024-09-01"}


def _load_text(text: str) -> dict:
    from catgen.load.yamlsafe import load

    return load(text.encode()).data


# --------------------------------------------------------------------- CG107


@pytest.mark.parametrize(
    "relpath, line",
    [
        ("models/m/2.yaml", 4),  # version differs
        ("models/other/1.yaml", 4),  # name differs
        ("models/M/1.yaml", 4),  # case differs: paths compare case-sensitively
        ("environments/m/1.yaml", 4),  # wrong kind folder
        ("models/m.yaml", 4),  # versioned kind without its version folder
        ("m.yaml", 4),  # at the root
    ],
)
def test_cg107_misplaced_model(root, relpath, line):
    write(root, relpath, model())
    result = check(root)
    assert codes(result, "CG107") == [("CG107", relpath, line)]
    assert "belongs at catalog/models/m/1.yaml" in next(f.message for f in result.findings if f.code == "CG107")


def test_cg107_misplaced_unversioned_kind_and_policy(root):
    (root / "policy.yaml").rename(root / "rules.yaml")
    write(root, "workspaces/dev/1.yaml", (root / "workspaces/dev.yaml").read_text())
    (root / "workspaces/dev.yaml").unlink()
    result = check(root)
    assert codes(result, "CG107") == [("CG107", "rules.yaml", 2), ("CG107", "workspaces/dev/1.yaml", 4)]


def test_cg107_valid_neighbours_canonical_paths(root):
    write(root, "models/m/1.yaml", model())
    write(root, "models/m/2.yml", model(version='"2"'))
    write(root, "jobs/j.yaml", "apiVersion: catgen/v1\nkind: Job\nmetadata: {name: j}\n"
          "spec: {workspace: 'workspace:dev', type: command, status: completed}\n")
    assert codes(check(root), "CG107") == []
