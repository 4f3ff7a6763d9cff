"""The discrete-event run: SimPy processes for cases, one shared resource per role.

The clock is in working minutes (:mod:`.calendar`); a case walks its compiled model
(:mod:`.flowgraph`), queues for the role of every staff step, holds it for the handling time
and waits its Liegezeiten in calendar time. Everything random comes from one
``random.Random`` per Leistung and variant, seeded from the scenario seed, so a run is
reproducible to the byte.
"""

from __future__ import annotations

import gc
import heapq
import math
import random
from array import array
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from math import sqrt
from typing import Any

import numpy as np
import simpy

from .calendar import WorkCalendar
from .flowgraph import ALL, CHOOSE, END, ONE, Container, Step

#: Handling-time distributions: triangular (default), exponential with the same mean (theory
#: checks), fixed (exactly wb:minutes).
DISTRIBUTIONS = ("dreieck", "exponential", "fest")
#: a process of the engine's own loop (a case, a parallel branch, a stream's source)
Process = Generator[Any, Any, None]


@dataclass(slots=True)
class Pool:
    """One role's staff: ``servers`` places, handling stretched to ``effective`` persons."""

    name: str
    effective: float  # persons present on average during working hours
    servers: int = 0
    stretch: float = 1.0
    resource: Any = None
    busy: float = 0.0  # handling minutes started within the period
    requests: int = 0
    waited: float = 0.0  # working minutes in the queue, summed over requests
    queue_at_end: int = 0

    def __post_init__(self) -> None:
        self.servers = max(1, math.ceil(self.effective - 1e-9))
        self.stretch = self.servers / self.effective if self.effective > 0 else math.inf


@dataclass(slots=True)
class Stream:
    """The cases of one Leistung in one variant."""

    key: str  # Leistung id
    root: Container
    arrivals: np.ndarray  # working minutes, sorted
    rng: random.Random
    # per case, filled by the run
    arrival_cal: np.ndarray = field(default_factory=lambda: np.zeros(0))
    done_cal: np.ndarray = field(default_factory=lambda: np.zeros(0))
    queue_cal: np.ndarray = field(default_factory=lambda: np.zeros(0))
    queue_work: np.ndarray = field(default_factory=lambda: np.zeros(0))
    handling: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cost: np.ndarray = field(default_factory=lambda: np.zeros(0))


# what a token is to its container: a parallel branch, the first token of a sub-process, the
# first token of a whole case (books the case's end)
_BRANCH, _INNER, _CASE = 0, 1, 2
#: arrivals a stream turns into Python floats at a time (all at once: ~32 bytes per case)
_ARRIVALS_CHUNK = 4096
#: queue waits a stream keeps in working minutes before converting them (three slots of one
#: list each; a list, as adding to it is cheaper than an array('d') store, which parses its
#: value)
_WAITS_BLOCK = 4096


class _Run:
    """Token bookkeeping of one container execution (parallel branches, joins).

    The ``done`` event exists only when the first token ends while others still run (it is
    created then and waited for); a run whose tokens end in the first one schedules nothing."""

    __slots__ = ("active", "done", "joins", "or_tokens")

    def __init__(self, active: int) -> None:
        self.active = active
        self.done: Any = None  # simpy.Event, or the waiting process in the engine's own loop
        self.joins: dict[int, int] | None = None
        self.or_tokens = 1


