"""Prozesssteckbriefe: ``<leistung>/steckbrief.yaml`` → one frame row each, ratings long."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from .findings import Finding
from .yamlio import LINE_KEY, InvalidDate, YamlFileError, load_yaml, strip_lines

STECKBRIEF_COLUMNS = [
    "leistung", "kurzbeschreibung", "verantwortlich", "fachbereich", "fachverfahren",
    "rechtsgrundlagen", "basisdienste", "beteiligte", "zuletzt_geprueft", "geprueft_von",
    "notizen", "beispielwerte",
]
RATING_COLUMNS = ["leistung", "kriterium", "wert"]
BASISDIENSTE = ("BundID", "ePayment", "Postfach", "E-Akte", "Signatur", "Poststelle")
REVIEW_MAX_AGE_DAYS = 730
LIST_FIELDS = ("fachverfahren", "rechtsgrundlagen", "basisdienste", "beteiligte")
#: Values of ``status`` (release for the Wissensportal, see docs/portal.md).
PORTAL_STATUS = ("entwurf", "freigegeben")


def load_steckbriefe(
    root: Path,
    leistungen: set[str],
    rated_criteria: set[str] | None,
    scale: tuple[float, float],
    stand: dt.date | None,
    findings: list[Finding],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict[str, Any]]]:
    """All Steckbriefe: a frame, the ratings (long) and the raw dicts by Leistung."""
    rows, ratings, raw = [], [], {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        path = folder / "steckbrief.yaml"
        rel = f"{folder.name}/steckbrief.yaml"
        if folder.name not in leistungen:
            if path.exists() or any(folder.glob("*.bpmn")):
                findings.append(Finding("error", f"{folder.name}/", "", f"Ordner '{folder.name}' "
                                "gehört zu keiner Leistung in leistungen.yaml. Bitte dort "
                                "eintragen oder den Ordner umbenennen.", "unknown-leistung"))
            continue
        if not path.exists():
            continue
        try:
            data = load_yaml(path)
        except YamlFileError as err:
            findings.append(Finding("error", rel, f"Zeile {err.line}" if err.line else "",
                                    err.message, "yaml"))
            continue
        if not isinstance(data, dict):
            findings.append(Finding("error", rel, "", "Der Steckbrief ist keine Zuordnung "
                                    "(Feld: Wert).", "structure"))
            continue
        row = _row(folder.name, data, rel, stand, findings)
        rows.append(row)
        raw[folder.name] = strip_lines(data)
        ratings += _ratings(folder.name, data, rel, rated_criteria, scale, findings)
    for lid in sorted(leistungen - set(raw)):
        findings.append(Finding("warning", f"{lid}/steckbrief.yaml", "", "Steckbrief fehlt. "
                                "Bitte mindestens Verantwortliche Rolle, Fachbereich und "
                                "Bewertungen erfassen.", "missing-file"))
    frame = pd.DataFrame(rows, columns=STECKBRIEF_COLUMNS)
    rating_frame = pd.DataFrame(ratings, columns=RATING_COLUMNS)
    rating_frame["wert"] = rating_frame["wert"].astype(float)
    return frame, rating_frame, raw


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        items = [_item_text(v) for v in value]
        return [v for v in items if v]
    return [s.strip() for s in str(value).split(";") if s.strip()]


def _item_text(item: Any) -> str:
    """A list item as text; a mapping ``{name: …, uri: …}`` (e.g. a Rechtsgrundlage) by name."""
    if isinstance(item, dict):
        return str(item.get("name") or "").strip()
    return str(item).strip()


def legal_links(steckbrief: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The Rechtsgrundlagen of a raw Steckbrief as (name, link or None), in file order."""
    out: list[tuple[str, str | None]] = []
    for item in steckbrief.get("rechtsgrundlagen") or []:
        if isinstance(item, dict):
            name = str(item.get("name") or "").strip()
            uri = str(item.get("uri") or "").strip()
            if name:
                out.append((name, uri if uri.startswith(("https://", "http://")) else None))
        elif str(item).strip():
            out.append((str(item).strip(), None))
    return out


