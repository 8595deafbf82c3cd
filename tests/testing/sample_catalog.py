"""A small catalog with several findings, shared by the reporter tests.

Under ``<root>/catalog``: a clean registry, a model with two dangling
references (two errors in one file), a data manifest that is not YAML (a file
of unknown kind) and no policy (a catalog-wide CG306 at ``catalog/policy.yaml``,
which is no manifest). Rules CG1xx-CG3xx cannot be warnings, and the reporters
take any ``CheckResult``, so one warning is added the way the policy would
leave one (levels are the check core's business, tested with the rules).
"""

from __future__ import annotations

from pathlib import Path

from testing.catalogs import check, write

from catgen.model import Finding

REGISTRY = """
    apiVersion: catgen/v1
    kind: Registry
    metadata: {name: contoso-ml}
    spec:
      location: eastus
      replication_locations: [eastus]
"""

MODEL = """
    apiVersion: catgen/v1
    kind: Model
    metadata:
      name: credit-risk
      version: "3"
    spec:
      registry: registry:contoso-ml
      type: custom_model
      path: azureml://models/credit-risk/3
      job: job:train-missing
      base_model: model:credit-risk-base@1
"""

BROKEN = 'apiVersion: catgen/v1\nkind: Data\nmetadata: {name: broken, version: "1"\n'

WARNING_MESSAGE = "sample warning: 100% of nothing, at catalog/registries/contoso-ml.yaml:3"


def write_sample(root: Path) -> Path:
    """Write the sample catalog under ``root``; return the catalog folder."""
    catalog = root / "catalog"
    write(catalog, "registries/contoso-ml.yaml", REGISTRY)
    write(catalog, "models/credit-risk/3.yaml", MODEL)
    write(catalog, "data/broken/1.yaml", BROKEN)
    return catalog


def with_warning(result):
    """The result plus one warning on the registry manifest, findings sorted again."""
    registry = next(m for m in result.catalog.manifests if m.kind == "Registry")
    warning = Finding("CG107", "misplaced-file", "warning", registry.path, 3, 1, WARNING_MESSAGE, subject="registry:contoso-ml")
    result.findings = sorted([*result.findings, warning], key=lambda f: f.sort_key)
    return result


def sample_result(root: Path):
    """Check the sample catalog (written under ``root``) and add the warning."""
    return with_warning(check(write_sample(root)))
