"""Reading step tables: tolerant column matching, cell parsing, successor resolution."""

from __future__ import annotations

import re

from ..activity_types import ACTIVITY_TYPES
from ..bpmn import extensions as ext
from ..bpmn.errors import Finding
from ..limits import ATTRIBUTE_MAX, german_int
from ..text import fold_key as fold
from .load import RawTable, Source, load
from .model import (
    ALLOWS_DEFAULT,
    COLUMN_OF,
    COLUMNS,
    DEFAULT_MARK,
    ELEMENTS,
    FIELDS,
    NO_SUCCESSOR,
    StepRow,
    StepTable,
    StepTableError,
    implicit_successors,
    node_id,
)

_ALIASES: dict[str, tuple[str, ...]] = {
    "nr": ("nummer", "id", "no", "lfdnr", "number", "schrittnr", "nro"),
    "step": ("step", "name", "bezeichnung", "taetigkeit", "aktivitaet", "arbeitsschritt",
             "prozessschritt"),
    "element": ("elementtyp", "typ", "type", "art", "bpmn", "bpmnelement", "kind"),
    "role": ("role", "lane", "zustaendig", "zustaendigkeit", "akteur", "wer", "actor", "stelle"),
    "activity_type": ("activitytype", "taetigkeitstyp", "schritttyp", "typaktivitaet"),
    "medium": ("medien", "kanal", "channel"),
    "minutes": ("minutes", "bearbeitungszeit", "bearbeitungszeitminuten", "dauer",
                "dauerminuten", "zeit", "min", "duration", "handlingtime"),
    "wait_days": ("wartezeit", "liegezeit", "liegezeittage", "waitdays", "waittime", "wait",
                  "waitingtime", "waitingdays"),
    "system": ("fachverfahren", "software", "itsystem", "anwendung"),
    "phase": ("e2ephase", "prozessphase"),
    "automation": ("automatisierbarkeit", "automation", "automatisierungsgrad"),
    "next": ("nachfolger", "next", "successor", "successors", "dann", "weiterzu", "naechster",
             "naechsterschritt"),
    "conditions": ("bedingung", "conditions", "condition", "zweig", "zweige"),
    "probabilities": ("wahrscheinlichkeit", "probabilities", "probability", "anteil", "anteile"),
    "replaces": ("replaces", "ersetztist", "ersetzt", "ersetztschritt", "ersetztschritte",
                 "vorgaenger", "istschritt", "istschritte"),
}
_COLUMN_KEYS: dict[str, str] = {fold(c): f for c, f in FIELDS.items()} | {
    alias: f for f, aliases in _ALIASES.items() for alias in aliases
}
_ELEMENT_KEYS: dict[str, str] = {fold(label): label for label in ELEMENTS} | {
    fold(e.tag): label for label, e in ELEMENTS.items() if e.definition is None
} | {
    "startereignis": "Start", "endereignis": "Ende", "end": "Ende", "ende": "Ende",
    "starteventmessage": "Start (Nachricht)", "endeventmessage": "Ende (Nachricht)",
    "nachrichtenstart": "Start (Nachricht)", "nachrichtenende": "Ende (Nachricht)",
    "timer": "Zwischenereignis (Zeit)", "zeit": "Zwischenereignis (Zeit)",
    "zeitereignis": "Zwischenereignis (Zeit)", "nachricht": "Zwischenereignis (Nachricht)",
    "nachrichtenereignis": "Zwischenereignis (Nachricht)",
    "xor": "Entscheidung", "entscheidungxor": "Entscheidung", "gateway": "Entscheidung",
    "and": "Parallel", "und": "Parallel", "parallelund": "Parallel",
    "parallelisierung": "Parallel", "parallelisierungund": "Parallel",
    "or": "Oder", "oderor": "Oder", "oderverzweigung": "Oder", "oderverzweigungor": "Oder",
    "task": "Aufgabe",
}
_ACTIVITY_KEYS: dict[str, str] = {fold(k): k for k in ACTIVITY_TYPES} | {
    fold(t.label): k for k, t in ACTIVITY_TYPES.items()
}
PROBABILITY_TOLERANCE = 0.005


def column_field(header: str) -> str | None:
    """The field a header names (tolerant: case, umlauts, spaces, parentheses, aliases)."""
    key = fold(header)
    if key in _COLUMN_KEYS:
        return _COLUMN_KEYS[key]
    return _COLUMN_KEYS.get(fold(re.sub(r"\(.*?\)|\[.*?\]", "", header)))


def read_step_table(source: Source) -> StepTable:
    """Read a step table from a CSV/XLSX path or a DataFrame.

    Fatal problems raise :class:`StepTableError`; the rest becomes ``findings``.
    """
    raw = load(source, lambda cells: any(column_field(c) == "step" for c in cells))
    return _Parser(raw).parse()


