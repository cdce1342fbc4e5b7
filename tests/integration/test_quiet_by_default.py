"""`make demo` and `make ui` are quiet: a clean run prints no warning, no DEBUG engine lines and no
idle sensor lines on stderr (they stay in the UI's event log and tick history)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
UI_START_SECONDS = 120
IDLE_TICKS_SECONDS = 15  # three inbox sensor ticks at the default 5 s interval


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "DAGSTER_HOME")}
    return {
        **env,
        "DAGSTER_HOME": str(tmp_path / "home"),
        "CRFGEN_DATA_DIR": str(tmp_path / "data"),
        "MAKEFLAGS": "",
    }


def _default_signals() -> None:
    """The child takes Ctrl-C and SIGTERM like a terminal session (a background shell ignores them)."""
    os.setsid()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_make_demo_stderr_is_empty(tmp_path: Path) -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "demo"],
        cwd=REPO,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "published " in done.stdout
    assert done.stderr == ""


def test_make_ui_stderr_has_no_warning_and_no_idle_lines(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "ui", f"UI_PORT={port}"],
        cwd=REPO,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_signals,
    )
    try:
        deadline = time.monotonic() + UI_START_SECONDS
        while True:
            assert process.poll() is None, process.communicate()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the webserver did not answer"
                time.sleep(2)
        time.sleep(IDLE_TICKS_SECONDS)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
    assert f"http://127.0.0.1:{port}" in stdout
    noisy = [
        line
        for line in stderr.splitlines()
        if "warning" in line.lower() or "skipped" in line or "Checking for new runs" in line
    ]
    assert noisy == [], stderr
