"""Run the asset graph in-process for one protocol: `python -m crfgen_dagster.local_run [FILE]`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import dagster as dg

from crfgen_dagster.definitions import defs as load_defs
from crfgen_dagster.defs.jobs import PROTOCOL_ASSETS, REFERENCE_ASSETS
from crfgen_dagster.defs.partitions import PROTOCOL_VERSIONS
from crfgen_dagster.defs.resources import settings_from_env
from crfgen_dagster.inbox import register_protocol


def materialize_protocol(
    protocol: Path, data_dir: Path, instance: dg.DagsterInstance, env: dict[str, str] | None = None
) -> tuple[str, dg.ExecuteInProcessResult]:
    """Store `protocol`, materialize the reference data once, then its partition; return (key, result)."""
    resources = settings_from_env({**(env or {}), "CRFGEN_DATA_DIR": str(data_dir)})
    assets = [a for a in load_defs().assets or [] if isinstance(a, dg.AssetsDefinition)]
    if instance.get_latest_materialization_event(dg.AssetKey("controlled_terminology")) is None:
        dg.materialize(assets, selection=list(REFERENCE_ASSETS), instance=instance, resources=resources)
    accepted = register_protocol(protocol, data_dir)
    instance.add_dynamic_partitions(PROTOCOL_VERSIONS, [accepted.partition_key])
    result = dg.materialize(
        assets,
        selection=list(PROTOCOL_ASSETS),
        partition_key=accepted.partition_key,
        instance=instance,
        resources=resources,
        raise_on_error=False,
    )
    return accepted.partition_key, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build one protocol's CRF package through Dagster")
    parser.add_argument("protocol", type=Path, nargs="?", help="default: the bundled example protocol")
    args = parser.parse_args(argv)
    if args.protocol is None:
        from crfgen_core.examples import example_protocol_path

        args.protocol = example_protocol_path()
    data_dir = Path(os.environ.get("CRFGEN_DATA_DIR", ".data")).resolve()
    with dg.DagsterInstance.get() as instance:  # DAGSTER_HOME: runs show in the UI afterwards
        key, result = materialize_protocol(args.protocol, data_dir, instance, dict(os.environ))
        package = instance.get_latest_materialization_event(dg.AssetKey("crf_package"))
    if not result.success or package is None or package.asset_materialization is None:
        print(f"crf_package for {key} was not published: see the run in the UI", file=sys.stderr)
        return 1
    print(f"published {package.asset_materialization.metadata['package_dir'].value}")
    print(f"Dagster instance: {os.environ['DAGSTER_HOME']} (the runs, lineage and checks of this build)")
    print("Open the UI: make ui, then http://127.0.0.1:3000 (Assets > crf_package)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
