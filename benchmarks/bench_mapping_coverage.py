"""Share of SoA activities mapped (confidence >= threshold; procedures count) per corpus protocol.

Run by hand: .venv/bin/python benchmarks/bench_mapping_coverage.py [CORPUS_DIR]
Also checks that every activity below the threshold is in the design's review list.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import MAPPED_THRESHOLD, design_crf
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "protocols"


def main(corpus: Path) -> int:
    ct, standards = load_bundled_ct(), load_bundled_standards()
    total = mapped_total = 0
    print(f"{'protocol':<48} {'activities':>10} {'mapped':>7} {'share':>7} {'in review':>9} {'seconds':>7}")
    for path in sorted([*corpus.glob("*/*.pdf"), *corpus.glob("*/*.docx")]):
        start = time.perf_counter()
        parsed = read_protocol(path)
        if not parsed.schedules:
            print(f"{path.name:<48} {'no SoA':>10}")
            continue
        design = design_crf(parsed, ct, standards)
        rows = design.mappings
        mapped = [r for r in rows if r.kind != "unmapped" and r.confidence >= MAPPED_THRESHOLD]
        reviewed = {(e.schedule, e.activity) for e in design.review}
        missing = [r for r in rows if r not in mapped and (r.schedule, r.activity) not in reviewed]
        total += len(rows)
        mapped_total += len(mapped)
        share = len(mapped) / len(rows) if rows else 1.0
        print(
            f"{path.name:<48} {len(rows):>10} {len(mapped):>7} {share:>7.1%} "
            f"{'all' if not missing else len(missing):>9} {time.perf_counter() - start:>7.1f}"
        )
        for row in rows:
            if row not in mapped:
                print(f"    unmapped: {' '.join(row.activity.split())[:70]!r} ({row.confidence:.2f})")
    share = mapped_total / total if total else 1.0
    print(f"{'OVERALL':<48} {total:>10} {mapped_total:>7} {share:>7.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS))
