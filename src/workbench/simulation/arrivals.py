"""When cases arrive: the Fallzahl of the year spread over the working days by a seasonal profile.

Exactly ``round(Fallzahl × Faktor)`` cases arrive in the simulated year. Each picks a working
day with probability proportional to the day's weight (its month's weight, or 1 inside a
date window and 0 outside) times the day's working minutes, and a moment uniformly within
that day's working hours. Given their number, such arrival times are those of a Poisson
process whose rate follows the profile — the usual assumption for independent applicants.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np

from .calendar import WorkCalendar

MONTHS = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")


@dataclass(frozen=True, slots=True)
class Season:
    """A seasonal profile: 12 month weights, or a date window (month-day, year-free)."""

    months: tuple[float, ...] = (1.0,) * 12
    window: tuple[tuple[int, int], tuple[int, int]] | None = None  # ((m, d), (m, d))
    source: str = "gleichmäßig über das Jahr (Standard)"

    def weight(self, date: dt.date) -> float:
        if self.window is not None:
            (m1, d1), (m2, d2) = self.window
            return 1.0 if (m1, d1) <= (date.month, date.day) <= (m2, d2) else 0.0
        return self.months[date.month - 1]

    def describe(self) -> str:
        if self.window is not None:
            (m1, d1), (m2, d2) = self.window
            return f"nur vom {d1:02d}.{m1:02d}. bis {d2:02d}.{m2:02d}. ({self.source})"
        if len(set(self.months)) == 1:
            return self.source
        total = sum(self.months)
        parts = ", ".join(f"{MONTHS[i]} {w / total * 100:.0f} %".replace(".", ",")
                          for i, w in enumerate(self.months))
        return f"{parts} ({self.source})"


def _window_before_second_sunday_of_september(weeks: int = 6
                                              ) -> tuple[tuple[int, int], tuple[int, int]]:
    """Six weeks before the second Sunday in September 2026 (13.09.), as month-day pairs."""
    election = dt.date(2026, 9, 13)
    start = election - dt.timedelta(weeks=weeks)
    end = election - dt.timedelta(days=2)  # Briefwahl closes on the Friday before
    return (start.month, start.day), (end.month, end.day)


#: Documented default profiles (docs/simulation.md); everything else arrives evenly.
DEFAULT_SEASONS: dict[str, Season] = {
    "briefwahl": Season(window=_window_before_second_sunday_of_september(),
                        source="Annahme: eine Wahl am 13. September, Briefwahl in den sechs "
                               "Wochen davor"),
    "kita_anmeldung": Season(months=(3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
                             source="Annahme: Anmeldefrist für das Kita-Jahr im ersten Quartal"),
    "fischereischein": Season(months=(1, 1, 2, 2, 2, 1.5, 1, 1, 1, 1, 0.5, 0.5),
                              source="Annahme: Frühjahrsspitze vor der Angelsaison"),
    "anmeldung_einwohner": Season(months=(1, 1, 1, 1, 1, 1, 1.2, 1.3, 1.3, 1.1, 1, 0.8),
                                  source="Annahme: mehr Umzüge im Spätsommer"),
}


def season_for(leistung: str, overrides: dict[str, Season]) -> Season:
    return overrides.get(leistung) or DEFAULT_SEASONS.get(leistung) or Season()


def arrival_times(cases: int, season: Season, cal: WorkCalendar,
                  rng: np.random.Generator) -> np.ndarray:
    """Sorted working minutes at which ``cases`` cases arrive within the simulated year."""
    days = cal.working_days
    if cases <= 0 or days == 0:
        return np.zeros(0)
    day = rng.choice(days, size=cases, p=day_probabilities(season, cal))
    start = np.asarray(cal.cum[:days], dtype=float)[day]
    length = np.asarray(cal.open_len[:days], dtype=float)[day]
    return np.sort(start + rng.random(cases) * length)


@functools.lru_cache(maxsize=256)
def day_probabilities(season: Season, cal: WorkCalendar) -> np.ndarray:
    """Probability that a case arrives on each working day of the year: the day's season
    weight times its working minutes, normalised (read-only; made once per season and
    calendar – every stream of every scenario with the same profile shares it)."""
    days = cal.working_days
    first = dt.date(cal.year, 1, 1)
    weights = np.array([season.weight(first + dt.timedelta(days=cal.open_day[j]))
                        * cal.open_len[j] for j in range(days)], dtype=float)
    if weights.sum() <= 0:
        weights = np.array(cal.open_len[:days], dtype=float)
    probabilities = weights / weights.sum()
    probabilities.flags.writeable = False
    return probabilities


@functools.lru_cache(maxsize=256)
def month_shares(season: Season, cal: WorkCalendar) -> np.ndarray:
    """Share of the year's arrivals in each month (12 values): the working days' season
    weight times working minutes, summed per month, over the whole (read-only; made once per
    season and calendar, as every Kommune of a batch with the same calendar shares it). Even
    weights give each month's share of the year's working minutes."""
    first = dt.date(cal.year, 1, 1)
    days = cal.working_days
    month = np.array([(first + dt.timedelta(days=cal.open_day[j])).month - 1
                      for j in range(days)])
    minutes = np.asarray(cal.open_len[:days], dtype=float)
    weights = np.array([season.weight(first + dt.timedelta(days=cal.open_day[j]))
                        for j in range(days)]) * minutes
    if weights.sum() <= 0:
        weights = minutes
    shares = np.bincount(month, weights=weights, minlength=12) / weights.sum()
    shares.flags.writeable = False
    return shares
