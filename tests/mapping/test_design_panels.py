"""A panel list read from the protocol replaces a form's standard tests only if CT knows its tests."""

from __future__ import annotations

from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign
from crfgen_core.model.protocol import (
    Activity,
    Panel,
    ParsedProtocol,
    ProtocolDocument,
    Schedule,
    ScheduleCell,
    Visit,
)
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct


def _design(panel: Panel) -> CRFDesign:
    activity = Activity(id="A1", label="Vital signs", page=1, row=1)
    parsed = ParsedProtocol(
        document=ProtocolDocument(
            file_name="p.pdf", path="/x/p.pdf", sha256="0" * 64, format="pdf", size_bytes=1
        ),
        schedules=[
            Schedule(
                id="S1",
                title="SoA",
                pages=[1],
                visits=[Visit(id="V1", label="Day 1", headers=["Day 1"])],
                activities=[activity],
                cells=[ScheduleCell(activity="A1", visit="V1", text="X")],
            )
        ],
        panels=[panel],
    )
    return design_crf(parsed, load_bundled_ct(), load_bundled_standards())


def _tests(design: CRFDesign) -> set[str]:
    return {i.test_code for g in design.form("F.VS").item_groups for i in g.items if i.test_code}


def test_a_panel_ct_knows_replaces_the_standard_tests() -> None:
    assert _tests(_design(Panel(name="Vital signs", tests=["Pulse", "Body temperature"]))) == {
        "PULSE",
        "TEMP",
    }


def test_a_panel_read_as_prose_keeps_the_standard_tests_and_is_reviewed() -> None:
    prose = ["measured in the dominant arm", "after a quiet rest", "pulse"]
    design = _design(Panel(name="Vital signs", tests=prose))
    assert {"SYSBP", "DIABP", "PULSE", "TEMP"} <= _tests(design)
    assert any("panel list read poorly: 1 of 3" in entry.reason for entry in design.review)


def test_qualified_test_names_are_read_not_reviewed() -> None:
    # positions and "readings" qualify a test; they do not make the list unreadable
    design = _design(Panel(name="Vital signs", tests=["supine/standing pulse", "blood pressure readings"]))
    assert _tests(design) == {"SYSBP", "DIABP", "PULSE"}
    assert not any("read poorly" in entry.reason for entry in design.review)
