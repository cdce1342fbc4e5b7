"""`crf-gen ct load|refresh|diff|versions`: controlled terminology from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crfgen_core.terminology.bundled import open_seeded_store
from crfgen_core.terminology.ct_diff import diff_ct
from crfgen_core.terminology.ct_file import read_ct_file
from crfgen_core.terminology.ct_index import CTIndex
from crfgen_core.terminology.ct_refresh import DEFAULT_PACKAGES, RefreshOutcome, refresh_ct
from crfgen_core.terminology.ct_store import CTStore, default_data_dir
from crfgen_core.terminology.errors import CTError


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("ct", help="CDISC controlled terminology")
    ct_commands = parser.add_subparsers(dest="ct_command", required=True)

    load = ct_commands.add_parser("load", help="read an NCI EVS CT file (tab or CT-ODM) and summarise it")
    load.add_argument("path", type=Path)
    load.add_argument("--package", help="package name when the file name does not tell (e.g. sdtm)")
    load.add_argument("--version", dest="ct_version", help="YYYY-MM-DD when the file name does not tell")
    load.add_argument(
        "--summary-json", type=Path, help='write {"package","version","codelists","terms"} here'
    )
    load.add_argument("--store", action="store_true", help="also add the version to the CT store")
    _data_dir(load)
    load.set_defaults(handler=_guarded(run_load))

    refresh = ct_commands.add_parser("refresh", help="fetch new CT versions into the store")
    refresh.add_argument("--source", help="http(s) base URL laid out like NCI EVS CDISC, or a file/folder")
    refresh.add_argument(
        "--package",
        action="append",
        dest="packages",
        help="repeatable; default: " + ", ".join(DEFAULT_PACKAGES),
    )
    refresh.add_argument("--format", dest="file_format", choices=("txt", "odm.xml"), default="txt")
    refresh.add_argument("--json", type=Path, help="write the RefreshResult JSON here")
    _data_dir(refresh)
    refresh.set_defaults(handler=_guarded(run_refresh))

    diff = ct_commands.add_parser("diff", help="differences between two CT versions")
    diff.add_argument("old", help="CT file path, or PACKAGE@VERSION from the store")
    diff.add_argument("new", help="CT file path, or PACKAGE@VERSION from the store")
    diff.add_argument("--json", type=Path, help="write the CTDiff JSON here")
    diff.add_argument("--markdown", type=Path, help="write the Markdown report here (default: stdout)")
    _data_dir(diff)
    diff.set_defaults(handler=_guarded(run_diff))

    versions = ct_commands.add_parser("versions", help="list stored versions (* marks current)")
    versions.add_argument("package", nargs="?")
    _data_dir(versions)
    versions.set_defaults(handler=_guarded(run_versions))


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="data directory (default: $CRFGEN_DATA_DIR)")


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except CTError as exc:
            print(f"crf-gen: error [{exc.code}]: {exc}", file=sys.stderr)
            return 2

    return run


def run_load(args: argparse.Namespace) -> int:
    index = read_ct_file(args.path, package=args.package, version=args.ct_version)
    summary = {
        "package": index.package_name,
        "version": index.version,
        "codelists": index.codelist_count,
        "terms": index.term_count,
    }
    print(
        f"{index.package_name} {index.version}: {index.codelist_count} codelists, {index.term_count} terms "
        f"(sha256 {index.sha256})"
    )
    if args.summary_json:
        args.summary_json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if args.store:
        store = CTStore(_store_dir(args))
        previous = store.current(index.package_name)
        stored = store.add(index, args.path.read_bytes(), args.path.name)
        if previous is None or stored.version > previous.version:
            store.set_current(stored.package, stored.version, reason=f"crf-gen ct load --store {args.path}")
        print(f"stored in {store.root / stored.package / stored.version}")
    return 0


def run_refresh(args: argparse.Namespace) -> int:
    store = open_seeded_store(args.data_dir)
    packages = tuple(args.packages) if args.packages else DEFAULT_PACKAGES
    result = refresh_ct(store, args.source, packages=packages, file_format=args.file_format)
    for item in result.packages:
        line = f"{item.package or '?'}: {item.outcome.value}"
        if item.version:
            line += f" {item.version}"
        line += f" (current {item.current or 'none'})"
        if item.outcome is RefreshOutcome.FAILED:
            line += f" — {item.error_code}: {item.reason} [{item.source}]"
        if item.changes:
            line += f" — {item.changes}; report {item.report}"
        print(line)
    if args.json:
        args.json.write_text(result.to_json(), encoding="utf-8")
    return 0 if result.ok else 1


def run_diff(args: argparse.Namespace) -> int:
    old, new = _resolve(args.old, args), _resolve(args.new, args)
    diff = diff_ct(old, new)
    if args.json:
        args.json.write_text(diff.to_json(), encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(diff.to_markdown(), encoding="utf-8")
    else:
        print(diff.to_markdown())
    return 0


def run_versions(args: argparse.Namespace) -> int:
    store = open_seeded_store(args.data_dir)
    for package in [args.package] if args.package else store.packages():
        current = store.current(package)
        for stored in store.versions(package):
            mark = "*" if current and current.version == stored.version else " "
            print(
                f"{mark} {package} {stored.version} {stored.codelists} codelists {stored.terms} terms "
                f"sha256 {stored.sha256[:12]} from {stored.source}"
            )
    return 0


def _store_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else default_data_dir()


def _resolve(spec: str, args: argparse.Namespace) -> CTIndex:
    path = Path(spec)
    if path.is_file():
        return read_ct_file(path)
    package, _, version = spec.partition("@")
    return open_seeded_store(args.data_dir).load(package, version or None)
