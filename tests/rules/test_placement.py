"""CG506-CG508 on a copy of the example catalog: each rule fires where SPEC §6 says, and not on its valid neighbour."""

from testing.catalogs import check, codes, edit, line_of, write

BLUE = "deployments/credit-risk-prod-blue.yaml"


# CG506 / CG507 / CG508 ----------------------------------------------------


def test_cg506_job_uses_data_at_home_in_another_workspace(example):
    job = "jobs/train-credit-risk-dev-0901.yaml"
    edit(example, job, "data:loans-sample@1", "data:loans-prod@7")
    found = codes(check(example), "CG506")
    assert ("CG506", job, line_of(example / job, "data:loans-prod@7")) in found


def test_cg506_not_once_shared_through_a_consumed_registry(example):
    write(example, "promotions/loans-prod-7-registry.yaml", """
        apiVersion: catgen/v1
        kind: Promotion
        metadata: {name: loans-prod-7-registry}
        spec: {registry: "registry:contoso-ml", asset: "data:loans-prod@7", requested_by: bob@contoso.com,
               date: 2024-09-10}
    """)
    job = "jobs/train-credit-risk-dev-0901.yaml"
    edit(example, job, "data:loans-sample@1", "data:loans-prod@7")
    assert codes(check(example), "CG506") == []


def test_cg507_workspace_does_not_list_the_registry(example):
    edit(example, "workspaces/ml-prod-weu.yaml", "  registries:\n    - registry:contoso-ml\n", "")
    found = codes(check(example), "CG507")
    assert ("CG507", BLUE, line_of(example / BLUE, "environment:")) in found


def _shared_to_more_registries(example, count: int) -> None:
    """environment:lightgbm-py311@2 (at home in registry:contoso-ml) shared to ``count`` registries more."""
    for number in range(count):
        write(example, f"registries/extra-{number:02d}.yaml", f"""
            apiVersion: catgen/v1
            kind: Registry
            metadata: {{name: extra-{number:02d}}}
            spec: {{location: eastus, replication_locations: [eastus]}}
        """)
        write(example, f"promotions/lightgbm-2-registry-extra-{number:02d}.yaml", f"""
            apiVersion: catgen/v1
            kind: Promotion
            metadata: {{name: lightgbm-2-registry-extra-{number:02d}}}
            spec: {{registry: "registry:extra-{number:02d}", asset: "environment:lightgbm-py311@2",
                   requested_by: bob@contoso.com, date: 2024-09-01}}
        """)


def test_cg507_names_ten_registries_and_counts_the_rest(example):
    """Each use of the asset named every registry it is in (3,991 more at 4,000 uses took the check 7.1 s)."""
    _shared_to_more_registries(example, 12)
    edit(example, "workspaces/ml-prod-weu.yaml", "  registries:\n    - registry:contoso-ml\n", "")
    result = check(example)
    (found,) = [f for f in result.findings if f.code == "CG507" and f.path.endswith(BLUE)]
    named = ", ".join(["registry:contoso-ml"] + [f"registry:extra-{n:02d}" for n in range(9)])
    assert (found.line, found.message) == (
        line_of(example / BLUE, "environment:"),
        f"environment:lightgbm-py311@2 is in {named}, and 3 more, which workspace:ml-prod-weu does not consume; "
        "add it to the workspace's registries")


def test_cg508_names_ten_consumed_registries_and_counts_the_rest(example):
    _shared_to_more_registries(example, 12)
    extra = "".join(f"    - registry:extra-{n:02d}\n" for n in range(12))
    edit(example, "workspaces/ml-prod-weu.yaml", "    - registry:contoso-ml\n", "    - registry:contoso-ml\n" + extra)
    edit(example, "registries/contoso-ml.yaml", "    - westeurope\n", "")
    result = check(example)
    (found,) = [f for f in result.findings if f.code == "CG508" and f.path.endswith(BLUE)
                and f.subject == "environment:lightgbm-py311@2"]
    named = ", ".join(["registry:contoso-ml"] + [f"registry:extra-{n:02d}" for n in range(9)])
    assert found.line == line_of(example / BLUE, "environment:")
    assert found.message == (f"environment:lightgbm-py311@2 comes from {named}, and 3 more, which does not "
                             "replicate to westeurope (the region of workspace:ml-prod-weu); "
                             "add westeurope to replication_locations")


def test_cg508_registry_does_not_replicate_to_region(example):
    edit(example, "registries/contoso-ml.yaml", "    - westeurope\n", "")
    found = codes(check(example), "CG508")
    assert ("CG508", BLUE, line_of(example / BLUE, "environment:")) in found
    assert all(path.startswith(("jobs/", "deployments/")) for _, path, _ in found)


def test_cg508_not_when_replicated(example):
    assert codes(check(example), "CG508") == []


def test_cg508_locations_written_as_text_name_no_region_whatever_the_region_is_written_as(example):
    """Both break the schema (CG201); neither may answer by substring (`"westeurope" in "eastus westeurope"`) nor
    raise (a region written as a list, asked for in a text)."""
    edit(example, "registries/contoso-ml.yaml", "  replication_locations:\n",
         "  replication_locations: eastus westeurope\n  replicated_before:\n")
    assert ("CG508", BLUE, line_of(example / BLUE, "environment:")) in codes(check(example), "CG508")
    edit(example, "workspaces/ml-prod-weu.yaml", "  region: westeurope\n", "  region: [westeurope]\n")
    result = check(example)
    assert ("CG508", BLUE, line_of(example / BLUE, "environment:")) in codes(result, "CG508")
    assert any(f.code == "CG201" and f.path.endswith("workspaces/ml-prod-weu.yaml") for f in result.findings)


def test_an_assets_registries_are_read_once_however_many_workspaces_use_it(example, monkeypatch):
    """Each workspace that uses an asset read all the registries it is in again: workspaces x registries."""
    from catgen.graph.lineage import LineageGraph

    asked = []
    registries = LineageGraph.registries
    monkeypatch.setattr(LineageGraph, "registries", lambda self, asset, **by: asked.append(asset.ref) or
                        registries(self, asset, **by))
    workspace = (example / "workspaces/ml-dev-eus.yaml").read_text(encoding="utf-8")
    deployment = (example / "deployments/credit-risk-dev.yaml").read_text(encoding="utf-8")
    for number in range(6):
        (example / f"workspaces/dev-{number}.yaml").write_text(
            workspace.replace("name: ml-dev-eus", f"name: dev-{number}"), encoding="utf-8")
        (example / f"deployments/dev-{number}.yaml").write_text(
            deployment.replace("name: credit-risk-dev", f"name: dev-{number}")
            .replace("workspace: workspace:ml-dev-eus", f"workspace: workspace:dev-{number}"), encoding="utf-8")
    assert codes(check(example), "CG507") == codes(check(example), "CG508") == []
    assert 0 < asked.count("environment:lightgbm-py311@2") <= 2 * 2  # once per check (two checks here)
