"""The content of the bundled example protocol, as data (a fictional study; no real protocol text)."""

from __future__ import annotations

from dataclasses import dataclass

TITLE = (
    "A Randomized, Double-Blind, Placebo-Controlled, Phase 2 Study of Exemplumab in Adults "
    "with Mild to Moderate Memory Impairment"
)
TITLE_PAGE = [
    ("Protocol Number", "CRFGEN-EX-001"),
    ("Protocol Title", TITLE),
    ("Phase", "Phase 2"),
    ("Sponsor", "Open CRF Generator Project (fictional sponsor)"),
    ("ClinicalTrials.gov Identifier", "NCT00000001 (fictional)"),
    ("Protocol Version", "Version 2.0, Amendment 1"),
    ("Date", "15 March 2026"),
]

VISIT_HEADER_ROWS = [
    ("Period", ["Screening", "Treatment", "Treatment", "Treatment", "Treatment", "Treatment", "Follow-up"]),
    ("Visit", ["1", "2", "3", "4", "5", "6/ET", "7"]),
    ("Study Day", ["-14 to -1", "1", "15", "29", "57", "85", "113"]),
    ("Window (days)", ["", "", "±3", "±3", "±5", "±5", "±7"]),
]


@dataclass(frozen=True)
class SoaRow:
    label: str
    marks: tuple[str, ...] = ()
    section: bool = False
    footnote: str = ""


SOA_ROWS = [
    SoaRow("Study procedures", section=True),
    SoaRow("Informed consent", ("X", "", "", "", "", "", "")),
    SoaRow("Inclusion/exclusion criteria", ("X", "X", "", "", "", "", "")),
    SoaRow("Demographics", ("X", "", "", "", "", "", "")),
    SoaRow("Medical history", ("X", "", "", "", "", "", "")),
    SoaRow("Randomization", ("", "X", "", "", "", "", "")),
    SoaRow("Safety assessments", section=True),
    SoaRow("Physical examination", ("X", "", "", "", "", "X", ""), footnote="a"),
    SoaRow("Vital signs", ("X", "X", "X", "X", "X", "X", "X")),
    SoaRow("12-lead ECG", ("X", "X", "", "X", "", "X", "")),
    SoaRow("Hematology, chemistry, urinalysis", ("X", "", "X", "X", "X", "X", "")),
    SoaRow("Pregnancy test", ("X", "X", "", "", "", "X", ""), footnote="b"),
    SoaRow("Adverse events", ("", "X", "X", "X", "X", "X", "X")),
    SoaRow("Concomitant medications", ("X", "X", "X", "X", "X", "X", "X")),
    SoaRow("Efficacy assessments", section=True),
    SoaRow("ADAS-Cog", ("", "X", "", "X", "", "X", "")),
    SoaRow("Mini-Mental State Examination (MMSE)", ("X", "", "", "", "", "X", "")),
    SoaRow("Study treatment", section=True),
    SoaRow("Dispense study drug", ("", "X", "X", "X", "X", "", "")),
]

SOA_FOOTNOTES = [
    ("a", "A complete physical examination at Screening; a symptom-directed examination thereafter."),
    (
        "b",
        "Serum pregnancy test at Screening, urine pregnancy test thereafter, "
        "for women of childbearing potential.",
    ),
]

INCLUSION = [
    "Male or female participants aged 50 to 85 years inclusive at Screening.",
    "Diagnosis of mild to moderate memory impairment with a Mini-Mental State Examination score of 18 to 26.",
    "A reliable caregiver who agrees to accompany the participant to all visits.",
    "Able and willing to give written informed consent and to follow the study procedures.",
]
EXCLUSION = [
    "Any neurological disease other than memory impairment that could affect cognition.",
    "Clinically significant abnormal ECG at Screening, including QTcF greater than 450 ms.",
    "Use of any investigational drug within 30 days before Screening.",
    "Pregnant or breastfeeding women.",
    "Known hypersensitivity to exemplumab or any of its excipients.",
]

OBJECTIVES = [
    (
        "Primary",
        "To evaluate the effect of exemplumab compared with placebo on cognition.",
        "Change from baseline in ADAS-Cog total score at Week 12.",
    ),
    (
        "Secondary",
        "To evaluate the safety and tolerability of exemplumab.",
        "Incidence of treatment-emergent adverse events through Week 16.",
    ),
    (
        "Secondary",
        "To evaluate the effect of exemplumab on global cognitive status.",
        "Change from baseline in MMSE total score at Week 12.",
    ),
]

LAB_PANELS = [
    ("Hematology", "Hemoglobin, Hematocrit, Platelets, Leukocytes, Erythrocytes"),
    (
        "Chemistry",
        "Alanine Aminotransferase, Aspartate Aminotransferase, Bilirubin, Creatinine, Glucose, Sodium, "
        "Potassium",
    ),
    ("Urinalysis", "Specific Gravity, pH, Protein, Glucose, Ketones"),
]
VITAL_SIGNS = (
    "Systolic blood pressure, diastolic blood pressure, pulse rate, body temperature, weight and height."
)
