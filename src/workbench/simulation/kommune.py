"""Simulate one Kommune's Leistungen for a year under every scenario of a plan.

Reads the knowledge base (models, Fallzahlen, Lohnkosten, Jahresarbeitszeit), compiles each
model once, derives the default staffing and runs one :class:`~.engine.Engine` per scenario.
The result is a plain dict (JSON), cached by the fingerprint of its inputs (:mod:`.cache`).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..bpmn.extensions import LAUFBAHNEN
from ..fallzahlen import fallzahlen_frame
from ..labour_costs import LabourCostTable
from ..metrics import MetricsError, compute
from ..parameters import Parameters
from ..repository import first_positions
from .arrivals import Season, arrival_times, month_shares, season_for
from .calendar import DEFAULT_HOURS, WorkCalendar
from .engine import Engine, Pool, Stream
from .flowgraph import CompiledModel, SimulationModelError, compile_model
from .results import leistung_row, role_row, totals
from .scenario import Plan, Scenario, ScenarioError, check_names

FORMAT = "werkbench-simulation-1"
ENGINE_VERSION = "1"
Progress = Callable[[float, str], None]


@dataclass(slots=True)
class Service:
    """One Leistung of the Kommune: Fallzahl and its compiled IST (and SOLL) model."""

    id: str
    name: str
    fallzahl: float
    fallzahl_art: str
    ist: CompiledModel
    ist_source: str
    soll: CompiledModel | None = None


@dataclass(slots=True)
class Prepared:
    """Everything a run needs, read once from the knowledge base."""

    kommune: str
    kommune_name: str
    year: int
    jahresarbeitszeit: float
    costs: LabourCostTable
    services: list[Service]
    default_vzae: dict[str, float]
    hints: list[str] = field(default_factory=list)
    fallzahl_basis: str = ""

    @property
    def roles(self) -> list[str]:
        return sorted(self.default_vzae)


def prepare(repo: Any, kommune: str, plan: Plan) -> Prepared:
    """Compile the models a Kommune uses and derive the default staffing per role."""
    row = repo.kommune(kommune)
    key = str(row["schluessel"])
    params = Parameters.from_verbund(repo.verbund.parameter)
    costs = params.labour_costs or flat_rate(float(params.personalkostensatz_euro_stunde or 0))
    table = _fallzahlen(repo, params)
    ids, names = table.ids, table.names
    at = table.position[key] * len(ids)
    year = plan.jahr or (repo.verbund.stand.year if repo.verbund.stand else 2026)
    services, hints = [], []
    for i, lid in enumerate(ids):
        cases = float(table.fallzahl[at + i])
        if not cases > 0:
            continue
        ist = _compiled(repo, lid, "ist", key, costs, hints)
        if ist is None:
            continue
        soll = _compiled(repo, lid, "soll", None, costs, hints)
        services.append(Service(lid, names[lid], cases, table.art(at + i), ist,
                                repo.model_source(lid, "ist", key) or "", soll))
    default = default_staffing(services, WorkCalendar.cached(year, DEFAULT_HOURS, plan.bundesland),
                               params.jahresarbeitszeit_stunden, plan.ziel_auslastung)
    return Prepared(key, str(row["name"]), year, params.jahresarbeitszeit_stunden, costs,
                    services, default, hints, params.basis_text())


@dataclass(frozen=True, slots=True)
class FallzahlTable:
    """The Fallzahl of every Kommune × Leistung as :func:`~..fallzahlen.fallzahlen_frame` gives
    it (Kommunen sorted by key, Leistungen by id), with the row of each Kommune."""

    ids: list[str]
    names: dict[str, str]
    position: dict[str, int]
    fallzahl: np.ndarray
    art_codes: np.ndarray
    art_names: list[str]

    def art(self, row: int) -> str:
        """The kind of the Fallzahl in ``row`` (gemeldet, geschätzt …)."""
        return self.art_names[self.art_codes[row]]


def _fallzahlen(repo: Any, params: Parameters) -> FallzahlTable:
    """The Fallzahl table of ``repo`` under ``params``. A warm report kernel prepares one
    Kommune after the other from the same Repository: the frame over all Kommunen (the
    estimates use the medians over all members of a level) is built once per knowledge base
    (``Repository.derived``), not once per report."""
    inputs = (repo.kommunen, repo.leistungen, repo.fallzahlen, params.fallzahl_jahr,
              params.fallzahl_basis, params.fallzahl_jahre)
    return repo.derived("simulation:fallzahlen", inputs, lambda: _fallzahl_table(repo, params))


def _fallzahl_table(repo: Any, params: Parameters) -> FallzahlTable:
    ids = sorted(repo.leistungen["id"].astype(str))
    names = dict(zip(repo.leistungen["id"].astype(str), repo.leistungen["name"].astype(str),
                     strict=True))
    kommunen = repo.kommunen.sort_values("schluessel").reset_index(drop=True)
    frame, _ = fallzahlen_frame(kommunen, ids, repo.fallzahlen, params.fallzahl_jahr,
                                params.fallzahl_basis, params.fallzahl_jahre)
    art = frame["fallzahl_art"].cat
    return FallzahlTable(ids, names, first_positions(kommunen["schluessel"].astype(str)),
                         frame["fallzahl"].to_numpy(), art.codes.to_numpy(),
                         [str(c) for c in art.categories])


def flat_rate(euro: float) -> LabourCostTable:
    """A Verbund with one flat Personalkostensatz: every Laufbahn costs the same."""
    return LabourCostTable("Personalkostensatz", dict.fromkeys(LAUFBAHNEN, euro), euro,
                           "verbund.yaml", "parameter.personalkostensatz_euro_stunde")


def default_staffing(services: list[Service], cal: WorkCalendar, jahresarbeitszeit: float,
                     target: float) -> dict[str, float]:
    """VZÄ per role so that the busiest month of the IST runs at ``target`` utilisation:
    expected IST hours per month (Fallzahl × season share × Markov minutes of the role)
    over the hours one VZÄ is present that month, rounded up to 0.1 VZÄ."""
    share_of_year = month_shares(Season(), cal)  # even weights: working minutes per month
    load: dict[str, np.ndarray] = {}
    for s in services:
        per_month = month_shares(season_for(s.id, {}), cal)
        for role, role_minutes in s.ist.roles.items():
            load[role] = load.get(role, np.zeros(12)) + s.fallzahl * per_month * role_minutes / 60
        for role in (s.soll.roles if s.soll is not None else {}):
            load.setdefault(role, np.zeros(12))
    present = jahresarbeitszeit * share_of_year
    out = {}
    for role, hours in load.items():
        need = float(np.max(np.divide(hours, present, out=np.zeros(12), where=present > 0)))
        out[role] = max(0.1, math.ceil(need / target * 10 - 1e-9) / 10)
    return out


#: Compiled models of this process: (SHA-256 of the model's XML, label, labour costs) → (the
#: compiled model or None, the hints it adds). The Kommunen of a Verbund share most models,
#: and a warm report kernel simulates one Kommune after the other: each shared model is
#: compiled once, not once per Kommune. The key is the model's content, so an edited model is
#: compiled anew; a compiled model is never changed by a run (the engine keeps its state per
#: case), so sharing it gives the same results.
_COMPILED: dict[tuple[str, str, str], tuple[CompiledModel | None, tuple[str, ...]]] = {}
COMPILED_MEMO_SIZE = 4096


def _compiled(repo: Any, leistung: str, variant: str, kommune: str | None,
              costs: LabourCostTable, hints: list[str]) -> CompiledModel | None:
    defs = repo.model(leistung, variant, kommune)
    if defs is None:
        return None
    label = repo.model_source(leistung, variant, kommune) or f"{leistung}/{variant}.bpmn"
    key = (hashlib.sha256(defs.to_bytes()).hexdigest(), label, repr(costs))
    found = _COMPILED.get(key)
    if found is None:
        found = _compile(defs, costs, label)
        if len(_COMPILED) >= COMPILED_MEMO_SIZE:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = found
    hints += found[1]
    return found[0]


def _compile(defs: Any, costs: LabourCostTable, label: str
             ) -> tuple[CompiledModel | None, tuple[str, ...]]:
    """The compiled model (None if it cannot be simulated) and the hints it adds."""
    try:
        visits = compute(defs).visits
        model = compile_model(defs, costs, label=label, visits=visits)
    except (MetricsError, SimulationModelError) as err:
        return None, (f"{label}: nicht simuliert – {err}",)
    return model, tuple(f"{label}: {w}" for w in model.warnings)


def _seed(*parts: object) -> int:
    digest = hashlib.sha256("\0".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def staffing(prepared: Prepared, scenario: Scenario) -> tuple[dict[str, float], dict[str, str]]:
    """VZÄ per role in a scenario and where each figure comes from."""
    vzae = dict(prepared.default_vzae)
    origin = dict.fromkeys(vzae, "Standard")
    for role, value in scenario.vzae:
        vzae[role], origin[role] = value, "Szenario"
    for role, change in scenario.vzae_delta:
        new = round(vzae[role] + change, 6)
        if new <= 0:
            raise ScenarioError(f"Szenario „{scenario.name}“: die Rolle {role} hat "
                                f"{_de(vzae[role])} VZÄ; eine Änderung um {_de(change)} ließe "
                                "keine Besetzung übrig. Bitte eine kleinere Änderung oder "
                                "vzae angeben.")
        vzae[role], origin[role] = new, f"{origin[role]} {'+' if change >= 0 else '−'}" \
                                         f"{_de(abs(change))}"
    return vzae, origin


def _de(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def run_scenario(prepared: Prepared, scenario: Scenario, plan: Plan, *,
                 progress: Progress | None = None, plain_simpy: bool = False) -> dict[str, Any]:
    """Simulate one scenario and summarise it."""
    hours = dict(scenario.arbeitszeit) if scenario.arbeitszeit else DEFAULT_HOURS
    cal = WorkCalendar.cached(prepared.year, hours, plan.bundesland)
    vzae, origin = staffing(prepared, scenario)
    pools = {role: Pool(role, v * prepared.jahresarbeitszeit / cal.work_hours_year)
             for role, v in vzae.items()}
    engine = Engine(cal, pools, distribution=plan.verteilung, plain_simpy=plain_simpy)
    streams, meta = [], []
    seasons = dict(scenario.saison)
    for s in prepared.services:
        soll = scenario.uses_soll(s.id) and s.soll is not None
        model = s.soll if soll else s.ist
        own = s.ist_source.endswith(f"ist.{prepared.kommune}.bpmn")
        variant = "SOLL" if soll else ("IST (eigenes)" if own else "IST")
        seed = _seed(plan.seed, prepared.kommune, s.id, variant)
        cases = round(s.fallzahl * scenario.factor(s.id))
        arrivals = arrival_times(cases, season_for(s.id, seasons), cal,
                                 np.random.default_rng(seed))
        streams.append(Stream(s.id, model.root, arrivals, random.Random(seed)))
        meta.append((s.name, variant))
    engine.run(streams, progress=progress)
    end_cal = float(cal.period_days * 1440)
    rows = [leistung_row(st, name=name, variant=variant, period_end_cal=end_cal)
            for st, (name, variant) in zip(streams, meta, strict=True)]
    roles = [role_row(pools[r], vzae[r], cal.period_work_minutes, origin[r])
             for r in sorted(pools)]
    return {"name": scenario.name, "szenario": scenario.as_dict(), "leistungen": rows,
            "rollen": roles, "summe": totals(rows, roles, streams),
            "kalender": cal.lines()[0]}


def simulate(repo: Any, kommune: str, plan: Plan, *,
             progress: Progress | None = None) -> dict[str, Any]:
    """Every scenario of ``plan`` for one Kommune, as a JSON-ready dict."""
    prepared = prepare(repo, kommune, plan)
    roles = set(prepared.roles)
    check_names(plan, [str(x) for x in repo.leistungen["id"]], roles)
    results = []
    n = len(plan.scenarios)
    for k, scenario in enumerate(plan.scenarios):
        step = None
        if progress is not None:
            def step(frac: float, text: str, k: int = k, name: str = scenario.name) -> None:
                progress((k + frac) / n, f"{name}: {text}")
        results.append(run_scenario(prepared, scenario, plan, progress=step))
    if progress is not None:
        progress(1.0, "fertig")
    return {
        "format": FORMAT, "version": ENGINE_VERSION, "kommune": prepared.kommune,
        "kommune_name": prepared.kommune_name, "jahr": prepared.year, "plan": plan.as_dict(),
        "szenarien": results,
        "annahmen": assumptions(prepared, plan),
        "hinweise": list(dict.fromkeys(prepared.hints)),
    }


def assumptions(prepared: Prepared, plan: Plan) -> list[str]:
    """German lines: every assumption the figures rest on."""
    lines = [
        f"Simuliert wird das Jahr {prepared.year} mit Zufallsstartwert {plan.seed} "
        "(gleicher Startwert, gleiche Ergebnisse).",
        f"Fälle: Fallzahl der Leistung wie in der Potenzialrechnung ({prepared.fallzahl_basis};"
        " ohne Meldung geschätzt), über die Arbeitstage verteilt nach dem Saisonprofil; "
        "Zeitpunkte zufällig innerhalb der Arbeitszeit.",
        "Bearbeitungszeit je Schritt: "
        + {"dreieck": "Dreiecksverteilung mit Mittelwert wb:minutes zwischen wb:minutesMin und "
                      "wb:minutesMax (ohne Angabe ±25 %)",
           "exponential": "Exponentialverteilung mit Mittelwert wb:minutes",
           "fest": "genau wb:minutes"}[plan.verteilung] + ".",
        "Liegezeiten (wb:waitDays) vergehen in Kalendertagen; Verzweigungen und Schleifen mit "
        "den Wahrscheinlichkeiten des Modells (wie in der Potenzialrechnung).",
        "Rollen: die Lane eines Schritts mit Bearbeitungszeit; gleichnamige Lanes verschiedener "
        "Leistungen teilen sich das Personal. Schritte von Bürger:innen, Unternehmen, externen "
        "Stellen und automatische Schritte warten nicht auf Personal.",
        f"Besetzung ohne Angabe: so viele VZÄ, dass der arbeitsreichste Monat des IST mit "
        f"{_de(plan.ziel_auslastung * 100)} % Auslastung läuft, aufgerundet auf 0,1 VZÄ; ein VZÄ ist "
        f"{_de(prepared.jahresarbeitszeit)} Stunden im Jahr anwesend (verbund.yaml), verteilt "
        "auf die Arbeitszeit des Kalenders.",
        "Kosten: Bearbeitungsminuten × Lohnkosten der Laufbahn (wb:laufbahn, sonst "
        "Durchschnitt) – " + prepared.costs.lines()[0],
        "Durchlaufzeit: Kalendertage vom Eingang bis zum Abschluss des letzten Schritts; offene "
        "Fälle laufen bis zu ein Jahr nach; Rückstand = am 31.12. nicht abgeschlossene Fälle.",
    ]
    for s in prepared.services:
        season = season_for(s.id, {})
        if season.window is not None or len(set(season.months)) > 1:
            lines.append(f"Saison {s.name}: {season.describe()}.")
    return lines
