"""CRF fidelity against the study's own define.xml: does our odm.xml collect what the real CRF collected?

Run by hand:
    .venv/bin/python benchmarks/bench_define_fidelity.py            # LZZT PDF and DOCX, generated here
    .venv/bin/python benchmarks/bench_define_fidelity.py --odm out/odm.xml [--define DEFINE.xml]

Reference: the CDISC pilot (LZZT) SDTM define.xml (ODM 1.2 + define 1.0). Its ItemDefs carry an
`Origin`; the ones whose Origin starts with "CRF" were collected on the human-built CRF.

Counting rules (what is scored):
- Variables: ItemDefs `<D>.<VAR>` with a CRF origin, except STUDYID, VISIT, VISITNUM (the EDC header
  supplies them), the trial-design datasets (TA, TE, TI, TS, TV), SUPP-- and RELREC (derived from
  collected items), and LB (the study used a central laboratory: results arrive by electronic transfer,
  not on the CRF).
- Value-level tests: ItemDefs `<D>.<D>TESTCD.<CODE>` with a CRF origin (VS.VSTESTCD.SYSBP,
  SC.SCTESTCD.EDLEVEL, QS.QSTESTCD.ACITM01 ...).
- QS tests are scored per instrument, because the pilot-era codes (ACITM01) differ from today's CT
  (ADCCMD01): the instrument's credit is min(our distinct test codes of that instrument, define
  count) / define count, times its define count. An instrument is recognised by its name in our form
  name or in the category of the annotation. Today's CT files ADAS-Cog and the MMSE under FT, so
  `FTORRES when FTTESTCD = ...` counts for them as `QSORRES when QSTESTCD = ...` does.

Matching rules (what counts as collected with the right SDTM target):
- Our item's SDTM annotation is the ODM `Alias Context="SDTM"` of its ItemDef; its domain is the
  `Domain` of its ItemGroupDef (else the form's SDTM alias).
- A variable `<D>.<VAR>` is matched when some item of domain D names VAR in its annotation, as the
  target ("AESTDTC") or as a pre-printed qualifier ("VSORRES when VSTESTCD = SYSBP and VSPOS =
  SUPINE" names VSORRES, VSTESTCD and VSPOS; "VSSTAT = NOT DONE" names VSSTAT).
- `<D>TEST` is matched when `<D>TESTCD` is: the test name is printed beside its code.
- Pilot-era value-level codes that today's CT renamed count under their new codes (RENAMED_CODES:
  SC EDLEVEL, the years of education on the pilot CRF, is EDUYRNUM or EDULEVEL today).
- A value-level test `<D>.<D>TESTCD.<CODE>` is matched when some item of domain D is annotated
  `<D>ORRES when <D>TESTCD = <CODE>` (further qualifiers allowed).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from crfgen_core.xml_safety import safe_parser

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_DEFINE = SHARED / "interop" / "odm_crf" / "define_xml" / "CDISCPILOT01_sdtm_define_v1.0.xml"
DEFAULT_PROTOCOLS = (
    SHARED / "corpus" / "protocols" / "cdisc_pilot_lzzt" / "CDISC_Pilot_Study.pdf",
    SHARED / "corpus" / "protocols" / "cdisc_pilot_lzzt" / "LZZT_ICH_M11.docx",
)
DEFINE_NS = {"odm": "http://www.cdisc.org/ns/odm/v1.2"}
ODM_NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3"}
HEADER_VARIABLES = {"STUDYID", "VISIT", "VISITNUM"}
LEFT_OUT_DATASETS = {"TA", "TE", "TI", "TS", "TV", "RELREC", "LB"}
# pilot-era QS test-code prefix -> (instrument, words that name it in our form name or QSCAT/FTCAT)
INSTRUMENTS = {
    "ACITM": ("ADAS-Cog", ("ADAS", "ALZHEIMER'S DISEASE ASSESSMENT")),
    "DAITM": ("DAD", ("DAD", "DISABILITY ASSESSMENT FOR DEMENTIA")),
    "MHITM": ("Hachinski", ("HACHINSKI",)),
    "NPITM": ("NPI-X", ("NPI", "NEUROPSYCHIATRIC")),
    "MMITM": ("MMSE", ("MMSE", "MINI-MENTAL", "MINI MENTAL")),
    "CIBIC": ("CIBIC+", ("CIBIC",)),
}
INSTRUMENT_DOMAINS = {"QS", "FT"}
# pilot-era value-level codes today's CT renamed: the pilot's EDLEVEL held the years of education
# completed (its CRF page 8), which CT now codes EDUYRNUM; EDULEVEL is the attained level
RENAMED_CODES = {("SC", "EDLEVEL"): ("EDUYRNUM", "EDULEVEL")}
_NAME = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\b")
_RESULT = re.compile(r"\b(?P<d>[A-Z]{2})ORRES\s+when\s+(?P=d)TESTCD\s*=\s*(?P<code>[A-Z0-9]+)")


@dataclass
class OurItem:
    form: str
    domain: str
    name: str
    annotation: str


@dataclass
class DomainScore:
    counted: float = 0.0
    matched: float = 0.0
    misses: list[str] = field(default_factory=list)


def define_targets(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return (variables, value-level tests) with a CRF origin, after the documented exclusions."""
    tree = etree.parse(str(path), safe_parser())
    variables: list[tuple[str, str]] = []
    tests: list[tuple[str, str]] = []
    for item in tree.iterfind(".//odm:ItemDef", DEFINE_NS):
        if not (item.get("Origin") or "").upper().startswith("CRF"):
            continue
        parts = (item.get("OID") or "").split(".")
        dataset = parts[0]
        if dataset in LEFT_OUT_DATASETS or dataset.startswith("SUPP"):
            continue
        if len(parts) == 2 and parts[1] not in HEADER_VARIABLES:
            variables.append((dataset, parts[1]))
        elif len(parts) == 3 and parts[1] == f"{dataset}TESTCD":
            tests.append((dataset, parts[2]))
    return variables, tests


