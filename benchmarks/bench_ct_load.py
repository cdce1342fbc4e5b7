"""Benchmark: load the full NCI EVS SDTM CT file into the CT lookup structure (target <= 1.0 s).

Run by hand: `.venv/bin/python benchmarks/bench_ct_load.py [PATH]`. Prints the median of 5 runs for
(a) parsing the published file into a CTIndex and (b) loading a stored version from the store's cache,
and the cost of one term lookup by codelist + submission value.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import timeit
from pathlib import Path

from crfgen_core.terminology.ct_file import read_ct_file
from crfgen_core.terminology.ct_store import CTStore

TARGET_S = 1.0
DEFAULT = Path(__file__).resolve().parents[2] / "shared/standards/ct/sdtm_2025-03-25/SDTM Terminology.txt"


def _median(action: object, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    index = read_ct_file(path)
    parse_s = _median(lambda: read_ct_file(path))
    with tempfile.TemporaryDirectory() as tmp:
        store = CTStore(Path(tmp))
        store.add(index, path.read_bytes(), path.name)
        store.set_current(index.package_name, index.version)
        store_s = _median(lambda: store.load(index.package_name))
    index.term("NY", "Y")
    lookup_us = min(timeit.repeat(lambda: index.term("NY", "Y"), number=100_000, repeat=3)) / 100_000 * 1e6
    print(f"{path.name}: {index.codelist_count} codelists, {index.term_count} terms")
    print(f"parse file -> CTIndex:   {parse_s:.3f} s (median of 5; target <= {TARGET_S} s)")
    print(f"store cache -> CTIndex:  {store_s:.3f} s (median of 5)")
    print(f"term lookup (NY, Y):     {lookup_us:.2f} µs")
    return 0 if max(parse_s, store_s) <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
