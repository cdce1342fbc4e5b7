"""Issue 15's scripted review, end to end through the real Dagster job, store and CLI.

A reviewer records 5 corrections with `crf-gen review correct`; the protocol job (Dagster, in-process,
the same assets the sensor launches) builds the package with them; the protocol comes again as a new
version (one paragraph changed); the corrections re-apply with none orphaned; a second person approves;
one audit row edited in the database is detected by `crf-gen audit --trail`.

    .venv/bin/python benchmarks/review_scenario.py [--protocol ../shared/corpus/.../LZZT_ICH_M11.docx]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PROTOCOL = REPO.parent / "shared/corpus/protocols/cdisc_pilot_lzzt/LZZT_ICH_M11.docx"
STUDY = "H2Q-MC-LZZT"
# (kind, fields, reason): one reviewer's decisions, keyed by the protocol's stable keys
CORRECTIONS = [
    ("activity_remove", ["schedule=schedule-of-activities", "activity=habits"], "not collected on a CRF"),
    (
        "visit_rename",
        ["schedule=schedule-of-activities", "visit=et", "label=Early Discontinuation"],
        "sponsor term",
    ),
    (
        "activity_remap",
        ["schedule=schedule-of-activities", "activity=plasma-specimen-xanomeline", "form=PG"],
        "PK",
    ),
    ("codelist_subset", ["codelist=CL.SEX", "values=F", "values=M"], "the values the EDC offers"),
    ("item_add", ["form=F.VS", "name=VSCOMM", "question=Comment"], "site comment field"),
]


def crf_gen(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(REPO / ".venv/bin/crf-gen"), *args], env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise SystemExit(f"crf-gen {' '.join(args)} failed ({done.returncode}): {done.stderr or done.stdout}")
    return done


def outcomes(package: Path) -> dict[str, int]:
    design = json.loads((package / "crf_design.json").read_text())
    counts: dict[str, int] = {}
    for outcome in design["corrections"]:
        counts[outcome["status"]] = counts.get(outcome["status"], 0) + 1
    return counts


def amended_copy(protocol: Path, target: Path) -> Path:
    """The same protocol with one paragraph's text changed: new bytes, so a new version of the study."""
    import docx

    document = docx.Document(str(protocol))
    paragraph = next(p for p in document.paragraphs if len(p.text) > 80)
    paragraph.add_run(" (Amendment 1: wording clarified.)")
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))
    return target


def build(protocol: Path, data_dir: Path, instance: object) -> Path:
    from crfgen_dagster.local_run import materialize_protocol

    key, result = materialize_protocol(protocol, data_dir, instance)  # type: ignore[arg-type]
    if not result.success:
        raise SystemExit(f"the protocol job failed for {key}")
    packages = sorted((data_dir / "outbox" / STUDY).glob(f"{key}*"))
    if not packages:
        raise SystemExit(f"no package published for {key}")
    return packages[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--protocol", type=Path, default=DEFAULT_PROTOCOL)
    args = parser.parse_args()
    import dagster as dg

    work = Path(tempfile.mkdtemp(prefix="crfgen-review-scenario-"))
    data_dir = work / "data"
    env = {**os.environ, "CRFGEN_DATA_DIR": str(data_dir), "CRFGEN_ACTOR": "scenario"}
    os.environ["CRFGEN_DATA_DIR"] = str(data_dir)
    try:
        for kind, fields, reason in CORRECTIONS:
            flags = [flag for field in fields for flag in ("-f", field)]
            crf_gen(
                env,
                "review",
                "correct",
                kind,
                *flags,
                "--study",
                STUDY,
                "--author",
                "dr.reviewer",
                "--reason",
                reason,
            )
        print(f"recorded: {len(CORRECTIONS)} corrections in the review store")
        version_1 = work / "v1" / args.protocol.name
        version_1.parent.mkdir()
        shutil.copyfile(args.protocol, version_1)
        version_2 = amended_copy(args.protocol, (work / "v2").joinpath(args.protocol.name))
        (work / "dagster_home").mkdir()
        quiet = {"python_logs": {"python_log_level": "WARNING"}}
        with dg.instance_for_test(temp_dir=str(work / "dagster_home"), overrides=quiet) as instance:
            first = build(version_1, data_dir, instance)
            print(f"version 1: {first.name}: corrections {outcomes(first)}")
            second = build(version_2, data_dir, instance)
            print(f"version 2: {second.name}: corrections {outcomes(second)}")
        refused = crf_gen(
            env,
            "review",
            "approve",
            str(second),
            "--signer",
            "dr.reviewer",
            "--reason",
            "ok",
            "--two-person",
            check=False,
        )
        print(f"approve by the corrections' author (two-person rule): exit {refused.returncode}")
        approved = crf_gen(
            env,
            "review",
            "approve",
            str(second),
            "--signer",
            "dr.second",
            "--reason",
            "checked against the protocol",
            "--two-person",
        )
        print(f"approve by a second reviewer: {approved.stdout.strip()}")
        listing = sorted(p.name for p in (data_dir / "outbox" / STUDY / "approved").iterdir())
        print(f"approved/ lists: {listing}")
        intact = crf_gen(env, "audit", "--trail", check=False)
        last_line = intact.stdout.strip().splitlines()[-1]
        print(f"audit --trail before tampering: exit {intact.returncode}: {last_line}")
        with sqlite3.connect(data_dir / "review" / "review.sqlite3") as db:
            seq = db.execute("SELECT max(seq) FROM review_audit_events").fetchone()[0]
            db.execute("UPDATE review_audit_events SET reason = 'edited later' WHERE seq = ?", (seq,))
        tampered = crf_gen(env, "audit", "--trail", check=False)
        print(f"audit --trail after editing row {seq}: exit {tampered.returncode}")
        print("\n".join("  " + line for line in tampered.stdout.strip().splitlines()[-2:]))
        ok = (
            outcomes(first) == {"applied": len(CORRECTIONS)}
            and outcomes(second) == {"applied": len(CORRECTIONS)}
            and refused.returncode != 0
            and intact.returncode == 0
            and tampered.returncode != 0
        )
        print("scenario:", "PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
