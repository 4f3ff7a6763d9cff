"""Drill-down into sub-processes: the totals of every level and the metrics of one level.

The level logic (finding a sub-process, cutting it out as a model, adding up its content) is
in :mod:`workbench.bpmn.levels`; this module puts the metrics' visits to it. A sub-process with
content counts in the model's metrics as the expected minutes of its inner flow (its own
minutes are ignored, see ``workbench.metrics``); :func:`level_rows` shows that total per level.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import metrics
from .bpmn import Activity, Definitions
from .bpmn.levels import Level, inner_totals, level_model, levels


@dataclass(frozen=True, slots=True)
class LevelRow:
    """One level with its totals (None where the metrics could not reach it)."""

    level: Level
    executions: float | None  # expected executions per case (a process: 1)
    minutes_per_execution: float | None
    minutes_per_case: float | None
    missing_minutes: int
    standard_minutes_per_case: float = 0.0  # part of minutes_per_case from standard values


def process_metrics(defs: Definitions) -> tuple[dict[str, metrics.ModelMetrics], list[str]]:
    """The metrics of every process that has activities; German notes for processes the
    metrics cannot evaluate."""
    found: dict[str, metrics.ModelMetrics] = {}
    notes: list[str] = []
    for process in defs.processes:
        if not any(isinstance(n, Activity) for n in process.all_flow_nodes):
            continue
        try:
            found[process.id] = metrics.compute(process)
        except metrics.MetricsError as err:
            notes.append(f"„{process.name or process.id}“: {err}")
    return found, notes


def level_rows(defs: Definitions) -> tuple[list[LevelRow], list[str]]:
    """Every level of the model with expected executions and minutes of its content."""
    computed, notes = process_metrics(defs)
    visits = {k: v for m in computed.values() for k, v in m.visits.items()}
    standard = {v.activity_id: v.minutes for m in computed.values() for v in m.standard_values}
    totals = inner_totals(defs, visits, standard)
    rows = []
    for level in levels(defs):
        if level.depth == 0:
            total = computed.get(level.id)
            if total is None:
                rows.append(LevelRow(level, None, None, None, 0))
                continue
            process = next(p for p in defs.processes if p.id == level.id)
            missing = sum(1 for n in process.all_flow_nodes if isinstance(n, Activity)
                          and n.minutes is None and n.id not in standard
                          and visits.get(n.id, 0.0) > 1e-12
                          and not (n.is_sub_process and getattr(n, "flow_nodes", None)))
            rows.append(LevelRow(level, 1.0, total.expected_minutes, total.expected_minutes,
                                 missing, total.standard_minutes))
            continue
        found = totals.get(level.id)
        if found is None:
            rows.append(LevelRow(level, None, None, None, 0))
        else:
            rows.append(LevelRow(level, found.executions, found.minutes_per_execution,
                                 found.minutes_per_case, found.missing_minutes,
                                 found.standard_minutes_per_case))
    return rows, notes


def level_metrics(defs: Definitions, key: str) -> metrics.ModelMetrics:
    """The metrics of one sub-process's content, per execution of the sub-process."""
    return metrics.compute(level_model(defs, key))
