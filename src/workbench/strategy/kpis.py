"""Key Results computed from the knowledge base: named queries over catalogue and models.

Each query in :data:`workbench.strategy.model.QUERIES` is a plain function of the repository,
the strategy, the Stand date and the potential frame (Kommune × Leistung; Fallzahlen by the Verbund's
Fallzahl basis, from the years up to the Stand year). Definitions: ``docs/kennzahlen.md``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .model import QUERIES, KeyResult, Measure, Objective, Strategy

Query = Callable[["KpiData"], float | None]


@dataclass(frozen=True)
class KpiData:
    """What the queries read: repository, strategy, Stand, and the potential frame."""

    repo: Any
    strategy: Strategy
    stand: dt.date
    frame: pd.DataFrame


@dataclass(frozen=True)
class KeyResultValue:
    """A Key Result with its current value, progress 0–1 and where the value comes from."""

    objective: Objective
    kr: KeyResult
    aktuell: float | None
    fortschritt: float | None
    quelle: str


def potential_at(repo: Any, stand: dt.date) -> pd.DataFrame:
    """The potential frame with the Fallzahlen known at the Stand (years ≤ the Stand year)."""
    from ..potential import Parameters, collect_metrics, potential_frame

    params = Parameters.from_verbund(repo.verbund.parameter, fallzahl_jahr=stand.year)
    table = collect_metrics(repo)[0]
    return potential_frame(repo.kommunen, repo.leistungen, repo.fallzahlen, table, params)


def delivered(measure: Measure, stand: dt.date) -> bool:
    """A Maßnahme counts as delivered at ``stand``: status umgesetzt and its end not later."""
    return measure.status == "umgesetzt" and (measure.ende is None or measure.ende <= stand)


def delivered_pairs(strategy: Strategy, kommunen: list[str], stand: dt.date
                    ) -> set[tuple[str, str]]:
    """(Kommune, Leistung) whose SOLL a delivered Maßnahme brought (only its participants)."""
    pairs = set()
    for measure in strategy.massnahmen:
        if delivered(measure, stand):
            pairs |= {(k, lid) for k in measure.participants(kommunen) for lid in measure.soll}
    return pairs


def _share(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _ids(data: KpiData) -> list[str]:
    return [str(x) for x in data.repo.leistungen["id"]]


def _with_steckbrief(data: KpiData) -> float | None:
    have = set(data.repo.steckbriefe["leistung"].astype(str))
    ids = _ids(data)
    return _share(sum(lid in have for lid in ids), len(ids))


def _with_soll(data: KpiData) -> float | None:
    ids = _ids(data)
    return _share(sum(data.repo.model_path(lid, "soll").exists() for lid in ids), len(ids))


def _ozg_3(data: KpiData) -> float | None:
    grades = pd.to_numeric(data.repo.leistungen["reifegrad_ist"], errors="coerce").dropna()
    return _share(int((grades >= 3).sum()), len(grades))


def mass_business(data: KpiData) -> list[str]:
    """Leistungen whose Verbund Fallzahl reaches ``massengeschaeft_ab`` (sorted)."""
    totals = data.frame.groupby("leistung", observed=True)["fallzahl"].sum()
    return sorted(str(lid) for lid, v in totals.items() if v >= data.strategy.massengeschaeft_ab)


def _mass_with_ist(data: KpiData) -> float | None:
    mass = mass_business(data)
    return _share(sum(data.repo.model_path(lid, "ist").exists() for lid in mass), len(mass))


def _delivered_sum(data: KpiData, column: str) -> float:
    keys = [str(k) for k in data.repo.kommunen["schluessel"]]
    pairs = delivered_pairs(data.strategy, keys, data.stand)
    frame = data.frame
    mask = [(str(k), str(lid)) in pairs for k, lid in zip(frame["kommune"], frame["leistung"],
                                                           strict=True)]
    return float(pd.to_numeric(frame.loc[mask, column], errors="coerce").fillna(0).sum())


def _hours(data: KpiData) -> float | None:
    return _delivered_sum(data, "stunden_gespart")


def _breaks(data: KpiData) -> float | None:
    return _delivered_sum(data, "medienbrueche_vermieden_pro_jahr")


def _measures_done(data: KpiData) -> float | None:
    measures = data.strategy.massnahmen
    return _share(sum(delivered(m, data.stand) for m in measures), len(measures))


IMPLEMENTATIONS: dict[str, Query] = {
    "anteil_massengeschaeft_mit_ist": _mass_with_ist,
    "anteil_ozg_ab_3": _ozg_3,
    "anteil_mit_steckbrief": _with_steckbrief,
    "anteil_mit_soll": _with_soll,
    "stunden_gespart_umgesetzt": _hours,
    "medienbrueche_vermieden_umgesetzt": _breaks,
    "anteil_massnahmen_umgesetzt": _measures_done,
}
assert set(IMPLEMENTATIONS) == set(QUERIES)


def progress(start: float, target: float, current: float | None) -> float | None:
    """(current − start) / (target − start), limited to 0–1; None without a value."""
    if current is None or math.isnan(current) or target == start:
        return None
    return max(0.0, min(1.0, (current - start) / (target - start)))


def query_values(data: KpiData) -> dict[str, float | None]:
    """Every named query's value."""
    return {name: fn(data) for name, fn in IMPLEMENTATIONS.items()}


def evaluate(data: KpiData, quarter: str | None = None) -> list[KeyResultValue]:
    """All Key Results (of one quarter, or all), computed where they name a query."""
    values: dict[str, float | None] = {}
    out = []
    for objective in data.strategy.objectives:
        if quarter and objective.quartal != quarter:
            continue
        for kr in objective.key_results:
            if kr.abfrage:
                if kr.abfrage not in values:
                    values[kr.abfrage] = IMPLEMENTATIONS[kr.abfrage](data)
                current, source = values[kr.abfrage], f"berechnet: {QUERIES[kr.abfrage]}"
            else:
                current, source = kr.aktuell, "eingetragen"
            out.append(KeyResultValue(objective, kr, current,
                                      progress(kr.start, kr.zielwert, current), source))
    return out


def quarter_of(day: dt.date) -> str:
    """2026-11-24 → '2026-Q4'."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def kpi_data(repo: Any, strategy: Strategy, stand: dt.date | None = None) -> KpiData:
    """The inputs of the queries at ``stand`` (default: the Stand of verbund.yaml, else today's
    date is NOT used — 31.12. of the latest Fallzahl year keeps the output deterministic)."""
    if stand is None:
        stand = repo.verbund.stand or _last_year_end(repo)
    return KpiData(repo, strategy, stand, potential_at(repo, stand))


def _last_year_end(repo: Any) -> dt.date:
    years = pd.to_numeric(repo.fallzahlen["jahr"], errors="coerce").dropna()
    return dt.date(int(years.max()) if len(years) else 2000, 12, 31)
