"""Edits of the strategy files from the workshop: goals, Maßnahmen, status reports, OKR check-in.

Every edit checks its values first (German :class:`StrategyEditError`, nothing written), then
changes only the touched keys of a comment-keeping round trip and writes the file atomically.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..kb.yamlio import YamlFileError, read_roundtrip, write_roundtrip
from .loader import MEASURES_FILE, OKR_FILE, STRATEGY_FILE
from .model import LIGHT_DIMENSIONS, LIGHTS, MODES, PRIORITIES, STATUS

GOAL_TEXT_FIELDS = ("name", "ziel", "anpassung", "risiken", "mehrwerte", "aufwand")
MEASURE_TEXT_FIELDS = ("name", "verantwortlich", "beschreibung", "leitprojekt")


class StrategyEditError(ValueError):
    """An edit the strategy files refuse (German message; nothing was written)."""


def _load(root: Path, rel: str) -> Any:
    path = Path(root) / rel
    if not path.exists():
        raise StrategyEditError(f"{rel} fehlt; bitte zuerst anlegen (docs/strategie.md).")
    try:
        return read_roundtrip(path)
    except YamlFileError as err:
        raise StrategyEditError(f"{rel}: {err.message} Bitte zuerst die Datei reparieren.") from None
    except Exception as err:  # ruamel's parser errors: the file is broken, not the edit
        raise StrategyEditError(f"{rel} ist kein gültiges YAML ({str(err).splitlines()[0]}); "
                                "bitte zuerst die Datei reparieren.") from None


def _find(entries: Any, key: str, value: str, what: str, rel: str) -> CommentedMap:
    for entry in entries or []:
        if isinstance(entry, dict) and str(entry.get(key)) == value:
            return entry
    raise StrategyEditError(f"{what} '{value}' steht nicht in {rel}.")


def _goal_entry(doc: Any, goal_id: str) -> CommentedMap:
    for field in doc.get("handlungsfelder") or []:
        for goal in (field.get("ziele") or []) if isinstance(field, dict) else []:
            if isinstance(goal, dict) and str(goal.get("id")) == goal_id:
                return goal
    raise StrategyEditError(f"Ziel '{goal_id}' steht nicht in {STRATEGY_FILE}.")


def update_goal(root: Path, goal_id: str, changes: dict[str, Any]) -> Path:
    """Set text fields, ``prioritaet`` and ``wirkung`` (perspective → 0–3) of a goal."""
    doc = _load(root, STRATEGY_FILE)
    goal = _goal_entry(doc, goal_id)
    perspectives = list(doc.get("perspektiven") or ["Finanzen", "Mitarbeitende", "Kunden",
                                                    "Prozesse", "Gesellschaft"])
    for key, value in changes.items():
        if key == "prioritaet":
            if value not in PRIORITIES:
                raise StrategyEditError(f"Priorität '{value}' gibt es nicht; erlaubt: "
                                        f"{', '.join(PRIORITIES)}.")
        elif key == "wirkung":
            for p, v in value.items():
                if p not in perspectives:
                    raise StrategyEditError(f"Perspektive '{p}' ist unbekannt; erlaubt: "
                                            f"{', '.join(perspectives)}.")
                if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 3:
                    raise StrategyEditError(f"Wirkung {v!r} für {p} ist kein Wert 0–3.")
        elif key not in GOAL_TEXT_FIELDS:
            raise StrategyEditError(f"Das Feld '{key}' eines Ziels wird hier nicht bearbeitet.")
    for key, value in changes.items():
        if key == "wirkung":
            target = goal.get("wirkung")
            if not isinstance(target, dict):
                target = CommentedMap()
                target.fa.set_flow_style()
                goal["wirkung"] = target
            for p in perspectives:
                if p in value:
                    target[p] = int(value[p])
        elif goal.get(key) != value:
            goal[key] = value
    return write_roundtrip(Path(root) / STRATEGY_FILE, doc)


def _check_date(value: Any, label: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    raise StrategyEditError(f"{label}: '{value}' ist kein Datum.")


def update_measure(root: Path, measure_id: str, changes: dict[str, Any]) -> Path:
    """Set ``status``, ``modus``, ``start``, ``ende`` or text fields of a Maßnahme."""
    doc = _load(root, MEASURES_FILE)
    entry = _find(doc.get("massnahmen"), "id", measure_id, "Maßnahme", MEASURES_FILE)
    for key, value in changes.items():
        if key == "status" and value not in STATUS:
            raise StrategyEditError(f"Status '{value}' gibt es nicht; erlaubt: "
                                    f"{', '.join(STATUS)}.")
        if key == "modus" and value not in MODES:
            raise StrategyEditError(f"Modus '{value}' gibt es nicht; erlaubt: "
                                    f"{', '.join(MODES)}.")
        if key in ("start", "ende"):
            _check_date(value, key)
        if key not in ("status", "modus", "start", "ende", *MEASURE_TEXT_FIELDS):
            raise StrategyEditError(f"Das Feld '{key}' einer Maßnahme wird hier nicht bearbeitet.")
    start = changes.get("start", entry.get("start"))
    end = changes.get("ende", entry.get("ende"))
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        raise StrategyEditError(f"Ende {end:%d.%m.%Y} liegt vor dem Start {start:%d.%m.%Y}; "
                                "nichts gespeichert.")
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        elif entry.get(key) != value:
            entry[key] = value
    return write_roundtrip(Path(root) / MEASURES_FILE, doc)


def add_status_report(root: Path, measure_id: str, datum: dt.date, lights: dict[str, str],
                      text: str = "") -> Path:
    """Append a status report (three lights, text) to a Maßnahme; one per day."""
    if not isinstance(datum, dt.date):
        raise StrategyEditError("Der Statusbericht braucht ein Datum.")
    for dim in LIGHT_DIMENSIONS:
        if lights.get(dim) not in LIGHTS:
            raise StrategyEditError(f"Ampel '{dim}': '{lights.get(dim)}' gibt es nicht; erlaubt: "
                                    "gruen, gelb, rot.")
    doc = _load(root, MEASURES_FILE)
    entry = _find(doc.get("massnahmen"), "id", measure_id, "Maßnahme", MEASURES_FILE)
    reports = entry.get("statusberichte")
    if not isinstance(reports, list):
        reports = CommentedSeq()
        entry["statusberichte"] = reports
    if any(isinstance(r, dict) and r.get("datum") == datum for r in reports):
        raise StrategyEditError(f"Für den {datum:%d.%m.%Y} gibt es schon einen Statusbericht; "
                                "bitte ihn in der Datei ändern oder ein anderes Datum wählen.")
    report = CommentedMap(datum=datum, **{d: lights[d] for d in LIGHT_DIMENSIONS})
    if text:
        report["text"] = text
    report.fa.set_flow_style()
    reports.append(report)
    return write_roundtrip(Path(root) / MEASURES_FILE, doc)


def check_in(root: Path, values: dict[str, float]) -> Path:
    """Quarterly OKR check-in: set ``aktuell`` of typed Key Results (one atomic write)."""
    doc = _load(root, OKR_FILE)
    found: dict[str, CommentedMap] = {}
    for objective in doc.get("objectives") or []:
        for kr in (objective.get("key_results") or []) if isinstance(objective, dict) else []:
            if isinstance(kr, dict) and str(kr.get("id")) in values:
                found[str(kr.get("id"))] = kr
    for kid, value in values.items():
        if kid not in found:
            raise StrategyEditError(f"Key Result '{kid}' steht nicht in {OKR_FILE}.")
        if found[kid].get("abfrage"):
            raise StrategyEditError(f"Key Result '{kid}' wird aus der Wissensbasis berechnet "
                                    f"(Abfrage '{found[kid]['abfrage']}'); sein Wert wird nicht "
                                    "eingetragen.")
        if not isinstance(value, int | float) or isinstance(value, bool) or value != value:
            raise StrategyEditError(f"Key Result '{kid}': {value!r} ist keine Zahl.")
    for kid, value in values.items():
        number = int(value) if float(value).is_integer() else float(value)
        if found[kid].get("aktuell") != number:
            found[kid]["aktuell"] = number
    return write_roundtrip(Path(root) / OKR_FILE, doc)
