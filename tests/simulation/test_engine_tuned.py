"""The tuned engine gives the results of the reference formulation, to the byte.

The per-event code of :mod:`workbench.simulation.engine` was made cheaper (lists instead of
numpy scalars, the triangular draw inlined, no ``done`` event nobody waits for, fewer generator
layers). Every result must stay what it was: same seeds, same JSON.
"""

from __future__ import annotations

import bisect
import json
import random
from dataclasses import replace

import numpy as np
import pytest

from tests.conftest import EXAMPLE
from tests.simulation.helpers import compiled, one_task_model
from tests.simulation.reference_engine import ReferenceEngine
from workbench.repository import Repository
from workbench.simulation import kommune
from workbench.simulation.cache import dumps
from workbench.simulation.calendar import DAY, WorkCalendar
from workbench.simulation.engine import Engine, Pool, Stream
from workbench.simulation.scenario import default_plan, load_plan

ROOT = EXAMPLE.parent


@pytest.fixture(scope="module")
def repo() -> Repository:
    return Repository.load(EXAMPLE)


def _both(repo: Repository, key: str, plan, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    tuned = dumps(kommune.simulate(repo, key, plan))
    with monkeypatch.context() as patch:
        patch.setattr(kommune, "Engine", ReferenceEngine)
        reference = dumps(kommune.simulate(repo, key, plan))
    return tuned, reference


@pytest.mark.parametrize("verteilung", ["dreieck", "exponential", "fest"])
def test_same_bytes_as_reference_engine(repo: Repository, verteilung: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Worpswede: ~3,900 cases per scenario, queues, loops, parallel and inclusive gateways
    plan = replace(default_plan(), verteilung=verteilung)
    tuned, reference = _both(repo, "033560011", plan, monkeypatch)
    assert tuned == reference


@pytest.mark.slow
def test_what_if_file_same_bytes_as_reference_engine(repo: Repository,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # six scenarios: more cases, fewer staff, longer hours, SOLL for one Leistung, other season
    plan = load_plan(ROOT / "examples" / "simulation" / "was-waere-wenn.yaml")
    tuned, reference = _both(repo, "033560002", plan, monkeypatch)
    assert tuned == reference


def _parallel_model(name: str, first: tuple[str, str, float], second: tuple[str, str, float]):
    """Start, a parallel split into two tasks (name, lane, minutes), the join, the end."""
    from workbench.bpmn.builder import ModelBuilder

    b = ModelBuilder(name, pool="Test")
    start = b.event("Start", "start", lane="A")
    split = b.gateway("Aufteilen", "parallel", lane="A")
    tasks = [b.task(task, lane=lane, minutes=minutes, medium="fachverfahren")
             for task, lane, minutes in (first, second)]
    join = b.gateway("Zusammen", "parallel", lane="A")
    end = b.event("Ende", "end", lane="A")
    for x, y in ((start, split), *((split, t) for t in tasks), *((t, join) for t in tasks),
                 (join, end)):
        b.flow(x, y)
    return compiled(b.build())


def test_parallel_and_inclusive_tokens_same_as_reference() -> None:
    """A case whose parallel branch outlives the first token waits for it (the tuned engine
    creates the done event only then)."""
    model = _parallel_model("Parallel", ("Kurz", "A", 5), ("Lang", "B", 50))
    cal = WorkCalendar.build(2026)
    arrivals = np.sort(np.random.default_rng(3).random(400) * cal.period_work_minutes)
    runs = []
    for engine in (Engine, ReferenceEngine):
        pools = {role: Pool(role, 1.0) for role in model.roles}
        stream = Stream("p", model.root, arrivals, random.Random(3))
        engine(cal, pools).run([stream])
        runs.append((stream.done_cal.tolist(), stream.queue_cal.tolist(),
                     stream.handling.tolist(), [(p.busy, p.waited) for p in pools.values()]))
    assert runs[0] == runs[1]
    assert np.isfinite(runs[0][0]).all()


def test_simultaneous_starts_keep_simpys_order() -> None:
    """Cases that arrive at the same minute (also at minute 0), parallel branches on one
    contended role, two streams, with and without the monthly progress stops: the engine's own
    loop starts processes in SimPy's order (SimPy's loop and processes run the reference)."""
    model = _parallel_model("Gleichzeitig", ("Eins", "A", 7), ("Zwei", "A", 3))
    cal = WorkCalendar.build(2026)
    bunches = np.random.default_rng(5).random(60) * cal.period_work_minutes
    arrivals = np.sort(np.concatenate([[0.0] * 5, np.repeat(np.floor(bunches), 6)]))
    runs = []
    for engine in (Engine, ReferenceEngine):
        for progress in (None, lambda fraction, text: None):
            pools = {role: Pool(role, 1.0) for role in model.roles}
            streams = [Stream(k, model.root, arrivals, random.Random(k)) for k in ("a", "b")]
            engine(cal, pools).run(streams, progress=progress)
            runs.append([(s.done_cal.tolist(), s.queue_cal.tolist(), s.queue_work.tolist())
                         for s in streams] + [(p.busy, p.waited, p.queue_at_end)
                                              for p in pools.values()])
    assert runs[0] == runs[1] == runs[2] == runs[3]
    assert max(runs[0][0][2]) > 0  # the role was contended


def test_inlined_triangular_draw_is_random_triangular() -> None:
    """One staff step per case, no queue: case k gets the k-th draw of random.triangular."""
    defs = one_task_model(6.0)
    model = compiled(defs)
    step = next(s for s in model.root.steps if s.mean > 0)
    cal = WorkCalendar.build(2026)
    arrivals = np.arange(300, dtype=float) * 100.0  # far apart: nobody waits
    stream = Stream("t", model.root, arrivals, random.Random(11))
    Engine(cal, {role: Pool(role, 5.0) for role in model.roles}).run([stream])
    rng = random.Random(11)
    expected = [rng.triangular(step.low, step.high, step.mode) for _ in range(300)]
    assert stream.handling.tolist() == expected
    assert (step.low, step.mode, step.high) == (4.5, 6.0, 7.5)


def test_calendar_conversion_of_arrays_equals_scalar_and_formula() -> None:
    cal = WorkCalendar.build(2026)
    rng = np.random.default_rng(5)
    values = np.concatenate([rng.random(2000) * cal.cum[-1], np.asarray(cal.cum, dtype=float),
                             [0.0, 0.5, float(cal.cum[-1]) + 10.0]])
    scalar = [cal.to_calendar(float(w)) for w in values]
    assert cal.to_calendar_array(values).tolist() == scalar

    def formula(w: float) -> float:  # the documented rule, written out once more
        i = bisect.bisect_right(cal.cum, w) - 1
        if i >= len(cal.open_day):
            i = len(cal.open_day) - 1
        elif i > 0 and w == cal.cum[i]:
            i -= 1
        return cal.open_day[i] * DAY + cal.open_start[i] + (w - cal.cum[i])

    assert scalar == [formula(float(w)) for w in values]


def test_after_calendar_delay_is_the_composition_of_both_conversions() -> None:
    """The Liegezeit's end, written out in one function, is max(w, to_work(to_calendar(w) +
    minutes)) to the float: random minutes, every day boundary, waits of parts of a day to
    beyond the run-out year, a calendar with a free Friday and odd hours."""
    rng = np.random.default_rng(8)
    for cal in (WorkCalendar.build(2026),
                WorkCalendar.build(2025, {"mo": (420, 1000), "di": (0, 1440), "do": (1, 2)},
                                   "BY")):
        starts = np.concatenate([rng.random(3000) * cal.cum[-1], np.asarray(cal.cum, float),
                                 np.asarray(cal.cum, float) - 0.5, [0.0, cal.cum[-1] + 3.0]])
        waits = (0.25, 1.0, 90.0, 1440.0, 2 * 1440.0, 10 * 1440.0 + 17.5, 400 * 1440.0)
        for w in starts.tolist():
            for minutes in waits:
                expected = max(w, cal.to_work(cal.to_calendar(w) + minutes))
                assert cal.after_calendar_delay(w, minutes) == expected, (w, minutes)


def test_queue_waits_converted_in_blocks_same_as_reference(repo: Repository,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """The engine converts queue waits to calendar minutes in blocks after the events; with
    blocks of 7 waits (many partial sums per case across blocks) the bytes stay those of the
    reference engine, which converts each wait when it ends."""
    from workbench.simulation import engine

    monkeypatch.setattr(engine, "_WAITS_BLOCK", 7)
    tuned, reference = _both(repo, "033560011", default_plan(), monkeypatch)
    assert tuned == reference
    waits = [row["warten_tage"] for scenario in json.loads(tuned)["szenarien"]
             for row in scenario["leistungen"]]
    assert sum(w > 0 for w in waits if w is not None) >= 3  # cases did queue


def test_steps_a_token_only_passes_are_skipped_with_the_same_bytes(
        repo: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    """Routing past start events, events without a wait and one-way gateways at compile time
    (a quarter of the steps the example's cases take) changes no draw and no result."""
    from workbench.simulation import flowgraph

    model = compiled(one_task_model(6.0))
    first = model.root.steps[model.root.starts[0]]
    assert "Bearbeiten" in first.label  # not the start event "Antrag"
    assert model.root.steps[first.targets[0]].route == flowgraph.END
    assert model.root.linear  # one token from start to end: no _Run per case
    parallel = _parallel_model("Parallel", ("Kurz", "A", 5), ("Lang", "B", 50)).root
    split = parallel.steps[parallel.starts[0]]  # the start event is skipped
    assert split.route == flowgraph.ALL and len(split.targets) == 2  # both, nothing drawn
    assert not parallel.linear
    skipped = dumps(kommune.simulate(repo, "033560011", default_plan()))
    monkeypatch.setattr(kommune, "_COMPILED", {})
    monkeypatch.setattr(flowgraph, "_through", lambda steps: list(range(len(steps))))
    walked = dumps(kommune.simulate(repo, "033560011", default_plan()))
    assert skipped == walked
