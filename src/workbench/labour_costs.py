"""Lohnkosten per Laufbahngruppe (Standardkostenmodell) and who does a step.

The Standardkostenmodell values the administration's time with the wage cost of the
Laufbahngruppe that does the work: the *Lohnkostentabelle Verwaltung* of the Statistisches
Bundesamt (Leitfaden zur Ermittlung und Darstellung des Erfüllungsaufwands, Anhang 8). A lane
(or a single activity) names its Laufbahn with ``wb:laufbahn``; a step without one is valued
with the table's average. A Verbund may replace the figures in ``verbund.yaml``::

    parameter:
      lohnkosten:
        tabelle: kommunen            # row of the standard table (default: kommunen)
        gehoben: 44.0                # own figures override single cells
        quelle: "Eigene Erhebung 2026"

>>> table = KOMMUNEN
>>> table.rate("gehoben"), table.rate(None)
(42.2, 40.7)
>>> round(cost_per_case({"gehoben": 30.0, None: 6.0}, table), 2)  # 30 + 6 minutes
25.17

Every output that shows € states :meth:`LabourCostTable.lines` (edition and source).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .bpmn.elements import Activity, FlowNode, Lane
from .bpmn.extensions import LAUFBAHNEN, normalize_enum

__all__ = [
    "EDITION",
    "KOMMUNEN",
    "LAUFBAHNEN",
    "SOURCE",
    "STANDARD_TABLES",
    "LabourCostError",
    "LabourCostTable",
    "cost_per_case",
    "from_parameters",
    "laufbahn_of",
]

#: Edition and source of the built-in figures (see docs/kennzahlen.md, "Lohnkosten").
EDITION = "Stand 2025"
SOURCE = ("Statistisches Bundesamt, Leitfaden zur Ermittlung und Darstellung des "
          "Erfüllungsaufwands, Anhang 8 „Lohnkostentabelle Verwaltung“ (Lohnkosten pro Stunde)")


class LabourCostError(ValueError):
    """``parameter.lohnkosten`` in verbund.yaml is unusable (German message)."""


@dataclass(frozen=True, slots=True)
class LabourCostTable:
    """€ per hour for each Laufbahngruppe and for work without a stated Laufbahn."""

    name: str
    rates: Mapping[str, float]  # Laufbahn key (see LAUFBAHNEN) → € per hour
    average: float  # € per hour for steps without a Laufbahn
    edition: str = EDITION
    source: str = SOURCE
    overridden: tuple[str, ...] = field(default=())  # keys the Verbund replaced

    def rate(self, laufbahn: str | None) -> float:
        """€ per hour of a Laufbahn key; the average for None or an unknown key."""
        return float(self.rates.get(laufbahn, self.average)) if laufbahn else self.average

    def lines(self) -> list[str]:
        """German lines for the assumptions of a report or a table head."""
        cells = ", ".join(f"{LAUFBAHNEN[k]} {_euro(v)}" for k, v in self.rates.items())
        own = (f"; vom Verbund ersetzt: {', '.join(self.overridden)}" if self.overridden else "")
        return [f"Lohnkosten je Stunde ({self.name}): {cells}; ohne Laufbahn {_euro(self.average)}"
                f" (Durchschnitt){own}.", f"Quelle: {self.source}, {self.edition}."]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "rates": dict(self.rates), "average": self.average,
                "edition": self.edition, "source": self.source,
                "overridden": list(self.overridden)}


def _euro(value: float) -> str:
    return f"{value:.2f}".replace(".", ",") + " €"


def _table(name: str, einfach_mittel: float, gehoben: float, hoeher: float,
           average: float) -> LabourCostTable:
    rates = {"einfach": einfach_mittel, "mittel": einfach_mittel, "gehoben": gehoben,
             "hoeher": hoeher}
    return LabourCostTable(name, rates, average)


#: The rows of the Lohnkostentabelle Verwaltung (€ per hour, Stand 2025). The table has one
#: column for einfacher and mittlerer Dienst together.
STANDARD_TABLES: dict[str, LabourCostTable] = {
    "bund": _table("Bund", 33.80, 40.40, 67.60, 44.40),
    "laender": _table("Länder", 30.50, 43.20, 69.30, 46.70),
    "kommunen": _table("Kommunen", 25.50, 42.20, 70.40, 40.70),
    "sozialversicherung": _table("Sozialversicherung", 30.30, 46.30, 73.20, 48.10),
    "durchschnitt": _table("Durchschnitt öffentliche Verwaltung", 27.30, 42.90, 69.30, 44.40),
}
KOMMUNEN = STANDARD_TABLES["kommunen"]


def from_parameters(parameter: Mapping[str, Any] | None, *,
                    source: str = "verbund.yaml") -> LabourCostTable:
    """The table a Verbund uses: ``parameter.lohnkosten`` (optional) over the standard row.

    Raises :class:`LabourCostError` naming the file and key for unknown rows or cells and for
    values that are not numbers above 0."""
    raw = (parameter or {}).get("lohnkosten")
    if raw is None:
        return KOMMUNEN
    if not isinstance(raw, Mapping):
        raise LabourCostError(f"{source}: parameter.lohnkosten muss eine Zuordnung sein "
                              "(z. B. tabelle: kommunen, gehoben: 42.2).")
    row = str(raw.get("tabelle") or "kommunen").strip().lower()
    if row not in STANDARD_TABLES:
        raise LabourCostError(f"{source}: parameter.lohnkosten.tabelle '{row}' ist unbekannt; "
                              f"möglich: {', '.join(STANDARD_TABLES)}.")
    base = STANDARD_TABLES[row]
    rates, average, own = dict(base.rates), base.average, []
    for key, value in raw.items():
        if key in ("tabelle", "quelle", "stand"):
            continue
        target = "durchschnitt" if str(key).strip().lower() == "durchschnitt" else \
            normalize_enum("laufbahn", str(key))
        if target is None:
            raise LabourCostError(f"{source}: parameter.lohnkosten.{key} ist keine Laufbahn; "
                                  f"möglich: {', '.join(LAUFBAHNEN)}, durchschnitt.")
        number = _positive(value)
        if number is None:
            raise LabourCostError(f"{source}: parameter.lohnkosten.{key} muss eine Zahl über 0 "
                                  f"sein (€ je Stunde), gefunden: {value!r}.")
        if target == "durchschnitt":
            average = number
        else:
            rates[target] = number
        own.append(str(key))
    if not own and not raw.get("quelle"):
        return base
    return replace(base, rates=rates, average=average, overridden=tuple(own),
                   source=str(raw.get("quelle") or f"{SOURCE}; Werte aus {source}"),
                   edition=str(raw.get("stand") or base.edition))


def _positive(value: object) -> float | None:
    try:
        number = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def laufbahn_of(node: FlowNode) -> str | None:
    """The Laufbahn of a step: its own ``wb:laufbahn``, else that of its innermost lane that
    names one (walking up nested lanes); None when nobody states it."""
    own = node.laufbahn if isinstance(node, Activity) else None
    if own:
        return str(own)
    lane: Lane | None = node.lane
    while lane is not None:
        if lane.laufbahn:
            return str(lane.laufbahn)
        lane = lane.parent
    return None


def cost_per_case(minutes_by_laufbahn: Mapping[str | None, float],
                  table: LabourCostTable) -> float:
    """€ per case from expected minutes per Laufbahn (None = without Laufbahn)."""
    return sum(m * table.rate(k) for k, m in minutes_by_laufbahn.items()) / 60.0
