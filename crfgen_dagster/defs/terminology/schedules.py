"""Nightly CT refresh. Cron from CRFGEN_CT_REFRESH_CRON (default 02:00 UTC), read when definitions load."""

import os

import dagster as dg

DEFAULT_CT_REFRESH_CRON = "0 2 * * *"


def ct_refresh_schedule(cron: str) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="ct_refresh_nightly",
        cron_schedule=cron,
        execution_timezone="UTC",
        target=dg.AssetSelection.assets("controlled_terminology"),
        description="Re-read the configured CT source; a new version triggers the CT-change sensor.",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )


@dg.definitions
def schedules() -> dg.Definitions:
    return dg.Definitions(
        schedules=[ct_refresh_schedule(os.environ.get("CRFGEN_CT_REFRESH_CRON", DEFAULT_CT_REFRESH_CRON))]
    )
