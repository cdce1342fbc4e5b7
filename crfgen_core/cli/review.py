"""`crf-gen review correct|withdraw|list|import|export|approve|reject|status`: the clinical reviewer's
corrections and sign-off, recorded in the review store with their audit events (docs/review.md).

Exit 0 done, 1 refused (a conflict, the two-person rule, a package that does not verify), 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

REFUSED_EXIT = 1
BAD_INPUT_EXIT = 2


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "review", help="record corrections, approve packages (review store, audit trail)"
    )
    review = parser.add_subparsers(dest="review_command", required=True)

    correct = review.add_parser(
        "correct",
        help="record one correction",
        description="KIND is a correction kind (docs/corrections.md); each --field FIELD=VALUE sets one of "
        "its fields (repeat a list field: --field visits=week-2 --field visits=week-4).",
    )
    correct.add_argument("kind")
    correct.add_argument(
        "-f", "--field", dest="fields", action="append", default=[], metavar="FIELD=VALUE", help="repeatable"
    )
    correct.add_argument("--study", required=True, help="study key (the outbox/<study> folder)")
    correct.add_argument("--author", required=True)
    correct.add_argument("--reason", required=True)
    _common(correct, run_correct)

    withdraw = review.add_parser("withdraw", help="withdraw a correction (kept, no longer applied)")
    withdraw.add_argument("correction_id")
    withdraw.add_argument("--by", required=True, help="who withdraws it")
    withdraw.add_argument("--reason", required=True)
    _common(withdraw, run_withdraw)

    listing = review.add_parser("list", help="a study's corrections (no study: the studies with corrections)")
    listing.add_argument("study", nargs="?")
    listing.add_argument("--all", action="store_true", help="include withdrawn corrections")
    _common(listing, run_list)

    importing = review.add_parser("import", help="record the corrections of a portable file (.json/.yaml)")
    importing.add_argument("file", type=Path)
    importing.add_argument("--by", help="who imports it (default: $CRFGEN_ACTOR or user@host)")
    _common(importing, run_import)

    exporting = review.add_parser("export", help="write a study's active corrections to a portable file")
    exporting.add_argument("study")
    exporting.add_argument("file", type=Path, help=".json, .yaml or .yml")
    _common(exporting, run_export)

    for decision, verb in (("approved", "approve"), ("rejected", "reject")):
        sign = review.add_parser(verb, help=f"{verb} a published package (bound to its manifest sha256)")
        sign.add_argument("package", type=Path, help="outbox/<study>/<version> folder")
        sign.add_argument("--signer", required=True)
        sign.add_argument("--reason", required=True)
        sign.add_argument(
            "--two-person",
            action="store_true",
            default=None,
            help="refuse a signer who authored a correction in the package or submitted it "
            "(default: $CRFGEN_REVIEW_TWO_PERSON)",
        )
        sign.set_defaults(decision=decision)
        _common(sign, run_decide)

    status = review.add_parser("status", help="draft / approved / rejected / changed, and the decisions")
    status.add_argument("package", type=Path)
    _common(status, run_status)


def _common(parser: argparse.ArgumentParser, handler: Callable[[argparse.Namespace], int]) -> None:
    parser.add_argument("--data-dir", type=Path, help="data directory (default: $CRFGEN_DATA_DIR)")
    parser.set_defaults(handler=_guarded(handler))


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from crfgen_core.review.corrections import CorrectionsFileError
        from crfgen_core.review.review_store import CorrectionConflictError, UnknownCorrectionError
        from crfgen_core.review.sign_off import SignOffRefusedError
        from crfgen_core.review.store.database import ReviewStoreError

        try:
            return handler(args)
        except (CorrectionConflictError, UnknownCorrectionError, SignOffRefusedError) as exc:
            print(f"crf-gen review: refused: {exc}", file=sys.stderr)
            return REFUSED_EXIT
        except (CorrectionsFileError, ValidationError, ReviewStoreError, ValueError) as exc:
            print(f"crf-gen review: error: {exc}", file=sys.stderr)
            return BAD_INPUT_EXIT

    return run


def _store(args: argparse.Namespace) -> Any:
    from crfgen_core.review.review_store import ReviewStore
    from crfgen_core.terminology.ct_store import default_data_dir

    return ReviewStore(args.data_dir or default_data_dir())


def correction_from_fields(kind: str, fields: list[str], common: dict[str, str]) -> Any:
    """Given a kind, FIELD=VALUE pairs and study/author/reason, return the validated Correction; a list
    field takes every value given for it, a value starting with `[` or `{` is read as JSON."""
    import json

    from crfgen_core.review.corrections import CORRECTION_ADAPTER, Correction

    models: dict[str, type[BaseModel]] = {
        model.model_fields["kind"].default: model for model in get_args(get_args(Correction)[0])
    }
    if kind not in models:
        raise ValueError(f"unknown correction kind {kind!r}; one of {', '.join(sorted(models))}")
    model_fields = models[kind].model_fields
    data: dict[str, Any] = {"kind": kind, **common}
    for pair in fields:
        name, sep, value = pair.partition("=")
        if not sep or name not in model_fields:
            raise ValueError(f"{pair!r}: expected FIELD=VALUE with FIELD one of {', '.join(model_fields)}")
        parsed: Any = json.loads(value) if value[:1] in "[{" and value else value
        if get_origin(model_fields[name].annotation) is list and not isinstance(parsed, list):
            data.setdefault(name, []).append(parsed)
        else:
            data[name] = parsed
    return CORRECTION_ADAPTER.validate_python(data)


def run_correct(args: argparse.Namespace) -> int:
    correction = correction_from_fields(
        args.kind, args.fields, {"study": args.study, "author": args.author, "reason": args.reason}
    )
    from crfgen_core.review.study_file import study_corrections_path

    store = _store(args)
    event = store.record(correction)
    print(f"recorded {correction.id} {correction.kind} {correction.target_key()} (audit seq {event.seq})")
    print(f"pipeline file: {study_corrections_path(store.data_dir, correction.study)}")
    return 0


def run_withdraw(args: argparse.Namespace) -> int:
    event = _store(args).withdraw(args.correction_id, by=args.by, reason=args.reason)
    print(f"withdrawn {args.correction_id} (audit seq {event.seq})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.study is None:
        for study in store.studies():
            print(f"{study}  {len(store.corrections(study))} active correction(s)")
        return 0
    for stored in store.corrections(args.study, include_withdrawn=args.all):
        c = stored.correction
        state = f"WITHDRAWN by {stored.withdrawn_by} {stored.withdrawn_at}" if stored.withdrawn else "active"
        when = c.created_at.isoformat()
        print(f"{c.id}  {c.kind:<16} {c.target_key()}  {c.author} {when}  {state}  {c.reason}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from crfgen_core.review.audit_trail import default_actor
    from crfgen_core.review.corrections import CorrectionSet

    corrections = CorrectionSet.load(args.file)
    result = _store(args).import_set(corrections, actor=args.by or default_actor(), source=args.file.name)
    print(
        f"{corrections.study}: {len(result.added)} imported, {len(result.already_present)} already recorded"
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    corrections = _store(args).export(args.study, args.file)
    print(f"{args.study}: {len(corrections.corrections)} active correction(s) written to {args.file}")
    return 0


def run_decide(args: argparse.Namespace) -> int:
    from crfgen_core.review.sign_off import approved_dir, decide

    decision = decide(
        _store(args),
        args.package,
        decision=args.decision,
        signer=args.signer,
        reason=args.reason,
        two_person=args.two_person,
    )
    print(
        f"{decision.package}: {decision.decision} by {decision.signer}, manifest sha256 "
        f"{decision.manifest_sha256} (audit seq {decision.audit_seq})"
    )
    if decision.decision == "approved":
        print(f"listed in {approved_dir(args.package)}")
    return 0


def run_status(args: argparse.Namespace) -> int:
    from crfgen_core.review.sign_off import read_approval, review_status

    review = review_status(_store(args), args.package)
    print(f"{review.package}: {review.status.value} (manifest sha256 {review.manifest_sha256})")
    for problem in review.problems:
        print(f"  DOES NOT VERIFY: {problem}")
    listed = read_approval(args.package)
    if listed is not None:
        same = "this manifest" if listed.manifest_sha256 == review.manifest_sha256 else "ANOTHER manifest"
        count = len(listed.approvals)
        print(f"  listed as approved ({count} approval(s)) for {same} {listed.manifest_sha256}")
    for d in review.decisions:
        current = "" if d.manifest_sha256 == review.manifest_sha256 else "  [another manifest]"
        print(f"  {d.decided_at} {d.decision} by {d.signer}: {d.reason} ({d.manifest_sha256[:12]}){current}")
    return 0
