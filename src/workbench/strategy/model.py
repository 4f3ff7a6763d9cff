"""The strategy register as plain data: vision, fields, goals, measures, OKR, status reports.

Read by :mod:`workbench.strategy.loader` from ``processes/strategie/``; everything above it
(KPIs, the ranking criterion, reports, the CLI) works on these dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: The five perspectives of the Osterholz Wirkungsmatrix (the default when a file names none).
PERSPECTIVES = ("Finanzen", "Mitarbeitende", "Kunden", "Prozesse", "Gesellschaft")
#: Goal priority → weight in the derived criterion (docs/strategie.md).
PRIORITIES = {"hoch": 3, "mittel": 2, "niedrig": 1}
#: Status of a Maßnahme (Rendsburg-Eckernförde: neu / in Planung / umgesetzt, plus two more).
STATUS = {"neu": "neu", "in_planung": "in Planung", "in_umsetzung": "in Umsetzung",
          "umgesetzt": "umgesetzt", "zurueckgestellt": "zurückgestellt"}
#: How a Maßnahme is carried out in the Verbund (Osterholz Zielsteckbrief).
MODES = {"gemeinsam": "gemeinsam", "kleingruppe": "Kleingruppe", "efa": "Einer für Alle",
         "einzeln": "jede Kommune selbst"}
#: Traffic lights of a status report (Harsum Projektstatusbericht: Zeit, Sache, Kosten).
LIGHTS = {"gruen": "grün", "gelb": "gelb", "rot": "rot"}
LIGHT_DIMENSIONS = ("zeit", "sache", "kosten")
#: Who bears a Maßnahme's effort: each participating Kommune, or the Verbund once.
EFFORT_BEARERS = {"kommune": "je Kommune", "verbund": "Verbund (einmalig)"}
DEFAULT_SATURATION = 6.0
DEFAULT_CRITERION = "unterstuetzung_strategie"
DEFAULT_MASS_THRESHOLD = 1000.0
#: Named queries a Key Result may use instead of a typed value (computed in ``strategy.kpis``).
QUERIES = {
    "anteil_massengeschaeft_mit_ist": "Anteil der Leistungen im Massengeschäft mit IST-Modell",
    "anteil_ozg_ab_3": "Anteil der Leistungen mit OZG-Reifegrad (Ist) von mindestens 3",
    "anteil_mit_steckbrief": "Anteil der Leistungen mit Prozesssteckbrief",
    "anteil_mit_soll": "Anteil der Leistungen mit SOLL-Modell",
    "stunden_gespart_umgesetzt": "Arbeitsstunden pro Jahr, die gelieferte SOLL-Prozesse sparen",
    "medienbrueche_vermieden_umgesetzt": "Medienbrüche pro Jahr, die gelieferte SOLL-Prozesse "
                                         "vermeiden",
    "anteil_massnahmen_umgesetzt": "Anteil der Maßnahmen, die umgesetzt sind",
}


@dataclass(frozen=True)
class Effort:
    """Estimated resources: min/max VZA (full-time posts) and € per year, and who bears them."""

    je: str = "kommune"
    vza_min: float = 0.0
    vza_max: float = 0.0
    euro_min: float = 0.0
    euro_max: float = 0.0


@dataclass(frozen=True)
class StatusReport:
    """One Projektstatusbericht: date, three lights, text."""

    datum: dt.date
    zeit: str
    sache: str
    kosten: str
    text: str = ""

    @property
    def score(self) -> int:
        """0 (all green) … 6 (all red): the basis of the trend."""
        order = {"gruen": 0, "gelb": 1, "rot": 2}
        return sum(order[getattr(self, d)] for d in LIGHT_DIMENSIONS)


@dataclass(frozen=True)
class Measure:
    """A Maßnahme: serves goals, concerns Leistungen, may deliver their SOLL."""

    id: str
    name: str
    nr: str = ""
    ziele: tuple[str, ...] = ()
    leistungen: tuple[str, ...] = ()
    soll: tuple[str, ...] = ()  # Leistungen whose SOLL process this Maßnahme delivers
    status: str = "neu"
    modus: str = "gemeinsam"
    kommunen: tuple[str, ...] = ()  # empty = every member
    verantwortlich: str = ""
    start: dt.date | None = None
    ende: dt.date | None = None
    aufwand: Effort = field(default_factory=Effort)
    beschreibung: str = ""
    leitprojekt: str = ""
    statusberichte: tuple[StatusReport, ...] = ()
    line: int = 0

    def participants(self, all_keys: list[str]) -> list[str]:
        """The Kommunen taking part (all members when none are named)."""
        return list(self.kommunen) if self.kommunen else list(all_keys)


@dataclass(frozen=True)
class Goal:
    """A strategic goal with its Zielsteckbrief fields and Wirkung per perspective."""

    id: str
    name: str
    feld: str
    nr: str = ""
    ziel: str = ""
    anpassung: str = ""
    sinn_und_zweck: tuple[str, ...] = ()
    meilensteine: tuple[str, ...] = ()
    aufgabenteilung: dict[str, str] = field(default_factory=dict)
    start: dt.date | None = None
    aufwand: str = ""
    risiken: str = ""
    mehrwerte: str = ""
    prioritaet: str = ""
    wirkung: dict[str, int] = field(default_factory=dict)
    beispielwerte: tuple[str, ...] = ()  # fields whose values are illustrative
    line: int = 0

    @property
    def fokus(self) -> str:
        """The perspective with the highest Wirkung ('' when none or a tie)."""
        if not self.wirkung:
            return ""
        top = max(self.wirkung.values())
        best = [p for p, v in self.wirkung.items() if v == top]
        return best[0] if len(best) == 1 and top > 0 else ""


@dataclass(frozen=True)
class Field:
    """A Handlungsfeld (dimension) with its goals in file order."""

    id: str
    name: str
    beschreibung: str = ""
    ziele: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyResult:
    """A measurable result: typed (aktuell) or computed from the knowledge base (abfrage)."""

    id: str
    text: str
    einheit: str
    start: float
    zielwert: float
    aktuell: float | None = None
    abfrage: str = ""
    massnahmen: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Objective:
    """An OKR Objective of one quarter, derived from a goal."""

    id: str
    text: str
    quartal: str  # "2026-Q1"
    ziel: str = ""
    key_results: tuple[KeyResult, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Strategy:
    """The whole register of one knowledge base."""

    titel: str
    vision: str
    quelle: str = ""
    horizont: str = ""
    hinweis: str = ""
    perspektiven: tuple[str, ...] = PERSPECTIVES
    felder: tuple[Field, ...] = ()
    ziele: tuple[Goal, ...] = ()
    massnahmen: tuple[Measure, ...] = ()
    objectives: tuple[Objective, ...] = ()
    kriterium: str = DEFAULT_CRITERION
    saettigung: float = DEFAULT_SATURATION
    massengeschaeft_ab: float = DEFAULT_MASS_THRESHOLD

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.ziele if g.id == goal_id), None)

    def measure(self, measure_id: str) -> Measure | None:
        return next((m for m in self.massnahmen if m.id == measure_id), None)

    def measures_of_goal(self, goal_id: str) -> list[Measure]:
        return [m for m in self.massnahmen if goal_id in m.ziele]

    def quarters(self) -> list[str]:
        """The OKR quarters, sorted."""
        return sorted({o.quartal for o in self.objectives})
