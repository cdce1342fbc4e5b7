"""kill -9 in the middle of rendering, of publication and of a CT download: no partial package, no broken
CT version. The child is slowed from outside (SIGSTOP when its staging folder appears), never by a hook."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crfgen_core.examples import example_protocol_path
from crfgen_core.pipeline import generate
from crfgen_core.publication.manifest import MANIFEST_NAME
from crfgen_core.terminology.bundled import bundled_sdtm_bytes, open_seeded_store

pytestmark = pytest.mark.slow
POLL_SECONDS = 0.002
WAIT_SECONDS = 90.0


def _spawn(script: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _stop_when(child: subprocess.Popen[bytes], ready: object) -> None:
    """Poll until `ready()` is true, then freeze the child (SIGSTOP) so the moment cannot pass."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not ready():  # type: ignore[operator]
        assert child.poll() is None, f"the child ended before the moment to kill it: {child.stderr.read()!r}"
        assert time.monotonic() < deadline, "timed out waiting for the child"
        time.sleep(POLL_SECONDS)
    os.kill(child.pid, signal.SIGSTOP)


def _kill9(child: subprocess.Popen[bytes]) -> None:
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL


def _staging(out: Path, name: str) -> list[Path]:
    return sorted(out.glob(f".{name}.*.partial"))


GENERATE = (
    "import sys\nfrom pathlib import Path\nfrom crfgen_core.pipeline import generate\n"
    "generate(Path(sys.argv[1]), Path(sys.argv[2]))\n"
)


def _killed_mid_render(out: Path) -> Path:
    target = out / "pkg"
    child = _spawn(GENERATE, str(example_protocol_path("pdf")), str(target))
    try:
        # Rendering has started once the staging folder holds a file; the manifest is written last.
        _stop_when(
            child,
            lambda: any(any(s.iterdir()) and not (s / MANIFEST_NAME).exists() for s in _staging(out, "pkg")),
        )
    finally:
        _kill9(child)
    return target


def test_kill9_mid_render_leaves_no_package_and_a_rerun_completes(tmp_path: Path) -> None:
    target = _killed_mid_render(tmp_path)
    assert not target.exists()
    leftovers = [p.name for p in tmp_path.iterdir()]
    assert leftovers and all(n.startswith(".pkg.") and n.endswith(".partial") for n in leftovers)
    manifest = generate(example_protocol_path("pdf"), target)
    assert (target / MANIFEST_NAME).is_file()
    for entry in manifest.files:
        assert hashlib.sha256((target / entry.path).read_bytes()).hexdigest() == entry.sha256


def test_a_rerun_cleans_the_staging_left_by_a_killed_run(tmp_path: Path) -> None:
    target = _killed_mid_render(tmp_path)
    generate(example_protocol_path("pdf"), target)
    assert _staging(tmp_path, "pkg") == []


PUBLISH = (
    "import sys\nfrom pathlib import Path\n"
    "from crfgen_core.publication.atomic_dir import atomic_directory\n"
    "source = Path(sys.argv[1])\n"
    "with atomic_directory(Path(sys.argv[2])) as staging:\n"
    "    for round in range(50):\n"
    "        for path in sorted(source.iterdir()):\n"
    "            (staging / f'{round}-{path.name}').write_bytes(path.read_bytes())\n"
)


def test_kill9_mid_publication_leaves_no_package(tmp_path: Path) -> None:
    rendered = tmp_path / "rendered"
    generate(example_protocol_path("pdf"), rendered)
    outbox = tmp_path / "outbox"
    target = outbox / "STUDY" / "v1"
    child = _spawn(PUBLISH, str(rendered), str(target))
    try:
        _stop_when(child, lambda: any(len(list(s.iterdir())) >= 5 for s in _staging(target.parent, "v1")))
        assert not target.exists()
    finally:
        _kill9(child)
    assert not target.exists()
    assert [p.name for p in target.parent.iterdir() if not p.name.startswith(".")] == []
    assert all(p.name.endswith(".partial") for p in target.parent.iterdir())


