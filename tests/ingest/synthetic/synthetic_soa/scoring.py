"""Run the real reader on a synthetic layout and score it with the official scorer
(../shared/eval/score_soa.py, imported by path); summarise many layouts per layout feature."""

from __future__ import annotations

import importlib.util
import json
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.ingest.soa_export import to_soa_exchange
from synthetic_soa.build import build_layout
from synthetic_soa.params import LayoutParams
from synthetic_soa.truth import reference_json

# warnings that tell the user no (readable) schedule was found: an empty result with one is not silent
NO_SCHEDULE_CODES = frozenset({"NO_SOA_FOUND", "SOA_IS_IMAGE", "SOA_PAGE_UNREADABLE"})
SCORE_KEYS = ("cell_f1", "cell_precision", "cell_recall", "activity_recall", "activity_precision",
              "column_recall")


def load_scorer(shared_dir: Path) -> ModuleType:
    """The official scorer module from the shared folder (not a copy: the two must never drift)."""
    path = shared_dir / "eval" / "score_soa.py"
    spec = importlib.util.spec_from_file_location("score_soa", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class LayoutResult:
    label: str  # "seed:index" or a test name: how to find the layout again
    params: LayoutParams
    features: dict[str, str]
    scores: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    schedules: int = 0
    build_seconds: float = 0.0
    read_seconds: float = 0.0

    @property
    def silent_empty(self) -> bool:
        """No schedule and no warning saying so, although the layout has one."""
        return self.error is None and self.schedules == 0 and not NO_SCHEDULE_CODES & set(self.warnings)

    @property
    def f1(self) -> float:
        return float(self.scores.get("cell_f1", 0.0))


def run_layout(params: LayoutParams, folder: Path, scorer: ModuleType, label: str = "") -> LayoutResult:
    """Given a layout, build it in `folder`, read it with the real reader, score it; a reader exception
    is recorded (with its traceback) and scores zero."""
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    built = build_layout(params, folder)
    result = LayoutResult(label, built.params, built.features, build_seconds=time.perf_counter() - start)
    ref_path = folder / "reference.json"
    ref_path.write_text(json.dumps(reference_json(built.truth)))
    built.write_truth(folder)
    start = time.perf_counter()
    try:
        parsed = read_protocol(built.path)
        prediction = to_soa_exchange(parsed)
    except Exception:
        result.error = traceback.format_exc(limit=6)
        prediction = {"schedules": []}
    else:
        result.warnings = [w.code for w in parsed.warnings]
        result.schedules = len(parsed.schedules)
    result.read_seconds = time.perf_counter() - start
    pred_path = folder / "prediction.json"
    pred_path.write_text(json.dumps(prediction, ensure_ascii=False))
    result.scores = scorer.score(str(pred_path), str(ref_path))
    return result


def macro(results: list[LayoutResult], key: str = "cell_f1") -> float:
    return sum(float(r.scores.get(key, 0.0)) for r in results) / len(results) if results else 0.0


FAMILIES = {"pdf": "pdf", "docx": "docx", "image": "scan", "half_scanned": "scan", "docx_image": "scan"}


def feature_table(results: list[LayoutResult], min_count: int = 1) -> str:
    """Macro cell F1, activity recall and column recall per layout feature value, worst first, with the
    cell F1 per format family (text PDF, DOCX, scanned PDF: three different reading paths)."""
    groups: dict[tuple[str, str], list[LayoutResult]] = defaultdict(list)
    for result in results:
        for name, value in result.features.items():
            groups[(name, value)].append(result)
    rows = []
    for (name, value), members in groups.items():
        if len(members) < min_count or value == "n/a":
            continue
        family = {f: [m for m in members if FAMILIES[m.params.fmt] == f] for f in ("pdf", "docx", "scan")}
        cells = " ".join(f"{macro(family[f]):>5.2f} ({len(family[f]):>3})" if family[f] else f"{'-':>11}"
                         for f in ("pdf", "docx", "scan"))
        rows.append((macro(members), name, value, len(members), macro(members, "activity_recall"),
                     macro(members, "column_recall"), cells))
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    lines = [f"{'feature':<19} {'value':<22} {'n':>4} {'cell F1':>7} {'act rec':>7} {'col rec':>7}  "
             f"{'pdf F1 (n)':>11} {'docx F1 (n)':>11} {'scan F1 (n)':>11}"]
    lines += [f"{name[:19]:<19} {value[:22]:<22} {n:>4} {f1:>7.3f} {act:>7.3f} {col:>7.3f}  {cells}"
              for f1, name, value, n, act, col, cells in rows]
    return "\n".join(lines)


def summary(results: list[LayoutResult], worst: int = 10) -> str:
    """Overall and per-format figures, the feature table, the worst layouts with their parameters."""
    lines = [f"layouts: {len(results)}  macro cell F1: {macro(results):.3f}  activity recall: "
             f"{macro(results, 'activity_recall'):.3f}  column recall: {macro(results, 'column_recall'):.3f}"]
    errors = [r for r in results if r.error]
    silent = [r for r in results if r.silent_empty]
    lines.append(f"reader exceptions: {len(errors)}  silent empty results: {len(silent)}")
    by_format: dict[str, list[LayoutResult]] = defaultdict(list)
    for result in results:
        by_format[result.params.fmt].append(result)
    lines.append(f"{'format':<14} {'n':>4} {'cell F1':>8} {'act rec':>8} {'col rec':>8} {'s/layout':>9}")
    for fmt, members in sorted(by_format.items()):
        seconds = sum(r.build_seconds + r.read_seconds for r in members) / len(members)
        lines.append(f"{fmt:<14} {len(members):>4} {macro(members):>8.3f} "
                     f"{macro(members, 'activity_recall'):>8.3f} {macro(members, 'column_recall'):>8.3f} "
                     f"{seconds:>9.2f}")
    lines += ["", "per layout feature (macro over the layouts having it, worst first):",
              feature_table(results)]
    lines += ["", f"worst {worst} layouts (reproduce: bench_synthetic_soa.py --params '<json>' --keep DIR):"]
    for result in sorted(results, key=lambda r: (r.f1, r.label))[:worst]:
        note = " EXCEPTION" if result.error else (" SILENT-EMPTY" if result.silent_empty else "")
        lines.append(f"  {result.label} F1={result.f1:.3f} act={result.scores.get('activity_recall')} "
                     f"col={result.scores.get('column_recall')} schedules={result.schedules} "
                     f"warnings={','.join(result.warnings) or '-'}{note}")
        lines.append(f"    {result.params.to_json()}")
    for result in errors[:3]:
        lines += ["", f"exception in {result.label}:", result.error or ""]
    return "\n".join(lines)
