"""One materialization of the whole graph on the bundled example, shared by the tests that read it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from crfgen_core.examples import example_protocol_path
from crfgen_dagster.local_run import materialize_protocol


@pytest.fixture(scope="module")
def example_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dg.DagsterInstance, Path, str, dg.ExecuteInProcessResult]]:
    data_dir = tmp_path_factory.mktemp("data")
    with dg.instance_for_test() as instance:
        key, result = materialize_protocol(example_protocol_path("docx"), data_dir, instance)
        yield instance, data_dir, key, result
