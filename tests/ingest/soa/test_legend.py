from __future__ import annotations

from crfgen_core.ingest.soa.legend import LegendLine, read_legend


def test_code_meanings_and_footnotes_apart_with_geometry() -> None:
    lines = [LegendLine("X = performed; P = practice, not collected; T = telephone contact", (), 10, 100, 8),
             LegendLine("Fasting sample taken before", ("a",), 10, 110, 8),
             LegendLine("breakfast.", (), 12, 119, 8),
             LegendLine("ECG = electrocardiogram", (), 10, 128, 8),
             LegendLine("b Sitting.", (), 10, 137, 8)]
    legend = read_legend(lines, {"a", "b"}, {"X", "P", "T"})
    assert legend.codes == {"X": "performed", "P": "practice, not collected", "T": "telephone contact"}
    assert legend.footnotes == {"a": "Fasting sample taken before breakfast.", "b": "Sitting."}


def test_word_paragraphs_are_whole_entries() -> None:
    lines = [LegendLine("Refer to the manual.", ("a",)), LegendLine("b Isatuximab samples."),
             LegendLine("Abbreviations: SOI = start of infusion")]
    assert read_legend(lines, {"a"}, set()).footnotes == {"a": "Refer to the manual."}


def test_a_code_meaning_wrapped_before_the_next_entry_is_kept_whole() -> None:
    lines = [LegendLine("Abbreviations: CT = computed tomography; ET = Early", (), 10, 100, 8),
             LegendLine("Termination; RT = Retrieval", (), 20, 109, 8),
             LegendLine("X = Performed at this visit.", (), 10, 118, 8)]
    legend = read_legend(lines, set(), {"X", "ET", "RT"})
    assert legend.codes == {"ET": "Early Termination", "RT": "Retrieval", "X": "Performed at this visit"}
