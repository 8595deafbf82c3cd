"""Benchmark reading git history: ``catgen status --at`` and the build's history step, against a full build.

    python benchmarks/bench_history.py [--manifests 10000] [--commits 2000] [--keep DIR]

Generates a catalog of about N manifests (``benchmarks/generate.py``) in a new git repository
with C commits of history, written in one ``git fast-import``: the first commit adds the whole
catalog with every deployment one step back (another traffic share), then each commit changes one
deployment manifest (traffic or model), one hour apart; the last change of each file restores the
generated content, so the working tree checks clean. In the same run it measures:

- the history step alone: ``read_history`` (one ``git log`` over the catalog folder) and the
  deployment blobs it asks for (one ``git cat-file --batch``), in process;
- ``catgen status --at`` (a date half-way through the history) and ``catgen status`` (now),
  ``catgen check`` and ``catgen build``, each as a command (Python start-up included);
- ``catgen build`` of the same catalog copied outside git (no history to read), the baseline
  for what history adds to a build.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
_TRAFFIC = re.compile(r"^  traffic: (\d+)$", re.M)
_MODEL = re.compile(r"^(  model: \S+@)(\d+)$", re.M)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        found = [line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
        cpu = found[0].split(":", 1)[1].strip() if found else cpu
    except OSError:
        pass
    return f"{cpu}, nproc {os.cpu_count()}, Python {platform.python_version()}, {platform.system()}"


def earlier(text: str, step: int) -> str:
    """A deployment manifest as it read ``step`` changes back: other traffic, every third step another model."""
    text = _TRAFFIC.sub(lambda m: f"  traffic: {(int(m.group(1)) + 7 * step) % 101}", text, count=1)
    if step % 3 == 0:
        text = _MODEL.sub(lambda m: m.group(1) + str(max(1, int(m.group(2)) - 1)), text, count=1)
    return text


def fast_import_stream(catalog: Path, commits: int) -> bytes:
    files = {p.relative_to(catalog.parent).as_posix(): p.read_text(encoding="utf-8")
             for p in sorted(catalog.rglob("*.yaml"))}
    deployments = sorted(path for path in files if "/deployments/" in path)
    touched = [deployments[i % len(deployments)] for i in range(commits - 1)]
    remaining = {path: touched.count(path) for path in deployments}
    chunks = []

    def commit(index: int, changes: dict) -> None:
        stamp = int((START + timedelta(hours=index)).timestamp())
        message = f"change {index}".encode()
        chunks.append(f"commit refs/heads/main\ncommitter Bench <bench@example.com> {stamp} +0000\n".encode())
        chunks.append(b"data %d\n%s\n" % (len(message), message))
        for path, text in changes.items():
            data = text.encode("utf-8")
            chunks.append(f"M 100644 inline {path}\n".encode() + b"data %d\n%s\n" % (len(data), data))

    first = {path: earlier(text, remaining[path]) if path in remaining else text for path, text in files.items()}
    commit(0, first)
    for index, path in enumerate(touched, start=1):
        remaining[path] -= 1
        commit(index, {path: earlier(files[path], remaining[path])})
    return b"".join(chunks)


def timed(command: list[str], cwd: Path) -> float:
    started = time.monotonic()
    finished = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if finished.returncode not in (0, 1):  # 1: findings (catgen check), still a complete run
        raise SystemExit(f"{' '.join(command)} failed: {finished.stderr.strip()}")
    return time.monotonic() - started


def history_step(catalog: Path) -> tuple[float, int, int]:
    from catgen.history.gitlog import read_history

    started = time.monotonic()
    history = read_history(str(catalog))
    changes = [c for path, found in history.files.items() if path.startswith("deployments/") for c in found]
    blobs = history.contents(changes)
    return time.monotonic() - started, len(history.files), len(blobs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifests", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=2_000)
    parser.add_argument("--keep", help="keep the generated repository and sites in this folder")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    from generate import generate

    work = Path(args.keep or tempfile.mkdtemp(prefix="catgen-bench-history-"))
    repo, outside = work / "repo", work / "outside"
    count = generate(repo / "catalog", args.manifests)
    shutil.copytree(repo / "catalog", outside / "catalog")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    clean.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main"], cwd=repo, check=True, env=clean)
    started = time.monotonic()
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, check=True, env=clean,
                   input=fast_import_stream(repo / "catalog", args.commits))
    print(f"machine: {machine()}")
    print(f"catalog: {count} manifests, {args.commits} commits (fast-import {time.monotonic() - started:.1f} s)")

    os.chdir(repo)  # history is read from the repository that holds the current directory
    seconds, files, blobs = history_step(repo / "catalog")
    print(f"history step (git log + cat-file, in process): {seconds:.2f} s, {files} files, {blobs} deployment blobs")
    catgen = str(Path(sys.executable).with_name("catgen"))
    middle = (START + timedelta(hours=args.commits // 2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    results = {
        f"catgen status --at {middle}": timed([catgen, "status", "--at", middle], repo),
        "catgen status (now)": timed([catgen, "status"], repo),
        "catgen check": timed([catgen, "check", "catalog"], repo),
    }
    # Alternate the two builds, each into a fresh site folder, and keep the faster of two: no order or cache wins.
    builds: dict = {"catgen build (outside git, no history)": [], "catgen build (in git, with history)": []}
    for _ in range(2):
        for name, where in zip(builds, (outside, repo)):
            site = work / f"site-{len(builds[name])}-{where.name}"
            builds[name].append(timed([catgen, "build", "catalog", "--site-dir", str(site)], where))
            shutil.rmtree(site)
    results.update({name: min(values) for name, values in builds.items()})
    for name, value in results.items():
        print(f"{name}: {value:.1f} s")
    build = results["catgen build (outside git, no history)"]
    print(f"history step / build: {100 * seconds / build:.1f}%; build with history / without: "
          f"{100 * (results['catgen build (in git, with history)'] / build - 1):+.1f}%")
    if not args.keep:
        os.chdir(REPO)
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
