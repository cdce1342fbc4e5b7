"""`crf-gen generate PROTOCOL --out DIR`: the whole pipeline without Dagster, behind the same gates."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crfgen_core.model.design import CorrectionOutcome
    from crfgen_core.model.protocol import ExtractionWarning

GATES_FAILED_EXIT = 3
CORRECTION_STATUSES = ("applied", "unchanged", "orphaned", "rejected")


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("generate", help="write a CRF package")
    parser.add_argument("protocol", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="package directory (must not exist)")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing package directory (one holding manifest.json; never any other folder)",
    )
    parser.add_argument(
        "--no-gates",
        action="store_true",
        help="write the package even when a blocking gate fails (the gates Dagster checks before publishing)",
    )
    parser.add_argument(
        "--corrections",
        type=Path,
        help="the study's reviewer corrections (.json, .yaml or .yml; docs/corrections.md) to apply",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the whole pipeline (mapping, renderers) is not needed to start `crf-gen extract`.
    from crfgen_core.cli.extract import warning_line
    from crfgen_core.pipeline import generate
    from crfgen_core.publication.atomic_dir import PackageExistsError
    from crfgen_core.quality.gates import GatesFailedError, failure_report
    from crfgen_core.review.apply import StudyMismatchError
    from crfgen_core.review.corrections import CorrectionSet, CorrectionsFileError

    def report(warning: ExtractionWarning) -> None:
        print(warning_line(warning), file=sys.stderr)

    outcomes: list[CorrectionOutcome] = []
    try:
        corrections = CorrectionSet.load(args.corrections) if args.corrections else None
        manifest = generate(
            args.protocol,
            args.out,
            overwrite=args.overwrite,
            gates=not args.no_gates,
            on_warning=report,
            corrections=corrections,
            on_correction=outcomes.append,
        )
    except (PackageExistsError, CorrectionsFileError, StudyMismatchError) as exc:
        # exists without --overwrite, or --overwrite on a non-package; a bad or foreign corrections file
        print(f"crf-gen: error: {exc}", file=sys.stderr)
        return 2
    except GatesFailedError as exc:
        print(f"crf-gen: nothing written to {args.out}: {exc}", file=sys.stderr)
        print(failure_report(exc.results), file=sys.stderr)
        return GATES_FAILED_EXIT
    print(f"wrote {len(manifest.files)} files to {args.out}")
    print(f"study {manifest.study}, version {manifest.version}")
    if args.corrections:
        counts = Counter(str(outcome.status) for outcome in outcomes)
        print(f"corrections: {', '.join(f'{counts[s]} {s}' for s in CORRECTION_STATUSES)}")
        for outcome in outcomes:
            if outcome.status in ("orphaned", "rejected"):
                print(
                    f"  {outcome.status} {outcome.kind} {outcome.target}: {outcome.detail}", file=sys.stderr
                )
    if args.no_gates:
        print("gates were not run (--no-gates): this package was not checked like a Dagster publication")
    return 0
