"""PNG of one protocol page, rendered on demand from the stored protocol (<data>/protocols/<sha256>/) with
pypdfium2, and cached under <data>/work/page_cache/<sha256>/<page>.png (the protocol never changes; the
work folder is a volume the api mounts, and not the tokens' folder)."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import pypdfium2 as pdfium

from crfgen_api.errors import ApiError
from crfgen_core.atomic_files import atomic_write_bytes

SHA256 = re.compile(r"^[0-9a-f]{64}$")
SCALE = 1.5  # 108 dpi: an SoA's small print stays legible
_render_lock = threading.Lock()  # pdfium is not thread-safe


def stored_protocol(data_dir: Path, sha256: str) -> Path | None:
    """The original protocol file kept for these bytes, if any."""
    if not SHA256.match(sha256):
        return None
    folder = data_dir / "protocols" / sha256
    if not folder.is_dir():
        return None
    for child in sorted(folder.iterdir()):
        if child.is_file() and child.suffix.lower() in (".pdf", ".docx") and not child.name.startswith("."):
            return child
    return None


def page_png(data_dir: Path, sha256: str, page: int) -> bytes:
    """Given the protocol's sha256 and a 1-based page, return the page as PNG (404 if there is none)."""
    cached = data_dir / "work" / "page_cache" / sha256 / f"{page}.png"
    if cached.is_file():
        return cached.read_bytes()
    source = stored_protocol(data_dir, sha256)
    if source is None or source.suffix.lower() != ".pdf":
        raise ApiError(404, "not_found", "no stored PDF protocol for that package (a DOCX has no pages)")
    with _render_lock:
        document = pdfium.PdfDocument(source)
        try:
            if not 1 <= page <= len(document):
                raise ApiError(404, "not_found", f"the protocol has pages 1..{len(document)}")
            image = document[page - 1].render(scale=SCALE).to_pil()
        finally:
            document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    data = buffer.getvalue()
    atomic_write_bytes(cached, data)
    return data
