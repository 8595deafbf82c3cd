"""``catgen lineage``, ``catgen new`` and ``catgen promote`` on the example catalog."""

import json
import re
import shutil

import pytest
import yaml
from click.testing import CliRunner

from catgen.cli import cli
from testing.catalogs import EXAMPLE, check, codes

PROD_CHAIN = [
    "model:credit-risk@3", "job:train-credit-risk-prod-0912", "data:loans-prod@7",
    "environment:lightgbm-py311@2", "component:credit-risk-pipeline@1", "job:train-credit-risk-dev-0901",
    "commit:https://github.com/contoso/credit-ml@6b1f53303a732ccc8c6aae6640399827c15250e3",
]


def run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, standalone_mode=False)
    return result.return_value, result.output


def lineage(*args):
    code, output = run("lineage", *args, "--catalog", str(EXAMPLE))
    assert code == 0
    return output


def test_lineage_text_shows_the_whole_prod_chain_as_a_tree():
    text = lineage("deployment:credit-risk-prod-blue", "--upstream")
    lines = text.splitlines()
    assert lines[0] == "deployment:credit-risk-prod-blue"
    assert "  -> deploys: model:credit-risk@3" in lines
    assert "    -> trained_by: job:train-credit-risk-prod-0912" in lines
    assert "      -> uses_data: data:loans-prod@7" in lines
    assert "      -> baseline: job:train-credit-risk-dev-0901" in lines
    for ref in PROD_CHAIN:
        assert ref in text


def test_lineage_downstream_and_depth():
    text = lineage("model:credit-risk@3", "--downstream", "--depth", "1")
    assert "<- deploys: deployment:credit-risk-prod-blue" in text
    assert "<- promotes: promotion:credit-risk-3-to-prod" in text
    assert "trained_by" not in text and all(line.startswith(("model:", "  <-")) for line in text.splitlines())


def test_lineage_json_has_nodes_and_typed_edges():
    document = json.loads(lineage("deployment:credit-risk-prod-blue", "--upstream", "--format", "json"))
    refs = {n["ref"] for n in document["nodes"]}
    assert set(PROD_CHAIN) <= refs
    assert {"source": "model:credit-risk@3", "target": "job:train-credit-risk-prod-0912", "type": "trained_by"} in document["edges"]


def test_lineage_dot_is_a_digraph_with_labelled_edges():
    dot = lineage("deployment:credit-risk-prod-blue", "--upstream", "--format", "dot")
    assert dot.startswith("digraph lineage {") and dot.rstrip().endswith("}")
    assert '"model:credit-risk@3" -> "job:train-credit-risk-prod-0912" [label="trained_by"];' in dot


def test_lineage_mermaid_is_a_flowchart():
    text = lineage("deployment:credit-risk-prod-blue", "--upstream", "--format", "mermaid")
    assert text.startswith("flowchart LR\n")
    ids = dict(re.findall(r'^  (n\d+)\["([^"]+)"\]$', text, re.M))
    by_ref = {ref: node for node, ref in ids.items()}
    assert f"  {by_ref['model:credit-risk@3']} -->|trained_by| {by_ref['job:train-credit-risk-prod-0912']}" in text


def test_lineage_unknown_ref_suggests_the_case_match():
    from catgen.errors import CatalogError

    with pytest.raises(CatalogError, match="did you mean model:credit-risk@3"):
        run("lineage", "model:Credit-Risk@3", "--catalog", str(EXAMPLE))


@pytest.mark.parametrize("kind,version", [("model", "1.10"), ("environment", "2"), ("component", "1"), ("data", "3"),
                                          ("registry", None), ("workspace", None), ("job", None), ("promotion", None), ("deployment", None)])
def test_new_writes_a_schema_valid_skeleton_at_the_canonical_path(tmp_path, kind, version):
    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    args = ["new", kind, "fresh-one", "--catalog", str(root)] + (["--version", version] if version else [])
    assert run(*args)[0] == 0
    result = check(root)
    mine = [f for f in result.findings if "fresh-one" in f.path]
    assert [f.code for f in mine if f.code not in ("CG302", "CG306")] == []  # placeholders dangle, but the shape is valid
    assert all(f.code in ("CG302", "CG306") for f in mine)


def test_new_refuses_to_overwrite(tmp_path):
    from catgen.errors import CatalogError

    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    before = (root / "models/credit-risk/3.yaml").read_bytes()
    with pytest.raises(CatalogError, match="already exists"):
        run("new", "model", "credit-risk", "--version", "3", "--catalog", str(root))
    assert (root / "models/credit-risk/3.yaml").read_bytes() == before


def test_promote_writes_a_dated_uniquely_named_promotion_and_says_what_is_missing(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    code, output = run("promote", "model:fraud-detector-emea@1", "--stage", "prod", "--requested-by", "bob@contoso.com", "--catalog", str(root))
    assert code == 0
    written = sorted((root / "promotions").glob("fraud-detector-emea-1-to-prod-*.yaml"))
    assert len(written) == 1
    data = yaml.safe_load(written[0].read_text())
    assert data["spec"]["stage"] == "prod" and data["spec"]["asset"] == "model:fraud-detector-emea@1"
    assert "CG503" in output and "2 distinct approvals" in output
    # a second promotion of the same asset the same day gets another name
    run("promote", "model:fraud-detector-emea@1", "--stage", "prod", "--requested-by", "bob@contoso.com", "--catalog", str(root))
    assert len(list((root / "promotions").glob("fraud-detector-emea-1-to-prod-*.yaml"))) == 2
    assert codes(check(root), "CG301") == []


def test_promote_to_registry(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    code, output = run("promote", "model:credit-risk@1", "--registry", "contoso-ml", "--requested-by", "bob@contoso.com", "--catalog", str(root))
    assert code == 0 and "asks nothing more" in output
