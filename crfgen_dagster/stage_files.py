"""Pointer to files a stage wrote: what the IO manager stores for a rendering asset."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from crfgen_core.model.package import PackageFile


class StageFiles(BaseModel):
    """Files written by one asset, relative to `directory`, with their sha256."""

    directory: str
    files: list[PackageFile] = []

    def paths(self) -> list[Path]:
        return [Path(self.directory) / f.path for f in self.files]

    def content_hash(self) -> str:
        import hashlib

        return hashlib.sha256("".join(f"{f.path}:{f.sha256}\n" for f in self.files).encode()).hexdigest()
