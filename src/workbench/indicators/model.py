"""The digitization indicators of one model, from the expected visits of its steps.

Every indicator counts *expected executions per case* (visits of the Markov chain in
:mod:`workbench.metrics`), so a rework loop taken in 20 % of the cases counts 0.2 extra steps.
Shares by steps never depend on minutes: automating a step to 0 minutes cannot lower them.

>>> ind = compute(defs, metrics)          # doctest: +SKIP
>>> ind.analog_steps, ind.digital_share_steps, ind.reentries   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..analysis.roles import ADMINISTRATION, activity_role, units_of
from ..bpmn import Activity, Definitions, SubProcess
from ..markov import TINY, has_content
from ..metrics import ModelMetrics
from . import classify as c

__all__ = ["Indicators", "Reentry", "compute", "compute_steps"]


class Reentry(NamedTuple):
    """A place where a person types data over: into ``target`` (from ``source`` or '')."""

    source_id: str
    target_id: str
    target_name: str
    reason_de: str
    expected_count: float


@dataclass(slots=True)
class Indicators:
    """The indicators of one model (field meanings: docs/kennzahlen.md)."""

    steps: float = 0.0
    analog_steps: float = 0.0
    digital_steps: float = 0.0
    automated_steps: float = 0.0
    automatable_steps: float = 0.0
    scan_print_steps: float = 0.0
    no_medium_steps: float = 0.0
    minutes: float = 0.0
    digital_minutes: float = 0.0
    automatable_open_minutes: float = 0.0
    reentries: float = 0.0
    reentry_list: list[Reentry] = field(default_factory=list)
    without_minutes: list[str] = field(default_factory=list)  # step names, for data quality
    without_medium: list[str] = field(default_factory=list)

    @property
    def analog_share(self) -> float | None:
        return self.analog_steps / self.steps if self.steps > TINY else None

    @property
    def digital_share_steps(self) -> float | None:
        return self.digital_steps / self.steps if self.steps > TINY else None

    @property
    def digital_share_time(self) -> float | None:
        """None when the model has no handling time at all (then only the share by steps)."""
        return self.digital_minutes / self.minutes if self.minutes > TINY else None

    @property
    def automated_share(self) -> float | None:
        return self.automated_steps / self.steps if self.steps > TINY else None

    @property
    def automatable_share(self) -> float | None:
        return self.automatable_steps / self.steps if self.steps > TINY else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (floats rounded to 6 decimals)."""
        return {
            "schritte": _r(self.steps), "analoge_schritte": _r(self.analog_steps),
            "analog_anteil": _r(self.analog_share),
            "digital_anteil_schritte": _r(self.digital_share_steps),
            "digital_anteil_zeit": _r(self.digital_share_time),
            "automatisierte_schritte": _r(self.automated_steps),
            "automatisiert_anteil": _r(self.automated_share),
            "automatisierbar_anteil": _r(self.automatable_share),
            "automatisierbar_offen_minuten": _r(self.automatable_open_minutes),
            "neuerfassungen": _r(self.reentries),
            "neuerfassungen_liste": [
                {"quelle": r.source_id, "ziel": r.target_id, "grund": r.reason_de,
                 "erwartet_je_fall": _r(r.expected_count)} for r in self.reentry_list],
            "scan_druck_schritte": _r(self.scan_print_steps),
            "schritte_ohne_medium": _r(self.no_medium_steps),
            "ohne_minuten": list(self.without_minutes),
            "ohne_medium": list(self.without_medium),
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6) + 0.0


def leaf_steps(defs: Definitions, visits: dict[str, float]) -> list[tuple[Activity, float]]:
    """Steps that carry work (tasks, call activities, sub-processes without content) with
    their expected visits per case, in document order; unreached steps are left out."""
    out = []
    for a in defs.activities():
        v = float(visits.get(a.id, 0.0))
        if v <= TINY or (isinstance(a, SubProcess) and has_content(a)):
            continue
        out.append((a, v))
    return out


def compute_steps(steps: list[tuple[Activity, float]],
                  transitions: list[tuple[Activity, Activity, float]] = (),
                  not_staff: frozenset[str] = frozenset()) -> Indicators:
    """Indicators from (step, expected visits) pairs and the expected step-to-step
    transitions (source, target, expected count per case) that may be re-entries;
    ``not_staff``: ids of steps of Bürger:innen, Unternehmen or external bodies."""
    ind = Indicators()
    by_target: dict[str, float] = {}
    for source, target, count in transitions:
        reason = c.reentry_reason(source, target, staff=target.id not in not_staff)
        if reason and count > TINY:
            ind.reentry_list.append(Reentry(source.id, target.id, _name(target), reason,
                                            float(count)))
            by_target[target.id] = by_target.get(target.id, 0.0) + float(count)
    for a, v in steps:
        minutes = float(a.minutes or 0.0)
        ind.steps += v
        ind.minutes += v * minutes
        ind.analog_steps += v * c.is_analog(a)
        ind.digital_steps += v * c.is_digital(a)
        ind.digital_minutes += v * minutes * c.is_digital(a)
        ind.automated_steps += v * c.is_automated(a)
        ind.automatable_steps += v * c.is_automatable(a)
        if c.is_automatable(a) and not c.is_automated(a):
            ind.automatable_open_minutes += v * minutes
        ind.scan_print_steps += v * c.is_scan_print(a)
        if a.medium is None:
            ind.no_medium_steps += v
            ind.without_medium.append(_name(a))
        if a.minutes is None:
            ind.without_minutes.append(_name(a))
        typed = (str(a.activity_type or "") in c.REENTRY_TYPES and c.is_manual_entry(a)
                 and a.id not in not_staff)
        if typed and v > by_target.get(a.id, 0.0) + TINY:  # typing over counts once per visit
            extra = v - by_target.get(a.id, 0.0)
            ind.reentry_list.append(Reentry("", a.id, _name(a), "Aktivitätstyp „Daten "
                                            "übertragen“ (Daten werden erneut eingetippt)", extra))
    ind.reentries = sum(r.expected_count for r in ind.reentry_list)
    return ind


def compute(defs: Definitions, metrics: ModelMetrics) -> Indicators:
    """The indicators of a model from its metrics (visits and step-to-step transitions).

    Re-entries are found among the transitions that :mod:`workbench.metrics` reports as
    Medienbrüche: every re-entry is such a transition (a change of medium class, a scan, or
    a change of system by hand), but not every Medienbruch is a re-entry (printing is not)."""
    steps = leaf_steps(defs, metrics.visits)
    nodes = {a.id: a for a, _ in steps}
    transitions = [(nodes[t.source_activity_id], nodes[t.target_activity_id], t.expected_count)
                   for t in metrics.break_transitions
                   if t.source_activity_id in nodes and t.target_activity_id in nodes]
    return compute_steps(steps, transitions, not_staff(defs, [a for a, _ in steps]))


def not_staff(defs: Definitions, steps: list[Activity]) -> frozenset[str]:
    """Ids of the steps that are not the administration's own work: the role of their lane
    or pool (stated, or inferred by name as in :mod:`workbench.analysis.roles`)."""
    unit_role = {u.process.id: u.role for u in units_of(defs, []) if u.process is not None}
    return frozenset(a.id for a in steps
                     if activity_role(a, unit_role.get(a.process.id, ADMINISTRATION))[0]
                     != ADMINISTRATION)


def _name(a: Activity) -> str:
    return f"„{a.name}“" if a.name else a.id
