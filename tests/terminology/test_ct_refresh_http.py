"""Refresh against a real HTTP server on 127.0.0.1 that publishes CT versions in turn, like NCI EVS."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crfgen_core.terminology.ct_diff import diff_ct
from crfgen_core.terminology.ct_refresh import RefreshOutcome, refresh_ct
from crfgen_core.terminology.ct_store import CTStore
from crfgen_core.terminology.http_fetch import FetchPolicy

CURRENT = "/SDTM/SDTM Terminology.txt"
ARCHIVE = "/SDTM/Archive/"
POLICY = FetchPolicy(timeout_s=5.0, attempts=2, backoff_s=0.01)


@dataclass
class Route:
    body: bytes
    etag: str = ""
    truncate: bool = False


@dataclass
class Publisher:
    """What the server serves now, and every request it saw (path, If-None-Match, status)."""

    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[tuple[str, str, int]] = field(default_factory=list)
    base_url: str = ""

    def publish(self, body: bytes, etag: str, dates: list[str], *, truncate: bool = False) -> None:
        links = "".join(
            f'<a href="SDTM%20Terminology%20{d}.txt">SDTM Terminology {d}.txt</a>\n' for d in dates
        )
        self.routes[ARCHIVE] = Route(f"<html><body>\n{links}</body></html>".encode())
        self.routes[CURRENT] = Route(body, etag, truncate)


def _handler(publisher: Publisher) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urllib.parse.unquote(self.path)
            route = publisher.routes.get(path)
            conditional = self.headers.get("If-None-Match", "")
            if route is None:
                status = 404
            elif route.etag and conditional == route.etag:
                status = 304
            else:
                status = 200
            publisher.seen.append((path, conditional, status))
            self.send_response(status)
            if status != 200 or route is None:
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.etag:
                self.send_header("ETag", route.etag)
            # A truncated response promises more bytes than it sends, then the connection is cut.
            self.send_header("Content-Length", str(len(route.body) + (1000 if route.truncate else 0)))
            self.end_headers()
            self.wfile.write(route.body[: len(route.body) // 2] if route.truncate else route.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    published = Publisher()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(published))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    published.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield published
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _refresh(store: CTStore, publisher: Publisher, policy: FetchPolicy = POLICY) -> RefreshOutcome:
    result = refresh_ct(store, publisher.base_url, packages=("sdtm",), policy=policy)
    assert len(result.packages) == 1
    return result.packages[0].outcome


@pytest.mark.shared
def test_refresh_stores_new_versions_and_never_makes_a_bad_download_current(
    publisher: Publisher, ct_versions: tuple[bytes, bytes], ct_edits: dict[str, object], tmp_path: Path
) -> None:
    v1, v2 = ct_versions
    store = CTStore(tmp_path)

    publisher.publish(v1, '"v1"', ["2024-12-20", "2025-03-25"])
    assert _refresh(store, publisher) is RefreshOutcome.ADDED
    assert store.current("sdtm").version == "2025-03-25"  # type: ignore[union-attr]

    publisher.publish(v2, '"v2"', ["2024-12-20", "2025-03-25", "2025-06-27"])
    result = refresh_ct(store, publisher.base_url, packages=("sdtm",), policy=POLICY)
    item = result.packages[0]
    assert (item.outcome, item.version, item.previous_current, item.current) == (
        RefreshOutcome.ADDED,
        "2025-06-27",
        "2025-03-25",
        "2025-06-27",
    )
    assert [v.version for v in store.versions("sdtm")] == ["2025-03-25", "2025-06-27"]
    assert store.get("sdtm", "2025-06-27").source == publisher.base_url + "/SDTM/SDTM%20Terminology.txt"  # type: ignore[union-attr]
    diff = diff_ct(store.load("sdtm", "2025-03-25"), store.load("sdtm", "2025-06-27"))
    assert [c.code for c in diff.codelists_added] == [ct_edits["added_codelist"]]
    assert [(t.codelist, t.code) for t in diff.terms_removed] == [ct_edits["removed_term"]]
    assert [(t.codelist, t.code) for t in diff.terms_changed] == [ct_edits["changed_term"]]
    assert not (diff.codelists_removed or diff.codelists_changed or diff.terms_added)
    assert item.changes.startswith("1/0/0 codelists") and Path(item.report).read_text(encoding="utf-8").count(
        "C66790"
    )

    # Third publication, truncated on the wire: reported, nothing stored, current stays.
    v3 = v2.replace(b"Ethnic Group", b"Ethnic Group (edited)")
    publisher.publish(v3, '"v3"', ["2025-03-25", "2025-06-27", "2025-09-26"], truncate=True)
    truncated = refresh_ct(store, publisher.base_url, packages=("sdtm",), policy=POLICY)
    assert not truncated.ok
    failure = truncated.failures[0]
    assert (failure.outcome, failure.error_code, failure.current) == (
        RefreshOutcome.FAILED,
        "truncated",
        "2025-06-27",
    )
    assert "bytes" in failure.reason and "2 attempt(s)" in failure.reason
    assert [p[2] for p in publisher.seen if p[0] == CURRENT][-2:] == [200, 200]  # it retried

    # Complete but corrupted: unparsable, so again nothing stored.
    publisher.publish(b"\x1f\x8b\x08garbage that is not CT\n", '"v3b"', ["2025-09-26"])
    corrupted = refresh_ct(store, publisher.base_url, packages=("sdtm",), policy=POLICY).packages[0]
    assert (corrupted.outcome, corrupted.error_code, corrupted.current) == (
        RefreshOutcome.FAILED,
        "CT_FORMAT",
        "2025-06-27",
    )
    assert "neither an NCI EVS tab-delimited file nor a CT-ODM" in corrupted.reason

    # Too large for the configured limit: refused before the body is read.
    publisher.publish(v3, '"v3c"', ["2025-09-26"])
    tiny = FetchPolicy(timeout_s=5.0, attempts=2, backoff_s=0.01, max_bytes=100)
    oversized = refresh_ct(store, publisher.base_url, packages=("sdtm",), policy=tiny).packages[0]
    assert (oversized.outcome, oversized.error_code) == (RefreshOutcome.FAILED, "oversized")

    assert store.current("sdtm").version == "2025-06-27"  # type: ignore[union-attr]
    assert [v.version for v in store.versions("sdtm")] == ["2025-03-25", "2025-06-27"]
    assert not [p for p in (tmp_path / "ct" / "sdtm").iterdir() if p.name.startswith(".")]


@pytest.mark.shared
def test_unchanged_etag_answers_304_and_stores_nothing(
    publisher: Publisher, ct_versions: tuple[bytes, bytes], tmp_path: Path
) -> None:
    store = CTStore(tmp_path)
    publisher.publish(ct_versions[0], '"v1"', ["2025-03-25"])
    assert _refresh(store, publisher) is RefreshOutcome.ADDED
    before = sorted(str(p) for p in (tmp_path / "ct").rglob("*"))
    seen_before = len(publisher.seen)

    assert _refresh(store, publisher) is RefreshOutcome.NOT_MODIFIED
    assert publisher.seen[seen_before:] == [(CURRENT, '"v1"', 304)]  # conditional, and no archive lookup
    assert sorted(str(p) for p in (tmp_path / "ct").rglob("*")) == before
    assert store.current("sdtm").version == "2025-03-25"  # type: ignore[union-attr]


def test_an_unreachable_host_is_named_with_the_reason_not_a_python_repr() -> None:
    from crfgen_core.terminology.errors import CTFetchError
    from crfgen_core.terminology.http_fetch import fetch

    with pytest.raises(CTFetchError) as raised:
        fetch("http://127.0.0.1:9/ftp1/CDISC/SDTM/x.txt", FetchPolicy(timeout_s=5.0, attempts=1))
    assert "cannot reach 127.0.0.1:9: Connection refused" in str(raised.value)
    assert "<urlopen error" not in str(raised.value)
