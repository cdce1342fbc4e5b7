"""`crf-gen generate PROTOCOL --out DIR`: the whole pipeline without Dagster."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("generate", help="write a CRF package")
    parser.add_argument("protocol", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="package directory (must not exist)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing package directory")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the whole pipeline (mapping, renderers) is not needed to start `crf-gen extract`.
    from crfgen_core.pipeline import generate

    manifest = generate(args.protocol, args.out, overwrite=args.overwrite)
    print(f"wrote {len(manifest.files)} files to {args.out}")
    print(f"study {manifest.study}, version {manifest.version}")
    return 0
