"""``catgen new``: a schema-valid skeleton at the canonical path, never over an existing manifest.

Writing whole files or none is tested in ``tests/behaviour/test_safe_writes.py``.
"""

import os
import shutil

import pytest

from catgen.model import KINDS

from testing.catalogs import EXAMPLE, check
from testing.cli import invoke, one_error_line, run

VERSIONS = {"model": "1.10", "environment": "2", "component": "1", "data": "3"}


@pytest.mark.parametrize("kind", sorted(k.lower() for k in KINDS))
def test_every_kind_writes_a_skeleton_that_checks_clean_of_cg1xx_and_cg2xx(tmp_path, kind):
    root = tmp_path / "catalog"
    if kind != "policy":  # the example has a policy already; a policy is tried in an empty catalog
        shutil.copytree(EXAMPLE, root)
    version = VERSIONS.get(kind)
    args = ["new", kind, "fresh-one", "--catalog", str(root)] + (["--version", version] if version else [])
    assert invoke(*args)[0] == 0
    written = [p for p in root.rglob("*.yaml") if "fresh-one" in str(p) or kind == "policy"]
    assert len(written) == 1
    mine = [f for f in check(root).findings if f.path.endswith(str(written[0].relative_to(root)))]
    # placeholders dangle (CG302) and name no stage (CG306), but the file loads and has its kind's shape
    assert [(f.code, f.message) for f in mine if f.code < "CG3"] == []


def test_new_policy_writes_a_policy_with_its_flow_mappings(tmp_path):
    root = tmp_path / "catalog"
    code, _ = invoke("new", "policy", "default", "--catalog", str(root))
    assert code == 0 and "promotion: {approvals: 1}" in (root / "policy.yaml").read_text()


@pytest.mark.parametrize("name", ["con", "NUL", "com1", "lpt9.old"])
def test_a_name_windows_reserves_is_refused_in_one_line(tmp_path, name):
    root = tmp_path / "catalog"
    code, out, err = run("new", "workspace", name, "--catalog", str(root))
    assert code == 2 and out == ""
    assert "reserved on Windows" in one_error_line(err)
    assert not root.exists() or list(root.rglob("*.yaml")) == []


def test_a_version_windows_reserves_is_refused(tmp_path):
    code, _, err = run("new", "model", "fine", "--version", "aux", "--catalog", str(tmp_path / "catalog"))
    assert code == 2 and "reserved on Windows" in one_error_line(err)


def test_new_refuses_to_overwrite(tmp_path):
    from catgen.errors import CatalogError

    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    before = (root / "models/credit-risk/3.yaml").read_bytes()
    with pytest.raises(CatalogError, match="already exists"):
        invoke("new", "model", "credit-risk", "--version", "3", "--catalog", str(root))
    assert (root / "models/credit-risk/3.yaml").read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="symbolic links")
def test_a_folder_linked_out_of_the_catalog_is_refused_and_nothing_is_written(tmp_path):
    """The check does not follow links (CG106): a skeleton written through one would never be checked."""
    root, outside = tmp_path / "catalog", tmp_path / "outside"
    outside.mkdir()
    (root / "models").mkdir(parents=True)
    os.symlink(outside, root / "models" / "linked")
    code, out, err = run("new", "model", "linked", "--version", "1", "--catalog", str(root))
    assert (code, out) == (2, "")
    assert one_error_line(err) == (f"catgen: error: {root / 'models/linked/1.yaml'} would be written outside the "
                                   f"catalog {root}; nothing written")
    assert list(outside.iterdir()) == []
    code, out, _ = run("new", "model", "not-linked", "--version", "1", "--catalog", str(root))
    assert code == 0 and (root / "models/not-linked/1.yaml").is_file()


# ------------------------------------------ the $schema line: the user's site, else the built site folder


@pytest.fixture
def in_project(tmp_path, monkeypatch):
    """A project folder as the current folder, with no site address from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CATGEN_SITE_URL", raising=False)
    return tmp_path


def test_without_a_site_address_the_schema_line_is_the_built_sites_copy_relative_to_the_file(in_project):
    code, out, err = run("new", "model", "fresh", "--version", "1")
    assert code == 0, err
    first = (in_project / "catalog/models/fresh/1.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../site/schemas/model.json"
    assert run("build")[0] == 0  # the path names the schema catgen build serves, so editors work offline
    assert (in_project / "catalog/models/fresh" / first.split("=", 1)[1]).resolve().is_file()


def test_a_catalog_elsewhere_gets_a_path_to_the_site_of_the_current_folder(in_project):
    assert run("new", "workspace", "w", "--catalog", "nested/catalog")[0] == 0
    first = (in_project / "nested/catalog/workspaces/w.yaml").read_text().splitlines()[0]
    assert first.endswith("$schema=../../../site/schemas/workspace.json")


def test_site_url_of_mkdocs_yml_names_the_schema_on_the_users_site(in_project):
    (in_project / "mkdocs.yml").write_text("site_name: x\nsite_url: https://ml.contoso.com/catalog/\n")
    assert run("new", "job", "train")[0] == 0
    first = (in_project / "catalog/jobs/train.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=https://ml.contoso.com/catalog/schemas/job.json"


def test_catgen_site_url_wins_over_mkdocs_yml(in_project, monkeypatch):
    (in_project / "mkdocs.yml").write_text("site_name: x\nsite_url: https://old.example.com/\n")
    monkeypatch.setenv("CATGEN_SITE_URL", "https://ml.contoso.com")
    assert run("new", "registry", "shared")[0] == 0
    text = (in_project / "catalog/registries/shared.yaml").read_text()
    assert "$schema=https://ml.contoso.com/schemas/registry.json\n" in text


def test_a_site_address_that_is_no_plain_url_writes_nothing(in_project):
    (in_project / "mkdocs.yml").write_text("site_url: \"https://x/\\n# yaml-language-server: $schema=evil\"\n")
    code, out, err = run("new", "registry", "shared")
    assert (code, out) == (2, "")
    assert "site_url in mkdocs.yml" in one_error_line(err)
    assert not (in_project / "catalog").exists()
