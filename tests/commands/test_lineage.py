"""``catgen lineage`` on the example catalog: the text tree, JSON, DOT and Mermaid, near-miss hints."""

import json
import re

import pytest

from testing.catalogs import EXAMPLE, write
from testing.cli import invoke, one_error_line, run

PROD_CHAIN = [
    "model:credit-risk@3", "job:train-credit-risk-prod-0912", "data:loans-prod@7",
    "environment:lightgbm-py311@2", "component:credit-risk-pipeline@1", "job:train-credit-risk-dev-0901",
    "commit:https://github.com/contoso/credit-ml@6b1f53303a732ccc8c6aae6640399827c15250e3",
]


def lineage(*args):
    code, output = invoke("lineage", *args, "--catalog", str(EXAMPLE))
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
    trained_by = {"source": "model:credit-risk@3", "target": "job:train-credit-risk-prod-0912", "type": "trained_by"}
    assert trained_by in document["edges"]


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
        invoke("lineage", "model:Credit-Risk@3", "--catalog", str(EXAMPLE))




def test_upstream_and_downstream_together_mean_both_as_neither_does():
    both = lineage("model:credit-risk@3", "--upstream", "--downstream")
    assert both == lineage("model:credit-risk@3")
    assert "-> trained_by:" in both and "<- deploys:" in both


def test_a_versioned_ref_without_its_version_lists_the_versions_in_one_line():
    code, out, err = run("lineage", "model:credit-risk", "--catalog", str(EXAMPLE))
    assert (code, out) == (2, "")
    line = one_error_line(err)
    assert line.endswith("model:credit-risk needs a version: the catalog has "
                         "model:credit-risk@1, model:credit-risk@2, model:credit-risk@3")


def test_versions_are_listed_in_natural_order_and_a_long_history_is_summed_up(tmp_path):
    model = EXAMPLE / "models" / "credit-risk" / "1.yaml"
    for version in range(1, 13):
        text = model.read_text().replace('version: "1"', f'version: "{version}"')
        write(tmp_path, f"models/credit-risk/{version}.yaml", text)
    line = one_error_line(run("lineage", "model:credit-risk", "--catalog", str(tmp_path))[2])
    assert line.endswith("the catalog has model:credit-risk@3, model:credit-risk@4, model:credit-risk@5, "
                         "model:credit-risk@6, model:credit-risk@7, model:credit-risk@8, model:credit-risk@9, "
                         "model:credit-risk@10, model:credit-risk@11, model:credit-risk@12 (and 2 earlier)")


def test_an_unknown_asset_without_a_version_names_no_manifest():
    code, _, err = run("lineage", "model:no-such-model", "--catalog", str(EXAMPLE))
    assert code == 2 and "model:no-such-model names no manifest" in one_error_line(err)


def test_a_deep_chain_stops_indenting_and_says_each_deeper_step_s_depth(tmp_path):
    # A chain of fine-tuned models, each the base of the next: indenting each step by its depth made n x n of text.
    model = (EXAMPLE / "models" / "credit-risk" / "3.yaml").read_text()
    for i in range(41):
        text = (model.replace("name: credit-risk", f"name: m{i}").replace('version: "3"', 'version: "1"')
                .replace("  job: job:train-credit-risk-prod-0912\n", ""))
        write(tmp_path, f"models/m{i}/1.yaml", text + (f"  base_model: model:m{i - 1}@1\n" if i else ""))
    code, output = invoke("lineage", "model:m40@1", "--upstream", "--catalog", str(tmp_path))
    assert code == 0
    chain = [line for line in output.splitlines() if "fine_tuned_from:" in line]
    assert len(chain) == 40
    assert chain[0] == "  -> fine_tuned_from: model:m39@1"
    assert chain[31] == "  " * 32 + "-> fine_tuned_from: model:m8@1"
    assert chain[32] == "  " * 32 + "[33] -> fine_tuned_from: model:m7@1"
    assert chain[39] == "  " * 32 + "[40] -> fine_tuned_from: model:m0@1"
    assert max(len(line) - len(line.lstrip()) for line in output.splitlines()) == 64