class Engine:
    """One simulation run over a calendar, shared pools and several streams.

    The per-event code is kept lean (the run handles a few hundred thousand SimPy events per
    Kommune-year): per-case figures are collected in Python lists and turned into arrays once,
    the handling time is drawn by :func:`_triangular` (the arithmetic of
    ``random.Random.triangular``, with the step's constants computed once), and a container run
    schedules its ``done`` event only when a parallel token outlives the first one. The run
    loop is the engine's own (:meth:`_drive`, a heap of times and the processes due at each):
    it leaves out each process's start and end event; all other events, and their order, are
    those of the plain formulation (``plain_simpy=True`` runs SimPy's own processes, loop and
    resources). Calendar minutes of case ends and queue waits are computed in bulk
    (:class:`_Cases`)."""

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
        # the engine's own loop: times due (a heap of floats) and, per time, the processes due
        # then in the order they were scheduled (generators, resumed with next(process, None):
        # a process that ends returns None, raising nothing); _current holds the running one.
        # A process of this loop yields the minutes it waits (SimPy's env.timeout) or None
        # (it waits to be woken: a place handed over, its container's tokens done)
        self._times: list[float] = []
        self._due: dict[float, list[Process]] = {}
        self._current: list[Process | None] = [None]
        # the processes due at the time _drive is processing (None outside _drive)
        self._batch: list[list[Process] | None] = [None]
        self._schedule = self._schedule_factory()
        self._own = not plain_simpy
        self._timeout = self.env.timeout
        self._wake = simpy.Event.succeed if plain_simpy else self._wake_factory()
        # processes start through a FIFO and run in this engine's loop (see _drive); the
        # baseline uses SimPy's processes and run loop
        self._starting: deque[Generator[Any, Any, None]] = deque()
        self._start = self.env.process if plain_simpy else self._starting.append
        self._run_until = self.env.run if plain_simpy else self._drive
        # triangular draws are inlined in _token; the others (checks, comparisons) call these
        self._draw = _draw_exponential if distribution == "exponential" else _draw_fixed
        self._account = self._account_factory()
        self._token = self._token_factory()
        for pool in pools.values():
            pool.resource = (simpy.Resource(self.env, capacity=pool.servers) if plain_simpy
                             else Seats(pool.servers))

    # ------------------------------------------------------------------ running
    def run(self, streams: Sequence[Stream], *,
            progress: Callable[[float, str], None] | None = None) -> None:
        """Simulate every case of every stream until all are done or the calendar ends;
        ``progress(fraction, text)`` is called after each simulated month."""
        env = self.env
        cases: list[_Cases] = []
        for s in streams:
            n = len(s.arrivals)
            s.arrival_cal = self.cal.to_calendar_array(s.arrivals)
            acc = _Cases(n, s.rng.random, self.cal)
            cases.append(acc)
            self._start(self._source(s, acc))
        self._start(self._snapshot())
        end = float(self.cal.cum[-1])
        # the run makes and drops a few hundred thousand short-lived objects without reference
        # cycles; the cyclic collector would only scan them (a sixth of the run's time)
        collecting = gc.isenabled()
        gc.disable()
        try:
            if progress is None:
                self._run_until(end)
                return
            marks = [float(self.cal.to_work(d * 1440.0)) for d in _month_starts(self.cal.year)]
            marks = [*sorted({m for m in marks if 0 < m < end}), end]
            for k, mark in enumerate(marks):
                self._run_until(mark)
                progress((k + 1) / len(marks), f"Monat {k + 1} von {len(marks)}")
                if not (env._queue if self.plain else self._times):  # nothing left
                    break
        finally:
            if collecting:
                gc.enable()
            for s, acc in zip(streams, cases, strict=True):
                acc.store(s)

    def _snapshot(self) -> Generator[Any, Any, None]:
        yield self.period_end if self._own else self._timeout(self.period_end)
        for pool in self.pools.values():
            seats = pool.resource
            pool.queue_at_end = (len(seats.queue) + seats.count if self.plain
                                 else len(seats.waiting) + pool.servers - seats.free)

    def _wake_factory(self) -> Callable[[Process], None]:
        """``event.succeed()`` for the engine's own loop: the waiting process is due now,
        after the processes already due now."""
        env, batch, schedule = self.env, self._batch, self._schedule

        def wake(process: Process) -> None:
            now = batch[0]
            if now is None:  # not while _drive processes a time: before the first event
                schedule(env._now, process)
            else:
                now.append(process)

        return wake

    def _schedule_factory(self) -> Callable[[float, Process], None]:
        """Put a process on the engine's own event list at time ``at``."""
        env, times, due, batch, push = self.env, self._times, self._due, self._batch, \
            heapq.heappush

        def schedule(at: float, process: Process) -> None:
            now = batch[0]
            if now is not None and at == env._now:
                now.append(process)
                return
            first = [process]
            waiting = due.setdefault(at, first)
            if waiting is first:
                push(times, at)
            else:
                waiting.append(process)

        return schedule

    def _drive(self, until: float) -> None:
        """``env.run(until=until)`` for this engine's events.

        Every event here wakes exactly one process, so the engine keeps, per time, the
        processes due then in the order they were scheduled, and the times in
        a heap of floats: the order of SimPy's heap entries (time, priority, running number),
        as all of them have the same priority and a later entry has a larger number. While a
        time is processed, a process scheduled for that same time is appended to its list (it
        runs after all entries made before it, as in SimPy). A process that yields a number
        waits that many minutes: it is scheduled at ``now + delay``, SimPy's ``env.timeout``
        (the engine makes no event object for it). The processes queued in
        :attr:`_starting` start where SimPy runs a new process. Two SimPy events are left
        out: the urgent start event of a process (SimPy runs it after the event being
        processed, before any other event of that time, new processes in the order they were
        made – as the loop below starts them) and the event that marks a process as ended
        (nobody waits for one here: a container waits for its tokens through ``_Run.done``)."""
        env, times, due, current, starting, pop, push, now, resume = self.env, self._times, \
            self._due, self._current, self._starting, heapq.heappop, heapq.heappush, \
            self._batch, next
        stop = env._now + (until - env._now)  # when SimPy's until event is due
        self._start_queued()
        try:
            while times and times[0] < stop:
                at = env._now = pop(times)
                batch = now[0] = due.pop(at)
                for process in batch:  # processes scheduled for now are appended: in order
                    while True:  # the process due, then those it started (see _start_queued)
                        current[0] = process
                        delay = resume(process, None)  # None: it waits to be woken, or ended
                        if delay is not None:  # env.timeout(delay), inlined
                            then = at + delay
                            if then <= at:  # no time passes (a negative delay is no later)
                                if delay < 0:
                                    raise ValueError(f"Negative delay {delay}")
                                batch.append(process)
                            else:
                                first = [process]
                                waiting = due.setdefault(then, first)
                                if waiting is first:
                                    push(times, then)
                                else:
                                    waiting.append(process)
                        if not starting:
                            break
                        process = starting.popleft()
        finally:  # (between two times no process runs: the list of the last one may stay)
            now[0] = None
        env._now = stop

    def _start_queued(self) -> None:
        """Run the queued processes, in order, until each waits (or ends); processes they
        start are queued behind them. (Before the first event; after an event, the loop of
        :meth:`_drive` does the same.)"""
        starting, current, env, schedule = self._starting, self._current, self.env, \
            self._schedule
        while starting:
            process = current[0] = starting.popleft()
            delay = next(process, None)
            if delay is not None:
                if delay < 0:
                    raise ValueError(f"Negative delay {delay}")
                schedule(env._now + delay, process)

    def _source(self, s: Stream, acc: _Cases) -> Generator[Any, Any, None]:
        env, timeout, process, rng, root, own, token = self.env, self._timeout, self._start, \
            s.rng, s.root, self._own, self._token
        # the case is its root's only token: one generator, no wrapper; and no _Run when the
        # root has no parallel branches or joins
        simple, entry, runs = len(root.starts) == 1 and not root.start_weights, root.starts[0], \
            not root.linear
        arrivals = s.arrivals
        for first in range(0, len(arrivals), _ARRIVALS_CHUNK):  # not all as Python floats
            for i, at in enumerate(arrivals[first:first + _ARRIVALS_CHUNK].tolist(), first):
                now = env._now
                if at > now:
                    yield (at - now) if own else timeout(at - now)
                if simple:
                    process(token(root, entry, _Run(1) if runs else None, acc, rng, i, _CASE))
                else:
                    process(self._container(root, acc, rng, i, _CASE))

    def _container(self, c: Container, acc: _Cases, rng: random.Random, i: int,
                   main: int = _INNER) -> Generator[Any, Any, None]:
        starts = c.starts
        if c.start_weights:
            starts = (starts[_pick(c.start_weights, rng.random())],)
        if c.linear and len(starts) == 1:  # one token, no branches: no _Run
            yield from self._token(c, starts[0], None, acc, rng, i, main)
            return
        run = _Run(len(starts))
        for extra in starts[1:]:
            self._start(self._token(c, extra, run, acc, rng, i, _BRANCH))
        yield from self._token(c, starts[0], run, acc, rng, i, main)

    def _token_factory(self) -> Callable[..., Generator[Any, Any, None]]:
        """:meth:`_token` with the engine's names bound once per run (a token is made for
        every case and branch; binding them per token was a tenth of a token's work)."""
        env, cal, timeout, draw, account = self.env, self.cal, self._timeout, self._draw, \
            self._account
        triangular = self.distribution == "dreieck"
        period_end, wake, own, current = self.period_end, self._wake, self._own, self._current
        pools, start, delay_end, container = self.pools, self._start, cal.delay_end, \
            self._container
        # the processes due at the time being processed (a place is released only there)
        work_plain, due_now = self._work_plain, self._batch

        def token(c: Container, at: int, run: _Run | None, acc: _Cases, rng: random.Random,
                  i: int, main: int) -> Generator[Any, Any, None]:
            """Walk one token from step ``at``. ``main``: the container's first token (waits
            for the others at the end; for a whole case it then books the case as done) or a
            parallel branch (ends silently, the last one wakes the first). ``run`` is None for
            the only token of a linear container."""
            # the stream's one bound rng.random (a new one per token would live as long as it)
            steps, random_, handling, cost = c.steps, acc.random, acc.handling, acc.cost
            while True:
                step = steps[at]
                if step.acts:  # (a gateway or end event only routes)
                    if step.join:
                        need = step.join if step.join > 0 else run.or_tokens
                        joins = run.joins
                        if joins is None:
                            joins = run.joins = {}
                        count = joins.get(at, 0) + 1
                        if count < need:
                            joins[at] = count
                            break
                        joins[at] = 0
                    if step.mean > 0:
                        if not triangular:
                            minutes = draw(step, rng)
                        elif step.span > 0:  # random.Random.triangular, inlined (same floats:
                            # its high + (low - high) × r is high - span × r, 1 - c is c1)
                            u, k = random_(), step.c
                            if u > k:
                                minutes = step.high - step.span * sqrt((1.0 - u) * step.c1)
                            else:
                                minutes = step.low + step.span * sqrt(u * k)
                        else:
                            minutes = step.mean
                        if step.admin:
                            handling[i] += minutes
                            cost[i] += minutes * step.rate
                        if step.role is None:
                            yield minutes if own else timeout(minutes)
                        elif not own:
                            yield from work_plain(pools[step.role], acc, i, minutes)
                        else:
                            pool = pools[step.role]
                            seats = pool.resource
                            if seats.free > 0:  # (nobody waits while a place is free)
                                seats.free -= 1  # no wait: _account's booking without the queue
                                pool.requests += 1
                                if env._now < period_end:
                                    pool.busy += minutes
                            else:  # queue (first come, first served); the releaser hands it over
                                t0 = env._now
                                seats.waiting.append(current[0])  # this process, woken in turn
                                yield
                                account(pool, acc, i, t0, minutes)
                            yield minutes * pool.stretch
                            if seats.waiting:  # hand the place over: the next one is due now
                                due_now[0].append(seats.waiting.popleft())
                            else:
                                seats.free += 1
                    if step.inner is not None:
                        yield from container(step.inner, acc, rng, i)
                    if step.wait > 0:
                        now = env._now
                        end = delay_end(now, step.wait)
                        if end > now:
                            yield (end - now) if own else timeout(end - now)
                route = step.route
                if route == ONE:
                    at = step.targets[0]
                    continue
                if route == CHOOSE:  # _pick without its guard: the last weight is 1.0 > u
                    at = step.targets[bisect_right(step.weights, random_())]
                    continue
                if route == END:
                    break
                if route == ALL:
                    nxt = step.targets
                else:
                    nxt = _fire(step, rng, run)
                    if not nxt:
                        break
                for extra in nxt[1:]:
                    run.active += 1
                    start(token(c, extra, run, acc, rng, i, _BRANCH))
                at = nxt[0]
            if run is None:  # the only token of a linear container (Container.linear)
                if main == _CASE:
                    acc.done[i] = env._now  # working minute; calendar minute in _Cases.store
                return
            run.active -= 1
            if main == _BRANCH:
                if run.active == 0 and run.done is not None:
                    wake(run.done)
                return
            if run.active:  # other tokens still run: wait for the last of them
                run.done = current[0] if own else env.event()  # woken by the last token
                yield None if own else run.done
            if main == _CASE:
                acc.done[i] = env._now  # working minute; calendar minute in _Cases.store

        return token

    def _work_plain(self, pool: Pool, acc: _Cases, i: int,
                    minutes: float) -> Generator[Any, Any, None]:
        """The textbook SimPy idiom: request, hold, release a ``simpy.Resource``."""
        env = self.env
        t0 = env.now
        with pool.resource.request() as request:
            yield request
            self._account(pool, acc, i, t0, minutes)
            yield env.timeout(minutes * pool.stretch)

    def _account_factory(self) -> Callable[[Pool, _Cases, int, float, float], None]:
        """:meth:`_account`: the clock, the period's end and the block size bound once."""
        env, period_end, block = self.env, self.period_end, _WAITS_BLOCK * 3

        def account(pool: Pool, acc: _Cases, i: int, t0: float, minutes: float) -> None:
            """Book the wait since ``t0`` and the handling minutes when a place is taken."""
            t1 = env._now
            if t1 > t0:  # recorded; the case's sums are added in blocks (_Cases.add_waits)
                waits = acc.waits
                waits += (i, t0, t1)
                if len(waits) >= block:
                    acc.add_waits()
                pool.waited += t1 - t0
            pool.requests += 1
            if t1 < period_end:
                pool.busy += minutes

        return account


