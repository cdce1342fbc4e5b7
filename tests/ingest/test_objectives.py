from __future__ import annotations

from pathlib import Path

import pytest

from crfgen_core.ingest.objectives import objectives_from_text
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.ingest.text_lines import TextLine


def test_objectives_section_text_with_endpoints() -> None:
    lines = [
        TextLine(t)
        for t in [
            "3 OBJECTIVES AND ENDPOINTS",
            "Primary objective",
            "To compare drug X with placebo on weight.",
            "Primary endpoint",
            "Change in body weight from baseline to week 48",
            "Secondary objectives",
            "To assess the safety of drug X.",
            "4 STUDY DESIGN",
            "To be ignored.",
        ]
    ]
    objectives = objectives_from_text(lines)
    assert [(o.level, o.text) for o in objectives] == [
        ("primary", "To compare drug X with placebo on weight."),
        ("secondary", "To assess the safety of drug X."),
    ]
    assert objectives[0].endpoints == ["Change in body weight from baseline to week 48"]


@pytest.mark.shared
def test_docx_objectives_tables_give_levels_and_endpoints(corpus_dir: Path) -> None:
    objectives = read_protocol(corpus_dir / "roche_nct04320615_covid" / "WA42380_ICH_M11.docx").objectives
    levels = [o.level for o in objectives]
    assert levels[:2] == ["primary", "secondary"] and "exploratory" in levels
    assert len({o.text for o in objectives}) == len(objectives)
    assert objectives[0].endpoints and "Clinical status" in objectives[0].endpoints[0]
