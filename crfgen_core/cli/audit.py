"""`crf-gen audit DIR [--protocol FILE] [--ledger FILE]`: verify a published package's hashes, its
manifest against the publication ledger, and print its provenance. `crf-gen audit DIR --item OID` prints
one item's lineage to the protocol page instead (exit 2 for an unknown OID). `crf-gen audit --trail`:
verify the audit trail (crfgen_core/cli/audit_trail.py).

Exit 0 verified and anchored, 1 a problem, 2 no readable manifest, 3 files match but the manifest is
not anchored (no publication record).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from crfgen_core.cli import audit_trail

# Files match the manifest but no publication record vouches for the manifest (e.g. a package written by
# `crf-gen generate --out`, or a ledger that lost the record): not a failure, not a verification.
UNANCHORED_EXIT = 3


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "audit", help="verify a published package against its manifest and print the provenance chain"
    )
    parser.add_argument(
        "directory", type=Path, nargs="?", help="published package directory (holds manifest.json)"
    )
    parser.add_argument("--protocol", type=Path, help="the original protocol file, to verify its sha256 too")
    parser.add_argument(
        "--ledger",
        type=Path,
        help="publication ledger holding the manifest's sha256 (default: <data>/ledger/publications.jsonl "
        "for a package under <data>/outbox/<study>/<version>)",
    )
    parser.add_argument(
        "--public-key",
        type=Path,
        default=os.environ.get("CRFGEN_VERIFY_KEY") or None,
        help="the publisher's PEM Ed25519 public key: verify manifest.json.sig too (default: "
        "$CRFGEN_VERIFY_KEY)",
    )
    parser.add_argument(
        "--item",
        metavar="OID",
        help="print one item's lineage instead: form, SoA row, schedule page(s) and cell(s), concept, CT, "
        "run",
    )
    audit_trail.add_arguments(parser)
    parser.set_defaults(handler=run, parser=parser)


def _item_lineage(directory: Path, oid: str) -> int:
    from crfgen_core.publication.audit import ManifestUnreadableError
    from crfgen_core.publication.item_lineage import UnknownItemError, item_lineage

    try:
        lines = item_lineage(directory, oid)
    except (ManifestUnreadableError, UnknownItemError) as exc:
        print(f"crf-gen audit --item: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


def run(args: argparse.Namespace) -> int:
    if args.trail:
        return audit_trail.run(args)
    if args.directory is None:
        args.parser.error("give a package DIRECTORY, or --trail")
    if args.item:
        return _item_lineage(args.directory, args.item)
    # Imported here, not at module level: every `crf-gen` start would otherwise pay for it.
    from crfgen_core.publication.audit import ManifestUnreadableError, audit_package

    try:
        report = audit_package(
            args.directory, protocol=args.protocol, ledger=args.ledger, public_key=args.public_key
        )
    except ManifestUnreadableError as exc:
        print(f"crf-gen audit: {exc}", file=sys.stderr)
        return 2
    for line in report.chain():
        print(line)
    for problem in report.problems:
        print(f"FAIL {problem}")
    if not report.ok:
        verdict = f"{len(report.problems)} problem(s)"
    elif report.unanchored:
        verdict = f"NOT ANCHORED: {report.unanchored}; the files match a manifest nothing vouches for"
    else:
        verdict = "verified (manifest matches its publication record)"
    print(f"audit: {report.files_verified}/{len(report.manifest.files)} files match; {verdict}")
    if not report.ok:
        return 1
    return UNANCHORED_EXIT if report.unanchored else 0
