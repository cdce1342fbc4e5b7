"""Lineage to the page: per protocol, the share of events, forms and items whose provenance names where
in the protocol they came from.

Run by hand:
    .venv/bin/python benchmarks/bench_provenance_coverage.py [--save FILE] [--before FILE] [PROTOCOL ...]

Each event, form and item is one record, in one class:
- located: a provenance entry names a page (PDF) or a place in the document (DOCX table/paragraph);
  `cell` counts those that also name the table cell (schedule, activity row, visit column) or quote a text
  span;
- standard: nothing in the protocol made it; it names the CDASH/COSMoS (or CT) source it was taken from;
- neither: no location and no standard reference (what a reviewer cannot trace).
`--save` writes the figures; `--before` prints an earlier run's beside this one (run it from an older
checkout with PYTHONPATH at that tree for a "before").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign, Provenance
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "protocols"
DEFAULT_PROTOCOLS = (
    CORPUS / "merck_nct02564263_keynote181" / "NCT02564263_KEYNOTE-181_Protocol.pdf",
    CORPUS / "lilly_nct03421379_diabetes" / "EliLilly_NCT03421379_Diabetes.pdf",
    CORPUS / "cdisc_pilot_lzzt" / "CDISC_Pilot_Study.pdf",
    CORPUS / "cdisc_pilot_lzzt" / "LZZT_ICH_M11.docx",
    CORPUS / "sanofi_nct03637764_oncology" / "Sanofi_NCT03637764_Oncology_protocol.docx",
)
CLASSES = ("located", "cell", "standard", "neither")


def _located(p: Provenance) -> bool:
    # getattr: an older model (the "before" checkout) has only `page`
    return bool(p.page or getattr(p, "pages", None) or getattr(p, "locator", None))


def _cell(p: Provenance) -> bool:
    return bool(getattr(p, "cells", None) or getattr(p, "span", None))


def classify(entries: Iterable[Provenance]) -> str:
    """Given one record's provenance entries, return its class (located/standard/neither)."""
    listed = list(entries)
    if any(_located(p) for p in listed):
        return "located"
    if any(p.source == "standard_form" and getattr(p, "standard", None) for p in listed):
        return "standard"
    return "neither"


def coverage(design: CRFDesign) -> dict[str, dict[str, int]]:
    """Given a design, return per kind (events, forms, items, all) the record count of each class."""
    records: dict[str, list[list[Provenance]]] = {
        "events": [e.provenance for e in design.events],
        "forms": [f.provenance for f in design.forms],
        "items": [
            [item.provenance] if item.provenance else []
            for form in design.forms
            for group in form.item_groups
            for item in group.items
        ],
    }
    out: dict[str, dict[str, int]] = {}
    everything = [entries for listed in records.values() for entries in listed]
    for kind, listed in [*records.items(), ("all", everything)]:
        counts = dict.fromkeys(("records", *CLASSES), 0)
        for entries in listed:
            counts["records"] += 1
            counts[classify(entries)] += 1
            counts["cell"] += any(_located(p) and _cell(p) for p in entries)
        out[kind] = counts
    return out


def _share(counts: dict[str, int], name: str) -> str:
    return f"{100 * counts[name] / counts['records']:5.1f}%" if counts["records"] else "    -"


def _line(name: str, kind: str, counts: dict[str, int]) -> str:
    shares = "  ".join(f"{c} {_share(counts, c)}" for c in CLASSES)
    return f"{name[:40]:40} {kind:6} n={counts['records']:4}  {shares}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("protocols", nargs="*", type=Path)
    parser.add_argument("--save", type=Path, help="write this run's figures as JSON")
    parser.add_argument("--before", type=Path, help="JSON of an earlier run to print beside this one")
    args = parser.parse_args(argv)
    ct, standards = load_bundled_ct(), load_bundled_standards()
    before: dict[str, Any] = json.loads(args.before.read_text()) if args.before else {}
    results: dict[str, Any] = {}
    for path in args.protocols or DEFAULT_PROTOCOLS:
        design = design_crf(read_protocol(path), ct, standards)
        results[path.name] = coverage(design)
        for kind, counts in results[path.name].items():
            if path.name in before:
                print(_line(path.name, kind, before[path.name][kind]) + "   (before)")
            print(_line(path.name, kind, counts))
        sys.stdout.flush()
    if args.save:
        args.save.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
