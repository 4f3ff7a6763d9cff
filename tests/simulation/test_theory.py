"""The simulation against queueing theory and against the Markov expected minutes.

M/M/1 and M/M/c: Poisson arrivals (a fixed number of cases placed uniformly over a round-the-
clock year is a Poisson process conditioned on its count), exponential handling, one role with
c persons. The mean wait in the queue of 12 independent seeded replications must contain the
Erlang-C value in its 99 % confidence interval (t-quantile, 11 degrees of freedom).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.conftest import EXAMPLE
from tests.simulation.helpers import ROUND_THE_CLOCK, compiled, one_task_model, run_queue
from workbench.bpmn.builder import ModelBuilder
from workbench.metrics import compute
from workbench.repository import Repository
from workbench.simulation.calendar import WorkCalendar
from workbench.simulation.theory import erlang_c, mmc_wait

T_99_DF11 = 3.106  # two-sided 99 % quantile of Student's t with 11 degrees of freedom
REPLICATIONS = 12


def test_erlang_c_by_hand() -> None:
    # M/M/1: P(wait) = ρ, Wq = ρ / (μ − λ); λ = 0.7, μ = 1 → 0.7 / 0.3
    assert erlang_c(1, 0.7, 1.0) == pytest.approx(0.7)
    assert mmc_wait(1, 0.7, 1.0) == pytest.approx(0.7 / 0.3)
    # M/M/2, a = 1 Erlang: P(wait) = (1/2 / 0.5) / (1 + 1 + 1) = 1/3, Wq = (1/3) / (2 − 1)
    assert erlang_c(2, 1.0, 1.0) == pytest.approx(1 / 3)
    assert mmc_wait(2, 1.0, 1.0) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="Auslastung"):
        erlang_c(1, 1.0, 1.0)


@pytest.mark.parametrize(("servers", "rho"), [(1, 0.7), (3, 0.8)], ids=["M/M/1", "M/M/3"])
def test_queue_wait_matches_erlang_c(servers: int, rho: float) -> None:
    minutes = 60.0
    defs = one_task_model(minutes)
    means = []
    for rep in range(REPLICATIONS):
        cal_minutes = 511200.0  # a round-the-clock year without the 10 holidays of NI 2026
        cases = round(rho * servers / minutes * cal_minutes)
        stream, _pools, cal = run_queue(defs, servers=servers, cases=cases, seed=1000 + rep)
        assert cal.period_work_minutes == cal_minutes
        assert np.isfinite(stream.done_cal).all()
        means.append(stream.queue_work.mean())
    lam = cases / cal_minutes
    theory = mmc_wait(servers, lam, 1.0 / minutes)
    mean, half = np.mean(means), T_99_DF11 * np.std(means, ddof=1) / math.sqrt(REPLICATIONS)
    assert mean - half <= theory <= mean + half, (mean, half, theory)
    assert half < 0.25 * theory  # the interval is tight enough to mean something


def test_linear_model_without_queue_equals_markov_exactly() -> None:
    b = ModelBuilder("Linear", pool="Test")
    s = b.event("Start", "start", lane="A")
    t1 = b.task("Erfassen", lane="A", minutes=7, medium="papier")
    t2 = b.task("Prüfen", lane="B", minutes=12.5, medium="fachverfahren", wait_days=2)
    t3 = b.task("Bescheid", lane="A", minutes=3, medium="email")
    e = b.event("Ende", "end", lane="A")
    for x, y in ((s, t1), (t1, t2), (t2, t3), (t3, e)):
        b.flow(x, y)
    defs = b.build()
    markov = compute(defs)
    no_holidays = WorkCalendar.build(2026, ROUND_THE_CLOCK, land=None)
    stream, _, _ = run_queue(defs, servers=50, cases=200, seed=3, distribution="fest",
                             calendar=no_holidays)
    assert (stream.handling == markov.expected_minutes).all()
    assert markov.expected_minutes == 22.5
    # no queue: lead time = handling + 2 calendar days of Liegezeit, to the minute
    assert (stream.queue_work == 0).all()
    lead = stream.done_cal - stream.arrival_cal
    assert np.allclose(lead, 22.5 + 2 * 1440, atol=1e-6)


def _example_models():
    repo = Repository.load(EXAMPLE)
    for lid in repo.leistungen["id"]:
        for variant in ("ist", "soll"):
            defs = repo.model(lid, variant)
            if defs is not None:
                yield pytest.param(defs, id=f"{lid}-{variant}")


@pytest.mark.parametrize("defs", list(_example_models()))
def test_example_models_mean_minutes_match_markov(defs) -> None:
    """Branches and loops: the simulated mean handling minutes (fixed step times, no queue)
    lie within the 99,9 % interval of the Markov expected minutes."""
    expected = compute(defs).expected_minutes
    stream, _, _ = run_queue(defs, servers=1000, cases=4000, seed=11, distribution="fest")
    assert np.isfinite(stream.done_cal).all()
    mean = stream.handling.mean()
    half = 3.29 * stream.handling.std(ddof=1) / math.sqrt(len(stream.handling))
    assert abs(mean - expected) <= half + 1e-9, (mean, expected, half)
    assert compiled(defs).expected_minutes == pytest.approx(expected)


def test_seat_pool_gives_the_same_result_as_simpy_resource() -> None:
    """The lighter seat pool keeps simpy.Resource's first-come, first-served order exactly."""
    from workbench.simulation.kommune import prepare, run_scenario
    from workbench.simulation.scenario import default_plan

    repo = Repository.load(EXAMPLE)
    plan = default_plan(seed=8)
    prepared = prepare(repo, "033560011", plan)
    ours = run_scenario(prepared, plan.scenarios[0], plan)
    plain = run_scenario(prepared, plan.scenarios[0], plan, plain_simpy=True)
    assert ours == plain
    assert ours["summe"]["faelle"] > 3000