def _row(lid: str, data: dict[str, Any], rel: str, stand: dt.date | None,
         findings: list[Finding]) -> dict[str, Any]:
    declared = str(data.get("leistung") or lid)
    if declared != lid:
        findings.append(Finding("error", rel, "leistung", f"Der Steckbrief nennt die Leistung "
                                f"'{declared}', liegt aber im Ordner '{lid}'.", "mismatch"))
    for key, what in (("verantwortlich", "Verantwortliche Rolle"),
                      ("rechtsgrundlagen", "Rechtsgrundlagen"), ("fachbereich", "Fachbereich")):
        if not data.get(key):
            findings.append(Finding("warning", rel, key, f"{what} fehlt.", "missing"))
    basis = _as_list(data.get("basisdienste"))
    for item in basis:
        if item not in BASISDIENSTE:
            findings.append(Finding("info", rel, "basisdienste", f"Basisdienst '{item}' ist nicht "
                                    f"in der Liste ({', '.join(BASISDIENSTE)}).", "value"))
    status = data.get("status")
    if status is not None and str(status).strip().lower() not in PORTAL_STATUS:
        findings.append(Finding("warning", rel, "status", f"Status '{status}' ist unbekannt; "
                                "erlaubt sind 'freigegeben' (im Wissensportal veröffentlicht) "
                                "und 'entwurf'.", "value"))
    reviewed = data.get("zuletzt_geprueft")
    if isinstance(reviewed, InvalidDate):
        findings.append(Finding("error", rel, f"Zeile {reviewed.line}", "zuletzt_geprueft: "
                                + reviewed.finding_text(), "value"))
        reviewed = None
    elif reviewed is not None and not isinstance(reviewed, dt.date):
        findings.append(Finding("warning", rel, "zuletzt_geprueft", f"'{reviewed}' ist kein "
                                "Datum (JJJJ-MM-TT).", "value"))
        reviewed = None
    elif reviewed is None:
        findings.append(Finding("warning", rel, "zuletzt_geprueft", "Datum der letzten Prüfung "
                                "fehlt.", "missing"))
    elif stand is not None and (stand - reviewed).days > REVIEW_MAX_AGE_DAYS:
        findings.append(Finding("warning", rel, "zuletzt_geprueft", f"Zuletzt geprüft am "
                                f"{reviewed:%d.%m.%Y} – älter als zwei Jahre zum Stand "
                                f"{stand:%d.%m.%Y}. Bitte überprüfen.", "stale"))
    row = {key: data.get(key) for key in STECKBRIEF_COLUMNS}
    row["leistung"] = lid
    for key in LIST_FIELDS:
        row[key] = _as_list(data.get(key))
    row["zuletzt_geprueft"] = reviewed
    row["beispielwerte"] = bool(data.get("beispielwerte", False))
    return row


def _ratings(lid: str, data: dict[str, Any], rel: str, rated: set[str] | None,
             scale: tuple[float, float], findings: list[Finding]) -> list[dict[str, Any]]:
    given = data.get("bewertungen") or {}
    if not isinstance(given, dict):
        findings.append(Finding("error", rel, "bewertungen", "'bewertungen' muss eine Zuordnung "
                                "Kriterium: Wert sein.", "structure"))
        return []
    lo, hi = scale
    out = []
    line = given.get(LINE_KEY, "")
    for key, value in given.items():
        if key == LINE_KEY:
            continue
        where = f"bewertungen.{key}" + (f" (ab Zeile {line})" if line else "")
        if rated is not None and key not in rated:
            findings.append(Finding("error", rel, where, f"Unbekanntes Kriterium '{key}' (nicht "
                                    "in bewertung.yaml oder dort berechnet).", "unknown"))
            continue
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            findings.append(Finding("error", rel, where, f"Bewertung '{value}' liegt nicht auf der "
                                    f"Skala {lo:g}–{hi:g}.", "value"))
            continue
        out.append({"leistung": lid, "kriterium": key, "wert": float(value)})
    if rated:
        missing = sorted(rated - {r["kriterium"] for r in out})
        if missing:
            findings.append(Finding("info", rel, "bewertungen", f"{len(missing)} von {len(rated)} "
                                    "Kriterien nicht bewertet: " + ", ".join(missing) + ".",
                                    "missing-rating"))
    return out
