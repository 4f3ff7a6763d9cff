"""The simulation engine as it was before its per-event code was tuned (commit 5183771), kept
as the reference: the tuned :class:`workbench.simulation.engine.Engine` must give the same
results, byte for byte, because it processes the same SimPy events in the same order."""

from __future__ import annotations

import random
from collections.abc import Callable, Generator, Sequence
from typing import Any

import numpy as np
import simpy

from workbench.simulation.calendar import WorkCalendar
from workbench.simulation.engine import DISTRIBUTIONS, Pool, Seats, Stream, _month_starts
from workbench.simulation.flowgraph import CHOOSE, EACH, END, Container, Step


class _Run:
    """Token bookkeeping of one container execution (parallel branches, joins)."""

    __slots__ = ("active", "done", "joins", "or_tokens")

    def __init__(self, env: simpy.Environment) -> None:
        self.active = 0
        self.done = env.event()
        self.joins: dict[int, int] = {}
        self.or_tokens = 1


class ReferenceEngine:
    """One simulation run over a calendar, shared pools and several streams."""

    def __init__(self, calendar: WorkCalendar, pools: dict[str, Pool], *,
                 distribution: str = "dreieck", plain_simpy: bool = False) -> None:
        """``plain_simpy`` queues with ``simpy.Resource`` instead of :class:`Seats` (same
        order, same results; the benchmark's baseline)."""
        if distribution not in DISTRIBUTIONS:
            raise ValueError(f"Unbekannte Verteilung '{distribution}'.")
        self.cal = calendar
        self.env = simpy.Environment()
        self.pools = pools
        self.distribution = distribution
        self.period_end = float(calendar.period_work_minutes)
        self.plain = plain_simpy
        for pool in pools.values():
            pool.resource = (simpy.Resource(self.env, capacity=pool.servers) if plain_simpy
                             else Seats(pool.servers))

    # ------------------------------------------------------------------ running
    def run(self, streams: Sequence[Stream], *,
            progress: Callable[[float, str], None] | None = None) -> None:
        """Simulate every case of every stream until all are done or the calendar ends;
        ``progress(fraction, text)`` is called after each simulated month."""
        env = self.env
        for s in streams:
            n = len(s.arrivals)
            s.arrival_cal = np.array([self.cal.to_calendar(w) for w in s.arrivals])
            s.done_cal = np.full(n, np.nan)
            s.queue_cal = np.zeros(n)
            s.queue_work = np.zeros(n)
            s.handling = np.zeros(n)
            s.cost = np.zeros(n)
            env.process(self._source(s))
        env.process(self._snapshot())
        end = float(self.cal.cum[-1])
        if progress is None:
            env.run(until=end)
            return
        marks = [float(self.cal.to_work(d * 1440.0)) for d in _month_starts(self.cal.year)]
        marks = [*sorted({m for m in marks if 0 < m < end}), end]
        for k, mark in enumerate(marks):
            env.run(until=mark)
            progress((k + 1) / len(marks), f"Monat {k + 1} von {len(marks)}")
            if not env._queue:  # nothing left to simulate
                break

    def _snapshot(self) -> Generator[Any, Any, None]:
        yield self.env.timeout(self.period_end)
        for pool in self.pools.values():
            seats = pool.resource
            pool.queue_at_end = (len(seats.queue) + seats.count if self.plain
                                 else len(seats.waiting) + pool.servers - seats.free)

    def _source(self, s: Stream) -> Generator[Any, Any, None]:
        env = self.env
        for i, at in enumerate(s.arrivals):
            if at > env.now:
                yield env.timeout(at - env.now)
            env.process(self._case(s, i))

    def _case(self, s: Stream, i: int) -> Generator[Any, Any, None]:
        yield from self._container(s.root, s, i)
        s.done_cal[i] = self.cal.to_calendar(self.env.now)

    def _container(self, c: Container, s: Stream, i: int) -> Generator[Any, Any, None]:
        run = _Run(self.env)
        starts = c.starts
        if c.start_weights:
            starts = (starts[_pick(c.start_weights, s.rng.random())],)
        run.active = len(starts)
        for extra in starts[1:]:
            self.env.process(self._token(c, extra, run, s, i))
        yield from self._token(c, starts[0], run, s, i)
        if not run.done.triggered:
            yield run.done

    def _token(self, c: Container, at: int, run: _Run, s: Stream,
               i: int) -> Generator[Any, Any, None]:
        env, steps = self.env, c.steps
        while True:
            step = steps[at]
            if step.join:
                need = step.join if step.join > 0 else run.or_tokens
                count = run.joins.get(at, 0) + 1
                if count < need:
                    run.joins[at] = count
                    break
                run.joins[at] = 0
            if step.mean > 0:
                yield from self._work(step, s, i)
            if step.inner is not None:
                yield from self._container(step.inner, s, i)
            if step.wait > 0:
                end = self.cal.after_calendar_delay(env.now, step.wait)
                if end > env.now:
                    yield env.timeout(end - env.now)
            nxt = self._next(step, s.rng, run)
            if not nxt:
                break
            for extra in nxt[1:]:
                run.active += 1
                env.process(self._token(c, extra, run, s, i))
            at = nxt[0]
        run.active -= 1
        if run.active == 0 and not run.done.triggered:
            run.done.succeed()

    @staticmethod
    def _next(step: Step, rng: random.Random, run: _Run) -> tuple[int, ...]:
        route = step.route
        if route == END:
            return ()
        if route == CHOOSE:
            return (step.targets[_pick(step.weights, rng.random())],)
        if route == EACH:
            fired = tuple(t for t, p in zip(step.targets, step.weights, strict=True)
                          if p >= 1.0 or rng.random() < p)
            if not fired and step.fallback >= 0:
                fired = (step.fallback,)
            if step.sub_split:
                run.or_tokens = max(1, len(fired))
            return fired
        return step.targets

    def _duration(self, step: Step, rng: random.Random) -> float:
        if self.distribution == "dreieck":
            return rng.triangular(step.low, step.high, step.mode) if step.high > step.low \
                else step.mean
        if self.distribution == "exponential":
            return rng.expovariate(1.0 / step.mean)
        return step.mean

    def _work(self, step: Step, s: Stream, i: int) -> Generator[Any, Any, None]:
        env = self.env
        minutes = self._duration(step, s.rng)
        if step.admin:
            s.handling[i] += minutes
            s.cost[i] += minutes * step.rate
        if step.role is None:
            yield env.timeout(minutes)
            return
        pool = self.pools[step.role]
        seats = pool.resource
        t0 = env.now
        if self.plain:
            yield from self._work_plain(step, s, i, pool, minutes)
            return
        if seats.free > 0 and not seats.waiting:
            seats.free -= 1
        else:  # queue (first come, first served); release() hands the seat over
            turn = env.event()
            seats.waiting.append(turn)
            yield turn
        self._account(pool, s, i, t0, minutes)
        yield env.timeout(minutes * pool.stretch)
        if seats.waiting:
            seats.waiting.popleft().succeed()
        else:
            seats.free += 1

    def _work_plain(self, step: Step, s: Stream, i: int, pool: Pool,
                    minutes: float) -> Generator[Any, Any, None]:
        """The textbook SimPy idiom: request, hold, release a ``simpy.Resource``."""
        env = self.env
        t0 = env.now
        with pool.resource.request() as request:
            yield request
            self._account(pool, s, i, t0, minutes)
            yield env.timeout(minutes * pool.stretch)

    def _account(self, pool: Pool, s: Stream, i: int, t0: float, minutes: float) -> None:
        """Book the wait since ``t0`` and the handling minutes when a place is taken."""
        t1 = self.env.now
        if t1 > t0:
            s.queue_work[i] += t1 - t0
            s.queue_cal[i] += self.cal.to_calendar(t1) - self.cal.to_calendar(t0)
            pool.waited += t1 - t0
        pool.requests += 1
        if t1 < self.period_end:
            pool.busy += minutes


def _pick(cumulative: tuple[float, ...], u: float) -> int:
    for k, edge in enumerate(cumulative):
        if u < edge:
            return k
    return len(cumulative) - 1
