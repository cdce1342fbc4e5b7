"""GET /health/ready: the deployment checks, pluggable.

A readiness check is a callable taking the API's settings and instance holder and returning
`CheckResult`s (crfgen_dagster.db_check's type: name, OK/FAIL/SKIP, one-line detail). The defaults are
`crf-gen db-check`'s own checks (reused, not repeated: instance, storage, schema, data-dir,
review-store, ct) and the daemon heartbeat. More come from the `crfgen.readiness` entry-point group, or
from the `checks` argument of `create_app`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points

from crfgen_api.dagster_status import InstanceHolder
from crfgen_api.settings import ApiSettings
from crfgen_dagster.db_check import CheckResult, run_checks

ReadinessCheck = Callable[[ApiSettings, InstanceHolder], Sequence[CheckResult]]
PLUGIN_GROUP = "crfgen.readiness"


def deployment_checks(settings: ApiSettings, instance: InstanceHolder) -> Sequence[CheckResult]:
    return run_checks(dagster_home=settings.dagster_home, data_dir=settings.data_dir)


def daemon_heartbeat(settings: ApiSettings, instance: InstanceHolder) -> Sequence[CheckResult]:
    """Every daemon the instance requires (sensors, scheduler, run queue) sent a heartbeat lately:
    without the sensor daemon an upload waits in the inbox for ever."""
    try:
        statuses = instance.get().get_daemon_statuses()
    except Exception as exc:  # storage down: reported by the storage check too, named here
        return [CheckResult("daemon", "FAIL", f"cannot read daemon heartbeats: {type(exc).__name__}: {exc}")]
    stale = sorted(kind for kind, status in statuses.items() if status.required and not status.healthy)
    if stale:
        ages = []
        for kind in stale:
            beat = statuses[kind].last_heartbeat
            ages.append(
                f"{kind} ({'never' if beat is None else f'{time.time() - beat.timestamp:.0f} s ago'})"
            )
        return [
            CheckResult(
                "daemon", "FAIL", f"no fresh heartbeat from {', '.join(ages)}; is dagster-daemon running?"
            )
        ]
    return [CheckResult("daemon", "OK", f"fresh heartbeats from {', '.join(sorted(statuses))}")]


DEFAULT_CHECKS: tuple[ReadinessCheck, ...] = (deployment_checks, daemon_heartbeat)


def installed_checks() -> list[ReadinessCheck]:
    """The defaults and every check registered in the `crfgen.readiness` entry-point group."""
    return [*DEFAULT_CHECKS, *(plugin.load() for plugin in entry_points(group=PLUGIN_GROUP))]


def run_readiness(
    checks: Sequence[ReadinessCheck], settings: ApiSettings, instance: InstanceHolder
) -> list[CheckResult]:
    results: list[CheckResult] = []
    for check in checks:
        try:
            results.extend(check(settings, instance))
        except Exception as exc:  # a broken check is a failed check, never a 500
            name = getattr(check, "__name__", "check")
            results.append(CheckResult(name, "FAIL", f"{type(exc).__name__}: {exc}"))
    return results
