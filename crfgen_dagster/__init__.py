"""crfgen_dagster: Dagster wiring over crfgen_core (assets, checks, sensors, schedules, resources)."""
