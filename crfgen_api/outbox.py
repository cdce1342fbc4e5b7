"""Published packages as the API serves them: outbox/<study>/<version folder>/ with manifest.json.

Path parameters name one folder each (letters, digits, `._-`, not starting with a dot); the resolved
folder must still lie inside the outbox, so neither `..` nor a symbolic link leads out of it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from crfgen_api.errors import ApiError
from crfgen_core.model.package import PublishedPackage
from crfgen_core.publication.manifest import MANIFEST_NAME, package_version_key
from crfgen_core.publication.publisher import CURRENT_POINTER

# One path segment; FastAPI refuses anything else with 422 before a handler runs.
SEGMENT = r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
ZIP_CHUNK = 1 << 20


def outbox_dir(data_dir: Path) -> Path:
    return data_dir / "outbox"


def _inside(outbox: Path, *parts: str) -> Path:
    root = outbox.resolve()
    folder = root.joinpath(*parts).resolve()
    if folder.parent == folder or root not in folder.parents:
        raise ApiError(404, "not_found", "no such package")
    return folder


def _is_package(folder: Path) -> bool:
    return folder.is_dir() and not folder.name.startswith(".") and (folder / MANIFEST_NAME).is_file()


def study_folders(data_dir: Path) -> list[Path]:
    outbox = outbox_dir(data_dir)
    if not outbox.is_dir():
        return []
    return sorted(
        folder
        for folder in outbox.iterdir()
        if folder.is_dir() and not folder.name.startswith(".") and any(map(_is_package, folder.iterdir()))
    )


def current_version(study: Path) -> str | None:
    pointer = study / CURRENT_POINTER
    if not pointer.is_file():
        return None
    return pointer.read_text(encoding="utf-8").strip() or None


def study_folder(data_dir: Path, study: str) -> Path:
    folder = _inside(outbox_dir(data_dir), study)
    if not folder.is_dir():
        raise ApiError(404, "not_found", f"no published study {study!r}")
    return folder


def package_folders(study: Path) -> list[Path]:
    return sorted(folder for folder in study.iterdir() if _is_package(folder))


def package_folder(data_dir: Path, study: str, version: str) -> Path:
    folder = _inside(outbox_dir(data_dir), study, version)
    if not _is_package(folder):
        raise ApiError(404, "not_found", f"no published package {study}/{version}")
    return folder


def read_manifest(folder: Path) -> PublishedPackage:
    return PublishedPackage.model_validate_json((folder / MANIFEST_NAME).read_bytes())


def version_key_of(manifest: PublishedPackage) -> str:
    """The protocol version (Dagster partition) a package was built from; the folder name may be
    shortened or carry a revision suffix (publisher.version_dir_name, next_revision_dir)."""
    return package_version_key(manifest.protocol_file, manifest.protocol_sha256)


class _Spool(io.RawIOBase):
    """A write-only stream that hands its bytes to the zip generator as they come (no seeking: zipfile
    then writes data descriptors, so an archive of any size is streamed in constant memory)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def zip_stream(folder: Path) -> Iterator[bytes]:
    """The package folder as a zip, `<study>/<version>/<file>`, yielded piece by piece."""
    spool = _Spool()
    prefix = f"{folder.parent.name}/{folder.name}"
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink()):
            with path.open("rb") as source, archive.open(f"{prefix}/{path.name}", "w") as target:
                for chunk in iter(lambda: source.read(ZIP_CHUNK), b""):
                    target.write(chunk)
                    yield spool.drain()
            yield spool.drain()
    yield spool.drain()
