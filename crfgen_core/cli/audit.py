"""`crf-gen audit DIR [--protocol FILE]`: verify a published package's hashes and print its provenance."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "audit", help="verify a published package against its manifest and print the provenance chain"
    )
    parser.add_argument("directory", type=Path, help="published package directory (holds manifest.json)")
    parser.add_argument("--protocol", type=Path, help="the original protocol file, to verify its sha256 too")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here, not at module level: every `crf-gen` start would otherwise pay for it.
    from crfgen_core.publication.audit import ManifestUnreadableError, audit_package

    try:
        report = audit_package(args.directory, protocol=args.protocol)
    except ManifestUnreadableError as exc:
        print(f"crf-gen audit: {exc}", file=sys.stderr)
        return 2
    for line in report.chain():
        print(line)
    for problem in report.problems:
        print(f"FAIL {problem}")
    verdict = "verified" if report.ok else f"{len(report.problems)} problem(s)"
    print(f"audit: {report.files_verified}/{len(report.manifest.files)} files match; {verdict}")
    return 0 if report.ok else 1
