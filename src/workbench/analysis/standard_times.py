"""Standard minutes for administration steps without ``wb:minutes`` (the Zeitwerttabelle).

The Standardkostenmodell's *Zeitwerttabelle für Vorgaben der Verwaltung* (Leitfaden zur
Ermittlung und Darstellung des Erfüllungsaufwands, Anhang VIII) gives minutes per standard
activity in three complexity levels. A step of a known activity type gets the "einfach" value
of its row; every other manual step the flat value :data:`FLAT_MINUTES`; automatic steps get 0.
Each value used is flagged "Standardwert" in every output (docs/kennzahlen.md, "Standardwerte").

>>> standard_for("formell_pruefen", automatic=False).minutes
5.0
>>> standard_for(None, automatic=True).minutes
0.0
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FLAT_MINUTES", "SOURCE", "TABLE", "TYPE_ROWS", "StandardTime", "standard_for"]

SOURCE = ("Leitfaden zur Ermittlung und Darstellung des Erfüllungsaufwands, Anhang VIII "
          "„Zeitwerttabelle für Vorgaben der Verwaltung“ (Tabelle 5), Komplexität „einfach“")


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the Zeitwerttabelle Verwaltung: minutes for einfach, mittel, hoch."""

    number: int
    activity: str
    einfach: float
    mittel: float
    hoch: float


#: The rows used (numbers as in the table). Values in minutes per case.
TABLE: dict[int, Row] = {r.number: r for r in (
    Row(2, "Beraten, Vorgespräche führen", 4, 30, 573),
    Row(3, "Formelle Prüfung, Daten sichten", 5, 30, 90),
    Row(4, "Eingang bestätigen oder Einholen fehlender Daten", 5, 10, 20),
    Row(5, "Inhaltliche Prüfung, Daten erfassen", 8, 60, 792),
)}
#: Activity types of workbench.activity_types → row of the table.
TYPE_ROWS: dict[str, int] = {
    "beraten": 2,
    "formell_pruefen": 3,
    "antrag_entgegennehmen": 4,
    "rueckfrage": 4,
    "inhaltlich_pruefen": 5,
    "daten_erfassen": 5,
    "daten_uebertragen": 5,
}
#: Flat value for a manual step without a matching row: the median of the "einfach" values of
#: rows 2–5 (4, 5, 5, 8 minutes).
FLAT_MINUTES = 5.0


@dataclass(frozen=True, slots=True)
class StandardTime:
    """The minutes assumed for one step and where they come from (German)."""

    minutes: float
    source_de: str


def standard_for(activity_type: str | None, *, automatic: bool) -> StandardTime:
    """The standard minutes of a step of this type (``automatic``: runs without staff)."""
    if automatic:
        return StandardTime(0.0, "automatischer Schritt: keine Personalzeit")
    row = TABLE.get(TYPE_ROWS.get(activity_type or "", 0))
    if row is not None:
        return StandardTime(float(row.einfach),
                            f"Zeitwerttabelle Verwaltung Nr. {row.number} „{row.activity}“, einfach")
    return StandardTime(FLAT_MINUTES, "Pauschale für Schritte ohne passende Zeile der "
                        "Zeitwerttabelle (Median der einfachen Zeitwerte)")
