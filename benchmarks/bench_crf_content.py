"""Forms and item counts per protocol, before/after, and whether every test the protocol names is on the CRF.

Run by hand:
    .venv/bin/python benchmarks/bench_crf_content.py --save after.json [PROTOCOL ...]
    .venv/bin/python benchmarks/bench_crf_content.py --before before.json [PROTOCOL ...]

`--save` writes the per-form item counts of this code version (run it from an older checkout with
PYTHONPATH pointing at that source tree to get a "before"); `--before` prints the table side by side.

Test check (current code only): every test name the protocol lists in a panel (a laboratory table, a
"vital signs include ..." sentence) must be an item of the design (its CT code as an item's test code
or value-level --TESTCD, or its written name in a free-text item's question) or be flagged in the
review list (e.g. a central laboratory's tests, listed there by name). A name that is neither is
printed as missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign
from crfgen_core.model.protocol import ParsedProtocol
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "protocols"
DEFAULT_PROTOCOLS = (
    CORPUS / "merck_nct02564263_keynote181" / "NCT02564263_KEYNOTE-181_Protocol.pdf",
    CORPUS / "lilly_nct03421379_diabetes" / "EliLilly_NCT03421379_Diabetes.pdf",
    CORPUS / "novo_nct03548987_obesity" / "Novo_NCT03548987_Obesity.pdf",
    CORPUS / "cdisc_pilot_lzzt" / "CDISC_Pilot_Study.pdf",
    CORPUS / "cdisc_pilot_lzzt" / "LZZT_ICH_M11.docx",
)
PANEL_DOMAINS = {"vital signs": "VS", "ecg": "EG"}


def form_counts(design: CRFDesign) -> dict[str, list[Any]]:
    """Form OID -> [name, item count]."""
    return {f.oid: [f.name, sum(len(g.items) for g in f.item_groups)] for f in design.forms}


def test_check(parsed: ParsedProtocol, design: CRFDesign) -> dict[str, list[str]]:
    """Given a protocol and its design, return the named tests as present / flagged / missing."""
    try:
        from crfgen_core.ingest.panels.test_names import clean_tests, split_list
        from crfgen_core.ingest.panels.vocabulary import match_heading
        from crfgen_core.mapping.rule_set import load_rule_set
        from crfgen_core.mapping.test_resolver import TestResolver
    except ImportError:  # an older code version has no resolver: counts only
        return {}
    resolver = TestResolver(load_bundled_ct(), load_rule_set())
    items = [i for f in design.forms for g in f.item_groups for i in g.items]
    codes = {i.test_code for i in items if i.test_code} | {
        v for i in items for k, v in i.value_level.items() if k.endswith("TESTCD")
    }
    questions = " ".join(i.question.lower() for i in items if i.needs_review)
    review = " ".join(e.reason.lower() for e in design.review)
    result: dict[str, list[str]] = {"present": [], "flagged": [], "missing": []}
    named: list[tuple[str, str, str]] = []  # (where, name, domain)
    for panel in parsed.panels:
        heading = match_heading(panel.name)
        domain = PANEL_DOMAINS.get(heading.kind if heading else "", "LB")
        named += [(panel.name, " ".join(test.split()), domain) for test in panel.tests]
    for row in design.mappings:  # SoA rows that name tests ("T3, FT4, and TSH", "HbA1c")
        for domain in (row.domain or "").split(";"):
            if domain in ("LB", "VS", "EG"):
                for part in clean_tests(split_list(row.activity)):
                    if resolver.resolve(domain, f"{domain}TESTCD", part).codes:
                        named.append((f"SoA '{row.activity}'", part, domain))
    for where, name, domain in dict.fromkeys(named):
        found = resolver.resolve(domain, f"{domain}TESTCD", name).codes
        label = f"{where}: {name}"
        if (found and set(found) <= codes) or name.lower() in questions:
            result["present"].append(label)
        elif name.lower() in review or (found and all(f"({c.lower()})" in review for c in found)):
            result["flagged"].append(label)
        else:
            result["missing"].append(f"{label} ({', '.join(found) or 'no code'})")
    return result


def run(protocols: list[Path]) -> dict[str, Any]:
    ct, standards = load_bundled_ct(), load_bundled_standards()
    out: dict[str, Any] = {}
    for path in protocols:
        parsed = read_protocol(path)
        design = design_crf(parsed, ct, standards)
        out[path.name] = {"forms": form_counts(design), "tests": test_check(parsed, design)}
    return out


def print_tables(after: dict[str, Any], before: dict[str, Any]) -> None:
    for protocol, data in after.items():
        old = before.get(protocol, {}).get("forms", {})
        forms = data["forms"]
        print(f"\n### {protocol}\n")
        print("| form | name | items before | items after |")
        print("|---|---|---:|---:|")
        for oid in [*forms, *(o for o in old if o not in forms)]:
            name = (forms.get(oid) or old.get(oid))[0]
            was = old.get(oid, [None, "-"])[1] if before else "?"
            now = forms.get(oid, [None, "-"])[1]
            print(f"| {oid} | {name} | {was} | {now} |")
        total_old = sum(v[1] for v in old.values()) if before else "?"
        total_new = sum(v[1] for v in forms.values())
        print(
            f"| **all** | {len(old) if before else '?'} -> {len(forms)} forms | {total_old} | {total_new} |"
        )
        tests = data.get("tests") or {}
        if tests:
            named = sum(len(v) for v in tests.values())
            print(
                f"\nnamed tests: {named}; items: {len(tests['present'])}; flagged in review: "
                f"{len(tests['flagged'])}; missing: {len(tests['missing'])}"
            )
            for miss in tests["missing"]:
                print(f"  MISSING {miss}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("protocols", nargs="*", type=Path)
    parser.add_argument("--save", type=Path, help="write this run's counts as JSON")
    parser.add_argument("--before", type=Path, help="JSON of an earlier run to compare with")
    args = parser.parse_args(argv)
    protocols = args.protocols or [p for p in DEFAULT_PROTOCOLS if p.exists()]
    after = run(protocols)
    if args.save:
        args.save.write_text(json.dumps(after, indent=2), encoding="utf-8")
    before = json.loads(args.before.read_text(encoding="utf-8")) if args.before else {}
    print_tables(after, before)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
