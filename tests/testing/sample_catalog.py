"""A small catalog with several findings, shared by the reporter tests.

Under ``<root>/catalog``: a clean registry, a model with two dangling
references (two errors in one file), a data manifest that is not YAML (a file
of unknown kind) and no policy (a catalog-wide CG306 at ``catalog/policy.yaml``,
which is no manifest). Rules CG1xx-CG3xx cannot be warnings, and the reporters
take any ``CheckResult``, so one warning is added the way the policy would
leave one (levels are the check core's business, tested with the rules).
"""

from __future__ import annotations

import textwrap
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
    warning = Finding("CG107", "misplaced-file", "warning", registry.path, 3, 1, WARNING_MESSAGE,
                      subject="registry:contoso-ml")
    result.findings = sorted([*result.findings, warning], key=lambda f: f.sort_key)
    return result


def sample_result(root: Path):
    """Check the sample catalog (written under ``root``) and add the warning."""
    return with_warning(check(write_sample(root)))


# -- a hostile catalog: file names and messages written to forge CI log lines -----------------

# Each would be a workflow command (GitHub ``::``/``##[``, Azure ``##vso[``) if it began a line or
# sat in one; ANSI and bidirectional controls would hide or reorder what a reader sees.
HOSTILE_TEXTS = [
    "x\n::error file=catalog/policy.yaml,line=1::forged",
    "x\r::add-mask::secret",
    "\n  ::stop-commands::token",
    "x ##[error]forged",
    "x ###[warning]forged",
    "##vso[task.complete result=Succeeded]done",
    "x\x1b[8mhidden\x1b[0m",
    "x\u202eevil\u2028::notice::y\x85z",
    "x\n```\n# forged heading",
]
# Real file names: a line break and a command, the old command syntax, bytes that are not UTF-8.
HOSTILE_NAMES = [b"a\n::error::forged-name.yaml", b"b##[add-mask]x.yaml", b"\xff\xfe.yaml", b"::warning::c.yaml"]


def write_hostile(root: Path) -> Path:
    """The sample catalog plus a clean Model manifest under each of ``HOSTILE_NAMES`` (each is CG107)."""
    catalog = write_sample(root)
    folder = bytes(catalog / "models" / "credit-risk")
    for name in HOSTILE_NAMES:
        with open(folder + b"/" + name, "wb") as handle:  # bytes: names that no str path could spell
            handle.write(textwrap.dedent(REGISTRY).replace("contoso-ml", "other").encode())
    return catalog


def hostile_result(root: Path):
    """Check the hostile catalog and add one warning per ``HOSTILE_TEXTS`` message (messages quote values)."""
    result = check(write_hostile(root))
    registry = next(m for m in result.catalog.manifests if m.path.endswith("contoso-ml.yaml"))
    extra = [Finding("CG107", "misplaced-file", "warning", registry.path, 3, 1, f"quoted {text!s}", subject=text)
             for text in HOSTILE_TEXTS]
    result.findings = sorted([*result.findings, *extra], key=lambda f: f.sort_key)
    return result


def runner_commands(log: str) -> list[str]:
    """The lines of ``log`` a CI runner would act on, read the runners' way.

    GitHub Actions: a line that starts with ``::`` after leading whitespace, or holds ``##[`` anywhere
    (its older syntax); Azure Pipelines: ``##vso[`` anywhere. Lines end at ``\\n``, ``\\r`` or both.
    """
    lines = log.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line for line in lines if line.lstrip().startswith("::") or "##[" in line or "##vso[" in line]
