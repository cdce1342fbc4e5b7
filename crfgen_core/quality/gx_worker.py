"""The design suites in a Great Expectations process of their own, warmed up before they are needed.

Importing GX costs ~3 s of CPU per process (its expectation registry pulls in scipy and altair). A run
that starts this worker when it starts imports GX on another core while the protocol is parsed and the
design built; the suites then run there, with the same code and the same verdicts as in-process.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from crfgen_core.model.design import CRFDesign
from crfgen_core.quality.gx_suites import SuiteOutcome, design_tables, import_gx, run_table_suites
from crfgen_core.terminology.ct_index import CTIndex


def _warm_up() -> None:
    import_gx()


class GXWorker:
    """One worker process (a fresh interpreter: no fork of a threaded parent) that imports GX at once."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self._warm: Future[None] = self._pool.submit(_warm_up)

    def run_design_suites(
        self, design: CRFDesign, ct: CTIndex, coverage_threshold: float
    ) -> list[SuiteOutcome]:
        """`run_design_suites` in the worker; an import error or a dead worker raises here, as in-process."""
        tables = design_tables(design, ct)  # the tables, not the whole CT, cross to the worker
        self._warm.result()
        return self._pool.submit(run_table_suites, tables, coverage_threshold=coverage_threshold).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
