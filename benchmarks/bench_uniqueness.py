"""Time CG201's explanation of a long list under a ``uniqueItems`` field: stock jsonschema vs catgen.

jsonschema finds repeats by sorting the items and, when they do not sort (strings mixed
with numbers), compares every pair: quadratic. catgen's validator hashes a canonical form
of each item instead (``catgen.load.schemas.all_distinct``): linear for every shape.

    python benchmarks/bench_uniqueness.py [--before-limit 20000]

Cases, each a Registry whose ``replication_locations`` (``uniqueItems: true``) holds:
a list of distinct region names filling about 1 MiB of YAML; 10,000 and 100,000 items
mixed of strings and numbers (every number is a CG201 of its own, as before). "before" is
jsonschema's own Draft 2020-12 validator on the same schemas, run only up to
``--before-limit`` items (beyond that it is extrapolated from the 10,000 figure as n²).
"""

from __future__ import annotations

import argparse
import time

from catgen.load import schemas


def registry(locations: list) -> dict:
    return {"apiVersion": "catgen/v1", "kind": "Registry", "metadata": {"name": "r"},
            "spec": {"location": "eastus", "replication_locations": locations}}


def stock_errors(data: dict) -> int:
    from jsonschema import Draft202012Validator

    checker = Draft202012Validator(schemas.schema("registry"), registry=schemas._registry())
    return sum(1 for _ in checker.iter_errors(data))


def catgen_errors(data: dict) -> int:
    return len(schemas.schema_errors("Registry", data))


def timed(function, data) -> tuple[float, int]:
    start = time.perf_counter()
    count = function(data)
    return time.perf_counter() - start, count


def cases() -> list[tuple[str, list]]:
    one_mib = []
    size, number = 0, 0
    while size < (1 << 20):
        name = f"region-{number:07d}"
        one_mib.append(name)
        size += len(name) + 7  # "    - " and the newline, as written in the file
        number += 1
    mixed = lambda n: ["eastus", *[(i if i % 2 else f"r{i}") for i in range(n - 1)]]  # noqa: E731
    return [(f"1 MiB of distinct names ({len(one_mib):,} items)", ["eastus", *one_mib]),
            ("10,000 mixed items", mixed(10_000)), ("100,000 mixed items", mixed(100_000))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-limit", type=int, default=20_000, help="largest mixed list to time jsonschema on")
    args = parser.parse_args()
    schemas.validator("Registry")  # compile outside the timings
    ten_thousand = None
    print(f"{'case':<44} {'before (jsonschema)':>22} {'after (catgen)':>16} {'problems':>10}")
    for title, locations in cases():
        data = registry(locations)
        mixed = not all(isinstance(item, str) for item in locations)
        after, count = timed(catgen_errors, data)
        if not mixed or len(locations) <= args.before_limit:
            before, _ = timed(stock_errors, data)
            shown = f"{before:.2f} s"
            if mixed and len(locations) == 10_000:
                ten_thousand = before
        elif ten_thousand is not None:
            shown = f"~{ten_thousand * (len(locations) / 10_000) ** 2:,.0f} s (n², not run)"
        else:
            shown = "not run"
        print(f"{title:<44} {shown:>22} {after:>14.2f} s {count:>10,}")


if __name__ == "__main__":
    main()
