"""A slow writer is never taken early: real time, real writer processes, the real inbox sensor ticking.

Two senders write a protocol into the inbox in two halves with a pause of `--pause` seconds (default 60,
twice the default settle window) between them:
- `held open`: one open file, written, paused, finished, closed (cp, scp, an SMB client on this host);
- `.part + rename`: each half written by a separate open/append/close, then renamed to its final name
  (the convention docs/reliability.md asks of senders the host cannot see).
The sensor ticks every `--tick` seconds with the production settle window (30 s). A file taken before
its sender finished would be a truncated PDF (quarantined) or a wrong sha256: the bench prints, per
sender, when it finished, when the sensor first requested its run, and whether the bytes taken are whole.

    .venv/bin/python benchmarks/bench_slow_writer.py [--pause 60] [--tick 1]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg

from crfgen_core.examples import example_protocol_path
from crfgen_dagster.defs.ingestion.sensors import build_inbox_sensor
from crfgen_dagster.defs.resources import CRFGenSettings

WRITERS = {
    "held open": (
        "import sys,time\n"
        "data=open(sys.argv[2],'rb').read(); half=len(data)//2\n"
        "with open(sys.argv[1],'wb') as out:\n"
        "    out.write(data[:half]); out.flush(); time.sleep(float(sys.argv[3])); out.write(data[half:])\n"
        "print(time.time(), flush=True)\n"
    ),
    ".part + rename": (
        "import os,sys,time\n"
        "data=open(sys.argv[2],'rb').read(); half=len(data)//2; part=sys.argv[1]+'.part'\n"
        "open(part,'wb').write(data[:half]); time.sleep(float(sys.argv[3]))\n"
        "open(part,'ab').write(data[half:]); os.rename(part, sys.argv[1])\n"
        "print(time.time(), flush=True)\n"
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pause", type=float, default=60.0)
    parser.add_argument("--tick", type=float, default=1.0)
    args = parser.parse_args()
    source = example_protocol_path("pdf")
    whole = hashlib.sha256(source.read_bytes()).hexdigest()
    sensor = build_inbox_sensor()
    settings_settle = CRFGenSettings(data_dir=".").settle_seconds
    failures = 0
    with (
        tempfile.TemporaryDirectory(prefix="crfgen-slow-writer-") as work,
        dg.instance_for_test() as instance,
    ):
        for asset in ("controlled_terminology", "cdisc_standards"):
            instance.report_runless_asset_event(dg.AssetMaterialization(asset))
        for number, (name, program) in enumerate(WRITERS.items()):
            data_dir = Path(work) / f"data{number}"
            (data_dir / "inbox").mkdir(parents=True)
            settings = CRFGenSettings(data_dir=str(data_dir))
            target = data_dir / "inbox" / f"slow{number}.pdf"
            started = time.time()
            writer = subprocess.Popen(
                [sys.executable, "-c", program, str(target), str(source), str(args.pause)],
                stdout=subprocess.PIPE,
                text=True,
            )
            cursor, ticks, taken_at, taken_sha = None, 0, None, None
            while taken_at is None and time.time() - started < args.pause + settings_settle + 60:
                context = dg.build_sensor_context(
                    instance=instance, cursor=cursor, resources={"settings": settings}
                )
                result = sensor(context)
                assert isinstance(result, dg.SensorResult), result
                cursor, ticks = result.cursor, ticks + 1
                if result.run_requests:
                    taken_at = time.time()
                    taken_sha = result.run_requests[0].tags["crfgen/protocol_sha256"]
                time.sleep(args.tick)
            assert writer.stdout is not None
            finished_at = float(writer.stdout.readline())
            writer.wait()
            quarantined = sorted(p.name for p in (data_dir / "quarantine").glob("*")) if (
                data_dir / "quarantine").is_dir() else []  # fmt: skip
            early = taken_at is None or taken_at < finished_at or taken_sha != whole or bool(quarantined)
            failures += early
            print(
                f"{name:15} pause {args.pause:.0f} s, settle {settings_settle:.0f} s, {ticks} ticks: "
                f"writer done at +{finished_at - started:.1f} s, run requested at "
                f"{'never' if taken_at is None else f'+{taken_at - started:.1f} s'}, "
                f"bytes {'whole' if taken_sha == whole else 'NOT whole'}, "
                f"quarantined {quarantined or 'nothing'}"
                f" -> {'TAKEN EARLY / LOST' if early else 'ok'}"
            )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
