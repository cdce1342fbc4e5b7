"""`crf-gen`: the command line. Each sub-command lives in its own module with a `register` function."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from crfgen_core.cli import audit, corrections, ct, extract, generate, review
from crfgen_core.ingest.errors import ProtocolReadError

# Sub-commands contributed by other installed packages (crfgen_dagster adds `db-check`) without
# crfgen_core importing them: the layering stays one-way.
PLUGIN_GROUP = "crfgen.cli"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crf-gen", description="Protocol to CDISC CRF package generator")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (extract, generate, corrections, audit, ct, review):
        module.register(commands)
    for plugin in entry_points(group=PLUGIN_GROUP):
        plugin.load()(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.handler(args)
        return result
    except ProtocolReadError as exc:
        print(f"crf-gen: error [{exc.code}]: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
