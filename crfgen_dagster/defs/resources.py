"""Resources: settings, the CT source, the run's GX worker and the JSON stage store, from the environment.

The environment is read when the code location loads its definitions (the `resources` function),
never at import. Variables and defaults:
  CRFGEN_DATA_DIR              data directory                     ./.data (resolved against the cwd)
  CRFGEN_COVERAGE_THRESHOLD    minimum share of mapped activities  0.5
  CRFGEN_SETTLE_SECONDS        inbox: unchanged this long = stable 30
  CRFGEN_LEFTOVER_GRACE_SECONDS  temp files of killed runs/uploads  3600 (then removed, if not open)
  CRFGEN_CT_SOURCE             CT refresh source (folder/file/URL) none: the store's current version
  CRFGEN_CT_CHANGE_ACTION      "rebuild" or "flag"                 rebuild
"""

import multiprocessing
import os
from pathlib import Path
from typing import Any, Literal

import dagster as dg
from pydantic import PrivateAttr, TypeAdapter

from crfgen_core.model.terminology import CTVersionRef
from crfgen_core.quality.gx_worker import GXWorker
from crfgen_core.terminology.bundled import open_seeded_store
from crfgen_core.terminology.ct_index import CTIndex
from crfgen_core.terminology.ct_refresh import PackageRefresh, refresh_ct
from crfgen_core.terminology.ct_store import CTStore
from crfgen_dagster.leftovers import DEFAULT_GRACE_SECONDS

DEFAULT_DATA_DIR = ".data"


class CRFGenSettings(dg.ConfigurableResource["CRFGenSettings"]):
    """Where the data lives and the thresholds the gates use."""

    data_dir: str = DEFAULT_DATA_DIR
    coverage_threshold: float = 0.5
    settle_seconds: float = 30.0
    leftover_grace_seconds: float = DEFAULT_GRACE_SECONDS
    ct_change_action: Literal["rebuild", "flag"] = "rebuild"

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).resolve()

    def work_dir(self, partition_key: str, stage: str) -> Path:
        return self.data_path / "work" / partition_key / stage


class TerminologySource(dg.ConfigurableResource["TerminologySource"]):
    """CDISC CT from the versioned store under the data directory (seeded with the bundled snapshot).

    `source` empty: use the store's current version, no fetch. Otherwise a folder, file or URL base
    handed to crfgen_core's `refresh_ct`, which adds a new version to the store when there is one.
    """

    data_dir: str = DEFAULT_DATA_DIR
    source: str = ""
    package: str = "sdtm"

    def store(self) -> CTStore:
        return open_seeded_store(Path(self.data_dir).resolve())

    def refresh_and_load(self, source: str = "") -> CTIndex:
        """Refresh from `source` (or the configured one; neither: no fetch), then load the current version.

        A failed refresh raises CTRefreshFailed with one readable line per package; the store keeps
        its current version (crfgen_core never replaces it with a failed download).
        """
        store = self.store()
        source = source.strip() or self.source
        if source:
            result = refresh_ct(store, source, packages=(self.package,))
            if not result.ok:
                raise CTRefreshFailed(source, [_refresh_failure_line(p) for p in result.failures])
        return store.load(self.package)

    def load_version(self, ref: CTVersionRef) -> CTIndex:
        """Given the CT version a design recorded, return exactly that version from the store."""
        return self.store().load(ref.package, ref.version)


class CTRefreshFailed(Exception):
    """A CT refresh that stored nothing: the source and, per package, what went wrong."""

    def __init__(self, source: str, reasons: list[str]) -> None:
        self.source = source
        self.reasons = reasons
        super().__init__(f"CT refresh from {source} failed: {'; '.join(reasons)}")


def _refresh_failure_line(failure: PackageRefresh) -> str:
    what = " ".join(
        part for part in (failure.package, f"[{failure.error_code}]" if failure.error_code else "") if part
    )
    return f"{what or 'source'}: {' '.join(failure.reason.split()) or 'no reason given'}"


class GreatExpectationsWorker(dg.ConfigurableResource["GreatExpectationsWorker"]):
    """The GX process of a run (crfgen_core.quality.gx_worker): started when a run whose steps build a
    design starts, so GX is imported on another core while the protocol is parsed; stopped at its end."""

    _worker: GXWorker | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # A Celery prefork worker's child is daemonic and may not start processes: the suites then run
        # in the step's own process (the same code and verdicts; nothing overlaps there anyway).
        if not multiprocessing.current_process().daemon:
            self._worker = GXWorker()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    @property
    def worker(self) -> GXWorker | None:
        return self._worker


class JsonStageIOManager(dg.ConfigurableIOManager):
    """Stores stage outputs as indented JSON (pydantic) under <data_dir>/stages/<asset>/<partition>.json."""

    data_dir: str = DEFAULT_DATA_DIR

    def _path(self, context: dg.OutputContext | dg.InputContext) -> Path:
        root = Path(self.data_dir).resolve() / "stages" / "/".join(context.asset_key.path)
        return (
            root / f"{context.asset_partition_key}.json"
            if context.has_asset_partitions
            else root / "value.json"
        )

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(path.name + ".partial")
        staging.write_bytes(TypeAdapter(type(obj)).dump_json(obj, indent=2) + b"\n")
        os.replace(staging, path)
        context.add_output_metadata({"stored_as": dg.MetadataValue.path(str(path))})

    def load_input(self, context: dg.InputContext) -> Any:
        return TypeAdapter(context.dagster_type.typing_type).validate_json(self._path(context).read_bytes())


def settings_from_env(env: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    """Given an environment, return the resources this code location binds."""
    data_dir = str(Path(env.get("CRFGEN_DATA_DIR", DEFAULT_DATA_DIR)).resolve())
    action = env.get("CRFGEN_CT_CHANGE_ACTION", "rebuild")
    return {
        "settings": CRFGenSettings(
            data_dir=data_dir,
            coverage_threshold=float(env.get("CRFGEN_COVERAGE_THRESHOLD", "0.5")),
            settle_seconds=float(env.get("CRFGEN_SETTLE_SECONDS", "30")),
            leftover_grace_seconds=float(env.get("CRFGEN_LEFTOVER_GRACE_SECONDS", DEFAULT_GRACE_SECONDS)),
            ct_change_action="flag" if action == "flag" else "rebuild",
        ),
        "terminology": TerminologySource(data_dir=data_dir, source=env.get("CRFGEN_CT_SOURCE", "")),
        "io_manager": JsonStageIOManager(data_dir=data_dir),
        "gx": GreatExpectationsWorker(),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=settings_from_env(os.environ))