class _Parser:
    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self.findings: list[Finding] = list(raw.findings)
        self.columns: dict[str, int] = {}

    # ---- messages
    def error(self, message: str, line: int | None, field: str | None = None,
              hint: str | None = None) -> StepTableError:
        index = self.columns.get(field or "")
        column = self.raw.header[index] if index is not None else COLUMN_OF.get(field or "")
        return StepTableError(message, source=self.raw.source, row=line, column=column,
                              hint=hint)

    def note(self, code: str, message: str, line: int | None = None,
             severity: str = "warning") -> None:
        self.findings.append(Finding(code, message, severity=severity, line=line,
                                     file=self.raw.source))

    # ---- columns
    def map_columns(self) -> None:
        raw = self.raw
        unknown = []
        for index, header in enumerate(raw.header):
            name = column_field(header) if header else None
            if name is None:
                has_data = any(index < len(c) and c[index] for _, c in raw.records)
                if header or has_data:
                    unknown.append(header or f"(ohne Überschrift, Spalte {index + 1})")
            elif name in self.columns:
                self.note("duplicate-column", f"Die Spalte „{header}“ kommt doppelt vor; "
                          "verwendet wird die erste.", raw.header_line)
            else:
                self.columns[name] = index
        if unknown:
            self.note("unknown-column", "Unbekannte Spalte(n) werden ignoriert: "
                      + ", ".join(f"„{u}“" for u in unknown) + ". Bekannt sind: "
                      + ", ".join(COLUMNS) + ".", raw.header_line, severity="info")
        if "step" not in self.columns:
            found = ", ".join(f"„{h}“" for h in raw.header if h) or "keine"
            raise self.error(f"Die Pflichtspalte „Schritt“ fehlt (gefundene Spalten: {found}).",
                             raw.header_line, "step",
                             "Bitte eine Kopfzeile wie " + ";".join(COLUMNS) + " verwenden.")

    def cell(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    # ---- rows
    def parse(self) -> StepTable:
        self.map_columns()
        records = [(line, cells) for line, cells in self.raw.records if any(cells)]
        explicit = {self.cell(c, "nr") for _, c in records}
        rows: list[StepRow] = []
        raw_next: list[tuple[str, str, str]] = []
        seen: dict[str, int] = {}
        ids: dict[str, str] = {}
        width = len(self.raw.header)
        for position, (line, cells) in enumerate(records, start=1):
            if any(cells[width:]):
                self.note("extra-cells", f"Die Zeile hat mehr Zellen ({len(cells)}) als die "
                          f"Kopfzeile Spalten ({width}); die überzähligen werden ignoriert. Steht "
                          "ein Trennzeichen im Text, die Zelle in Anführungszeichen setzen.", line)
            nr = self.cell(cells, "nr") or self._free_nr(position, explicit, line)
            explicit.add(nr)
            self._check_nr(nr, line, seen, ids)
            rows.append(self.row(nr, cells, line))
            raw_next.append((self.cell(cells, "next"), self.cell(cells, "conditions"),
                             self.cell(cells, "probabilities")))
        for index, (weiter, conditions, probabilities) in enumerate(raw_next):
            self.successors(rows, index, weiter, conditions, probabilities)
        self.check_structure(rows)
        return StepTable(rows, self.findings, self.raw.source)

    def _free_nr(self, position: int, taken: set[str], line: int) -> str:
        number = position
        while str(number) in taken:
            number += 1
        if "nr" in self.columns:
            self.note("nr-missing", f"Die Zeile hat keine Nr; vergeben wurde „{number}“.", line)
        return str(number)

    def _check_nr(self, nr: str, line: int, seen: dict[str, int], ids: dict[str, str]) -> None:
        if "|" in nr or nr == NO_SUCCESSOR:
            raise self.error(f"Die Nr „{nr}“ ist nicht erlaubt.", line, "nr",
                             "Bitte Ziffern oder Buchstaben verwenden (ohne | und nicht „-“).")
        if nr in seen:
            raise self.error(f"Die Nr „{nr}“ kommt doppelt vor (zuerst in Zeile {seen[nr]}).",
                             line, "nr", "Bitte jede Nr nur einmal vergeben.")
        bpmn_id = node_id(nr)
        if bpmn_id in ids:
            raise self.error(f"Die Nr „{nr}“ ergibt dieselbe BPMN-ID „{bpmn_id}“ wie die Nr "
                             f"„{ids[bpmn_id]}“.", line, "nr",
                             "Bitte Nrs aus Buchstaben, Ziffern, _ . - wählen.")
        if bpmn_id != f"Schritt_{nr}":
            self.note("nr-id", f"Die Nr „{nr}“ enthält Zeichen, die in BPMN-IDs nicht erlaubt "
                      f"sind; im Modell heißt der Schritt „{bpmn_id}“.", line, severity="info")
        seen[nr], ids[bpmn_id] = line, nr

    def row(self, nr: str, cells: list[str], line: int) -> StepRow:
        value = self.cell
        element_text = value(cells, "element")
        element = _ELEMENT_KEYS.get(fold(element_text)) if element_text else "Aufgabe"
        if element is None:
            raise self.error(f"Unbekanntes Element „{element_text}“.", line, "element",
                             "Erlaubt sind: " + ", ".join(ELEMENTS) + " (leer = Aufgabe).")
        row = StepRow(nr=nr, step=value(cells, "step"), element=element, line=line,
                      role=value(cells, "role") or None, system=value(cells, "system") or None)
        if not row.step and ELEMENTS[element].category == "task":
            self.note("step-unnamed", "Der Schritt hat keine Bezeichnung (Spalte Schritt).", line)
        if row.role is None and "role" in self.columns:
            self.note("role-missing", "Die Zeile hat keine Rolle; im Modell kommt der Schritt "
                      "in die Lane der vorigen Zeile.", line)
        row.activity_type = self.activity_type(value(cells, "activity_type"), line)
        for name, attribute in (("medium", "medium"), ("phase", "phase"),
                                ("automation", "automation")):
            setattr(row, name, self.enum(attribute, value(cells, name), line, name))
        row.replaces = tuple(p for p in re.split(r"[\s,;|]+", value(cells, "replaces")) if p)
        row.minutes = self.number(value(cells, "minutes"), line, "minutes")
        row.wait_days = self.number(value(cells, "wait_days"), line, "wait_days")
        return row

    def activity_type(self, text: str, line: int) -> str | None:
        if not text:
            return None
        key = _ACTIVITY_KEYS.get(fold(text))
        if key is None:
            self.note("activity-type-unknown", f"Aktivitätstyp „{text}“ ist nicht in der "
                      "Bibliothek; er wird unverändert übernommen. Bekannt sind: "
                      + ", ".join(ACTIVITY_TYPES) + ".", line)
            return text
        return key

    def enum(self, attribute: str, text: str, line: int, name: str) -> str | None:
        if not text:
            return None
        key = ext.normalize_enum(attribute, text)
        if key is None:
            allowed = ", ".join((ext.ATTRIBUTES[attribute].values or {}).values())
            self.note(f"{attribute}-unknown", f"{COLUMN_OF[name]} „{text}“ ist unbekannt und "
                      f"wird weggelassen. Erlaubt sind: {allowed}.", line)
        return key

    def number(self, text: str, line: int, name: str) -> float | None:
        if not text:
            return None
        try:
            value = float(text.replace(" ", "").replace(",", "."))
        except ValueError:
            value = -1.0
        if not value >= 0 or value == float("inf"):
            raise self.error(f"„{text}“ ist keine Zahl ≥ 0.", line, name,
                             "Bitte eine Zahl eintragen (Dezimalkomma erlaubt, z. B. 2,5) oder "
                             "die Zelle leer lassen.")
        limit = ATTRIBUTE_MAX.get({"wait_days": "waitDays"}.get(name, name))
        if limit and value > limit[0]:
            raise self.error(f"„{text}“ ist unplausibel groß.", line, name,
                             f"Höchstens {german_int(limit[0])} {limit[1]}; bitte die Einheit "
                             "prüfen.")
        return value

    # ---- successors
    def successors(self, rows: list[StepRow], index: int, weiter: str, conditions: str,
                   probabilities: str) -> None:
        row, line = rows[index], rows[index].line
        by_nr = {r.nr: r for r in rows}
        if weiter == NO_SUCCESSOR:
            targets: tuple[str, ...] = ()
        elif weiter:
            targets = tuple(part.strip() for part in weiter.split("|"))
            if row.spec.category == "end":
                raise self.error(f"Ein Ende („{row.element}“) hat keine Nachfolger, Weiter "
                                 f"ist aber „{weiter}“.", line, "next",
                                 "Bitte Weiter leeren oder ein anderes Element wählen.")
            for target in targets:
                if target not in by_nr:
                    raise self.error(
                        f"Weiter verweist auf die Nr „{target}“, die es nicht gibt.", line,
                        "next", "Bitte eine vorhandene Nr eintragen; mehrere Nachfolger mit | "
                                "trennen, z. B. 7|15.")
                if by_nr[target].spec.category == "start":
                    raise self.error(f"Weiter verweist auf „{target}“, ein Start kann aber "
                                     "keinen Vorgänger haben.", line, "next",
                                     "Bitte auf den Schritt nach dem Start verweisen.")
        else:
            targets = implicit_successors(rows, index)
        row.successors = targets
        labels = self.split(conditions, targets, line, "conditions")
        row.conditions, row.default = self.defaults(row, labels, line)
        parts = self.split(probabilities, targets, line, "probabilities")
        row.probabilities = tuple(self.probability(p, line) for p in parts)
        self.check_probabilities(row)

    def split(self, text: str, targets: tuple[str, ...], line: int | None,
              name: str) -> list[str]:
        if not text:
            return [""] * len(targets)
        parts = [p.strip() for p in text.split("|")]
        if len(parts) != len(targets):
            shown = "|".join(targets) or "keine"
            raise self.error(
                f"{COLUMN_OF[name]} hat {len(parts)} Eintrag/Einträge, Weiter aber "
                f"{len(targets)} Nachfolger ({shown}).", line, name,
                "Bitte je Nachfolger genau einen Eintrag angeben, getrennt durch | "
                "(Reihenfolge wie in Weiter).")
        return parts

    def defaults(self, row: StepRow, labels: list[str],
                 line: int | None) -> tuple[tuple[str, ...], int | None]:
        marked = [i for i, label in enumerate(labels) if is_default_label(label)]
        if len(marked) > 1:
            raise self.error(f"„{DEFAULT_MARK}“ steht {len(marked)}-mal in den Bedingungen.",
                             line, "conditions",
                             f"Bitte nur einen Zweig mit „{DEFAULT_MARK}“ markieren.")
        if marked and row.element not in ALLOWS_DEFAULT:
            self.note("default-not-allowed", f"„{DEFAULT_MARK}“ ist bei „{row.element}“ nicht "
                      "möglich (nur bei Entscheidung, Oder und Aufgaben); es bleibt eine "
                      "Beschriftung.", line)
            return tuple(labels), None
        if not marked:
            return tuple(labels), None
        i = marked[0]
        label = labels[i].strip()
        labels[i] = re.sub(rf"\s*\(\s*{DEFAULT_MARK}\s*\)$", "", label, flags=re.I)
        if labels[i].lower() in ("", DEFAULT_MARK):
            labels[i] = DEFAULT_MARK
        return tuple(labels), i

    def probability(self, text: str, line: int | None) -> float | None:
        if not text:
            return None
        percent = text.endswith("%")
        try:
            value = float(text.rstrip("%").strip().replace(",", "."))
        except ValueError:
            value = -1.0
        value = value / 100 if percent else value
        if not 0 <= value <= 1:
            raise self.error(f"„{text}“ ist keine Wahrscheinlichkeit zwischen 0 und 1.", line,
                             "probabilities", "Bitte z. B. 0,25 oder 25 % eintragen.")
        return value

    def check_probabilities(self, row: StepRow) -> None:
        given = [p for p in row.probabilities if p is not None]
        if not given or len(row.successors) < 2:
            return
        if len(given) < len(row.probabilities):
            self.note("probability-missing", "Nicht alle Zweige haben eine Wahrscheinlichkeit; "
                      "bitte für jeden Nachfolger eine angeben.", row.line)
        elif row.element == "Entscheidung" and abs(sum(given) - 1) > PROBABILITY_TOLERANCE:
            total = f"{sum(given):.2f}".replace(".", ",")
            self.note("probability-sum", f"Die Wahrscheinlichkeiten ergeben {total} statt 1; die "
                      "Analyse normiert sie. Bitte korrigieren.", row.line)

    # ---- whole table
    def check_structure(self, rows: list[StepRow]) -> None:
        if not rows:
            self.note("empty", "Die Tabelle enthält keine Schritte.", self.raw.header_line)
            return
        if "role" in self.columns and not any(r.role for r in rows):
            self.findings = [f for f in self.findings if f.code != "role-missing"]
            self.note("roles-missing", "Keine Zeile hat eine Rolle; das Modell bekommt keine "
                      "Lanes.", self.raw.header_line, severity="info")
        categories = {r.spec.category for r in rows}
        if "start" not in categories:
            self.note("start-missing", "Die Tabelle hat keinen Start. Bitte eine Zeile mit "
                      "Element „Start“ ergänzen.")
        if "end" not in categories:
            self.note("end-missing", "Die Tabelle hat kein Ende. Bitte eine Zeile mit Element "
                      "„Ende“ ergänzen.")
        for row in rows:
            if not row.successors and row.spec.category != "end":
                self.note("dead-end", f"„{row.step or row.nr}“ hat keinen Nachfolger (Weiter); "
                          "der Ablauf endet dort ohne Ende.", row.line)


def is_default_label(label: str) -> bool:
    """True for „sonst“ and „… (sonst)“: the label marks the default flow."""
    text = label.strip().lower()
    return text == DEFAULT_MARK or bool(re.search(rf"\(\s*{DEFAULT_MARK}\s*\)$", text))