class _SlowCT(BaseHTTPRequestHandler):
    """Promises the whole bundled SDTM CT, sends a first part, then trickles: a download in progress."""

    body = b""
    started = threading.Event()
    stop = threading.Event()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.send_header("ETag", '"new"')
        self.end_headers()
        self.wfile.write(self.body[: len(self.body) // 3])
        self.wfile.flush()
        _SlowCT.started.set()
        while not _SlowCT.stop.wait(0.05):
            try:
                self.wfile.write(b" ")
                self.wfile.flush()
            except OSError:
                return

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def slow_ct_server() -> Iterator[str]:
    _SlowCT.body = bundled_sdtm_bytes().replace(b"2025-03-25", b"2099-01-01")
    _SlowCT.started.clear()
    _SlowCT.stop.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowCT)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _SlowCT.stop.set()
    server.shutdown()
    server.server_close()


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


REFRESH = (
    "import sys\nfrom pathlib import Path\n"
    "from crfgen_core.terminology.bundled import open_seeded_store\n"
    "from crfgen_core.terminology.ct_refresh import refresh_ct\n"
    "refresh_ct(open_seeded_store(Path(sys.argv[1])), sys.argv[2], packages=('sdtm',))\n"
)


def test_kill9_mid_ct_download_keeps_the_current_version(tmp_path: Path, slow_ct_server: str) -> None:
    store = open_seeded_store(tmp_path)
    current = store.current("sdtm")
    assert current is not None
    before = _tree(tmp_path / "ct")
    child = _spawn(REFRESH, str(tmp_path), slow_ct_server)
    try:
        _stop_when(child, _SlowCT.started.is_set)
    finally:
        _kill9(child)
    assert _tree(tmp_path / "ct") == before
    reopened = open_seeded_store(tmp_path)
    assert reopened.current("sdtm") == current
    assert reopened.load("sdtm").version == current.version


OVERWRITE = (
    "import sys\nfrom pathlib import Path\nfrom crfgen_core.pipeline import generate\n"
    "generate(Path(sys.argv[1]), Path(sys.argv[2]), overwrite=True)\n"
)


def test_kill9_while_the_replaced_package_is_deleted_leaves_the_new_one_whole(tmp_path: Path) -> None:
    """--overwrite used to delete the old package under its final name, then rename: a kill in the delete
    left a half-deleted package there. The old one is now swapped out first and deleted aside."""
    target = tmp_path / "pkg"
    generate(example_protocol_path("docx"), target)
    old_manifest = (target / MANIFEST_NAME).read_bytes()
    bulk = target / "bulk"  # enough files that deleting the old package takes a while
    bulk.mkdir()
    for index in range(20_000):
        (bulk / f"{index}.txt").write_bytes(b"x")
    child = _spawn(OVERWRITE, str(example_protocol_path("pdf")), str(target))

    def replaced_and_deleting() -> bool:
        manifest = target / MANIFEST_NAME
        swapped = manifest.is_file() and manifest.read_bytes() != old_manifest
        return swapped and bool(_staging(tmp_path, "pkg"))

    try:
        _stop_when(child, replaced_and_deleting)
    finally:
        _kill9(child)
    manifest = json.loads((target / MANIFEST_NAME).read_text())
    assert not (target / "bulk").exists()  # the new package, not a mix with the old one
    for entry in manifest["files"]:
        assert hashlib.sha256((target / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    generate(example_protocol_path("pdf"), target, overwrite=True)  # the next run removes the leftovers
    assert _staging(tmp_path, "pkg") == []


def test_a_package_left_aside_by_a_killed_replacement_is_put_back(tmp_path: Path) -> None:
    """Where directories cannot be exchanged, the old package is renamed aside before the new one goes
    in; a kill between the two renames leaves it aside, and the next write to that target restores it."""
    target = tmp_path / "pkg"
    generate(example_protocol_path("docx"), target)
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    aside = tmp_path / f".pkg.{ended.stdout.strip()}.k1ll.replaced.partial"
    target.rename(aside)
    with pytest.raises(FileExistsError, match="already exists"):
        generate(example_protocol_path("pdf"), target)  # not --overwrite: the restored package stays
    assert (target / MANIFEST_NAME).is_file() and not aside.exists()
