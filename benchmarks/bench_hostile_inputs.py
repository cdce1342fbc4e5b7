"""Issue 18's hostile-input table: every case of tests/reliability/hostile_files.py through the CLI and
through the inbox, one row each (run by hand).

CLI: `crf-gen extract FILE` under /usr/bin/time: exit code, the one-line reason, peak memory (RSS),
whether a traceback was printed and whether the input bytes changed. Inbox: all cases dropped together
with one valid protocol, then real inbox-sensor ticks (in-process, production settle and limits except a
0 s settle): where each file ended (protocols/ = taken for a run, quarantine/ with its reason code) and
whether any tick failed.

    .venv/bin/python benchmarks/bench_hostile_inputs.py
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import dagster as dg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "reliability"))

from hostile_files import HOSTILE, example_pdf_bytes  # noqa: E402

from crfgen_dagster.defs.ingestion.sensors import build_inbox_sensor  # noqa: E402
from crfgen_dagster.defs.resources import CRFGenSettings  # noqa: E402

CRF_GEN = REPO / ".venv" / "bin" / "crf-gen"
PEAK = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
MEMORY_BUDGET_KB = 500 * 1024


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"


def cli_row(path: Path, out: Path) -> tuple[int, str, int, bool, bool]:
    """(exit code, reason line, peak RSS KB, traceback printed, bytes unchanged)."""
    before = digest(path)
    command = ["/usr/bin/time", "-v", str(CRF_GEN), "extract", str(path), "--soa-json", str(out)]
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"}
    )
    peak = int(match.group(1)) if (match := PEAK.search(done.stderr)) else -1
    said = [line for line in done.stderr.splitlines() if line and not line.startswith("\t")]
    reason = next((line for line in said if "Command" not in line), "")
    return done.returncode, reason[:90], peak, "Traceback" in done.stderr, digest(path) == before


def inbox_outcomes(cases: dict[str, Path], work: Path) -> tuple[dict[str, str], int, int]:
    """Drop every case (and one valid protocol) into a fresh inbox; tick until it is empty; return
    case -> where it ended, the number of ticks and of failed ticks."""
    data = work / "inbox_data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    names = {}
    for case_id, path in cases.items():
        name = f"{case_id}{''.join(path.suffixes) or '.bin'}"
        shutil.copyfile(path, inbox / name) if path.is_file() else None
        names[name] = case_id
    (inbox / "valid.pdf").write_bytes(example_pdf_bytes())
    names["valid.pdf"] = "valid_pdf"
    sensor, settings = build_inbox_sensor(), CRFGenSettings(data_dir=str(data), settle_seconds=0.0)
    cursor, ticks, failed = None, 0, 0
    with dg.instance_for_test() as instance:
        for asset in ("controlled_terminology", "cdisc_standards"):
            instance.report_runless_asset_event(dg.AssetMaterialization(asset))
        while ticks < 10 and any(p.name in names for p in inbox.iterdir()):
            result = sensor(
                dg.build_sensor_context(instance=instance, cursor=cursor, resources={"settings": settings})
            )
            ticks += 1
            if not isinstance(result, dg.SensorResult):
                failed += 1
                continue
            cursor = result.cursor
    ended: dict[str, str] = {}
    for name, case_id in names.items():
        reasons = list((data / "quarantine").glob(f"*-{name}.reason.txt"))
        if reasons:
            ended[case_id] = "quarantine: " + reasons[0].read_text().split(":")[0]
        elif list((data / "protocols").glob(f"*/{name}")):
            ended[case_id] = "protocols/ (run requested)"
        elif list((data / "protocols").glob(f"*/duplicates/*{name}")):
            ended[case_id] = "protocols/*/duplicates/ (same bytes as another case)"
        else:
            ended[case_id] = "still in inbox" if (inbox / name).exists() else "LOST"
    return ended, ticks, failed


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="crfgen-hostile-") as folder:
        work = Path(folder)
        built = work / "cases"
        built.mkdir()
        cases = {case_id: case.build(built) for case_id, case in sorted(HOSTILE.items())}
        ended, ticks, failed = inbox_outcomes(cases, work)
        print(f"{'case':32} {'exit':>4} {'peak MB':>8} tb  bytes  {'CLI reason':60} inbox")
        worst, tracebacks, changed = 0, 0, 0
        for case_id, path in cases.items():
            code, reason, peak, traceback, unchanged = cli_row(path, work / f"{case_id}.json")
            worst, tracebacks, changed = max(worst, peak), tracebacks + traceback, changed + (not unchanged)
            print(f"{case_id:32} {code:>4} {peak / 1024:>8.1f} {'Y' if traceback else '-':2}  "
                  f"{'same' if unchanged else 'CHANGED':5}  {reason[:60]:60} {ended[case_id]}")  # fmt: skip
        print(f"{'valid_pdf (control)':32} {'':>4} {'':>8} {'':2}  {'':5}  {'':60} {ended['valid_pdf']}")
        lost = sum(1 for where in ended.values() if where in ("LOST", "still in inbox"))
        print(
            f"\n{len(cases)} cases: tracebacks {tracebacks}, inputs changed {changed}, peak memory "
            f"{worst / 1024:.1f} MB (budget 500), inbox: {ticks} tick(s), {failed} failed, "
            f"{lost} lost or left"
        )
        return 0 if not (tracebacks or changed or failed or lost or worst > MEMORY_BUDGET_KB) else 1


if __name__ == "__main__":
    sys.exit(main())