class _Cases:
    """Per-case figures of one stream while it runs; :meth:`store` puts them on the stream as
    numpy arrays. Handling minutes and costs, added to at every step of the administration
    (a million times in the example), are lists: storing into a list costs a third of storing
    into an ``array('d')``, which parses every value, for a float object (24 bytes) per case
    and figure more (15 MB for the largest Kommune-year, some 300,000 cases). The case's end,
    written once per case, is an ``array('d')`` (8 bytes per value).

    Calendar minutes are computed in bulk (:meth:`.WorkCalendar.to_calendar_array`, the same
    floats as ``to_calendar``), not per event: a case's end is kept as its working minute and
    converted in :meth:`store`; a wait in a role's queue is kept as (case, start, end) in
    working minutes and converted in blocks of :data:`_WAITS_BLOCK`, its length in working
    and in calendar minutes added to the case's sums in the order the waits ended
    (``np.add.at`` adds in index order), as the per-event sums did."""

    __slots__ = ("cal", "cost", "done", "handling", "queue_cal", "queue_work", "random",
                 "waits")

    def __init__(self, n: int, random_: Callable[[], float], cal: WorkCalendar) -> None:
        self.random = random_  # the stream's rng.random, shared by all its tokens
        self.cal = cal
        self.done = array("d", [math.nan]) * n  # working minute of the case's end
        self.queue_cal = np.zeros(n)
        self.queue_work = np.zeros(n)
        self.handling = [0.0] * n
        self.cost = [0.0] * n
        self.waits: list[float] = []  # case, start, end of each wait (flat), see add_waits

    def add_waits(self) -> None:
        """Add the recorded waits to the cases' sums in working and calendar minutes."""
        if not self.waits:
            return
        block = np.array(self.waits, dtype=float).reshape(-1, 3)
        case, start, end = block[:, 0].astype(np.int64), block[:, 1], block[:, 2]
        to_cal = self.cal.to_calendar_array
        np.add.at(self.queue_cal, case, to_cal(end) - to_cal(start))
        np.add.at(self.queue_work, case, end - start)
        self.waits = []

    def store(self, s: Stream) -> None:
        self.add_waits()
        done = np.array(self.done, dtype=float)
        finished = ~np.isnan(done)
        done[finished] = self.cal.to_calendar_array(done[finished])
        s.done_cal = done
        s.queue_cal = self.queue_cal
        s.queue_work = self.queue_work
        s.handling = np.array(self.handling, dtype=float)
        s.cost = np.array(self.cost, dtype=float)


