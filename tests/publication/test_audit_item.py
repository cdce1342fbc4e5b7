"""`crf-gen audit PACKAGE --item OID`: the chain from one item to the protocol page, its CT and the run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from crfgen_core.cli import main as crf_gen
from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign, Item
from crfgen_core.publication.publisher import Publication, publish_package
from crfgen_core.render import render_package
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

KEYNOTE = Path("merck_nct02564263_keynote181") / "NCT02564263_KEYNOTE-181_Protocol.pdf"


def _publish(protocol: Path, root: Path) -> tuple[CRFDesign, Publication]:
    design = design_crf(read_protocol(protocol), load_bundled_ct(), load_bundled_standards())
    rendered = root / "rendered"
    rendered.mkdir(parents=True)
    render_package(design, rendered)
    files = [p for p in sorted(rendered.iterdir()) if p.name not in ("crf_design.json", "manifest.json")]
    return design, publish_package(design, files, root / "outbox", dagster_run_id="run-42")


def _items(design: CRFDesign) -> list[Item]:
    return [i for f in design.forms for g in f.item_groups for i in g.items]


def _audit(package: Path, oid: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = crf_gen(["audit", str(package), "--item", oid])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def _line(lines: list[str], key: str) -> str:
    return next(line for line in lines if line.startswith(f"{key} "))


@pytest.mark.shared
def test_item_chain_runs_from_item_to_page_cell_concept_ct_and_run(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design, published = _publish(corpus_dir / KEYNOTE, tmp_path)
    package = published.directory
    item = next(i for i in _items(design) if i.name == "LBORRES" and i.test_code == "HGB")
    assert item.provenance is not None
    code, lines, _ = _audit(package, item.oid, capsys)
    assert code == 0
    assert _line(lines, "item").split()[1] == item.oid
    label = item.provenance.activity_label
    assert label and f"'{label}'" in _line(lines, "activity")
    schedule = next(s for s in design.schedule_places if s.schedule_id == item.provenance.schedule_id)
    assert f"'{schedule.title}'" in _line(lines, "schedule")
    row = next(r for r in schedule.rows if r.activity_id == item.provenance.activity_id)
    cells = [line for line in lines if line.startswith("cell ")]
    assert len(cells) == min(len(row.cells), 12) > 0
    assert all(f"page {c.page}" in line for c, line in zip(row.cells, cells, strict=False))
    assert f"page {row.pages[0]}" in _line(lines, "row")
    assert _line(lines, "concept").split()[1] == item.concept_id
    assert f"{item.provenance.ct_package} {item.provenance.ct_version}" in _line(lines, "ct")
    assert "run-42" in _line(lines, "run")
    manifest_sha = hashlib.sha256((package / "manifest.json").read_bytes()).hexdigest()
    assert _line(lines, "manifest").endswith(manifest_sha)
    assert _line(lines, "protocol").endswith(design.protocol_sha256)


@pytest.mark.shared
def test_criterion_and_standard_items_name_their_text_span_and_standard(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design, published = _publish(corpus_dir / KEYNOTE, tmp_path)
    criterion = next(i for i in _items(design) if i.provenance and i.provenance.source == "eligibility")
    _, lines, _ = _audit(published.directory, criterion.oid, capsys)
    assert criterion.provenance is not None and criterion.provenance.span is not None
    assert criterion.provenance.span.text in _line(lines, "text")
    assert f"page {criterion.provenance.page}" in _line(lines, "text")
    standard = next(i for i in _items(design) if i.provenance and i.provenance.source == "standard_form")
    _, lines, _ = _audit(published.directory, standard.oid, capsys)
    assert standard.provenance is not None and standard.provenance.standard
    assert _line(lines, "standard").endswith(standard.provenance.standard)


def test_docx_item_names_its_word_table_and_the_map_is_in_the_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design, published = _publish(example_protocol_path("docx"), tmp_path)
    package = published.directory
    assert "soa_pages.json" in {f.path for f in published.manifest.files}
    pages = json.loads((package / "soa_pages.json").read_text(encoding="utf-8"))
    assert pages["protocol_sha256"] == design.protocol_sha256
    assert pages["schedules"] and all(s["tables"] for s in pages["schedules"])
    item = next(i for i in _items(design) if i.provenance and i.provenance.source == "soa")
    assert item.provenance is not None and item.provenance.locator
    code, lines, _ = _audit(package, item.oid, capsys)
    assert code == 0
    assert _line(lines, "row").endswith(item.provenance.locator)
    # the aCRF shows the reviewer where each protocol-made item was asked for
    shown = f'<span class="source">Protocol {item.provenance.locator}</span>'
    assert shown in (package / "acrf.html").read_text(encoding="utf-8")


def test_unknown_oid_exits_2_with_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, published = _publish(example_protocol_path("docx"), tmp_path)
    code, lines, err = _audit(published.directory, "IT.NO_SUCH_ITEM", capsys)
    assert code == 2 and not lines
    assert "no item 'IT.NO_SUCH_ITEM'" in err
    code, _, err = _audit(tmp_path, "IT.NO_SUCH_ITEM", capsys)  # not a package at all
    assert code == 2 and "manifest.json" in err
