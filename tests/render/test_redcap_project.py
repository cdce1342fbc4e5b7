"""REDCap longitudinal set-up: arms, events, instrument-event mapping, repeating instruments and events;
our files pass the checker, the checker catches each rule, unique event names are REDCap's own."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from design_fixture import fixture_design
from lxml import etree

from crfgen_core.quality.redcap_project_rules import check_redcap_project, unique_event_names
from crfgen_core.render import render_package
from crfgen_core.render.redcap_project import redcap_event_name
from crfgen_core.xml_safety import safe_parser

REDCAP_NS = "https://projectredcap.org"


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def package(tmp_path: Path) -> Path:
    render_package(fixture_design(), tmp_path)
    return tmp_path


def _issues(package: Path) -> set[str]:
    return {i.rule for i in check_redcap_project(package, package / "redcap_data_dictionary.csv")}


def test_fixture_project_passes_every_rule(package: Path) -> None:
    assert check_redcap_project(package, package / "redcap_data_dictionary.csv") == []


def test_each_arm_gets_its_events_and_arm_only_events_stay_in_their_arm(package: Path) -> None:
    assert _table(package / "redcap_arms.csv") == [
        {"arm_num": "1", "name": "Drug A"},
        {"arm_num": "2", "name": "Drug B"},
    ]
    events = _table(package / "redcap_events.csv")
    by_arm = {arm: [e["event_name"] for e in events if e["arm_num"] == arm] for arm in ("1", "2")}
    assert (
        "Maintenance Cycle 2 and Beyond" in by_arm["2"]
        and "Maintenance Cycle 2 and Beyond" not in by_arm["1"]
    )
    assert by_arm["1"][0] == by_arm["2"][0] == "Screening"
    maintenance = next(e for e in events if e["event_name"].startswith("Maintenance"))
    assert (maintenance["offset_min"], maintenance["offset_max"]) == ("3", "3")
    offsets = [int(e["day_offset"]) for e in events if e["arm_num"] == "1"]
    assert offsets == sorted(set(offsets))  # strictly increasing: REDCap's event order is ours
    mapping = {
        (m["arm_num"], m["unique_event_name"], m["form"])
        for m in _table(package / "redcap_instrument_event_mapping.csv")
    }
    assert ("1", "visit_4_arm_1", "inclusion_exclusion_criteria") in mapping
    assert ("2", "visit_4_arm_2", "inclusion_exclusion_criteria") not in mapping  # arm A only


def test_repeating_events_and_log_forms_are_declared(package: Path) -> None:
    rows = {(r["event_name"], r["form_name"]) for r in _table(package / "redcap_repeating_instruments.csv")}
    assert ("maintenance_cycle_arm_2", "") in rows  # the whole event repeats
    assert ("log_forms_any_time_arm_1", "adverse_events") in rows  # a repeating instrument


def _edit(file: str, change: Callable[[list[list[str]]], None]) -> Callable[[Path], None]:
    def mutate(package: Path) -> None:
        path = package / file
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        change(rows)
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)

    return mutate


def _cell(row: int, column: int, value: str) -> Callable[[list[list[str]]], None]:
    def change(rows: list[list[str]]) -> None:
        rows[row][column] = value

    return change


@pytest.mark.parametrize(
    ("mutate", "rule"),
    [
        (_edit("redcap_arms.csv", _cell(0, 0, "arm")), "RC101"),
        (_edit("redcap_arms.csv", _cell(2, 0, "1")), "RC102"),
        (_edit("redcap_events.csv", _cell(1, 0, "A very long event name over thirty characters")), "RC103"),
        (_edit("redcap_events.csv", _cell(1, 3, "-2")), "RC103"),
        (_edit("redcap_events.csv", _cell(1, 1, "7")), "RC103"),
        (_edit("redcap_events.csv", _cell(1, 5, "screening_arm_9")), "RC104"),
        (_edit("redcap_instrument_event_mapping.csv", _cell(1, 2, "no_such_form")), "RC105"),
        (_edit("redcap_instrument_event_mapping.csv", _cell(1, 1, "baseline_arm_9")), "RC105"),
        (_edit("redcap_repeating_instruments.csv", _cell(1, 1, "vital_signs")), "RC106"),
        (
            _edit(
                "redcap_data_dictionary.csv",
                lambda rows: next(r for r in rows if r[0] == "aeendat").__setitem__(11, "[ae_ongoing] = 'N'"),
            ),
            "RC108",
        ),
        (
            _edit(
                "redcap_data_dictionary.csv",
                lambda rows: next(r for r in rows if r[0] == "aeendat").__setitem__(11, "[aeongo] = 'N"),
            ),
            "RC108",
        ),
    ],
)
def test_checker_catches_each_project_rule(package: Path, mutate: Callable[[Path], None], rule: str) -> None:
    assert _issues(package) == set()
    mutate(package)
    assert rule in _issues(package)


def test_an_event_both_repeating_and_holding_repeating_instruments_is_refused(package: Path) -> None:
    _edit(
        "redcap_repeating_instruments.csv",
        lambda rows: rows.append(["log_forms_any_time_arm_1", "", ""]),
    )(package)
    assert "RC106" in _issues(package)


def test_unique_event_names_follow_redcaps_rule() -> None:
    names = unique_event_names(
        [(1, "Visit 1"), (1, "Visit 1"), (1, "Cycle 3 and Beyond (Day 8)"), (2, "ET (Early)")]
    )
    assert names == ["visit_1_arm_1", "visit_1_arm_1b", "cycle_3_and_beyond_arm_1", "et_early_arm_2"]


@pytest.mark.shared
def test_unique_event_names_match_a_real_redcap_project(shared_dir: Path) -> None:
    path = shared_dir / "interop" / "redcap" / "redcapr_longitudinal" / "project.REDCap.xml"
    root = etree.parse(str(path), safe_parser()).getroot()
    events = list(root.iter("{*}StudyEventDef"))

    def attr(event: etree._Element, name: str) -> str:
        return event.get(f"{{{REDCAP_NS}}}{name}") or ""

    given = [(int(attr(e, "ArmNum")), attr(e, "EventName")) for e in events]
    assert unique_event_names(given) == [attr(e, "UniqueEventName") for e in events]
    assert "deadline_to_opt_ou_arm_2" in [attr(e, "UniqueEventName") for e in events]  # the 18-character cut


def test_long_event_names_lose_their_parenthetical_detail_before_being_cut() -> None:
    assert redcap_event_name("Visit 10 (Week 16): telephone follow-up") == "Visit 10: telephone follow-up"
    assert redcap_event_name("Screening (Visit 1)") == "Screening (Visit 1)"
    cut = redcap_event_name("A name without any parentheses that is far too long")
    assert len(cut) == 30 and cut.endswith("~")