def _fire(step: Step, rng: random.Random, run: _Run) -> list[int]:
    """Targets of an EACH step: every branch with probability 1, the others by chance."""
    random_ = rng.random
    fired = [t for t, p in zip(step.targets, step.weights, strict=True)
             if p >= 1.0 or random_() < p]
    if not fired and step.fallback >= 0:
        fired = [step.fallback]
    if step.sub_split:
        run.or_tokens = max(1, len(fired))
    return fired


def _draw_exponential(step: Step, rng: random.Random) -> float:
    return rng.expovariate(1.0 / step.mean)


def _draw_fixed(step: Step, rng: random.Random) -> float:
    return step.mean


class Seats:
    """The places of a role: a counter and a FIFO of waiting cases. Lighter than
    ``simpy.Resource`` (no request objects when a place is free) with the same first-come,
    first-served order; a released place passes straight to the next waiting case, so a
    place is free only while nobody waits."""

    __slots__ = ("free", "waiting")

    def __init__(self, places: int) -> None:
        self.free = places
        self.waiting: deque[Process] = deque()  # processes, in turn


def _month_starts(year: int) -> list[int]:
    """Calendar day index of the first of each month of the year and the run-out year."""
    import datetime as dt

    first = dt.date(year, 1, 1)
    return [(dt.date(year + m // 12, m % 12 + 1, 1) - first).days for m in range(1, 24)]


def _pick(cumulative: tuple[float, ...], u: float) -> int:
    """Index of the first cumulative weight above ``u`` (the last one if none is)."""
    k = bisect_right(cumulative, u)
    return k if k < len(cumulative) else len(cumulative) - 1
