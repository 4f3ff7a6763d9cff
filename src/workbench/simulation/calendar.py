"""The working calendar of a Kommune: working days, working hours, public holidays.

The simulation clock runs in *working minutes* (minutes in which staff work), so queues only
move while the office works and no shift process is needed. :class:`WorkCalendar` converts
between that clock and calendar minutes since 1 January 00:00 of the simulated year:
waiting times (Liegezeiten, Postlauf) pass in calendar time, Durchlaufzeiten are measured in
calendar time. Public holidays come from the ``holidays`` package (Land given by its
ISO code, default Niedersachsen ``NI``); the defaults are documented in ``docs/simulation.md``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

DAY = 1440
WEEKDAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")
WEEKDAY_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
#: Default working hours: Monday to Thursday 7:30–16:00, Friday 7:30–13:00 (38,5 h per week
#: without breaks would be 39; documented in docs/simulation.md).
DEFAULT_HOURS: dict[str, tuple[int, int]] = {
    "mo": (450, 960), "di": (450, 960), "mi": (450, 960), "do": (450, 960), "fr": (450, 780),
}
DEFAULT_LAND = "NI"
RUNOUT_YEARS = 1  # calendar kept after the period so open cases can finish
_SPAN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")


class CalendarError(ValueError):
    """Unusable working hours or Land (German message)."""


def parse_hours(raw: Mapping[str, object], where: str) -> dict[str, tuple[int, int]]:
    """Working hours per weekday from ``{mo: "07:30-16:00", …}``; a missing day is free.

    Raises :class:`CalendarError` naming ``where`` and the day for unknown days or bad spans."""
    out: dict[str, tuple[int, int]] = {}
    for key, value in raw.items():
        day = str(key).strip().lower()[:2]
        if day not in WEEKDAYS:
            raise CalendarError(f"{where}: '{key}' ist kein Wochentag; erlaubt: "
                                f"{', '.join(WEEKDAYS)}.")
        if value in (None, "", "frei", "geschlossen"):
            continue
        match = _SPAN.match(str(value))
        if not match:
            raise CalendarError(f"{where}.{key}: '{value}' ist keine Zeitspanne; erwartet wird "
                                "z. B. \"07:30-16:00\" oder \"frei\".")
        h1, m1, h2, m2 = (int(x) for x in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not (0 <= start < end <= DAY and m1 < 60 and m2 < 60):
            raise CalendarError(f"{where}.{key}: '{value}' – das Ende muss nach dem Beginn "
                                "liegen, beide zwischen 00:00 und 24:00.")
        out[day] = (start, end)
    if not out:
        raise CalendarError(f"{where}: an keinem Wochentag wird gearbeitet; bitte mindestens "
                            "einen Tag mit Arbeitszeit angeben.")
    return out


def holiday_dates(land: str, years: list[int]) -> dict[dt.date, str]:
    """Public holidays of a German Land (ISO subdivision code, e.g. NI) with German names."""
    import holidays

    code = land.strip().upper()
    if code not in holidays.Germany.subdivisions:
        raise CalendarError(f"Bundesland '{land}' ist unbekannt; erlaubt: "
                            f"{', '.join(holidays.Germany.subdivisions)}.")
    table = holidays.Germany(subdiv=code, years=years, language="de")
    return dict(sorted(table.items()))


@dataclass(frozen=True)
class WorkCalendar:
    """Working days of one year (plus run-out) and conversions between the two clocks."""

    year: int
    hours: tuple[tuple[str, tuple[int, int]], ...]
    land: str
    holidays: tuple[tuple[dt.date, str], ...]
    open_day: tuple[int, ...]  # calendar day index (0 = 1 Jan) of each working day
    open_start: tuple[int, ...]  # minute of the day work starts, per working day
    open_len: tuple[int, ...]  # working minutes, per working day
    cum: tuple[int, ...]  # working minutes before each working day (len = days + 1)
    next_work: tuple[int, ...]  # per calendar day: index of the first working day on/after it
    period_days: int  # calendar days of the simulated year
    base: tuple[int, ...] = field(init=False, repr=False, compare=False)  # day start, calendar
    # ``cum`` as floats: the conversions compare it with float minutes thousands of times per
    # run, and float-to-float comparison is the fast one (the values are exact either way)
    cumf: tuple[float, ...] = field(init=False, repr=False, compare=False)
    # ``cum`` and ``base`` as numpy arrays for :meth:`to_calendar_array` (made once)
    cum_array: np.ndarray = field(init=False, repr=False, compare=False)
    base_array: np.ndarray = field(init=False, repr=False, compare=False)
    #: :meth:`after_calendar_delay` with the tables bound as locals (the engine's hot path)
    delay_end: Callable[[float, float], float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", tuple(d * DAY + s for d, s in
                                               zip(self.open_day, self.open_start, strict=True)))
        object.__setattr__(self, "cumf", tuple(float(x) for x in self.cum))
        object.__setattr__(self, "delay_end", _delay_end_function(self))
        for name, values in (("cum_array", self.cum), ("base_array", self.base)):
            array = np.asarray(values, dtype=np.int64)
            array.flags.writeable = False
            object.__setattr__(self, name, array)

    @classmethod
    def build(cls, year: int, hours: Mapping[str, tuple[int, int]] | None = None,
              land: str | None = DEFAULT_LAND) -> WorkCalendar:
        """Working days of ``year`` (and the run-out year); ``land`` None: no holidays."""
        hours = dict(hours or DEFAULT_HOURS)
        years = list(range(year, year + RUNOUT_YEARS + 1))
        free = holiday_dates(land, years) if land else {}
        first = dt.date(year, 1, 1)
        total = (dt.date(year + RUNOUT_YEARS + 1, 1, 1) - first).days
        open_day, open_start, open_len, cum, next_work = [], [], [], [0], []
        for d in range(total):
            date = first + dt.timedelta(days=d)
            span = hours.get(WEEKDAYS[date.weekday()])
            if span and date not in free:
                open_day.append(d)
                open_start.append(span[0])
                open_len.append(span[1] - span[0])
                cum.append(cum[-1] + span[1] - span[0])
        j = 0
        for d in range(total + 1):
            while j < len(open_day) and open_day[j] < d:
                j += 1
            next_work.append(j)
        return cls(year, tuple(sorted(hours.items(), key=lambda kv: WEEKDAYS.index(kv[0]))),
                   (land or "–").upper(), tuple((k, v) for k, v in free.items() if k.year == year),
                   tuple(open_day), tuple(open_start), tuple(open_len), tuple(cum),
                   tuple(next_work), (dt.date(year + 1, 1, 1) - first).days)

    @classmethod
    def cached(cls, year: int, hours: Mapping[str, tuple[int, int]] | None = None,
               land: str | None = DEFAULT_LAND) -> WorkCalendar:
        """:meth:`build`, once per process for the same year, hours and Land (a calendar is
        immutable; every Kommune and scenario of a run with the same hours shares it)."""
        spans = tuple((day, tuple(span)) for day, span in dict(hours or DEFAULT_HOURS).items())
        return _cached_calendar(cls, year, spans, land)

    # ------------------------------------------------------------------ figures
    @property
    def working_days(self) -> int:
        """Working days within the simulated year."""
        return self.next_work[self.period_days]

    @property
    def period_work_minutes(self) -> int:
        """Working minutes within the simulated year."""
        return self.cum[self.working_days]

    @property
    def work_hours_year(self) -> float:
        return self.period_work_minutes / 60.0

    def lines(self) -> list[str]:
        """German description for assumptions."""
        spans = ", ".join(f"{WEEKDAY_NAMES[WEEKDAYS.index(d)][:2]} {_hm(a)}–{_hm(b)}"
                          for d, (a, b) in self.hours)
        return [f"Arbeitszeit: {spans}; {self.working_days} Arbeitstage im Jahr {self.year} "
                f"({len(self.holidays)} Feiertage in {self.land} fallen heraus, Quelle: "
                "Paket holidays)."]

    # ------------------------------------------------------------------ conversions
    def to_calendar(self, w: float) -> float:
        """Calendar minute of working minute ``w`` (the end of a working day maps to its
        closing time)."""
        cum = self.cumf
        i = bisect.bisect_right(cum, w) - 1
        if i >= len(self.open_day):
            i = len(self.open_day) - 1
        elif i > 0 and w == cum[i]:
            i -= 1  # exactly at a day boundary: closing time of the previous day
        return self.base[i] + (w - cum[i])

    def to_calendar_array(self, w: np.ndarray) -> np.ndarray:
        """:meth:`to_calendar` of many working minutes ``w`` ≥ 0 at once (the same floats)."""
        w = np.asarray(w, dtype=float)
        cum = self.cum_array
        n = len(self.open_day)
        i = np.searchsorted(cum, w, side="right") - 1
        over = i >= n
        i = np.where(over, n - 1, i)
        i = i - ((~over) & (i > 0) & (w == cum[i]))
        return self.base_array[i] + (w - cum[i])

    def to_work(self, c: float) -> float:
        """Working minute at calendar minute ``c`` (outside working hours: the next start)."""
        day = int(c // DAY)
        if day >= len(self.next_work):
            return float(self.cum[-1])
        j = self.next_work[day]
        if j >= len(self.open_day):
            return float(self.cum[-1])
        if self.open_day[j] == day:
            offset = c - day * DAY - self.open_start[j]
            if offset <= 0:
                return float(self.cum[j])
            if offset < self.open_len[j]:
                return self.cum[j] + offset
            return float(self.cum[j + 1])
        return float(self.cum[j])

    def after_calendar_delay(self, w: float, minutes: float) -> float:
        """Working minute at which a wait of ``minutes`` calendar minutes started at ``w`` ends:
        ``max(w, to_work(to_calendar(w) + minutes))``, written out in one function (the
        simulation calls it for every Liegezeit; the same arithmetic, the same floats)."""
        return self.delay_end(w, minutes)


def _delay_end_function(cal: WorkCalendar) -> Callable[[float, float], float]:
    """:meth:`WorkCalendar.after_calendar_delay` of ``cal`` with its tables bound as locals."""
    cum, days, base, next_work, open_day, open_start, open_len = \
        cal.cumf, len(cal.open_day), cal.base, cal.next_work, cal.open_day, cal.open_start, \
        cal.open_len
    last, after, bisect_right = cum[-1], len(cal.next_work), bisect.bisect_right

    def delay_end(w: float, minutes: float) -> float:
        # max(w, end) spelt ``end if end > w else w``: the same value, no builtin call
        i = bisect_right(cum, w) - 1
        if i >= days:
            i = days - 1
        elif i > 0 and w == cum[i]:
            i -= 1
        c = base[i] + (w - cum[i]) + minutes  # to_calendar(w) + minutes
        day = int(c // DAY)  # to_work(c):
        if day >= after:
            end = last
        else:
            j = next_work[day]
            if j >= days:
                end = last
            elif open_day[j] == day:
                offset = c - day * DAY - open_start[j]
                if offset <= 0:
                    end = cum[j]
                elif offset < open_len[j]:
                    end = cum[j] + offset
                else:
                    end = cum[j + 1]
            else:
                end = cum[j]
        return end if end > w else w

    return delay_end


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@functools.lru_cache(maxsize=64)
def _cached_calendar(cls: type[WorkCalendar], year: int,
                     spans: tuple[tuple[str, tuple[int, ...]], ...],
                     land: str | None) -> WorkCalendar:
    return cls.build(year, {day: (span[0], span[1]) for day, span in spans}, land)
