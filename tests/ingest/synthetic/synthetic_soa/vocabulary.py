"""Generic clinical wording for synthetic schedules, written for this generator from general clinical
knowledge (no protocol's text is copied). Activities live in data/activities.csv."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ACTIVITIES_FILE = Path(__file__).parent / "data" / "activities.csv"


@dataclass(frozen=True)
class Concept:
    concept: str
    group: str
    pattern: str  # which visits it is usually done at (see content.PATTERNS)
    variants: tuple[str, ...]


@lru_cache(maxsize=1)
def concepts() -> tuple[Concept, ...]:
    with ACTIVITIES_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(Concept(r["concept"], r["group"], r["pattern"], tuple(r["variants"].split("|")))
                     for r in csv.DictReader(handle))


GROUP_ORDER = ("eligibility", "procedures", "treatment", "efficacy", "safety", "laboratory", "pk")
GROUP_NAMES = {
    "eligibility": ("Screening and eligibility", "Eligibility", "Entry procedures", "SCREENING"),
    "procedures": ("Study procedures", "General procedures", "Visit procedures", "STUDY PROCEDURES"),
    "treatment": ("Study intervention", "Study treatment", "Study drug", "INTERVENTION"),
    "efficacy": ("Efficacy assessments", "Efficacy", "Clinical outcome assessments", "EFFICACY"),
    "safety": ("Safety assessments", "Safety", "Safety evaluations", "SAFETY ASSESSMENTS"),
    "laboratory": ("Laboratory assessments", "Clinical laboratory tests", "Laboratory", "LABORATORY"),
    "pk": ("Pharmacokinetics and biomarkers", "PK and immunogenicity", "Sample collection", "PK / PD"),
}

CORNERS = ("Procedure", "Assessment", "Study Activities", "Evaluation", "Procedures", "Activity",
           "Assessments / Procedures", "Study Procedure")

TREATMENT_EPOCHS = ("Treatment Period", "Double-blind Treatment", "Open-label Treatment", "Treatment Phase",
                    "Intervention Period", "Titration Period", "Randomized Treatment")
LATER_EPOCHS = ("Extension Period", "Open-label Extension", "Maintenance Period", "Long-term Follow-up",
                "Follow-up Period", "Continuation Phase")
SCREENING_EPOCHS = ("Screening", "Screening Period", "Pre-treatment")
FOLLOW_UP_NAMES = ("Follow-up", "Safety Follow-up", "FU", "Post-treatment Follow-up", "End of Study")
EOT_NAMES = ("End of Treatment", "EOT", "ET/EOT", "Early Termination", "Early Discontinuation",
             "End of Treatment / ET")
UNSCHEDULED_NAMES = ("Unscheduled", "UNS", "Unscheduled Visit")

LATER_TITLES = ("{title}: Extension Period", "{title} - Open-label Extension", "{title} (Maintenance Period)",
                "{title}: Follow-up Period")
LAB_TITLES = ("Schedule of Laboratory Assessments", "Laboratory Flow Chart", "Clinical Laboratory Schedule",
              "Schedule of Laboratory Tests")
PK_TITLES = ("Pharmacokinetic Sampling Schedule", "PK and Immunogenicity Flow Chart",
             "Schedule of Pharmacokinetic Assessments", "PK Sampling Time Points")

PK_TIMES = ("Predose", "0.5 h", "1 h", "2 h", "4 h", "6 h", "8 h", "12 h", "24 h", "48 h")
TIME_LISTS = ("Predose, 1h, 2h", "Predose, 2 h, 4 h", "Pre-dose and 1 h post-dose", "0, 2, 4, 8 h",
              "Predose", "Postdose", "Pre- and post-dose", "1 h post-dose")
CONTINUOUS = ("Continuous", "Ongoing", "Throughout the study", "<-------------->", "← Continuous →",
              "Collected at every contact")

NOTES = (
    "Within 28 days before the first dose.",
    "Fasting sample; collect before dosing.",
    "Women of childbearing potential only.",
    "May be done up to 3 days before the visit.",
    "Performed after 5 minutes of rest in the seated position.",
    "Only if clinically indicated.",
    "Central laboratory; local results may be used for eligibility.",
    "Record all medications taken within 30 days before screening.",
    "Repeat if the result is abnormal.",
    "Triplicate tracings at 1-minute intervals.",
    "Also at early termination.",
    "Collected by telephone at follow-up.",
    "Before any study-specific procedure.",
    "See the laboratory manual for handling and shipping.",
    "Assessed by the investigator or a qualified designee.",
    "Completed by the participant before other visit procedures.",
)

FOOTNOTES = (
    "Only at the first visit of each cycle.",
    "To be performed before dosing.",
    "Women of childbearing potential only.",
    "Fasting for at least 8 hours.",
    "Visit may be conducted by telephone.",
    "If not performed within the previous 3 months.",
    "Samples stored for possible later analysis.",
    "Optional; requires separate consent.",
    "Within 7 days after the last dose.",
    "Windows are relative to Day 1.",
    "Every 12 weeks thereafter until disease progression.",
    "Includes weight; height at screening only.",
    "Collected from signing of consent until the end of the study.",
    "Results must be available before randomization.",
)

LEGENDS = {
    "X": ("X = performed", "X = assessment to be performed", "X = procedure performed at this visit"),
    "x": ("x = procedure to be done",),
    "✓": ("✓ = performed",),
    "●": ("● = required", "● = performed at this visit"),
    "P": ("P = practice, not collected", "P = practice assessment only"),
    "T": ("T = telephone contact", "T = by telephone"),
    "(X)": ("(X) = if clinically indicated", "(X) = optional"),
}

PARAGRAPHS = (
    "This section describes the study procedures and their timing. All procedures are performed "
    "by qualified site staff in accordance with local requirements and the study manuals.",
    "Participants who discontinue study intervention early should return for the early termination "
    "visit and continue in follow-up unless they withdraw consent.",
    "Visit windows are calculated from the day of the first dose. When a visit is delayed, later visits "
    "remain scheduled relative to the first dose and not to the delayed visit.",
    "Blood samples are processed and shipped as described in the laboratory manual. Total blood volume "
    "drawn over the study is within the limits accepted for the population.",
    "Adverse events are collected from the signing of the informed consent until the final follow-up "
    "contact. Serious adverse events are reported within 24 hours of awareness.",
    "The timing and number of assessments may be adjusted based on emerging safety data, provided the "
    "total number of samples and the blood volume do not increase.",
    "Unscheduled visits may be performed at any time at the discretion of the investigator; "
    "the procedures performed are recorded in the case report form.",
    "Questionnaires are completed by the participant before any other procedure at the visit, in a quiet "
    "area, without help from the site staff or relatives.",
    "Further details are given in the Schedule of Activities and in the sections describing each "
    "assessment. Where they differ, the procedures in the body of the protocol apply.",
)

SECTION_HEADINGS = ("Introduction", "Objectives and Endpoints", "Study Design", "Study Population",
                    "Study Intervention", "Study Assessments and Procedures", "Statistical Considerations",
                    "Supporting Documentation")

ABBREVIATIONS = (("AE", "adverse event"), ("BMI", "body mass index"), ("CRF", "case report form"),
                 ("ECG", "electrocardiogram"), ("EOT", "end of treatment"), ("ICF", "informed consent form"),
                 ("IMP", "investigational medicinal product"), ("PK", "pharmacokinetic(s)"),
                 ("SAE", "serious adverse event"), ("WOCBP", "woman of childbearing potential"))
RESPONSIBILITY_TASKS = ("Protocol development", "Site selection", "Monitoring visits", "Data management",
                        "Safety reporting", "Drug supply", "Statistical analysis", "Clinical study report")
RESPONSIBILITY_PARTIES = ("Sponsor", "CRO", "Investigator", "Central laboratory")
RISK_LIKELIHOOD = ("Frequent", "Probable", "Occasional", "Remote", "Improbable")
RISK_SEVERITY = ("Negligible", "Minor", "Moderate", "Major", "Catastrophic")
