"""The parameters every output states: working hours, labour costs, Fallzahl basis, EfA rule.

Read from ``verbund.yaml`` → ``parameter`` (and the command line) with German errors that name
the file and key. Formulas and defaults: ``docs/kennzahlen.md``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from .indicators.definitions import OZG_MODEL
from .labour_costs import LabourCostError, LabourCostTable, from_parameters
from .text import german_number

#: Fallzahl basis (``parameter.fallzahl_basis`` / ``--fallzahl-basis``) → German description.
FALLZAHL_BASES = {"letztes_jahr": "letztes gemeldetes Jahr", "mittel": "Mittelwert",
                  "median": "Median"}
DEFAULT_BASIS_YEARS = 3
#: EfA candidates: the shared SOLL saves in at least so many members …
EFA_MIN_MEMBERS = 3
#: … and in total more hours a year than this (half a VZÄ at 1,600 hours).
EFA_MIN_HOURS = 800.0


class PotentialError(ValueError):
    """The data cannot be evaluated (German message naming file and value)."""


@dataclass(frozen=True, slots=True)
class Parameters:
    """The parameters every output states (from ``verbund.yaml`` → ``parameter``)."""

    jahresarbeitszeit_stunden: float
    #: a flat € per hour for every step (old knowledge bases); None: the Lohnkostentabelle
    personalkostensatz_euro_stunde: float | None = None
    fallzahl_jahr: int | None = None  # None: latest reported year per Kommune × Leistung
    lohnkosten: dict[str, Any] | None = None  # LabourCostTable.as_dict() in table mode
    fallzahl_basis: str = "letztes_jahr"  # a key of FALLZAHL_BASES
    fallzahl_jahre: int = 1  # N for mittel/median: the last N reported years
    efa_mitglieder: int = EFA_MIN_MEMBERS  # EfA: saves in at least so many members
    efa_stunden: float = EFA_MIN_HOURS  # … and in total more hours a year than this

    @classmethod
    def from_verbund(cls, parameter: dict[str, Any], *, fallzahl_jahr: int | None = None,
                     fallzahl_basis: str | None = None, fallzahl_jahre: int | None = None,
                     source: str = "verbund.yaml") -> Parameters:
        """Read and check the parameters; German error naming the file and key.

        € follow the Laufbahn (Lohnkostentabelle) when ``lohnkosten`` is given or no flat
        ``personalkostensatz_euro_stunde`` is; a flat rate alone keeps the old behaviour."""
        parameter = parameter or {}
        hours = _positive_number(parameter, "jahresarbeitszeit_stunden", source)
        flat = None
        if parameter.get("personalkostensatz_euro_stunde") is not None \
                and parameter.get("lohnkosten") is None:
            flat = _positive_number(parameter, "personalkostensatz_euro_stunde", source)
        table = None
        if flat is None:
            try:
                table = from_parameters(parameter, source=source).as_dict()
            except LabourCostError as err:
                raise PotentialError(str(err)) from None
        basis, years = fallzahl_basis_from(parameter.get("fallzahl_basis"), fallzahl_basis,
                                           fallzahl_jahre, source)
        members, min_hours = _efa_rule(parameter.get("efa"), source)
        return cls(hours, flat, fallzahl_jahr, table, basis, years, members, min_hours)

    def efa_text(self) -> str:
        """The EfA rule in German."""
        hours = f"{self.efa_stunden:,.0f}".replace(",", ".")
        return (f"EfA-Kandidat: gemeinsames SOLL, Modelle vollständig, Einsparung in mindestens "
                f"{self.efa_mitglieder} Mitgliedern und zusammen mehr als {hours} Stunden im Jahr")

    def basis_text(self) -> str:
        """The Fallzahl basis in German, e.g. „Median der letzten 3 gemeldeten Jahre“."""
        upto = f" bis {self.fallzahl_jahr}" if self.fallzahl_jahr else ""
        if self.fallzahl_basis == "letztes_jahr":
            return f"letztes gemeldetes Jahr{upto} je Kommune und Leistung"
        return (f"{FALLZAHL_BASES[self.fallzahl_basis]} der letzten {self.fallzahl_jahre} "
                f"gemeldeten Jahre{upto} je Kommune und Leistung (weniger, wo weniger gemeldet "
                "sind)")

    @property
    def labour_costs(self) -> LabourCostTable | None:
        """The Lohnkostentabelle in use (None with a flat Personalkostensatz)."""
        if self.lohnkosten is None:
            return None
        t = self.lohnkosten
        return LabourCostTable(t["name"], dict(t["rates"]), float(t["average"]), t["edition"],
                               t["source"], tuple(t.get("overridden", ())))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def cost_lines(self) -> list[str]:
        """How € are computed, in German (rates, edition and source)."""
        table = self.labour_costs
        if table is None:
            return [f"Personalkostensatz: {_de(self.personalkostensatz_euro_stunde or 0, 2)} € je "
                    "Stunde für jeden Schritt (Pauschalsatz aus verbund.yaml; Laufbahngruppen der "
                    "Lanes werden nicht verwendet)"]
        return table.lines()

    def lines(self) -> list[str]:
        """German lines for the head of a table or report."""
        return [
            f"Jahresarbeitszeit: {_de(self.jahresarbeitszeit_stunden)} Stunden je VZÄ",
            *self.cost_lines(),
            f"Fallzahl-Basis: {self.basis_text()}",
            f"OZG-Reifegrad: {OZG_MODEL}",
            self.efa_text(),
        ]


def fallzahl_basis_from(raw: Any, basis: str | None, years: int | None,
                        source: str = "verbund.yaml") -> tuple[str, int]:
    """The Fallzahl basis: CLI values over ``parameter.fallzahl_basis`` (a word, or a mapping
    with ``art`` and ``jahre``); German error naming the file and key."""
    art, n = "letztes_jahr", None
    if isinstance(raw, dict):
        art, n = str(raw.get("art") or art), raw.get("jahre")
    elif raw is not None:
        art = str(raw)
    art = (basis or art).strip().lower().replace(" ", "_")
    where = "--fallzahl-basis" if basis else f"{source}: parameter.fallzahl_basis"
    if art not in FALLZAHL_BASES:
        raise PotentialError(f"{where}: '{art}' ist keine Fallzahl-Basis; möglich: "
                             f"{', '.join(FALLZAHL_BASES)}.")
    n = years if years is not None else n
    if art == "letztes_jahr":
        return art, 1
    try:
        count = int(str(DEFAULT_BASIS_YEARS if n is None else n))
    except ValueError:
        count = 0
    if count < 1:
        where = "--fallzahl-jahre" if years is not None else f"{source}: parameter.fallzahl_basis"
        raise PotentialError(f"{where}: die Zahl der Jahre muss eine ganze Zahl ab 1 sein "
                             f"(gefunden: {n!r}).")
    return art, count


def _efa_rule(raw: Any, source: str) -> tuple[int, float]:
    """``parameter.efa`` (mindestens_mitglieder, mindestens_stunden) over the defaults."""
    if raw is None:
        return EFA_MIN_MEMBERS, EFA_MIN_HOURS
    if not isinstance(raw, dict):
        raise PotentialError(f"{source}: parameter.efa muss eine Zuordnung sein (z. B. "
                             "mindestens_mitglieder: 3, mindestens_stunden: 800).")
    try:
        members = int(str(raw.get("mindestens_mitglieder", EFA_MIN_MEMBERS)))
        hours = float(str(raw.get("mindestens_stunden", EFA_MIN_HOURS)).replace(",", "."))
    except ValueError:
        members, hours = 0, math.nan
    if members < 1 or not math.isfinite(hours) or hours < 0:
        raise PotentialError(f"{source}: parameter.efa braucht mindestens_mitglieder (ganze Zahl "
                             "ab 1) und mindestens_stunden (Zahl ab 0), gefunden: "
                             f"{dict(raw)!r}.")
    return members, hours


def _positive_number(parameter: dict[str, Any], key: str, source: str) -> float:
    raw = parameter.get(key)
    try:
        value = float(str(raw).replace(",", "."))
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise PotentialError(f"{source}: parameter.{key} fehlt oder ist keine Zahl über "
                             f"0 (gefunden: {raw!r}). Bitte den Wert der Kommune eintragen.")
    return value


def _de(value: float, digits: int = 0) -> str:
    return german_number(value, digits)
