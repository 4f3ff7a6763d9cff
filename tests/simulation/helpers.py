"""Small models and runs for the simulation tests."""

from __future__ import annotations

import random

import numpy as np

from workbench.bpmn.builder import ModelBuilder
from workbench.labour_costs import KOMMUNEN
from workbench.metrics import compute
from workbench.simulation.calendar import WorkCalendar
from workbench.simulation.engine import Engine, Pool, Stream
from workbench.simulation.flowgraph import compile_model

ROUND_THE_CLOCK = {d: (0, 1440) for d in ("mo", "di", "mi", "do", "fr", "sa", "so")}


def one_task_model(minutes: float):
    b = ModelBuilder("Eine Warteschlange", pool="Test")
    start = b.event("Antrag", "start", lane="Sachbearbeitung")
    task = b.task("Bearbeiten", lane="Sachbearbeitung", minutes=minutes, medium="fachverfahren")
    end = b.event("Erledigt", "end", lane="Sachbearbeitung")
    b.flow(start, task)
    b.flow(task, end)
    return b.build()


def compiled(defs):
    return compile_model(defs, KOMMUNEN, label="test", visits=compute(defs).visits)


def run_queue(defs, *, servers: float, cases: int, seed: int, distribution: str = "exponential",
              calendar: WorkCalendar | None = None):
    """One run of a model with one role; returns (stream, pool, calendar)."""
    cal = calendar or WorkCalendar.build(2026, ROUND_THE_CLOCK)
    model = compiled(defs)
    pools = {role: Pool(role, servers) for role in model.roles}
    rng = np.random.default_rng(seed)
    arrivals = np.sort(rng.random(cases) * cal.period_work_minutes)
    stream = Stream("test", model.root, arrivals, random.Random(seed))
    Engine(cal, pools, distribution=distribution).run([stream])
    return stream, pools, cal
