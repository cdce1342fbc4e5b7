"""The SoA reader on many synthetic layouts with known truth, scored by ../shared/eval/score_soa.py:
macro cell F1, activity recall, column recall per format and per layout feature, the worst layouts with
their parameters, seconds per layout. Run by hand:

    .venv/bin/python benchmarks/bench_synthetic_soa.py --count 300 --seed 1 [--formats pdf,docx,image]
    .venv/bin/python benchmarks/bench_synthetic_soa.py --seed 1 --index 17 --keep /tmp/soa17   # one layout
    .venv/bin/python benchmarks/bench_synthetic_soa.py --params '<json printed with a result>' --keep DIR
    .venv/bin/python benchmarks/bench_synthetic_soa.py --ablation --count 3 [--formats pdf,docx]

`--formats image` covers every scanned variant (image-only PDF, half-scanned PDF, DOCX with
pictures). `--keep DIR` leaves each
layout's protocol file, truth (`*.truth.json`), reference and prediction JSON there.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "ingest" / "synthetic"))

from synthetic_soa.params import DIMENSIONS, LayoutParams, params_for  # noqa: E402
from synthetic_soa.scoring import LayoutResult, load_scorer, macro, run_layout, summary  # noqa: E402

ABLATION_BASE = LayoutParams(body_text=False, length="medium", visits="some")


def _formats(text: str | None) -> tuple[str, ...] | None:
    if not text:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if "image" in names:  # all scanned variants
        names += [n for n in ("half_scanned", "docx_image") if n not in names]
    unknown = set(names) - {o for o, _ in DIMENSIONS["fmt"]}
    if unknown:
        raise SystemExit(f"unknown format(s): {', '.join(sorted(unknown))}")
    return tuple(names)


def _run(params: list[tuple[str, LayoutParams]], root: Path, shared: Path) -> list[LayoutResult]:
    scorer = load_scorer(shared)
    results = []
    for number, (label, layout) in enumerate(params, 1):
        result = run_layout(layout, root / label.replace(":", "-"), scorer, label=label)
        results.append(result)
        print(f"[{number}/{len(params)}] {label} {layout.fmt:<12} F1={result.f1:.3f} "
              f"{result.build_seconds + result.read_seconds:.2f}s", file=sys.stderr, flush=True)
    return results


def _ablation(count: int, formats: tuple[str, ...], root: Path, shared: Path) -> str:
    """Each option of each dimension on the plain base layout, `count` content seeds each, per base
    format: what that option alone costs the reader."""
    jobs: list[tuple[str, LayoutParams]] = []
    for fmt in formats:
        base = ABLATION_BASE.replace(fmt=fmt)
        jobs += [(f"{fmt}|base:{k}", base.replace(content_seed=k)) for k in range(count)]
        for name, options in DIMENSIONS.items():
            for option, _ in options:
                if name == "fmt" or getattr(base, name) == option:
                    continue
                jobs += [(f"{fmt}|{name}={option}:{k}", base.replace(**{name: option}, content_seed=k))
                         for k in range(count)]
    results = _run(jobs, root, shared)
    groups: dict[str, dict[str, list[LayoutResult]]] = {}
    for result in results:
        fmt, rest = result.label.split("|", 1)
        groups.setdefault(rest.rsplit(":", 1)[0], {}).setdefault(fmt, []).append(result)
    rows = sorted(groups.items(), key=lambda item: (min(macro(m) for m in item[1].values()), item[0]))
    lines = [f"{'option (on the plain base layout)':<40} " + " ".join(
        f"{fmt + ' F1':>9} {'act':>5} {'col':>5}" for fmt in formats)]
    for key, by_format in rows:
        cells = []
        for fmt in formats:
            members = by_format.get(fmt, [])
            cells.append(f"{macro(members):>9.3f} {macro(members, 'activity_recall'):>5.2f} "
                         f"{macro(members, 'column_recall'):>5.2f}" if members else f"{'-':>21}")
        lines.append(f"{key[:40]:<40} " + " ".join(cells))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", help="comma-separated: pdf,docx,image,half_scanned,docx_image")
    parser.add_argument("--index", type=int, help="only this layout of the seed's sweep")
    parser.add_argument("--params", help="one layout from its JSON parameters")
    parser.add_argument("--ablation", action="store_true", help="one feature at a time, --count seeds each")
    parser.add_argument("--worst", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("CRFGEN_SHARED_DIR", REPO.parent / "shared")))
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-synthetic-soa-"))
    start = time.perf_counter()
    try:
        formats = _formats(args.formats)
        if args.ablation:
            print(_ablation(args.count, formats or ("pdf", "docx"), root, args.shared))
            return 0
        if args.params:
            jobs = [("params", LayoutParams.from_json(args.params))]
        elif args.index is not None:
            jobs = [(f"{args.seed}:{args.index}", params_for(args.seed, args.index, formats))]
        else:
            jobs = [(f"{args.seed}:{i}", params_for(args.seed, i, formats)) for i in range(args.count)]
        results = _run(jobs, root, args.shared)
        print(summary(results, worst=args.worst))
        if len(results) == 1:
            print(f"\nscores: {results[0].scores}\nfiles: {root}")
        elapsed = time.perf_counter() - start
        print(f"\nwall time {elapsed:.1f} s, {elapsed / len(results):.2f} s per layout")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
