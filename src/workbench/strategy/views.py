"""Views over the strategy for CLI and reports: tree, status with trend, resources, roadmap.

Plain functions returning plain data (dicts, lists, frames); the CLI prints them, the report
renders them — so both always show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .model import EFFORT_BEARERS, MODES, STATUS, Measure, StatusReport, Strategy

TREND_DE = {"besser": "↗ besser", "gleich": "→ gleich", "schlechter": "↘ schlechter", "": "–"}


def tree(strategy: Strategy, names: dict[str, str]) -> dict[str, Any]:
    """Vision → Handlungsfelder → Ziele → Maßnahmen → Leistungen as nested dicts."""
    fields = []
    for field in strategy.felder:
        goals = []
        for gid in field.ziele:
            goal = strategy.goal(gid)
            measures = [{
                "id": m.id, "nr": m.nr, "name": m.name, "status": m.status,
                "leistungen": [{"id": lid, "name": names.get(lid, lid), "soll": lid in m.soll}
                               for lid in dict.fromkeys((*m.leistungen, *m.soll))],
            } for m in strategy.measures_of_goal(gid)]
            goals.append({"id": goal.id, "nr": goal.nr, "name": goal.name,
                          "prioritaet": goal.prioritaet, "fokus": goal.fokus,
                          "massnahmen": measures})
        fields.append({"id": field.id, "name": field.name, "ziele": goals})
    return {"titel": strategy.titel, "vision": strategy.vision, "handlungsfelder": fields}


def reports_until(measure: Measure, stand: dt.date | None) -> list[StatusReport]:
    """The status reports written up to ``stand`` (all without a Stand)."""
    return [r for r in measure.statusberichte if stand is None or r.datum <= stand]


def trend(reports: list[StatusReport]) -> str:
    """besser | gleich | schlechter (last vs. previous report), '' with fewer than two."""
    if len(reports) < 2:
        return ""
    last, previous = reports[-1].score, reports[-2].score
    return "besser" if last < previous else "schlechter" if last > previous else "gleich"


@dataclass(frozen=True)
class MeasureStatus:
    """One Maßnahme for the status list: the latest report up to the Stand and the trend."""

    measure: Measure
    latest: StatusReport | None
    trend: str


def status_rows(strategy: Strategy, stand: dt.date | None) -> list[MeasureStatus]:
    """Every Maßnahme in file order with its latest status report and trend at ``stand``."""
    out = []
    for measure in strategy.massnahmen:
        reports = reports_until(measure, stand)
        out.append(MeasureStatus(measure, reports[-1] if reports else None, trend(reports)))
    return out


def status_counts(strategy: Strategy) -> dict[str, int]:
    """Maßnahmen per status (all statuses, in the documented order)."""
    return {s: sum(m.status == s for m in strategy.massnahmen) for s in STATUS}


def resources(strategy: Strategy, kommunen: list[str], *,
              exclude: tuple[str, ...] = ("zurueckgestellt",)) -> pd.DataFrame:
    """Effort summed per Kommune (``je: kommune`` of the Maßnahmen it takes part in) and the
    one-off Verbund effort (``je: verbund``), with a total row ``Verbund gesamt``.

    Columns: ``traeger, vza_min, vza_max, euro_min, euro_max``; rows: each Kommune key, then
    ``Verbund (einmalig)``, then ``Verbund gesamt`` = Σ Kommunen + Verbund (einmalig)."""
    cols = ("vza_min", "vza_max", "euro_min", "euro_max")
    rows = {k: dict.fromkeys(cols, 0.0) for k in kommunen}
    once = dict.fromkeys(cols, 0.0)
    for m in strategy.massnahmen:
        if m.status in exclude:
            continue
        values = {c: getattr(m.aufwand, c) for c in cols}
        if m.aufwand.je == "verbund":
            for c in cols:
                once[c] += values[c]
            continue
        for key in m.participants(kommunen):
            for c in cols:
                rows[key][c] += values[c]
    total = {c: sum(r[c] for r in rows.values()) + once[c] for c in cols}
    frame = pd.DataFrame([{"traeger": k, **v} for k, v in rows.items()]
                         + [{"traeger": EFFORT_BEARERS["verbund"], **once},
                            {"traeger": "Verbund gesamt", **total}])
    return frame


def quarter_index(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters_between(first: dt.date, last: dt.date) -> list[str]:
    """'2026-Q1' … for every quarter from ``first`` to ``last``."""
    year, q = quarter_index(first)
    end = quarter_index(last)
    out = []
    while (year, q) <= end:
        out.append(f"{year}-Q{q}")
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def roadmap(strategy: Strategy) -> tuple[list[str], list[tuple[Measure, set[str]]]]:
    """The quarters spanned by the dated Maßnahmen, and per Maßnahme the quarters it runs in
    (start to end; one quarter when only one date is given)."""
    dated = [m for m in strategy.massnahmen if m.start or m.ende]
    if not dated:
        return [], []
    first = min(d for m in dated for d in (m.start, m.ende) if d)
    last = max(d for m in dated for d in (m.start, m.ende) if d)
    span = quarters_between(first, last)
    rows = [(m, set(quarters_between(m.start or m.ende, m.ende or m.start))) for m in dated]
    return span, rows


def measures_for_kommune(strategy: Strategy, kommune: str, kommunen: list[str]) -> list[Measure]:
    """The Maßnahmen a Kommune takes part in."""
    return [m for m in strategy.massnahmen if kommune in m.participants(kommunen)]


def mode_label(measure: Measure) -> str:
    return MODES.get(measure.modus, measure.modus)
