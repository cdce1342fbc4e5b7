"""Arms, cohorts and later phases named by schedule titles, header cells and section rows.

A protocol with one flow chart per arm ('Treatment Phase for Drug B', 'Cohort 2 (adults aged 50-59)')
gives arm-specific events and forms instead of one merged schedule where every arm's visits look
mandatory for everyone. A title naming a later phase ('Second Course') keeps that phase's
visits apart from the first phase's visits of the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crfgen_core.mapping.oids import slug
from crfgen_core.mapping.schedule_terms import ScheduleTerms
from crfgen_core.model.design import Arm
from crfgen_core.model.protocol import Schedule

MIN_ARMS = 2  # one named arm is the whole study: no arm-specific design


@dataclass(frozen=True)
class ScheduleScope:
    """Which arms a schedule (or one of its columns or row groups) belongs to; empty = every arm."""

    arms: tuple[str, ...] = ()
    period: str | None = None
    visit_arms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    activity_arms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def for_visit(self, visit_id: str) -> tuple[str, ...]:
        return self.visit_arms.get(visit_id, self.arms)

    def for_cell(self, visit_id: str, activity_id: str) -> tuple[str, ...]:
        return self.activity_arms.get(activity_id, self.for_visit(visit_id))


@dataclass
class _ArmBook:
    arms: dict[str, Arm] = field(default_factory=dict)  # lower-case name -> arm

    def oids(self, names: list[str], where: str) -> tuple[str, ...]:
        found = []
        for name in names:
            key = " ".join(name.lower().split())
            if key not in self.arms:
                self.arms[key] = Arm(oid=f"ARM.{slug(name)}", name=name, description=f"named by {where}")
            found.append(self.arms[key].oid)
        return tuple(dict.fromkeys(found))


def schedule_scopes(
    schedules: list[Schedule], terms: ScheduleTerms
) -> tuple[list[Arm], dict[str, ScheduleScope]]:
    """Given the schedules, return the arms they name and each schedule's scope (by schedule id).

    Fewer than two arms in the whole document means no arm-specific design: every scope is 'every arm'.
    """
    book = _ArmBook()
    scopes: dict[str, ScheduleScope] = {}
    for schedule in schedules:
        visit_arms = {
            v.id: arms
            for v in schedule.visits
            if (arms := book.oids(terms.arms_in(" ".join(v.headers)), f"{schedule.id} column {v.label!r}"))
        }
        activity_arms = {
            a.id: arms
            for a in schedule.activities
            if a.group and (arms := book.oids(terms.arms_in(a.group), f"{schedule.id} section {a.group!r}"))
        }
        scopes[schedule.id] = ScheduleScope(
            arms=book.oids(terms.arms_in(schedule.title), f"{schedule.id} title {schedule.title!r}"),
            period=terms.period_in(schedule.title),
            visit_arms=visit_arms,
            activity_arms=activity_arms,
        )
    if len(book.arms) < MIN_ARMS:
        return [], {sid: ScheduleScope(period=scope.period) for sid, scope in scopes.items()}
    return list(book.arms.values()), scopes
