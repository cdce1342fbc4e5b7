"""`crf-gen extract PROTOCOL [--json OUT] [--soa-json OUT]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.ingest.soa_export import to_soa_exchange


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
    for warning in parsed.warnings:
        print(f"warning [{warning.code}]: {warning.message}")
    return 0
