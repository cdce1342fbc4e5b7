"""`crf-gen corrections keys PROTOCOL`: the stable keys a corrections file names (docs/corrections.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "corrections", help="reviewer corrections: the keys to name in a corrections file"
    )
    actions = parser.add_subparsers(dest="action", required=True)
    keys = actions.add_parser("keys", help="print the study, schedule, activity and visit keys of a protocol")
    keys.add_argument("protocol", type=Path)
    keys.set_defaults(handler=run_keys)


def run_keys(args: argparse.Namespace) -> int:
    from crfgen_core.ingest.reader import read_protocol
    from crfgen_core.review.keys import activity_keys, schedule_keys, study_key, visit_keys

    parsed = read_protocol(args.protocol)
    print(f"study: {study_key(parsed)}")
    for schedule in parsed.schedules:
        print(f"schedule: {schedule_keys(parsed)[schedule.id]}    ({schedule.id} '{schedule.title}')")
        for activity in schedule.activities:
            print(f"  activity: {activity_keys(schedule)[activity.id]}    {activity.label}")
        for visit in schedule.visits:
            print(f"  visit: {visit_keys(schedule)[visit.id]}    {' / '.join(visit.headers) or visit.label}")
    return 0
