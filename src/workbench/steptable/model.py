"""Step tables as data: columns, element vocabulary, rows, the table and its error."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..bpmn.builder import safe_id
from ..bpmn.errors import Finding

if TYPE_CHECKING:
    import pandas as pd

#: The columns of a step table, in this order (header row of CSV/XLSX and of DataFrames).
COLUMNS: tuple[str, ...] = (
    "Nr", "Schritt", "Element", "Rolle", "Aktivitätstyp", "Medium", "Minuten",
    "Wartezeit (Tage)", "System", "Phase", "Automatisierung", "Weiter", "Bedingungen",
    "Wahrscheinlichkeiten", "Ersetzt",
)
#: Field name of each column (StepRow attribute or parse slot).
FIELDS: dict[str, str] = dict(zip(COLUMNS, (
    "nr", "step", "element", "role", "activity_type", "medium", "minutes", "wait_days",
    "system", "phase", "automation", "next", "conditions", "probabilities", "replaces",
), strict=True))
COLUMN_OF: dict[str, str] = {v: k for k, v in FIELDS.items()}

#: Short German labels written into tables (reading accepts keys, these and the long labels).
MEDIUM_LABELS: dict[str, str] = {
    "papier": "Papier", "persoenlich": "persönlich", "telefon": "Telefon", "email": "E-Mail",
    "scan": "Scan", "fachverfahren": "Fachverfahren", "portal": "Online-Portal",
    "automatisch": "automatisch",
}
PHASE_LABELS: dict[str, str] = {
    "antrag": "Antrag", "bearbeitung": "Bearbeitung", "bezahlung": "Bezahlung",
    "bescheid": "Bescheid", "archivierung": "Archivierung",
}
AUTOMATION_LABELS: dict[str, str] = {
    "keine": "keine", "assistiert": "assistiert", "regelbasiert": "regelbasiert", "ki": "ki",
}
DEFAULT_MARK = "sonst"
NO_SUCCESSOR = "-"
NODE_PREFIX = "Schritt_"
FLOW_PREFIX = "Fluss_"


@dataclass(frozen=True, slots=True)
class ElementSpec:
    """One value of the column Element and the BPMN element it stands for."""

    label: str
    category: str  # start | end | task | event | gateway
    tag: str  # BPMN local name
    definition: str | None = None  # event definition (message, timer)


ELEMENTS: dict[str, ElementSpec] = {
    e.label: e
    for e in (
        ElementSpec("Start", "start", "startEvent"),
        ElementSpec("Start (Nachricht)", "start", "startEvent", "message"),
        ElementSpec("Ende", "end", "endEvent"),
        ElementSpec("Ende (Nachricht)", "end", "endEvent", "message"),
        ElementSpec("Aufgabe", "task", "task"),
        ElementSpec("Benutzeraufgabe", "task", "userTask"),
        ElementSpec("Manuelle Aufgabe", "task", "manualTask"),
        ElementSpec("Serviceaufgabe", "task", "serviceTask"),
        ElementSpec("Sendeaufgabe", "task", "sendTask"),
        ElementSpec("Empfangsaufgabe", "task", "receiveTask"),
        ElementSpec("Skriptaufgabe", "task", "scriptTask"),
        ElementSpec("Geschäftsregelaufgabe", "task", "businessRuleTask"),
        ElementSpec("Zwischenereignis (Zeit)", "event", "intermediateCatchEvent", "timer"),
        ElementSpec("Zwischenereignis (Nachricht)", "event", "intermediateCatchEvent", "message"),
        ElementSpec("Entscheidung", "gateway", "exclusiveGateway"),
        ElementSpec("Parallel", "gateway", "parallelGateway"),
        ElementSpec("Oder", "gateway", "inclusiveGateway"),
    )
}
#: Element values whose node may carry a default flow ("sonst").
ALLOWS_DEFAULT = frozenset(
    label for label, e in ELEMENTS.items()
    if e.category == "task" or e.tag in ("exclusiveGateway", "inclusiveGateway")
)


def node_id(nr: str) -> str:
    """BPMN id of the node of a table row: ``Schritt_<Nr>``."""
    return safe_id(f"{NODE_PREFIX}{nr}", "Schritt")


def format_number(value: float, decimal: str = ".") -> str:
    """Shortest text of a number; integers without decimals; ``decimal`` as separator."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value)).replace(".", decimal)


