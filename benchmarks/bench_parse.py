"""Measure YAML parsers on a generated catalog, against the single-process ``CSafeLoader`` floor.

Issue 17 asks for a cold check of at most 0.8x the time PyYAML's
``yaml.load(text, CSafeLoader)`` takes over the same files in one process.
This script generates a catalog (``generate.py``), reads every file's bytes
once, and times in the same run, best of ``--runs``, each way of turning
all those bytes into data, in this process (no start-up):

- ``floor``: ``yaml.load(text, Loader=CSafeLoader)``, the reference;
- ``positioned``: catgen's positioned loader (``yamlsafe.load``: libyaml events, positions kept);
- ``fast``: catgen's fast loader (``fastyaml.load``: no positions), the one ``check`` uses;
- ``events only``: iterating ``yaml.parse`` with ``CSafeLoader`` and building nothing (the event path's floor);
- ``nodes only``: ``CSafeLoader.get_single_node()`` and building nothing (the node path's floor);
- ``rapidyaml``: ``ryml.parse_in_arena`` plus a tight Python walk to plain data
  (when ``ryml`` imports; install it for the measurement only, e.g.
  ``pip install --target /tmp/ryml-site rapidyaml`` and ``PYTHONPATH=/tmp/ryml-site``);
- ``rapidyaml tree only``: ``ryml.parse_in_arena`` alone;
- ``ruamel C``: ``ruamel.yaml.YAML(typ="safe")`` when its C base (``ruamel.yaml.clib``) imports;

then ``parsing.parse_all`` on the first 400 to 3,200 files in this process
and on all cores (where a process pool starts to pay: ``PARALLEL_THRESHOLD``),
then whole ``catgen check --no-cache`` processes (start-up included), the
figure the goal compares with the floor, with their CPU time (this process's
children: the check and its workers), which a busy shared machine disturbs
less than the wall clock; the floor is taken again before each check, so
both see the same machine. ``--before SRC`` also times the check of another
source tree (e.g. ``git archive HEAD src | tar -x -C /tmp/head``) in the same run.

    .venv/bin/python benchmarks/bench_parse.py [--size 10000] [--runs 3] [--before /tmp/head/src] [--checks-only]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bytecode import compile_catgen  # benchmarks/bytecode.py
from generate import generate  # benchmarks/generate.py, next to this script

from catgen.load import fastyaml, parsing, yamlsafe

BIN = Path(sys.executable).parent


def floor(raws):
    for raw in raws:
        yaml.load(raw.decode("utf-8"), Loader=yaml.CSafeLoader)


def positioned(raws):
    for raw in raws:
        yamlsafe.load(raw)


def fast(raws):
    for raw in raws:
        fastyaml.load(raw)


def events_only(raws):
    for raw in raws:
        for _ in yaml.parse(raw.decode("utf-8"), Loader=yaml.CSafeLoader):
            pass


def nodes_only(raws):
    for raw in raws:
        loader = yaml.CSafeLoader(raw.decode("utf-8"))
        try:
            loader.get_single_node()
        finally:
            loader.dispose()


def ryml_walk(raws):
    import ryml

    for raw in raws:
        tree = ryml.parse_in_arena(raw)
        _ryml_value(ryml, tree, tree.root_id())


def _ryml_value(ryml, tree, node):
    if tree.is_map(node):
        out = {}
        child = tree.first_child(node)
        while child != ryml.NONE:
            out[str(tree.key(child), "utf-8")] = _ryml_value(ryml, tree, child)
            child = tree.next_sibling(child)
        return out
    if tree.is_seq(node):
        out = []
        child = tree.first_child(node)
        while child != ryml.NONE:
            out.append(_ryml_value(ryml, tree, child))
            child = tree.next_sibling(child)
        return out
    text = str(tree.val(node), "utf-8")
    return text if tree.is_val_quoted(node) else yamlsafe.resolve_plain(text)


def ryml_tree_only(raws):
    import ryml

    for raw in raws:
        ryml.parse_in_arena(raw)


def ruamel_c(raws):
    from ruamel.yaml import YAML

    reader = YAML(typ="safe", pure=False)
    for raw in raws:
        reader.load(raw)


def available(name: str) -> bool:
    try:
        if name == "ruamel":
            import _ruamel_yaml  # noqa: F401  the C base; without it ruamel is pure Python
        else:
            __import__(name)
    except ImportError:
        return False
    return True


def best_of(runs: int, work, raws) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work(raws)
        times.append(time.perf_counter() - start)
    return min(times)


def whole_check(root: Path, source: str | None = None) -> tuple[float, float, int]:
    """Wall time and CPU time (seconds, all processes) of one ``catgen check --no-cache`` over ``root``, and
    the peak resident set of its own process (KiB: the one that holds the catalog; its workers are smaller)."""
    env = dict(os.environ)
    if source:
        env["PYTHONPATH"] = source
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "catgen", "check", str(root), "--no-cache"],
                               stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode not in (0, 1):
        raise SystemExit(f"catgen check failed ({process.returncode})")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, usage.ru_maxrss


def checks_beside_the_floor(runs: int, raws: list[bytes], root: Path, before: str | None) -> None:
    """Whole checks and the floor taken in turn, run after run, so a busy shared machine weighs on all alike."""
    checks = [("`catgen check --no-cache`", None)] + ([("the same, before (--before)", before)] if before else [])
    floors, walls, cpus = [], {label: [] for label, _ in checks}, {label: [] for label, _ in checks}
    peaks = {label: 0 for label, _ in checks}
    for _ in range(runs):
        floors.append(best_of(1, floor, raws))
        for label, source in checks:
            wall, cpu, peak = whole_check(root, source)
            walls[label].append(wall)
            cpus[label].append(cpu)
            peaks[label] = max(peaks[label], peak)
    reference = min(floors)
    print("\n| what (best of each) | seconds | x floor | µs per file |\n|---|---:|---:|---:|")
    print(f"| floor, taken between the checks | {reference:.3f} | 1.00 | {reference / len(raws) * 1e6:.0f} |")
    for label, _ in checks:
        for what, seconds in (("whole process, both cores", min(walls[label])), ("CPU time, all processes",
                                                                                min(cpus[label]))):
            print(f"| {label}: {what} | {seconds:.3f} | {seconds / reference:.2f} "
                  f"| {seconds / len(raws) * 1e6:.0f} |")
    print("\n| check | every run, seconds | peak RSS of the check's own process |\n|---|---|---:|")
    for label, _ in checks:
        print(f"| {label} | {', '.join(f'{wall:.2f}' for wall in walls[label])} | {peaks[label] / 1024:.0f} MiB |")


def pool_threshold(runs: int, raws: list[bytes]) -> None:
    """parse_all serially and on all cores for a few catalog sizes: where the pool starts to pay."""
    print("\n| files | this process | all cores |\n|---:|---:|---:|")
    threshold = parsing.PARALLEL_THRESHOLD
    parsing.parse_all(raws[:400])  # compile the schemas once here (forked workers inherit them)
    try:
        for count in (400, 800, 1600, 3200):
            times = []
            for forced in (10**9, 1):
                parsing.PARALLEL_THRESHOLD = forced
                times.append(best_of(runs, parsing.parse_all, raws[:count]))
            print(f"| {count:,} | {times[0] * 1000:.0f} ms | {times[1] * 1000:.0f} ms |", flush=True)
    finally:
        parsing.PARALLEL_THRESHOLD = threshold


def main() -> None:
    compile_catgen()  # as an installed catgen: start-up without compiling (bytecode.py)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", help="a source tree (its src/ folder) whose check is timed too")
    parser.add_argument("--checks-only", action="store_true",
                        help="only the whole checks beside the floor (the parser table takes long at 100,000)")
    args = parser.parse_args()
    candidates = [("floor: yaml.load CSafeLoader", floor), ("positioned (yamlsafe.load)", positioned),
                  ("fast (fastyaml.load)", fast), ("events only (yaml.parse)", events_only),
                  ("nodes only (get_single_node)", nodes_only)]
    if available("ryml"):
        candidates += [("rapidyaml + Python walk", ryml_walk), ("rapidyaml tree only", ryml_tree_only)]
    if available("ruamel"):
        candidates.append(("ruamel.yaml C base, typ=safe", ruamel_c))
    with tempfile.TemporaryDirectory(prefix="catgen-parse-") as work:
        root = Path(work) / "catalog"
        count = generate(root, args.size)
        raws = [path.read_bytes() for path in sorted(root.rglob("*.yaml"))]
        print(f"{count:,} manifests, {sum(map(len, raws)) / len(raws):.0f} bytes each on average")
        if args.checks_only:
            checks_beside_the_floor(args.runs, raws, root, args.before)
            return
        print("| what | seconds | x floor | µs per file |")
        print("|---|---:|---:|---:|")
        reference = None
        for label, work_fn in candidates:
            seconds = best_of(args.runs, work_fn, raws)
            reference = reference or seconds
            print(f"| {label} | {seconds:.3f} | {seconds / reference:.2f} | {seconds / count * 1e6:.0f} |", flush=True)
        pool_threshold(args.runs, raws)
        checks_beside_the_floor(args.runs, raws, root, args.before)


if __name__ == "__main__":
    main()
