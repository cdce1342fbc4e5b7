"""`crf-gen audit --trail [--export FILE.csv|FILE.json]`: verify the review store's hash-chained audit
trail and optionally export it for an inspector.

Exit 0 the chain is intact, 1 it is broken (the first broken row is named), 2 the store cannot be opened.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--trail",
        action="store_true",
        help="verify the audit trail's hash chain (corrections, approvals, publications, quarantines, CT)",
    )
    parser.add_argument(
        "--export", type=Path, help="with --trail: also write every event to FILE.csv or FILE.json"
    )
    parser.add_argument(
        "--data-dir", type=Path, help="with --trail: data directory (default: $CRFGEN_DATA_DIR)"
    )


def run(args: argparse.Namespace) -> int:
    from crfgen_core.review.audit_trail import export_events, read_events, verify_chain
    from crfgen_core.review.store.database import ReviewStoreError, describe, open_engine, review_db_url

    url = review_db_url(args.data_dir)
    try:
        engine = open_engine(url)
    except ReviewStoreError as exc:
        print(f"crf-gen audit: {exc}", file=sys.stderr)
        return 2
    report = verify_chain(engine)
    print(f"audit trail: {describe(url)}")
    if args.export:
        events = read_events(engine)
        try:
            export_events(events, args.export)
        except ValueError as exc:
            print(f"crf-gen audit: {exc}", file=sys.stderr)
            return 2
        print(f"exported {len(events)} event(s) to {args.export}")
    if not report.ok:
        print(f"FAIL {report.broken}")
        print(f"audit trail: BROKEN at seq {report.broken_seq}; {report.events} event(s) read")
        return 1
    print(f"OK {report.events} event(s), chain intact; head seq {report.head_seq} sha256 {report.head_hash}")
    return 0
