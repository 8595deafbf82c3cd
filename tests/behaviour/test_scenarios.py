"""The registry story end to end, on small catalogs written from scratch.

Train in dev, share through the registry, retrain on production data in
prod against the sample-data baseline, promote to test and prod, deploy.
"""

import yaml

from testing.catalogs import check, codes, line_of

DIGEST = "@sha256:" + "a" * 64
POLICY = {
    "stages": [
        {"name": "dev"},
        {"name": "test", "promotion": {"approvals": 1}},
        {"name": "prod", "private_network": True, "pii_allowed": True, "promotion": {
            "approvals": 1, "separation_of_duties": True, "require_registry": True, "require_lineage": True,
            "training_data": ["production"], "pinned_images": True,
            "metrics": {"auc": {"min": 0.8}}, "max_regression": {"auc": 0.02}}},
    ]
}


def manifest(kind, name, spec, version=None, **metadata):
    meta = {"name": name, **metadata}
    if version is not None:
        meta["version"] = version
    return {"apiVersion": "catgen/v1", "kind": kind, "metadata": meta, "spec": spec}


def story(prod_region="westeurope", replicate=("eastus", "westeurope"), prod_auc=0.87, home_model_in_registry=True):
    """The seed scenario as {relpath: manifest}."""
    env = manifest("Environment", "train-env",
                   {"registry": "registry:shared", "image": "mcr.microsoft.com/ml" + DIGEST}, "1")
    step = manifest("Component", "train", {"registry": "registry:shared", "type": "command",
                                          "environment": "environment:train-env@1",
                                          "code": {"repository": "https://git/x", "commit": "abcdef1"}}, "1")
    pipeline = manifest("Component", "pipeline",
                        {"registry": "registry:shared", "type": "pipeline", "steps": ["component:train@1"]}, "1")
    def job(name, workspace, data, auc, baseline=None):
        spec = {"workspace": f"workspace:{workspace}", "type": "pipeline", "status": "completed",
                "component": "component:pipeline@1", "inputs": {"training": data}, "metrics": {"auc": auc}}
        if baseline:
            spec["baseline"] = f"job:{baseline}"
        return manifest("Job", name, spec)
    files = {
        "policy.yaml": manifest("Policy", "default", POLICY),
        "registries/shared.yaml": manifest("Registry", "shared",
                                           {"location": "eastus", "replication_locations": list(replicate)}),
        "workspaces/dev.yaml": manifest("Workspace", "dev",
                                        {"stage": "dev", "region": "eastus", "registries": ["registry:shared"]}),
        "workspaces/test.yaml": manifest("Workspace", "test",
                                         {"stage": "test", "region": "eastus", "registries": ["registry:shared"]}),
        "workspaces/prod.yaml": manifest("Workspace", "prod",
                                         {"stage": "prod", "region": prod_region, "registries": ["registry:shared"]}),
        "environments/train-env/1.yaml": env, "components/train/1.yaml": step, "components/pipeline/1.yaml": pipeline,
        "data/sample/1.yaml": manifest("Data", "sample", {"workspace": "workspace:dev", "type": "mltable",
                                                          "path": "az://s", "classification": "sample"}, "1"),
        "data/loans/1.yaml": manifest("Data", "loans", {"workspace": "workspace:prod", "type": "mltable",
                                                        "path": "az://l", "classification": "production",
                                                        "contains_pii": True}, "1"),
        "jobs/dev-run.yaml": job("dev-run", "dev", "data:sample@1", 0.86),
        "jobs/prod-run.yaml": job("prod-run", "prod", "data:loans@1", prod_auc, baseline="dev-run"),
        "models/scorer/1.yaml": manifest("Model", "scorer",
                                         {("registry" if home_model_in_registry else "workspace"):
                                              ("registry:shared" if home_model_in_registry else "workspace:prod"),
                                          "type": "mlflow_model", "path": "az://m", "job": "job:prod-run"},
                                         "1", owner="team@x.com"),
        "promotions/scorer-1-test.yaml": manifest("Promotion", "scorer-1-test",
                                                  {"stage": "test", "asset": "model:scorer@1",
                                                   "requested_by": "bob@x.com", "date": "2025-01-02",
                                                   "approvals": [{"by": "carol@x.com", "at": "2025-01-02"}]}),
        "promotions/scorer-1-prod.yaml": manifest("Promotion", "scorer-1-prod",
                                                  {"stage": "prod", "asset": "model:scorer@1",
                                                   "requested_by": "bob@x.com", "date": "2025-01-05",
                                                   "approvals": [{"by": "carol@x.com", "at": "2025-01-05"}]}),
        "deployments/scorer-test.yaml": manifest("Deployment", "scorer-test",
                                                 {"workspace": "workspace:test", "endpoint": "scorer",
                                                  "model": "model:scorer@1"}),
        "deployments/scorer-prod.yaml": manifest("Deployment", "scorer-prod",
                                                 {"workspace": "workspace:prod", "endpoint": "scorer",
                                                  "model": "model:scorer@1", "environment": "environment:train-env@1"}),
    }
    return files


def write_story(root, files):
    for relpath, data in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False))
    return root


def test_train_in_dev_deploy_in_prod_through_the_registry(tmp_path):
    assert codes(check(write_story(tmp_path / "c", story()))) == []


def test_prod_deployment_of_a_workspace_only_model_fails(tmp_path):
    files = story()
    spec = files["models/scorer/1.yaml"]["spec"]
    files["models/scorer/1.yaml"]["spec"] = {**{k: v for k, v in spec.items() if k != "registry"},
                                             "workspace": "workspace:dev"}
    found = {c for c, _, _ in codes(check(write_story(tmp_path / "c", files)))}
    assert {"CG512", "CG506"} <= found  # prod needs the registry; test cannot use a dev-only model


def test_retrain_on_production_data_within_tolerance_passes(tmp_path):
    assert codes(check(write_story(tmp_path / "c", story(prod_auc=0.845)))) == []  # 0.86 - 0.845 = 0.015 <= 0.02


def test_retrain_on_production_data_beyond_tolerance_fails(tmp_path):
    root = write_story(tmp_path / "c", story(prod_auc=0.83))  # regressed 0.03
    prod = "promotions/scorer-1-prod.yaml"
    assert codes(check(root)) == [("CG510", prod, line_of(root / prod, "asset:"))]


def test_registry_not_replicated_to_the_prod_region_fails(tmp_path):
    root = write_story(tmp_path / "c", story(replicate=("eastus",)))
    found = codes(check(root), "CG508")
    job, deployment = "jobs/prod-run.yaml", "deployments/scorer-prod.yaml"
    assert ("CG508", job, line_of(root / job, "component:")) in found  # the pipeline, used from the registry
    assert ("CG508", deployment, line_of(root / deployment, "model:")) in found
    assert ("CG508", deployment, line_of(root / deployment, "environment:")) in found