def our_items(odm_path: Path) -> list[OurItem]:
    """Every ItemRef of every form of our odm.xml, with its domain and SDTM annotation."""
    root = etree.parse(str(odm_path), safe_parser()).getroot()
    mdv = root.find(".//odm:MetaDataVersion", ODM_NS)
    if mdv is None:
        raise SystemExit(f"{odm_path}: no MetaDataVersion")

    def alias(element: etree._Element, context: str) -> str:
        found = element.find(f"odm:Alias[@Context='{context}']", ODM_NS)
        return (found.get("Name") or "") if found is not None else ""

    items = {i.get("OID"): i for i in mdv.iterfind("odm:ItemDef", ODM_NS)}
    groups = {g.get("OID"): g for g in mdv.iterfind("odm:ItemGroupDef", ODM_NS)}
    result: list[OurItem] = []
    for form in mdv.iterfind("odm:FormDef", ODM_NS):
        form_domain = alias(form, "SDTM")
        for group_ref in form.iterfind("odm:ItemGroupRef", ODM_NS):
            group = groups[group_ref.get("ItemGroupOID")]
            domain = group.get("Domain") or form_domain
            for item_ref in group.iterfind("odm:ItemRef", ODM_NS):
                item = items[item_ref.get("ItemOID")]
                result.append(
                    OurItem(form.get("Name") or "", domain, item.get("Name") or "", alias(item, "SDTM"))
                )
    return result


