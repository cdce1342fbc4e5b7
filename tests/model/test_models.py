"""The stage contracts: strict, round-trippable, readable JSON."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from crfgen_core.model import (
    Activity,
    CRFDesign,
    Form,
    Item,
    ItemGroup,
    ParsedProtocol,
    ProtocolDocument,
    Schedule,
    ScheduleCell,
    Visit,
)

SHA = "a" * 64


def _document() -> ProtocolDocument:
    return ProtocolDocument(
        file_name="p.pdf", path="/x/p.pdf", sha256=SHA, format="pdf", size_bytes=10, pages=2
    )


def test_parsed_protocol_round_trips_through_json() -> None:
    schedule = Schedule(
        id="S1",
        title="Schedule of Activities",
        pages=[5, 6],
        visits=[Visit(id="V1", label="Visit 1", headers=["Screening", "Visit 1"])],
        activities=[Activity(id="A1", label="Vital signs", group="Safety", page=5, row=3)],
        cells=[ScheduleCell(activity="A1", visit="V1", text="X", footnotes=["a"])],
    )
    parsed = ParsedProtocol(document=_document(), schedules=[schedule])
    again = ParsedProtocol.model_validate_json(parsed.to_json())
    assert again == parsed
    assert again.schedules[0].cells[0].footnotes == ["a"]


def test_unknown_fields_are_rejected_not_dropped() -> None:
    with pytest.raises(ValidationError):
        Visit(id="V1", label="x", colour="red")  # type: ignore[call-arg]


def test_document_requires_a_real_sha256() -> None:
    with pytest.raises(ValidationError):
        ProtocolDocument(file_name="p", path="p", sha256="nothex", format="pdf", size_bytes=1)


def test_design_lookup_by_oid() -> None:
    item = Item(oid="IT.VS.SYSBP", name="VSORRES", question="Systolic blood pressure?")
    form = Form(oid="F.VS", name="Vital Signs", item_groups=[ItemGroup(oid="IG.VS", name="VS", items=[item])])
    design = CRFDesign(
        study_oid="ST.X",
        study_name="X",
        protocol_sha256=SHA,
        protocol_file="p.pdf",
        rule_set_version="1",
        forms=[form],
    )
    assert design.form("F.VS").item_groups[0].items[0].name == "VSORRES"
    assert design.to_json() == CRFDesign.model_validate_json(design.to_json()).to_json()
