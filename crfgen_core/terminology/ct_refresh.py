"""Refresh the CT store from a source: an HTTP(S) base URL laid out like the NCI EVS CDISC folders, or a
local file or folder. See docs/ct-refresh.md.

A refresh never makes a bad download current: every failure (network, HTTP status, truncated, oversized,
unparsable, version conflict) is caught per package, reported in the result with its reason, and the
previous `current` version stays in use. Nothing here runs unless a caller asks (CLI or the nightly job).
"""

from __future__ import annotations

import csv
import json
import os
import re
import urllib.parse
from datetime import UTC, datetime
from enum import StrEnum
from importlib import resources
from pathlib import Path

from pydantic import Field

from crfgen_core.atomic_files import atomic_write_bytes
from crfgen_core.model.base import Contract
from crfgen_core.terminology.ct_diff import diff_ct
from crfgen_core.terminology.ct_file import parse_ct_bytes
from crfgen_core.terminology.ct_index import CTIndex
from crfgen_core.terminology.ct_store import CTStore, StoredCTVersion
from crfgen_core.terminology.errors import CTError, CTVersionUnknownError
from crfgen_core.terminology.http_fetch import FetchPolicy, HttpValidators, fetch

NCI_EVS_BASE_URL = "https://evs.nci.nih.gov/ftp1/CDISC"
SOURCE_ENV = "CRFGEN_CT_SOURCE"
DEFAULT_PACKAGES = ("sdtm", "cdash", "protocol")
VALIDATORS_FILE = ".http-validators.json"
_LISTING_LIMIT = 4 * 1024 * 1024


class RefreshOutcome(StrEnum):
    ADDED = "added"  # a new version was stored (and made current if it is the newest)
    UNCHANGED = "unchanged"  # downloaded, but that version with the same sha256 is already stored
    NOT_MODIFIED = "not-modified"  # the server answered 304 to the conditional request
    FAILED = "failed"  # nothing stored; `current` untouched; see reason


class PackageRefresh(Contract):
    package: str
    source: str = Field(description="URL or path of the file tried")
    outcome: RefreshOutcome
    version: str = ""
    sha256: str = ""
    previous_current: str = ""
    current: str = Field("", description="version in use after the refresh")
    reason: str = ""
    error_code: str = ""
    changes: str = Field("", description="one-line diff summary against the previous current version")
    report: str = Field("", description="path of the Markdown change report, when a version was added")


class RefreshResult(Contract):
    source: str
    started_at: str
    finished_at: str = ""
    packages: list[PackageRefresh] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(p.outcome is not RefreshOutcome.FAILED for p in self.packages)

    @property
    def failures(self) -> list[PackageRefresh]:
        return [p for p in self.packages if p.outcome is RefreshOutcome.FAILED]


def nci_folders() -> dict[str, tuple[str, str]]:
    """package -> (NCI EVS folder, file stem), from data/nci_evs_packages.csv."""
    text = (
        resources.files("crfgen_core.terminology").joinpath("data", "nci_evs_packages.csv").read_text("utf-8")
    )
    return {row["package"]: (row["folder"], row["file_stem"]) for row in csv.DictReader(text.splitlines())}


def refresh_ct(
    store: CTStore,
    source: str | None = None,
    *,
    packages: tuple[str, ...] = DEFAULT_PACKAGES,
    file_format: str = "txt",
    policy: FetchPolicy | None = None,
) -> RefreshResult:
    """Given a store and a source (URL base, file or folder; default `$CRFGEN_CT_SOURCE`, else NCI EVS),
    fetch each package, store versions not seen before, move `current` forward, and report per package.
    `file_format` picks the NCI form fetched over HTTP: "txt" (tab-delimited) or "odm.xml" (CT-ODM)."""
    chosen = source or os.environ.get(SOURCE_ENV) or NCI_EVS_BASE_URL
    result = RefreshResult(source=chosen, started_at=_now())
    if chosen.startswith(("http://", "https://")):
        folders = nci_folders()
        for package in packages:
            if package not in folders:
                result.packages.append(
                    PackageRefresh(
                        package=package,
                        source=chosen,
                        outcome=RefreshOutcome.FAILED,
                        reason="no NCI EVS folder known for this package",
                    )
                )
                continue
            result.packages.append(
                _refresh_http(store, chosen, package, folders[package], file_format, policy or FetchPolicy())
            )
    else:
        result.packages.extend(_refresh_local(store, Path(chosen), packages))
    result.finished_at = _now()
    return result


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _url(base: str, *segments: str) -> str:
    return base.rstrip("/") + "/" + "/".join(urllib.parse.quote(s) for s in segments)


def _refresh_http(
    store: CTStore, base: str, package: str, folder: tuple[str, str], file_format: str, policy: FetchPolicy
) -> PackageRefresh:
    nci_folder, stem = folder
    file_name = f"{stem}.{file_format}"
    url = _url(base, nci_folder, file_name)
    previous = store.current(package)
    validators = _load_validators(store)
    try:
        response = fetch(url, policy, validators.get(url))
        if response.status == 304:
            return _report(
                package,
                url,
                RefreshOutcome.NOT_MODIFIED,
                previous,
                previous,
                reason="server answered 304 Not Modified",
            )
        version = None
        if file_format == "txt":
            version = _archive_version(base, nci_folder, stem, file_format, policy)
        index = parse_ct_bytes(response.body, file_name, package=package, version=version, source=url)
        outcome = _store(store, index, response.body, f"{stem} {index.version}.{file_format}")
        validators[url] = response.validators
        _save_validators(store, validators)
    except CTError as exc:
        return _report(
            package,
            url,
            RefreshOutcome.FAILED,
            previous,
            store.current(package),
            reason=exc.reason,
            error_code=getattr(exc, "kind", exc.code),
        )
    return outcome


