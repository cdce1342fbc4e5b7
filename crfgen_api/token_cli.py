"""`crf-gen api-token create|list|revoke`: manage API tokens (a `crfgen.cli` plugin).

The token is printed once, at creation; only its sha256 is kept (<data dir>/api/tokens.json).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crfgen_api.auth.roles import Role
from crfgen_api.auth.tokens import TokenNotFound, TokenStore
from crfgen_api.settings import ApiSettings


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "api-token", help="create, list or revoke HTTP API tokens", description=__doc__
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="data directory (default: $CRFGEN_DATA_DIR)"
    )
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a token and print it once")
    create.add_argument("--name", required=True, help="who or what uses it (shown in logs)")
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    actions.add_parser("list", help="list tokens (never the tokens themselves)")
    revoke = actions.add_parser("revoke", help="revoke the active tokens with this id or name")
    revoke.add_argument("token", help="token id or name")
    parser.set_defaults(handler=run)


def _store(args: argparse.Namespace) -> TokenStore:
    if args.data_dir is not None:
        return TokenStore(args.data_dir.resolve() / "api" / "tokens.json")
    return TokenStore(ApiSettings.from_env().tokens_file)


def run(args: argparse.Namespace) -> int:
    try:
        store = _store(args)
    except ValueError as exc:  # a malformed setting in the environment, named by ApiSettings
        print(f"crf-gen api-token: {exc}", file=sys.stderr)
        return 2
    if args.action == "create":
        token, record = store.create(args.name, Role(args.role))
        print(token)
        print(
            f"token {record.id} ({record.name}, {record.role.value}) created; it is shown only now",
            file=sys.stderr,
        )
        return 0
    if args.action == "list":
        for record in store.read().tokens:
            state = f"revoked {record.revoked_at}" if record.revoked_at else "active"
            print(f"{record.id}  {record.role.value:<9} {state:<30} {record.created_at}  {record.name}")
        return 0
    try:
        revoked = store.revoke(args.token)
    except TokenNotFound as exc:
        print(f"crf-gen api-token: {exc}", file=sys.stderr)
        return 1
    for record in revoked:
        print(f"revoked {record.id} ({record.name})")
    return 0
