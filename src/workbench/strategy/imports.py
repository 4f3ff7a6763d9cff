"""Import of a Maßnahmenkatalog (CSV/XLSX) into ``strategie/massnahmen.yaml``.

Columns as the strategy documents have them (Rendsburg-Eckernförde: Nr, Maßnahme, geplante
Umsetzung, Status, Leitziel, Leitprojekt), plus optional Leistungen, Modus, Start, Ende,
Verantwortlich, Kommunen. Rows are matched to existing Maßnahmen by ID, else Nr, else name;
the report lists rows added / changed / unchanged / rejected with spreadsheet row numbers.
Nothing is written when no row changes anything; comments of the file are kept.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..kb.imports import ImportReport, unique_slug
from ..kb.tabular import read_fields, slug
from ..kb.yamlio import read_roundtrip, write_roundtrip
from ..text import ascii_fold
from .loader import MEASURES_FILE
from .model import MODES, STATUS

_FIELDS = {
    "name": ("Maßnahme", "Massnahme", "Name", "Bezeichnung"),
    "id": ("ID", "Kennung"),
    "nr": ("Nr", "Nr.", "Nummer", "lfd. Nr"),
    "ziele": ("Ziele", "Ziel", "Leitziel", "Verbundziel", "Strategisches Ziel"),
    "leistungen": ("Leistungen", "Leistung", "Prozesse"),
    "status": ("Status", "Stand"),
    "modus": ("Modus", "Umsetzung durch", "Aufgabenteilung"),
    "start": ("Start", "Beginn"),
    "ende": ("Ende", "geplante Umsetzung", "Umsetzung bis", "Termin"),
    "verantwortlich": ("Verantwortlich", "Verantwortung", "Federführung"),
    "kommunen": ("Kommunen", "Beteiligte Kommunen", "Teilnehmende Kommunen"),
    "leitprojekt": ("Leitprojekt", "Projekt"),
}
_STATUS_ALIASES = {ascii_fold(label): key for key, label in STATUS.items()} | {
    ascii_fold(k): k for k in STATUS} | {"geplant": "in_planung", "laufend": "in_umsetzung",
                                         "erledigt": "umgesetzt", "abgeschlossen": "umgesetzt"}
_MODE_ALIASES = {ascii_fold(label): key for key, label in MODES.items()} | {
    ascii_fold(k): k for k in MODES} | {"einer fuer alle": "efa", "jeder fuer sich": "einzeln"}


def _date(raw: str, end: bool) -> dt.date:
    """'2026-03-31', '31.03.2026', '2026' (→ 31.12. as end, 1.1. as start), 'Q2/2026'."""
    text = raw.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
    match = re.fullmatch(r"Q([1-4])\s*/\s*(\d{4})", text, re.IGNORECASE)
    if match:
        q, year = int(match.group(1)), int(match.group(2))
        if end:
            month = 3 * q
            return (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
        return dt.date(year, 3 * q - 2, 1)
    raise ValueError(f"'{raw}' ist kein Datum (JJJJ-MM-TT, TT.MM.JJJJ, JJJJ oder Qn/JJJJ).")


def _split(raw: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;\n]", raw) if p.strip()]


def _resolve(values: list[str], known: dict[str, str], what: str) -> list[str]:
    out = []
    for value in values:
        key = known.get(value.casefold()) or known.get(ascii_fold(value))
        if key is None:
            raise ValueError(f"unbekannte(s) {what} '{value}'.")
        out.append(key)
    return list(dict.fromkeys(out))


def _row_fields(values: dict[str, str], goals: dict[str, str], leistungen: dict[str, str],
                kommunen: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if values.get("nr"):
        out["nr"] = values["nr"]
    if values.get("ziele"):
        out["ziele"] = _resolve(_split(values["ziele"]), goals, "Ziel")
    if values.get("leistungen"):
        out["leistungen"] = _resolve(_split(values["leistungen"]), leistungen, "Leistung")
    if values.get("status"):
        status = _STATUS_ALIASES.get(ascii_fold(values["status"]).replace("_", " ")) or \
            _STATUS_ALIASES.get(ascii_fold(values["status"]))
        if status is None:
            raise ValueError(f"Status '{values['status']}' unbekannt; erlaubt: "
                             f"{', '.join(STATUS.values())}.")
        out["status"] = status
    if values.get("modus"):
        mode = _MODE_ALIASES.get(ascii_fold(values["modus"]))
        if mode is None:
            raise ValueError(f"Modus '{values['modus']}' unbekannt; erlaubt: "
                             f"{', '.join(MODES.values())}.")
        out["modus"] = mode
    for key in ("start", "ende"):
        if values.get(key):
            out[key] = _date(values[key], end=key == "ende")
    if "start" in out and "ende" in out and out["ende"] < out["start"]:
        raise ValueError(f"Ende {out['ende']:%d.%m.%Y} liegt vor dem Start "
                         f"{out['start']:%d.%m.%Y}.")
    for key in ("verantwortlich", "leitprojekt"):
        if values.get(key):
            out[key] = values[key]
    if values.get("kommunen"):
        out["kommunen"] = _resolve(_split(values["kommunen"]), kommunen, "Kommune")
    return out


def import_massnahmen(root: Path, file: Path, *, goals: dict[str, str],
                      leistungen: dict[str, str], kommunen: dict[str, str]) -> ImportReport:
    """Merge a Maßnahmenkatalog into ``strategie/massnahmen.yaml``.

    ``goals``, ``leistungen`` and ``kommunen`` map accepted spellings (ID, Nr, name — casefolded
    and ASCII-folded) to IDs; unknown references reject the row."""
    report = ImportReport(file.name)
    frame, columns = read_fields(file, _FIELDS, required="name", label="'Maßnahme'")
    target = root / MEASURES_FILE
    doc = read_roundtrip(target) if target.exists() else None
    if doc is None:
        doc = CommentedMap(massnahmen=CommentedSeq())
    entries = doc.setdefault("massnahmen", CommentedSeq())
    by_id = {str(e.get("id")): e for e in entries if isinstance(e, dict)}
    by_nr = {str(e.get("nr")): e for e in entries if isinstance(e, dict) and e.get("nr")}
    by_name = {str(e.get("name", "")).casefold(): e for e in entries if isinstance(e, dict)}
    seen: set[str] = set()
    for n, row in enumerate(frame.to_dict("records"), start=2):
        values = {k: _cell(row[c]) for k, c in columns.items() if c is not None}
        name = values.get("name", "")
        if not name:
            if any(values.values()):
                report.rejected.append((n, "Name der Maßnahme fehlt."))
            continue
        existing = (by_id.get(values.get("id", "")) or by_nr.get(values.get("nr", ""))
                    or by_name.get(name.casefold()))
        mid = str(existing["id"]) if existing is not None else (
            values.get("id") or unique_slug(slug(name, max_length=40), set(by_id) | seen))
        if mid in seen:
            report.rejected.append((n, f"Maßnahme '{name}' steht mehrfach in der Datei."))
            continue
        try:
            fields = _row_fields(values, goals, leistungen, kommunen)
        except ValueError as err:
            report.rejected.append((n, str(err)))
            continue
        seen.add(mid)
        if existing is None:
            entry = CommentedMap(id=mid, name=name)
            entry.update(_yaml_values(fields))
            entry.setdefault("status", "neu")
            entries.append(entry)
            by_id[mid] = entry
            report.added.append(mid)
            continue
        changed = False
        for key, value in {"name": name, **_yaml_values(fields)}.items():
            if _plain(existing.get(key)) != _plain(value):
                existing[key] = value
                changed = True
        (report.changed if changed else report.unchanged).append(mid)
    if report.added or report.changed:
        write_roundtrip(target, doc)
        report.written = str(target)
    return report


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    text = str(value).strip()
    return "" if text.lower() == "nan" else text


def _yaml_values(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, list):
            seq = CommentedSeq(value)
            seq.fa.set_flow_style()
            out[key] = seq
        else:
            out[key] = value
    return out


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value
