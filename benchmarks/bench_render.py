"""Benchmark: render every package output for a 30-form design (target <= 2.0 s, aCRF PDFs included).

Run by hand: `.venv/bin/python benchmarks/bench_render.py`. Builds a synthetic design shaped like a real
one (30 forms of 12 items: dates, numbers, test-per-item findings, codelist questions, long text; 12
visits), renders the whole package 3 times into a temporary directory and prints the median total and
each output's share.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from crfgen_core.model.design import (
    CodelistItem,
    CRFCodelist,
    CRFDesign,
    EventFormRef,
    Form,
    Item,
    ItemGroup,
    StudyEvent,
)
from crfgen_core.model.terminology import CTVersionRef
from crfgen_core.render.acrf_html import write_acrf_html
from crfgen_core.render.acrf_pdf import write_acrf_pdf
from crfgen_core.render.crf_book_docx import write_crf_book
from crfgen_core.render.crf_layout import CRFLayout, build_layout
from crfgen_core.render.odm_1_3_2 import write_odm
from crfgen_core.render.package_writer import write_mapping_csv, write_review
from crfgen_core.render.redcap_dictionary import write_redcap_dictionary

TARGET_S = 2.0
FORMS, ITEMS, VISITS = 30, 12, 12


def synthetic_design() -> CRFDesign:
    """Return a 30-form design with codelists, test-per-item findings and a visit matrix."""
    codelists = [
        CRFCodelist(
            oid=f"CL.{n}",
            name=f"Codelist {n}",
            nci_code=f"C{60000 + n}",
            items=[
                CodelistItem(
                    coded_value=f"V{k}", decode=f"Value {k} of list {n}", nci_code=f"C{70000 + n * 10 + k}"
                )
                for k in range(2 + n % 6)
            ],
        )
        for n in range(10)
    ]
    forms = []
    for f in range(FORMS):
        domain = f"D{f:02d}"[:2] + chr(65 + f % 26)
        items = []
        for i in range(ITEMS):
            kind = i % 4
            items.append(
                Item(
                    oid=f"IT.{f}.{i}",
                    name=f"{domain}ITEM{i}",
                    question=f"Question {i} of form {f}: what was observed for this assessment?",
                    data_type=("date", "integer", "text", "float")[kind],
                    significant_digits=1 if kind == 3 else None,
                    codelist_oid=f"CL.{i % 10}" if kind == 2 else None,
                    sdtm_target=f"{domain}ORRES",
                    test_code=f"T{i}" if kind in (1, 3) else None,
                    mandatory=i == 0,
                )
            )
        items.append(Item(oid=f"IT.{f}.COMM", name=f"{domain}COMM", question="Comments", length=1000))
        forms.append(
            Form(
                oid=f"F.{f}",
                name=f"Form {f} assessments",
                domain=domain,
                is_log=f >= FORMS - 3,
                item_groups=[ItemGroup(oid=f"IG.{f}", name=f"Form {f}", domain=domain, items=items)],
            )
        )
    events = [StudyEvent(oid=f"SE.{v}", name=f"Visit {v}", order=v + 1) for v in range(VISITS)]
    matrix = [
        EventFormRef(event_oid=e.oid, form_oid=f.oid)
        for e in events
        for f in forms[: FORMS - 3]
        if (int(e.oid[3:]) + int(f.oid[2:])) % 3
    ]
    return CRFDesign(
        study_oid="ST.BENCH",
        study_name="BENCH-30",
        protocol_sha256="a" * 64,
        protocol_file="bench.pdf",
        ct=[CTVersionRef(package="sdtm", version="2025-03-25")],
        standards={"COSMoS": "2025-12-31"},
        rule_set_version="bench",
        events=events,
        forms=forms,
        codelists=codelists,
        matrix=matrix,
    )


def _steps(design: CRFDesign, layout: CRFLayout, out: Path) -> dict[str, Callable[[], object]]:
    """Return each output's writer, in package order."""
    return {
        "odm.xml": lambda: write_odm(design, out / "odm.xml"),
        "acrf.html": lambda: write_acrf_html(layout, out / "acrf.html"),
        "acrf.pdf": lambda: write_acrf_pdf(layout, out / "acrf.pdf"),
        "acrf_blank.html": lambda: write_acrf_html(layout, out / "b.html", annotated=False),
        "acrf_blank.pdf": lambda: write_acrf_pdf(layout, out / "b.pdf", annotated=False),
        "crf_book.docx": lambda: write_crf_book(layout, out / "crf_book.docx"),
        "redcap_data_dictionary.csv": lambda: write_redcap_dictionary(layout, out / "dd.csv"),
        "mapping.csv + review.md": lambda: (
            write_mapping_csv(design, out / "m.csv"),
            write_review(design, out / "r.md"),
        ),
    }


def main() -> None:
    design = synthetic_design()
    shares: dict[str, list[float]] = {}
    totals = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for _ in range(3):
            start = time.perf_counter()
            timings: dict[str, float] = {}
            t = time.perf_counter()
            layout = build_layout(design)
            timings["layout"] = time.perf_counter() - t
            steps = _steps(design, layout, out)
            for name, step in steps.items():
                t = time.perf_counter()
                step()
                timings[name] = time.perf_counter() - t
            totals.append(time.perf_counter() - start)
            for name, value in timings.items():
                shares.setdefault(name, []).append(value)
    total = statistics.median(totals)
    items = sum(len(g.items) for f in design.forms for g in f.item_groups)
    print(f"design: {len(design.forms)} forms, {items} items, {len(design.events)} visits")
    for name, values in shares.items():
        value = statistics.median(values)
        print(f"  {name:28s} {value * 1000:7.1f} ms  {value / total:6.1%}")
    print(
        f"total (median of 3): {total:.3f} s  target <= {TARGET_S:.1f} s  "
        f"{'OK' if total <= TARGET_S else 'SLOW'}"
    )


if __name__ == "__main__":
    main()