@dataclass(slots=True)
class StepRow:
    """One step (row) with parsed values; enum values are keys, successors resolved Nrs."""

    nr: str
    step: str = ""
    element: str = "Aufgabe"
    role: str | None = None
    activity_type: str | None = None
    medium: str | None = None
    minutes: float | None = None
    wait_days: float | None = None
    system: str | None = None
    phase: str | None = None
    automation: str | None = None
    successors: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()  # one label per successor ("" = none)
    probabilities: tuple[float | None, ...] = ()  # one per successor
    default: int | None = None  # index of the default successor ("sonst")
    replaces: tuple[str, ...] = ()  # IST rows (Nr) or element ids this step replaces
    line: int | None = field(default=None, compare=False)  # row in the file (header = 1)

    @property
    def spec(self) -> ElementSpec:
        return ELEMENTS[self.element]


class StepTableError(ValueError):
    """A step table that cannot be used; the message names file, row, column and the fix."""

    def __init__(self, message: str, *, source: str | None = None, row: int | None = None,
                 column: str | None = None, hint: str | None = None) -> None:
        self.source, self.row, self.column = source, row, column
        self.problem, self.hint = message, hint
        where = [w for w in (source, f"Zeile {row}" if row else None,
                             f"Spalte „{column}“" if column else None) if w]
        text = f"{', '.join(where)}: {message}" if where else message
        super().__init__(f"{text} {hint}" if hint else text)


def implicit_successors(rows: list[StepRow], index: int) -> tuple[str, ...]:
    """Successor of an empty ``Weiter``: the next row, none after an end or before a start."""
    row = rows[index]
    if row.spec.category == "end" or index + 1 >= len(rows):
        return ()
    following = rows[index + 1]
    return () if following.spec.category == "start" else (following.nr,)


@dataclass(slots=True)
class StepTable:
    """Rows of a step table plus German findings (non-fatal problems, lost constructs)."""

    rows: list[StepRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list, compare=False)
    source: str | None = field(default=None, compare=False)
    #: For a table made from a model: row Nr → id of the BPMN element it came from.
    origin: dict[str, str] = field(default_factory=dict, compare=False)

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, nr: str) -> StepRow:
        """The row with this Nr."""
        for row in self.rows:
            if row.nr == nr:
                return row
        raise KeyError(f"Keine Zeile mit der Nr „{nr}“.")

    @property
    def roles(self) -> list[str]:
        """Roles (lanes) in order of first appearance."""
        return list(dict.fromkeys(r.role for r in self.rows if r.role))

    def to_dataframe(self) -> pd.DataFrame:
        """The table with exactly :data:`COLUMNS`; numbers with decimal point, enums German."""
        import pandas as pd

        records = [_record(self.rows, i) for i in range(len(self.rows))]
        frame = pd.DataFrame(records, columns=list(COLUMNS))
        for column in ("Minuten", "Wartezeit (Tage)"):
            frame[column] = frame[column].astype("float64")
        frame.attrs["findings"] = list(self.findings)
        frame.attrs["origin"] = dict(self.origin)
        return frame


def _record(rows: list[StepRow], index: int) -> dict[str, object]:
    row = rows[index]
    plain = (not any(row.conditions) and row.default is None
             and all(p is None for p in row.probabilities))
    if plain and row.successors == implicit_successors(rows, index):
        weiter = ""
    elif not row.successors:
        weiter = NO_SUCCESSOR
    else:
        weiter = "|".join(row.successors)
    conditions = ""
    if any(row.conditions) or row.default is not None:
        parts = list(row.conditions)
        if row.default is not None:
            label = parts[row.default]
            parts[row.default] = (DEFAULT_MARK if label in ("", DEFAULT_MARK)
                                  else f"{label} ({DEFAULT_MARK})")
        conditions = "|".join(parts)
    probabilities = ""
    if any(p is not None for p in row.probabilities):
        probabilities = "|".join("" if p is None else format_number(p) for p in row.probabilities)
    return {
        "Nr": row.nr, "Schritt": row.step, "Element": row.element, "Rolle": row.role or "",
        "Aktivitätstyp": row.activity_type or "",
        "Medium": MEDIUM_LABELS.get(row.medium or "", row.medium or ""),
        "Minuten": math.nan if row.minutes is None else row.minutes,
        "Wartezeit (Tage)": math.nan if row.wait_days is None else row.wait_days,
        "System": row.system or "",
        "Phase": PHASE_LABELS.get(row.phase or "", row.phase or ""),
        "Automatisierung": AUTOMATION_LABELS.get(row.automation or "", row.automation or ""),
        "Weiter": weiter, "Bedingungen": conditions, "Wahrscheinlichkeiten": probabilities,
        "Ersetzt": " ".join(row.replaces),
    }
