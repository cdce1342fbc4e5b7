"""The review page in a real headless browser: Playwright driving Debian's chromium against a real
uvicorn serving a package the pipeline built from the bundled example protocol (PDF).

A reviewer logs in, corrects one SoA cell (the correction is in the store, the study's pipeline file
and the audit trail, with the reviewer as actor); an approver approves the package (listed under
approved/). Screenshots go to the test's tmp dir and to /work/coord/screens/ when that folder exists.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import httpx
import pytest
from api_helpers import make_settings

from crfgen_api.auth.roles import Role
from crfgen_api.auth.tokens import TokenStore
from crfgen_core.examples import example_protocol_path
from crfgen_core.review.audit_trail import read_events, verify_chain
from crfgen_core.review.review_store import ReviewStore
from crfgen_core.review.sign_off import approved_dir, read_approval
from crfgen_core.review.study_file import read_study_corrections
from crfgen_dagster.local_run import materialize_protocol

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
SHARED_SCREENS = Path("/work/coord/screens")

if not CHROMIUM.exists():
    if os.environ.get("CRFGEN_REQUIRE_BROWSER"):
        pytest.fail(f"CRFGEN_REQUIRE_BROWSER is set but {CHROMIUM} is missing", pytrace=False)
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@dataclass
class Served:
    url: str
    data_dir: Path
    study: str
    version: str
    tokens: dict[Role, str]
    names: dict[Role, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("review_page")
    settings = make_settings(root)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DAGSTER_PG_DB", "DAGSTER_PG_URL", "CRFGEN_REVIEW_DB_URL", "CRFGEN_REVIEW_PG_DB"}
        and k not in {"CRFGEN_REVIEW_TWO_PERSON", "CRFGEN_ACTOR"}
    }
    env |= {"DAGSTER_HOME": str(settings.dagster_home), "CRFGEN_DATA_DIR": str(settings.data_dir)}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
            _, result = materialize_protocol(example_protocol_path("pdf"), settings.data_dir, instance)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.success
    [study] = [p for p in (settings.data_dir / "outbox").iterdir() if p.is_dir()]
    version = (study / "current").read_text(encoding="utf-8").strip()
    store = TokenStore(settings.tokens_file)
    names = {Role.REVIEWER: "rita.reviewer", Role.APPROVER: "alan.approver"}
    tokens = {role: store.create(name, role)[0] for role, name in names.items()}
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "crfgen_api.server:app_from_env"]  # noqa: RUF005
        + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "uvicorn exited"
            time.sleep(0.1)
        yield Served(url, settings.data_dir, study.name, version, tokens, names)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _shot(page, folder: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    path = folder / f"review-page-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if SHARED_SCREENS.is_dir():
        shutil.copy(path, SHARED_SCREENS / path.name)


def _log_in(page, served: Served, role: Role) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{served.url}/review")
    assert page.url.endswith("/review/login")
    page.fill("#token", served.tokens[role])
    page.click("#login")
    page.click(f"a.version-link[href='/review/{served.study}/{served.version}']")
    page.wait_for_selector("#review-status")


def test_a_reviewer_corrects_a_cell_and_an_approver_approves(served: Served, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            context = browser.new_context(viewport={"width": 1500, "height": 1000})
            page = context.new_page()
            page.goto(f"{served.url}/review")
            _shot(page, tmp_path, "1-login")
            _log_in(page, served, Role.REVIEWER)
            cookie = next(c for c in context.cookies() if c["name"] == "crfgen_review")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            # the protocol page beside the grid is a real rendered PNG
            page.wait_for_load_state("load")  # images included
            assert page.locator("img.page-img").first.evaluate("img => img.naturalWidth") > 500
            assert page.locator("#approve").count() == 0  # a reviewer cannot approve
            assert page.locator("#stale").count() == 0
            _shot(page, tmp_path, "2-version")

            empty = page.locator("table.soa td[data-activity][data-visit]:not(.mark)").first
            activity = empty.get_attribute("data-activity")
            visit = empty.get_attribute("data-visit")
            assert activity and visit
            page.select_option("#cell-activity", activity)
            page.select_option("#cell-visit", visit)
            page.select_option("#cell-action", "set")
            page.fill("#cell-reason", "tick missed on the SoA page")
            page.click("#cell-submit")
            page.wait_for_selector("#recorded")
            assert "stale" in page.locator("#stale").inner_text()
            assert page.locator("tr.correction-row").count() == 1
            _shot(page, tmp_path, "3-corrected")

            page.click("header form button")  # log out
            _log_in(page, served, Role.APPROVER)
            page.fill("#decision-reason", "all forms checked")
            page.click("#approve")
            page.wait_for_selector("#decided")
            assert page.locator("#review-status").inner_text().lower() == "approved"
            assert page.locator("#approved-listing").count() == 1
            _shot(page, tmp_path, "4-approved")
        finally:
            browser.close()

    store = ReviewStore(served.data_dir)
    [stored] = store.corrections(served.study)
    correction = stored.correction
    assert correction.kind == "soa_cell" and correction.author == served.names[Role.REVIEWER]
    assert (correction.activity, correction.visit, correction.action) == (activity, visit, "set")
    assert [c.id for c in read_study_corrections(served.data_dir, served.study).corrections] == [
        correction.id
    ]
    events = {e.action: e for e in read_events(store.engine)}
    assert events["correction.recorded"].actor.startswith(f"{served.names[Role.REVIEWER]} (token:")
    assert events["package.approved"].actor.startswith(f"{served.names[Role.APPROVER]} (token:")
    assert verify_chain(store.engine).ok
    package = served.data_dir / "outbox" / served.study / served.version
    assert (approved_dir(package) / served.version).resolve() == package.resolve()
    record = read_approval(package)
    assert record is not None and [a.signer for a in record.approvals] == [served.names[Role.APPROVER]]
    assert list((served.data_dir / "work" / "page_cache").rglob("*.png"))  # rendered once, then cached
