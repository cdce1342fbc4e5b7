"""An invisible text layer whose font has no glyph outlines (as OCR layers over scans are written): pdfium
leaves out every one-letter text object (a tick, a capital set apart); the reader gets them back."""

from __future__ import annotations

from pathlib import Path

from crfgen_core.ingest.pdf.pdf_document import OpenPdf

WORDS = [(50.0, 500.0, "Schedule"), (100.0, 500.0, "A"), (110.0, 500.0, "ctivities"),
         (50.0, 480.0, "X"), (80.0, 480.0, "XY")]


def _invisible_layer_pdf(path: Path, words: list[tuple[float, float, str]]) -> Path:
    """A page whose words are each their own text object in an outline-less Type 3 font (render mode 3)."""
    letters = sorted({ch for _, _, text in words for ch in text})
    codes = {ch: 32 + i for i, ch in enumerate(letters)}
    content = b"".join(b"BT 3 Tr /F1 10 Tf %.2f %.2f Td <%s> Tj ET\n"
                       % (x, y, "".join(f"{codes[c]:02x}" for c in text).encode()) for x, y, text in words)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def "
            "1 begincodespacerange <00> <FF> endcodespacerange "
            f"{len(letters)} beginbfchar " + " ".join(f"<{codes[c]:02x}> <{ord(c):04x}>" for c in letters)
            + " endbfchar endcmap CMapName currentdict /CMap defineresource pop end end").encode()
    glyph = b"600 0 0 0 0 0 d1"  # an advance, no outline

    def stream(data: bytes) -> bytes:
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    procs = " ".join(f"/g{ord(c)} 7 0 R" for c in letters)
    names = " ".join(f"/g{ord(c)}" for c in letters)
    font = (f"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 0 0] /FontMatrix [0.001 0 0 0.001 0 0] "
            f"/CharProcs << {procs} >> /Encoding << /Type /Encoding /Differences [32 {names}] >> "
            f"/FirstChar 32 /LastChar {31 + len(letters)} /Widths [{' '.join('600' for _ in letters)}] "
            f"/ToUnicode 6 0 R >>").encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 792 612] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>", stream(content), font, stream(cmap),
               stream(glyph)]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_one_letter_words_of_an_outline_less_font_are_read(tmp_path: Path) -> None:
    with OpenPdf(_invisible_layer_pdf(tmp_path / "layer.pdf", WORDS)) as pdf:
        assert "A" not in pdf.texts[0]  # pdfium's own text lost it
        chars = pdf.geometry(0).chars
    placed = {(c.text, round(c.origin_x), round(c.origin_y)) for c in chars}
    assert {("A", 100, 500), ("X", 50, 480), ("X", 80, 480), ("Y", 86, 480)} <= placed
    assert sum(1 for c in chars if c.text == "X") == 2  # a glyph pdfium did read is not added twice