def _archive_version(base: str, nci_folder: str, stem: str, file_format: str, policy: FetchPolicy) -> str:
    """The tab form names no version: take the newest `<stem> YYYY-MM-DD.<ext>` in `<folder>/Archive/`."""
    listing_url = _url(base, nci_folder, "Archive") + "/"
    listing_policy = FetchPolicy(
        policy.timeout_s, policy.attempts, policy.backoff_s, _LISTING_LIMIT, policy.user_agent
    )
    text = urllib.parse.unquote(fetch(listing_url, listing_policy).body.decode("utf-8", "replace"))
    pattern = re.compile(re.escape(stem) + r" (\d{4}-\d{2}-\d{2})\." + re.escape(file_format))
    dates = sorted(set(pattern.findall(text)))
    if not dates:
        raise CTVersionUnknownError(
            listing_url, f"no '{stem} YYYY-MM-DD.{file_format}' in the archive listing"
        )
    return str(dates[-1])


def _refresh_local(store: CTStore, path: Path, packages: tuple[str, ...]) -> list[PackageRefresh]:
    if path.is_file():
        candidates = [path]
    elif path.is_dir():
        candidates = sorted(
            p for p in path.rglob("*Terminology*") if p.is_file() and p.name.endswith((".txt", ".odm.xml"))
        )
    else:
        return [
            PackageRefresh(
                package="",
                source=str(path),
                outcome=RefreshOutcome.FAILED,
                reason="no such file or folder",
                error_code="CT_SOURCE",
            )
        ]
    reports = []
    # Oldest first, so `current` ends on the newest version of each package.
    for candidate in sorted(candidates, key=lambda p: p.name):
        data = candidate.read_bytes()
        try:
            index = parse_ct_bytes(data, str(candidate.resolve()))
        except CTError as exc:
            reports.append(
                PackageRefresh(
                    package="",
                    source=str(candidate),
                    outcome=RefreshOutcome.FAILED,
                    reason=exc.reason,
                    error_code=exc.code,
                )
            )
            continue
        if index.package_name not in packages:
            continue
        try:
            reports.append(_store(store, index, data, candidate.name))
        except CTError as exc:
            current = store.current(index.package_name)
            reports.append(
                _report(
                    index.package_name,
                    str(candidate),
                    RefreshOutcome.FAILED,
                    current,
                    current,
                    reason=exc.reason,
                    error_code=exc.code,
                )
            )
    return reports


def _store(store: CTStore, index: CTIndex, original: bytes, original_name: str) -> PackageRefresh:
    package = index.package_name
    previous = store.current(package)
    if store.get(package, index.version) is not None:
        store.add(index, original, original_name)  # raises CTStoreConflictError when the bytes differ
        return _report(package, index.source, RefreshOutcome.UNCHANGED, previous, previous, version=index)
    stored = store.add(index, original, original_name)
    current = previous
    if previous is None or stored.version > previous.version:
        current = store.set_current(
            package, stored.version, reason=f"CT refresh: newer version from {index.source}"
        )
    changes = report = ""
    if previous is not None:
        diff = diff_ct(store.load(package, previous.version), index)
        report_path = store.root / package / "changes" / f"{previous.version}_{stored.version}.md"
        atomic_write_bytes(report_path, diff.to_markdown().encode("utf-8"))
        changes = (
            f"{len(diff.codelists_added)}/{len(diff.codelists_removed)}/{len(diff.codelists_changed)} "
            f"codelists added/removed/changed, {len(diff.terms_added)}/{len(diff.terms_removed)}/"
            f"{len(diff.terms_changed)} terms added/removed/changed"
        )
        report = str(report_path)
    return _report(
        package,
        index.source,
        RefreshOutcome.ADDED,
        previous,
        current,
        version=index,
        changes=changes,
        report=report,
    )


def _report(
    package: str,
    source: str,
    outcome: RefreshOutcome,
    previous: StoredCTVersion | None,
    current: StoredCTVersion | None,
    *,
    version: CTIndex | None = None,
    reason: str = "",
    error_code: str = "",
    changes: str = "",
    report: str = "",
) -> PackageRefresh:
    return PackageRefresh(
        package=package,
        source=source,
        outcome=outcome,
        version=version.version if version else "",
        sha256=version.sha256 if version else "",
        previous_current=previous.version if previous else "",
        current=current.version if current else "",
        reason=reason,
        error_code=error_code,
        changes=changes,
        report=report,
    )


def _load_validators(store: CTStore) -> dict[str, HttpValidators]:
    path = store.root / VALIDATORS_FILE
    if not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {url: HttpValidators.model_validate(v) for url, v in raw.items()}


def _save_validators(store: CTStore, validators: dict[str, HttpValidators]) -> None:
    payload = {url: v.model_dump() for url, v in sorted(validators.items())}
    atomic_write_bytes(store.root / VALIDATORS_FILE, json.dumps(payload, indent=2).encode("utf-8"))
