"""`crf-gen extract PROTOCOL [--json OUT] [--soa-json OUT]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.ingest.soa_export import to_soa_exchange
from crfgen_core.model.protocol import ExtractionWarning, Schedule


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("extract", help="extract a ParsedProtocol")
    parser.add_argument("protocol", type=Path)
    parser.add_argument("--json", type=Path, help="write the ParsedProtocol JSON here")
    parser.add_argument("--soa-json", type=Path, help="write the SoA exchange JSON here")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    parsed = read_protocol(args.protocol)
    if args.json:
        args.json.write_text(parsed.to_json(), encoding="utf-8")
    if args.soa_json:
        args.soa_json.write_text(json.dumps(to_soa_exchange(parsed), indent=2), encoding="utf-8")
    if not args.json and not args.soa_json:
        print(parsed.to_json())
    for schedule in parsed.schedules:
        print(schedule_summary(schedule), file=sys.stderr)
    for warning in parsed.warnings:
        print(warning_line(warning), file=sys.stderr)
    return 0


def warning_line(warning: ExtractionWarning) -> str:
    """One stderr line per extraction warning, the same for `extract` and `generate`."""
    page = f" (page {warning.page})" if warning.page else ""
    return f"warning [{warning.code}]{page}: {warning.message}"


def schedule_summary(schedule: Schedule) -> str:
    """One line per schedule: where it came from (pages, which of them OCR'd) and its size."""
    where = f"pages {_ranges(schedule.pages)}" if schedule.pages else "Word tables"
    ocr = f", OCR pages {_ranges(schedule.ocr_pages)}" if schedule.ocr_pages else ""
    return (f"schedule {schedule.id} '{schedule.title}': {where}{ocr}; {len(schedule.visits)} visits, "
            f"{len(schedule.activities)} activities, {len(schedule.cells)} marked cells")


def _ranges(pages: list[int]) -> str:
    """1,2,3,5 -> "1-3, 5"."""
    parts: list[str] = []
    for page in sorted(set(pages)):
        if parts and page == int(parts[-1].split("-")[-1]) + 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{page}"
        else:
            parts.append(str(page))
    return ", ".join(parts)