def score(define: Path, odm_path: Path) -> dict[str, DomainScore]:
    """Given the define.xml and our odm.xml, return the per-domain score with the misses."""
    variables, tests = define_targets(define)
    ours = our_items(odm_path)
    named: dict[str, set[str]] = defaultdict(set)
    results: dict[str, set[str]] = defaultdict(set)
    for item in ours:
        named[item.domain].update(_NAME.findall(item.annotation))
        for found in _RESULT.finditer(item.annotation):
            if found.group("d") == item.domain:
                results[item.domain].add(found.group("code"))
    scores: dict[str, DomainScore] = defaultdict(DomainScore)
    for dataset, variable in variables:
        wanted = variable + "CD" if variable == f"{dataset}TEST" else variable
        row = scores[dataset]
        row.counted += 1
        if wanted in named[dataset]:
            row.matched += 1
        else:
            row.misses.append(f"{dataset}.{variable}")
    per_instrument: dict[str, int] = defaultdict(int)
    for dataset, code in tests:
        prefix = next((p for p in INSTRUMENTS if dataset == "QS" and code.startswith(p)), None)
        if prefix is not None:
            per_instrument[prefix] += 1
            continue
        row = scores[dataset]
        row.counted += 1
        if {code, *RENAMED_CODES.get((dataset, code), ())} & results[dataset]:
            row.matched += 1
        else:
            row.misses.append(f"{dataset}.{dataset}TESTCD.{code}")
    for prefix, wanted_count in per_instrument.items():
        label, words = INSTRUMENTS[prefix]
        codes = _instrument_codes(ours, words)
        credit = min(len(codes), wanted_count)
        row = scores["QS"]
        row.counted += wanted_count
        row.matched += credit
        if credit < wanted_count:
            row.misses.append(f"QS {label}: {len(codes)} of {wanted_count} item scores")
    return dict(sorted(scores.items()))


def _instrument_codes(ours: list[OurItem], words: tuple[str, ...]) -> set[str]:
    codes: set[str] = set()
    for item in ours:
        if item.domain not in INSTRUMENT_DOMAINS:
            continue
        text = f"{item.form} {item.annotation}".upper()
        if not any(re.search(rf"(?<![A-Z]){re.escape(w)}(?![A-Z])", text) for w in words):
            continue
        for found in _RESULT.finditer(item.annotation):
            if found.group("d") == item.domain:
                codes.add(found.group("code"))
    return codes


def print_table(title: str, scores: dict[str, DomainScore]) -> float:
    print(f"\n{title}")
    print(f"| {'domain':<6} | {'counted':>7} | {'matched':>7} | {'share':>6} |")
    print("|--------|---------|---------|--------|")
    counted = sum(s.counted for s in scores.values())
    matched = sum(s.matched for s in scores.values())
    for domain, row in scores.items():
        share = row.matched / row.counted if row.counted else 1.0
        print(f"| {domain:<6} | {row.counted:>7.0f} | {row.matched:>7.0f} | {share:>6.2f} |")
    total = matched / counted if counted else 1.0
    print(f"| {'ALL':<6} | {counted:>7.0f} | {matched:>7.0f} | {total:>6.2f} |")
    no_qs = {d: s for d, s in scores.items() if d != "QS"}
    rest = sum(s.matched for s in no_qs.values()) / max(1.0, sum(s.counted for s in no_qs.values()))
    print(f"share without QS: {rest:.2f}")
    misses = [m for row in scores.values() for m in row.misses]
    print("misses: " + (", ".join(misses) if misses else "none"))
    return total


def _generate_odm(protocol: Path, folder: Path) -> Path:
    from crfgen_core.ingest.reader import read_protocol
    from crfgen_core.mapping import design_crf
    from crfgen_core.render.odm_1_3_2.odm_writer import write_odm
    from crfgen_core.standards.cosmos import load_bundled_standards
    from crfgen_core.terminology.bundled import load_bundled_ct

    design = design_crf(read_protocol(protocol), load_bundled_ct(), load_bundled_standards())
    return write_odm(design, folder / f"{protocol.stem}.odm.xml")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--define", type=Path, default=DEFAULT_DEFINE)
    parser.add_argument("--odm", type=Path, action="append", help="score this odm.xml (repeatable)")
    args = parser.parse_args(argv)
    if not args.define.exists():
        print(f"define.xml not found: {args.define}")
        return 2
    with tempfile.TemporaryDirectory(prefix="crfgen-define-") as scratch:
        odms = args.odm or [_generate_odm(p, Path(scratch)) for p in DEFAULT_PROTOCOLS if p.exists()]
        for odm in odms:
            title = f"{odm.parent.name}/{odm.name}" if odm.name == "odm.xml" else odm.name
            print_table(f"{title} vs {args.define.name}", score(args.define, odm))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
