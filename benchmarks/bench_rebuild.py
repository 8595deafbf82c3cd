"""Rebuilds after one changed manifest against full builds, this tree and another in turn.

    python benchmarks/bench_rebuild.py --before /tmp/ref/src [--manifests 10000] [--rounds 5] [--work DIR]

Generates one synthetic catalog (``bench_site.synthesize``), then for each tree (this one, and the
``--before`` source folder, e.g. ``git archive <commit> src``) builds a site twice (the second build
records what each page job reads) into a folder of its own, with a cache folder of its own. Each round
changes one model's description, then, for each tree in turn (which goes first alternates), times a full
build into an empty folder and a rebuild of the tree's site. The machine's speed drifts within minutes:
only the two trees' figures from the same rounds are compared. ``--work`` on a tmpfs (``/dev/shm``) takes
the disk out of the figures.

Each round also times, for each tree, what does not depend on the change: a rebuild of its site with nothing
changed, and the same of the example catalog (about 60 manifests: the *floor*, what any build costs, from
starting Python to MkDocs' own pages). A rebuild can come no closer to 0 than the floor over the full build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run from any folder
from bench_site import synthesize  # noqa: E402
from bytecode import compile_catgen  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BUILD = ("import json, sys; from catgen.website.build import build_site; "
         "print(json.dumps(build_site(sys.argv[1], sys.argv[2])))")
MODEL = "models/credit-risk/3.yaml"
TEXTS = ("Loan-default classifier", "Loan default classifier")


WHAT = ("full", "rebuild", "unchanged", "floor")


def timed(work: Path, source: str, name: str, site: Path, catalog: Path | str = "catalog") -> tuple[float, dict]:
    env = dict(os.environ, PYTHONPATH=source, CATGEN_CACHE_DIR=str(work / f"cache-{name}"))
    os.sync()  # the previous build's writes flushed first: each build pays its own
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", BUILD, str(work / catalog), str(site)], env=env,
                          capture_output=True, text=True, check=True)
    return time.monotonic() - started, json.loads(done.stdout)


def one_round(work: Path, source: str, name: str) -> dict:
    """One tree's figures of a round: full build, rebuild after the change, then nothing changed, and the floor."""
    shutil.rmtree(work / f"full-{name}", ignore_errors=True)
    found = {"full": timed(work, source, name, work / f"full-{name}")[0]}
    found["rebuild"], stats = timed(work, source, name, work / f"site-{name}")
    found["unchanged"] = timed(work, source, name, work / f"site-{name}")[0]
    found["floor"] = timed(work, source, name, work / f"floor-{name}", EXAMPLE)[0]
    found["rendered"] = stats.get("rendered", "?")
    return found


EXAMPLE = REPO / "catalog"


def change_one_model(catalog: Path) -> None:
    path = catalog / MODEL
    text = path.read_text()
    old, new = TEXTS if TEXTS[0] in text else TEXTS[::-1]
    path.write_text(text.replace(old, new, 1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the other tree's source folder (holding catgen/)")
    parser.add_argument("--manifests", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", help="where the catalog and the sites go (default: a temporary folder)")
    args = parser.parse_args()
    compile_catgen()
    trees = {"now": str(REPO / "src"), "before": args.before}
    work = Path(args.work or tempfile.mkdtemp(prefix="catgen-rebuild-"))
    work.mkdir(parents=True, exist_ok=True)
    os.chdir(work)  # no project mkdocs.yml here: the built-in configuration
    print(f"catalog: {synthesize(work / 'catalog', args.manifests)} manifests in {work}")
    for name, source in trees.items():
        for catalog, site in (("catalog", f"site-{name}"), (EXAMPLE, f"floor-{name}")):
            timed(work, source, name, work / site, catalog)
            timed(work, source, name, work / site, catalog)  # the first rebuild: it records
    times: dict = {(name, what): [] for name in trees for what in WHAT}
    for round_number in range(args.rounds):
        change_one_model(work / "catalog")
        for name in (list(trees) if round_number % 2 == 0 else list(trees)[::-1]):
            found = one_round(work, trees[name], name)
            for what in WHAT:
                times[(name, what)].append(found[what])
            print(f"round {round_number + 1}, {name}: " + ", ".join(f"{what} {found[what]:.2f} s" for what in WHAT)
                  + f" ({found['rendered']} page jobs rendered)", flush=True)
    for name in trees:
        full, rebuild, unchanged, floor = (statistics.median(times[(name, what)]) for what in WHAT)
        print(f"{name}: full build median {full:.2f} s, rebuild median {rebuild:.2f} s "
              f"(best {min(times[(name, 'rebuild')]):.2f} s), rebuild / full {rebuild / full:.2f}x; nothing changed "
              f"{unchanged:.2f} s ({unchanged / full:.2f}x); floor {floor:.2f} s ({floor / full:.2f}x)")
    if not args.work:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
