"""`crf-gen-api` / `python -m crfgen_api`: serve the API with uvicorn (127.0.0.1:8080 by default)."""

from __future__ import annotations

import argparse
import logging
import sys

import uvicorn

from crfgen_api.app import create_app
from crfgen_api.settings import ApiSettings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crf-gen-api", description="Serve the CRF generator's HTTP API")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    args = parser.parse_args(argv)
    try:
        ApiSettings.from_env()  # a configuration mistake is one line, before the server starts
    except ValueError as exc:
        print(f"crf-gen-api: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    uvicorn.run(
        "crfgen_api.server:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        server_header=False,
    )
    return 0


def app_from_env() -> object:
    return create_app(ApiSettings.from_env())


if __name__ == "__main__":
    sys.exit(main())
