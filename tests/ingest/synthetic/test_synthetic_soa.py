"""The SoA reader on a fixed sweep of synthetic layouts (PDF, DOCX, image-only PDF) with known truth,
scored by the official scorer: no exception, no silent empty result, the whole sweep and the layouts with
a text layer at the target macro cell F1, scanned layouts (OCR) held near their measured level.

The sweep is drawn from a fixed seed, so every run reads the same layouts; a failing layout is rebuilt
from the parameters printed with the failure (see README.md beside this file).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthetic_soa.params import DIMENSIONS, params_for, params_strategy
from synthetic_soa.scoring import LayoutResult, macro, run_layout, summary

SWEEP_SEED = 20250611
SWEEP_COUNT = 200
TARGET_MACRO_CELL_F1 = 0.95  # the target on layouts nobody tuned for
TEXT_FORMATS = ("pdf", "docx")  # layouts with a text layer: held to the target
# Scanned layouts (OCR) are not at the target on their own; each format is held near its measured level so
# a change that reads scans worse fails here (figures at 20250611: image 0.827, half_scanned 0.828,
# docx_image 0.783; the whole sweep 0.965).
SCAN_FLOORS = {"image": 0.78, "half_scanned": 0.78, "docx_image": 0.74}

@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory, scorer: ModuleType) -> list[LayoutResult]:
    root = tmp_path_factory.mktemp("synthetic-soa")
    return [run_layout(params_for(SWEEP_SEED, i), root / f"{i:03d}", scorer, label=f"{SWEEP_SEED}:{i}")
            for i in range(SWEEP_COUNT)]


def test_sweep_draws_every_option_and_a_minority_of_scans() -> None:
    drawn = [params_for(SWEEP_SEED, i) for i in range(SWEEP_COUNT)]
    for name, options in DIMENSIONS.items():
        seen = {getattr(p, name) for p in drawn}
        assert seen == {o for o, _ in options}, f"{name}: never drawn {({o for o, _ in options} - seen)}"
    formats = Counter(p.fmt for p in drawn)
    scans = formats["image"] + formats["half_scanned"]
    assert 0.05 * SWEEP_COUNT <= scans <= 0.2 * SWEEP_COUNT, formats


@pytest.mark.shared
@pytest.mark.slow
def test_reader_raises_on_no_layout(sweep: list[LayoutResult]) -> None:
    failed = [r for r in sweep if r.error]
    assert not failed, "\n\n".join(f"{r.label} {r.params.to_json()}\n{r.error}" for r in failed[:3])


@pytest.mark.shared
@pytest.mark.slow
def test_no_layout_gives_a_silent_empty_result(sweep: list[LayoutResult]) -> None:
    silent = [r for r in sweep if r.silent_empty]
    assert not silent, "\n".join(f"{r.label} warnings={r.warnings} {r.params.to_json()}" for r in silent[:5])


@pytest.mark.shared
@pytest.mark.slow
def test_text_layouts_meet_the_target(sweep: list[LayoutResult]) -> None:
    text = [r for r in sweep if r.params.fmt in TEXT_FORMATS]
    achieved = macro(text)
    assert achieved >= TARGET_MACRO_CELL_F1, (
        f"macro cell F1 of {len(text)} text layouts {achieved:.3f} < {TARGET_MACRO_CELL_F1}\n"
        f"{summary(sweep)}")


@pytest.mark.shared
@pytest.mark.slow
def test_whole_sweep_meets_the_target(sweep: list[LayoutResult]) -> None:
    achieved = macro(sweep)
    assert achieved >= TARGET_MACRO_CELL_F1, (
        f"macro cell F1 of all {len(sweep)} layouts {achieved:.3f} < {TARGET_MACRO_CELL_F1}\n"
        f"{summary(sweep)}")


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(SCAN_FLOORS))
def test_scanned_layouts_hold_their_level(fmt: str, sweep: list[LayoutResult]) -> None:
    scans = [r for r in sweep if r.params.fmt == fmt]
    assert scans, f"the sweep drew no {fmt} layout"
    achieved = macro(scans)
    assert achieved >= SCAN_FLOORS[fmt], (
        f"{fmt}: macro cell F1 {achieved:.3f} < {SCAN_FLOORS[fmt]}\n{summary(sweep)}")


@pytest.mark.shared
@pytest.mark.slow
@settings(max_examples=12, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_layout_reads_without_exception_or_silence(data: st.DataObject,
                                                      tmp_path_factory: pytest.TempPathFactory,
                                                      scorer: ModuleType) -> None:
    """Hypothesis draws each dimension on its own and shrinks a failure to its plainest layout."""
    params = data.draw(params_strategy(), label="layout")
    folder: Path = tmp_path_factory.mktemp("hypothesis-soa")
    result = run_layout(params, folder, scorer, label="hypothesis")
    assert result.error is None, f"{params.to_json()}\n{result.error}"
    assert not result.silent_empty, f"{params.to_json()} warnings={result.warnings}"
