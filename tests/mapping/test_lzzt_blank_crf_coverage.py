"""The CDISC pilot (LZZT): our forms cover what the human-built blank CRF collects."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

# blank CRF form title (as printed) -> the domain/category our form must carry
BLANK_CRF_FORMS = {
    "VITAL SIGNS": "VS",
    "ELECTROCARDIOGRAM": "EG",
    "DEMOGRAPHICS": "DM",
    "ENTRY PROCEDURES AND CRITERIA FOR ENROLLMENT": "IE",
    "SIGNIFICANT HISTORICAL DIAGNOSIS": "MH",
    "CONCOMITANT MEDICATION": "CM",
    "PRE-EXISTING CONDITIONS AND STUDY ADVERSE EVENTS": "AE",
    "CHECK ONE PRIMARY REASON FOR ENDING PARTICIPATION IN THE STUDY": "DS",
    "DISABILITY ASSESSMENT FOR DEMENTIA (DAD)": "QS_DAD",
    "NEUROPSYCHIATRIC INVENTORY - REVISED (NPI-X)": "QS_NPI",
    "CLINICIAN'S INTERVIEW-BASED IMPRESSION OF CHANGE (CIBIC+)": "QS_CIBIC",
    "MINI-MENTAL STATE": "FT_MMSE",
    "MODIFIED HACHINSKI ISCHEMIC SCORE": "QS_MHIS_NACC",
    "A physical examination must be performed": "PE",
    "CHEST X-RAY": "PR_XRAYCHEST",
}
# The blank CRF's HABITS page is scheduled by an SoA row worded "Habits": that is this protocol's word for
# substance use, not general vocabulary, so the row goes to review instead of deciding a form.


@pytest.mark.shared
def test_generated_forms_cover_the_blank_crf(shared_dir: Path, corpus_dir: Path) -> None:
    crf = pdfium.PdfDocument(shared_dir / "corpus/reference/cdisc_pilot_lzzt/CDISC_Pilot_Study_CRF.pdf")
    text = "\n".join(crf[i].get_textpage().get_text_range() for i in range(len(crf)))
    design = design_crf(
        read_protocol(corpus_dir / "cdisc_pilot_lzzt/CDISC_Pilot_Study.pdf"),
        load_bundled_ct(),
        load_bundled_standards(),
    )
    ours = {f.oid.removeprefix("F.") for f in design.forms}
    for title, key in BLANK_CRF_FORMS.items():
        assert title in text, f"blank CRF has no '{title}'"
        assert key in ours, f"blank CRF form '{title}' has no generated form {key}"
    # ADAS-Cog is collected on worksheets; the protocol schedules it, so we must have it
    assert "FT_ADAS_COG" in ours
    assert {"LB_HEM", "LB_CHEM", "LB_UA"} <= ours
