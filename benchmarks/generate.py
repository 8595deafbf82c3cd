"""Write a synthetic catalog of about N manifests with the example catalog's shape.

The example catalog (two model families with several versions, sample and
production data, dev and prod jobs with baselines, promotions with approvals,
deployments, shared environments and components) is replicated: copy k
renames every model, environment, component, data, job, promotion and
deployment (and endpoint) with the suffix ``-c<k>`` and rewrites the references to match,
while the policy, the registry and the three workspaces stay shared. The
result checks clean under the example's prod-gating policy.

    python benchmarks/generate.py OUT_DIR N
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "catalog"
SHARED = ("policy.yaml", "registries/", "workspaces/")
RENAMED = ("model", "environment", "component", "data", "job", "promotion", "deployment")
_REFERENCE = re.compile(r"\b(" + "|".join(RENAMED) + r"):([A-Za-z0-9][A-Za-z0-9._-]*)")
_NAME = re.compile(r"^(  name: )(\S+)$", re.M)
_ENDPOINT = re.compile(r"^(  endpoint: )(\S+)$", re.M)  # each copy serves on endpoints of its own (CG513 sums traffic)


def replicable_files() -> list[tuple[str, str]]:
    files = []
    for path in sorted(EXAMPLE.rglob("*.yaml")):
        rel = path.relative_to(EXAMPLE).as_posix()
        if not rel.startswith(SHARED):
            files.append((rel, path.read_text(encoding="utf-8")))
    return files


def copy_of(rel: str, text: str, k: int) -> tuple[str, str]:
    suffix = f"-c{k}"
    text = _REFERENCE.sub(lambda m: f"{m.group(1)}:{m.group(2)}{suffix}", text)
    text = _NAME.sub(lambda m: m.group(1) + m.group(2) + suffix, text, count=1)
    text = _ENDPOINT.sub(lambda m: m.group(1) + m.group(2) + suffix, text, count=1)
    parts = rel.split("/")
    if len(parts) == 3:  # <plural>/<name>/<version>.yaml
        parts[1] += suffix
    else:  # <plural>/<name>.yaml
        parts[1] = parts[1][: -len(".yaml")] + suffix + ".yaml"
    return "/".join(parts), text


def generate(out: Path, count: int) -> int:
    """Write at least ``count`` manifests (whole copies) to ``out`` (replaced); return how many were written."""
    if out.exists():
        shutil.rmtree(out)
    written = 0
    for rel in ("policy.yaml",):
        written += _write(out, rel, (EXAMPLE / rel).read_text(encoding="utf-8"))
    for folder in ("registries", "workspaces"):
        for path in sorted((EXAMPLE / folder).glob("*.yaml")):
            written += _write(out, f"{folder}/{path.name}", path.read_text(encoding="utf-8"))
    files = replicable_files()
    k = 0
    while written < count:  # whole copies only, so every reference resolves
        for rel, text in files:
            written += _write(out, *copy_of(rel, text, k))
        k += 1
    return written


def _write(out: Path, rel: str, text: str) -> int:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return 1


if __name__ == "__main__":
    print(generate(Path(sys.argv[1]), int(sys.argv[2])))
