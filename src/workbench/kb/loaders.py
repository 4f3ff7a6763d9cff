"""Loading the knowledge-base files into frames, tolerant of missing data.

Each loader returns what it could read plus findings; nothing here raises for content problems,
so ``workbench validate`` can show every problem at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..limits import (
    CSV_FIELD_MAX,
    EINWOHNER_MAX,
    EINWOHNER_WARN,
    FALLZAHL_MAX,
    FALLZAHL_WARN,
    PARAMETER_MAX,
    TOP_N_MAX,
    german_int,
)
from .findings import Finding
from .yamlio import LINE_KEY, InvalidDate, YamlFileError, line_of, load_yaml, strip_lines

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
KEY_PATTERN = re.compile(r"^\d{2,12}$")
PROCESS_TYPES = ("Führungsprozess", "Kernprozess", "Unterstützungsprozess")
CAPTURE_LEVELS = ("modelliert", "steckbrief")
LEISTUNG_COLUMNS = ["id", "name", "fachbereich", "prozesstyp", "leika", "ozg_relevant",
                    "leistungsbuendel", "reifegrad_ist", "reifegrad_ziel", "erfassung", "ozg_id"]
KOMMUNE_COLUMNS = ["schluessel", "name", "typ", "einwohner", "einwohner_quelle"]
FALLZAHL_COLUMNS = ["kommune", "leistung", "jahr", "fallzahl", "quelle"]
DEFAULT_PARAMETERS = {"jahresarbeitszeit_stunden": 1600.0, "personalkostensatz_euro_stunde": 60.0,
                      "top_n": 5}


@dataclass(frozen=True)
class Verbund:
    """The Verbund (or single Kommune) that keeps the knowledge base."""

    id: str
    name: str
    beschreibung: str = ""
    quelle: str = ""
    stand: dt.date | None = None
    parameter: dict[str, Any] = field(default_factory=dict)
    #: Knowledge bases of other Verbünde (paths relative to this one) whose Leistungen are
    #: linked by LeiKa key in the Kommune report (``verknuepfte_wissensbasen``).
    linked: tuple[str, ...] = ()

    @property
    def jahresarbeitszeit(self) -> float:
        """Net yearly working hours of one VZÄ."""
        return float(self.parameter["jahresarbeitszeit_stunden"])

    @property
    def personalkostensatz(self) -> float | None:
        """A flat personnel cost per hour in € (None: the Lohnkostentabelle applies)."""
        value = self.parameter.get("personalkostensatz_euro_stunde")
        return None if value is None else float(value)


def _f(severity: str, file: str, location: str, message: str, code: str) -> Finding:
    return Finding(severity, file, location, message, code)


def load_verbund(root: Path, findings: list[Finding]) -> Verbund:
    """verbund.yaml → :class:`Verbund`; defaults (stated as findings) when values are missing."""
    path = root / "verbund.yaml"
    data: dict[str, Any] = {}
    if not path.exists():
        findings.append(_f("error", "verbund.yaml", "", "Datei fehlt. Bitte Name und Parameter des "
                           "Verbunds anlegen (siehe docs/wissensbasis.md).", "missing-file"))
    else:
        try:
            loaded = load_yaml(path)
            data = loaded if isinstance(loaded, dict) else {}
        except YamlFileError as err:
            findings.append(_f("error", "verbund.yaml", f"Zeile {err.line}" if err.line else "",
                               err.message, "yaml"))
    raw_params = data.get("parameter") or {}
    params = dict(DEFAULT_PARAMETERS)
    given = strip_lines(raw_params) if isinstance(raw_params, dict) else {}
    if given.get("lohnkosten") is not None and given.get("personalkostensatz_euro_stunde") is None:
        params.pop("personalkostensatz_euro_stunde")  # € follow the Lohnkostentabelle
    for key, default in DEFAULT_PARAMETERS.items():
        value = given.get(key)
        if value is None and key not in params:
            continue
        line = line_of(raw_params, key)
        where = f"Zeile {line}, parameter.{key}" if line else f"parameter.{key}"
        if value is None:
            findings.append(_f("warning", "verbund.yaml", where,
                               f"Parameter fehlt; es gilt der Standardwert {default}.", "default"))
            continue
        problem, number = _parameter(key, value)
        if problem:
            findings.append(_f("error", "verbund.yaml", where, f"{problem}; es gilt {default}.",
                               "value"))
            continue
        params[key] = int(number) if key == "top_n" else number
    params.update({k: v for k, v in given.items() if k not in DEFAULT_PARAMETERS})
    stand = data.get("stand")
    if isinstance(stand, InvalidDate):
        findings.append(_f("error", "verbund.yaml", f"Zeile {stand.line}",
                           "stand: " + stand.finding_text(), "value"))
        stand = None
    elif stand is not None and not isinstance(stand, dt.date):
        line = line_of(data, "stand")
        findings.append(_f("warning", "verbund.yaml", f"Zeile {line}" if line else "stand",
                           f"'{stand}' ist kein Datum (JJJJ-MM-TT).", "value"))
        stand = None
    linked = data.get("verknuepfte_wissensbasen") or []
    if isinstance(linked, str):
        linked = [linked]
    if not isinstance(linked, list) or not all(isinstance(x, str) and x.strip() for x in linked):
        findings.append(_f("warning", "verbund.yaml", "verknuepfte_wissensbasen",
                           "Bitte eine Liste von Ordnern angeben (z. B. - ../odenwald); die "
                           "Angabe wird ignoriert.", "value"))
        linked = []
    return Verbund(
        id=str(data.get("id") or root.name), name=str(data.get("name") or root.name),
        beschreibung=str(data.get("beschreibung") or ""), quelle=str(data.get("quelle") or ""),
        stand=stand, parameter=params, linked=tuple(x.strip() for x in linked),
    )


def _parameter(key: str, value: object) -> tuple[str | None, float]:
    """(German problem or None, the number) for one Verbund parameter."""
    try:
        number = float(value) if not isinstance(value, bool) else float("nan")
    except (TypeError, ValueError):
        number = float("nan")
    if not math.isfinite(number) or number <= 0:
        return f"'{value}' ist keine positive Zahl", number
    if key == "top_n" and (number != int(number) or number > TOP_N_MAX):
        return (f"'{value}' ist keine ganze Zahl von 1 bis {german_int(TOP_N_MAX)} (Länge der "
                "Rangliste)"), number
    limit = PARAMETER_MAX.get(key)
    if limit is not None and number > limit:
        return f"'{value}' ist unplausibel groß (höchstens {german_int(limit)})", number
    return None, number


def read_csv_rows(path: Path, findings: list[Finding], name: str,
                  required: Sequence[str] = ()) -> list[dict[str, str]] | None:
    """Rows of a UTF-8 CSV as dicts of strings (keys lowercased), or None when unreadable.

    Each row carries its first line under ``__line__``. A file separated by semicolons (Excel's
    German CSV) is read with a warning; a row that cannot be parsed (a field over
    :data:`~workbench.limits.CSV_FIELD_MAX` characters) or that is joined by
    semicolons in a comma file is an error finding with its line and is left out.
    """
    rows = csv_rows(path, findings, name, required)
    return None if rows is None else list(rows)


def csv_rows(path: Path, findings: list[Finding], name: str,
             required: Sequence[str] = ()) -> Iterator[dict[str, str]] | None:
    """:func:`read_csv_rows` one row at a time: the file, its encoding and its header are
    checked now (None when unreadable), the rows are parsed while iterating (their findings
    are appended then), so a large table never exists as a list of row dicts."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        findings.append(_f("error", name, "", "Datei fehlt.", "missing-file"))
        return None
    except UnicodeDecodeError as err:
        findings.append(_f("error", name, "", f"ist nicht UTF-8-kodiert (Byte {err.start}). "
                           "Bitte als UTF-8 speichern.", "encoding"))
        return None
    except OSError as err:
        findings.append(_f("error", name, "", f"ist nicht lesbar ({err.strerror or err}).",
                           "unreadable"))
        return None
    delimiter = _delimiter(text, required)
    if delimiter == ";":
        findings.append(_f("warning", name, "Zeile 1", "Die Datei ist mit Semikolon getrennt "
                           "(Excel); sie wird so gelesen. Bitte als CSV mit Komma speichern "
                           "(siehe docs/wissensbasis.md).", "delimiter"))
    reader = csv.reader(_lines(text), delimiter=delimiter)
    header = _next_row(reader, findings, name)
    if header is None:
        return iter(())
    columns = [(h or "").strip().lower() for h in header]
    missing = [c for c in required if c not in columns]
    if missing:
        findings.append(_f("error", name, "Zeile 1", "Spalte(n) " + ", ".join(f"'{c}'" for c in
                           missing) + " fehlen in der Kopfzeile; erwartet: " + ", ".join(
                           required) + ". Die Datei wird ignoriert.", "structure"))
        return None
    return _body_rows(reader, columns, findings, name)


#: A line as ``io.StringIO(text, newline="")`` yields it (ended by CR LF, CR or LF).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, without the copy (four bytes per character)
    that ``io.StringIO`` makes of the whole text."""
    return (match.group() for match in _LINE.finditer(text))


def _body_rows(reader: Any, columns: list[str], findings: list[Finding],
               name: str) -> Iterator[dict[str, str]]:
    while True:
        first = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            findings.append(_f("error", name, f"Zeile {first}", _csv_problem(err), "csv"))
            continue
        if not any(v.strip() for v in values):
            continue
        if len(columns) > 1 and len(values) == 1 and ";" in values[0]:
            findings.append(_f("error", name, f"Zeile {first}", "Die Zeile ist mit Semikolon "
                               "statt Komma getrennt; sie wird ignoriert. Bitte die Werte mit "
                               "Komma trennen.", "delimiter"))
            continue
        row = {k: v.strip() for k, v in zip(columns, values, strict=False) if k}
        row[LINE_KEY] = str(first)
        yield row


def _delimiter(text: str, required: Sequence[str]) -> str:
    """',' unless the header is clearly separated by semicolons."""
    head = text.split("\n", 1)[0].lower()
    if ";" not in head:
        return ","
    by_comma = [c.strip().strip('"') for c in head.split(",")]
    by_semi = [c.strip().strip('"') for c in head.split(";")]
    wanted = set(required) or {c for c in by_semi if c}
    return ";" if len(wanted & set(by_semi)) > len(wanted & set(by_comma)) else ","


def _next_row(reader: Any, findings: list[Finding], name: str) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        findings.append(_f("warning", name, "", "Die Datei ist leer.", "empty"))
    except csv.Error as err:
        findings.append(_f("error", name, "Zeile 1", _csv_problem(err), "csv"))
    return None


def _csv_problem(err: csv.Error) -> str:
    text = str(err)
    if "field larger than field limit" in text:
        return (f"Ein Feld ist länger als {german_int(CSV_FIELD_MAX)} Zeichen (fehlt ein "
                "schließendes Anführungszeichen?); die Zeile wird ignoriert.")
    return f"Die Zeile ist kein gültiges CSV ({text}); sie wird ignoriert."


def load_kommunen(root: Path, findings: list[Finding]) -> pd.DataFrame:
    """kommunen.csv → frame (schluessel as string, einwohner as float or NaN)."""
    name = "kommunen.csv"
    rows = read_csv_rows(root / name, findings, name, required=("schluessel", "name")) or []
    out, seen = [], set()
    for row in rows:
        key = row.get("schluessel", "")
        where = f"Zeile {row[LINE_KEY]}"
        if not key:
            findings.append(_f("error", name, where, "Schlüssel fehlt; die Zeile wird ignoriert.",
                               "missing"))
            continue
        if not KEY_PATTERN.match(key):
            findings.append(_f("error", name, where, f"Schlüssel '{key}' ist kein amtlicher "
                               "Gemeinde-/Kreisschlüssel (nur Ziffern, mit führender Null).",
                               "value"))
            continue
        if key in seen:
            findings.append(_f("error", name, where, f"Schlüssel '{key}' kommt doppelt vor.",
                               "duplicate"))
            continue
        seen.add(key)
        einwohner = _number(row.get("einwohner"))
        if einwohner is not None and not einwohner <= EINWOHNER_MAX:
            findings.append(_f("error", name, where, f"Einwohnerzahl '{row.get('einwohner')}' ist "
                               f"unplausibel (höchstens {german_int(EINWOHNER_MAX)}); sie wird "
                               "ignoriert.", "value"))
            einwohner = None
        elif einwohner is not None and einwohner > EINWOHNER_WARN:
            findings.append(_f("warning", name, where, f"Einwohnerzahl {german_int(einwohner)} ist "
                               f"ungewöhnlich groß (mehr als {german_int(EINWOHNER_WARN)}); bitte "
                               "prüfen (Tausenderpunkt?).", "plausibility"))
        elif einwohner is None:
            findings.append(_f("warning", name, where, f"Einwohnerzahl von '{row.get('name') or key}'"
                               " fehlt oder ist ungültig; Fallzahlen können nicht geschätzt werden.",
                               "missing"))
        if not row.get("name"):
            findings.append(_f("warning", name, where, "Name fehlt.", "missing"))
        out.append({"schluessel": key, "name": row.get("name") or key, "typ": row.get("typ", ""),
                    "einwohner": einwohner, "einwohner_quelle": row.get("einwohner_quelle", "")})
    frame = pd.DataFrame(out, columns=KOMMUNE_COLUMNS)
    frame["einwohner"] = frame["einwohner"].astype(float)
    return frame


def _number(raw: object) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = float(str(raw).replace(",", ".")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        return None
    return value if value >= 0 and value == value else None


def load_leistungen(root: Path, findings: list[Finding]) -> pd.DataFrame:
    """leistungen.yaml → frame with one row per valid Leistung."""
    name = "leistungen.yaml"
    path = root / name
    if not path.exists():
        findings.append(_f("error", name, "", "Datei fehlt. Bitte den Leistungskatalog anlegen "
                           "(oder `workbench import katalog DATEI`).", "missing-file"))
        return pd.DataFrame(columns=LEISTUNG_COLUMNS)
    try:
        data = load_yaml(path)
    except YamlFileError as err:
        findings.append(_f("error", name, f"Zeile {err.line}" if err.line else "", err.message,
                           "yaml"))
        return pd.DataFrame(columns=LEISTUNG_COLUMNS)
    entries = data.get("leistungen") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        findings.append(_f("error", name, "", "Es fehlt die Liste 'leistungen:'.", "structure"))
        return pd.DataFrame(columns=LEISTUNG_COLUMNS)
    out, seen = [], set()
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            findings.append(_f("error", name, f"Eintrag {n}", "ist keine Zuordnung (id: …, name: "
                               "…).", "structure"))
            continue
        where = f"Zeile {entry.get(LINE_KEY, '?')}"
        row = _leistung_row(entry, n, where, name, root, findings)
        if row is None:
            continue
        if row["id"] in seen:
            findings.append(_f("error", name, where, f"Die ID '{row['id']}' kommt doppelt vor; "
                               "der zweite Eintrag wird ignoriert.", "duplicate"))
            continue
        seen.add(row["id"])
        out.append(row)
    frame = pd.DataFrame(out, columns=LEISTUNG_COLUMNS)
    for column in ("reifegrad_ist", "reifegrad_ziel"):
        frame[column] = frame[column].astype("Int64")
    frame["ozg_relevant"] = frame["ozg_relevant"].astype("boolean")
    return frame


def _leistung_row(entry: dict[str, Any], n: int, where: str, name: str, root: Path,
                  findings: list[Finding]) -> dict[str, Any] | None:
    lid = str(entry.get("id") or "").strip()
    if not lid:
        findings.append(_f("error", name, where, f"Eintrag {n} hat keine 'id'; er wird ignoriert.",
                           "missing"))
        return None
    if not ID_PATTERN.match(lid):
        findings.append(_f("error", name, where, f"ID '{lid}' ist ungültig: nur Kleinbuchstaben "
                           "a–z, Ziffern und '_' (sie ist zugleich der Ordnername).", "value"))
        return None
    label = f"Leistung '{lid}'"
    title = str(entry.get("name") or "").strip()
    if not title:
        findings.append(_f("warning", name, where, f"{label}: 'name' fehlt; die ID wird angezeigt.",
                           "missing"))
    fachbereich = str(entry.get("fachbereich") or "").strip()
    if not fachbereich:
        findings.append(_f("warning", name, where, f"{label}: 'fachbereich' fehlt.", "missing"))
    prozesstyp = str(entry.get("prozesstyp") or "").strip()
    if prozesstyp and prozesstyp not in PROCESS_TYPES:
        findings.append(_f("warning", name, where, f"{label}: Prozesstyp '{prozesstyp}' ist "
                           f"unbekannt; erlaubt: {', '.join(PROCESS_TYPES)}.", "value"))
    elif not prozesstyp:
        findings.append(_f("info", name, where, f"{label}: 'prozesstyp' fehlt (Annahme: "
                           "Kernprozess).", "missing"))
        prozesstyp = "Kernprozess"
    ozg = entry.get("ozg") if isinstance(entry.get("ozg"), dict) else {}
    grades = {}
    for key in ("reifegrad_ist", "reifegrad_ziel"):
        value = ozg.get(key)
        if value is None:
            grades[key] = None
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 4:
            findings.append(_f("error", name, where, f"{label}: ozg.{key} '{value}' ist kein "
                               "OZG-Reifegrad 0–4.", "value"))
            grades[key] = None
        else:
            grades[key] = value
    if grades["reifegrad_ist"] is not None and grades["reifegrad_ziel"] is not None and (
        grades["reifegrad_ziel"] < grades["reifegrad_ist"]
    ):
        findings.append(_f("warning", name, where, f"{label}: Ziel-Reifegrad liegt unter dem "
                           "Ist-Reifegrad.", "value"))
    erfassung = str(entry.get("erfassung") or "").strip()
    has_models = (root / lid / "ist.bpmn").exists() or (root / lid / "soll.bpmn").exists()
    if erfassung not in CAPTURE_LEVELS:
        if erfassung:
            findings.append(_f("warning", name, where, f"{label}: Erfassung '{erfassung}' ist "
                               "unbekannt; erlaubt: modelliert, steckbrief.", "value"))
        erfassung = "modelliert" if has_models else "steckbrief"
    leika = str(entry.get("leika") or "").strip()
    if leika and not re.fullmatch(r"\d{14}", leika):
        findings.append(_f("warning", name, where, f"{label}: LeiKa-Schlüssel '{leika}' hat nicht "
                           "14 Ziffern.", "value"))
    ozg_id = str(ozg.get("id") or "").strip()
    if ozg_id and not re.fullmatch(r"\d{5}", ozg_id):
        findings.append(_f("warning", name, where, f"{label}: OZG-ID '{ozg_id}' hat nicht 5 "
                           "Ziffern.", "value"))
    return {
        "id": lid, "name": title or lid, "fachbereich": fachbereich, "prozesstyp": prozesstyp,
        "leika": leika or None, "ozg_relevant": bool(ozg.get("relevant", False)),
        "leistungsbuendel": ozg.get("leistungsbuendel"), **grades, "erfassung": erfassung,
        "ozg_id": ozg_id or None,
    }


def load_fallzahlen(root: Path, kommunen: set[str], leistungen: set[str],
                    findings: list[Finding]) -> pd.DataFrame:
    """fallzahlen.csv → long frame; rows with unknown keys or invalid numbers are left out.

    Read one row at a time into columns; the keys and sources, repeated on every row, are
    stored once each (the same string objects), so a national table stays small."""
    name = "fallzahlen.csv"
    path = root / name
    if not path.exists():
        findings.append(_f("warning", name, "", "Datei fehlt; alle Fallzahlen werden geschätzt "
                           "oder fehlen.", "missing-file"))
        return pd.DataFrame(columns=FALLZAHL_COLUMNS)
    read: list[Finding] = []  # reading problems first, then the rows' (as for a list of rows)
    rows = csv_rows(path, read, name, required=("kommune", "leistung", "jahr", "fallzahl"))
    mine: list[Finding] = []
    out: dict[str, list[Any]] = {c: [] for c in FALLZAHL_COLUMNS}  # columns, not row dicts
    known_k = {k: k for k in kommunen}
    known_l = {x: x for x in leistungen}
    texts: dict[str, str] = {}
    years: dict[str, int] = {}
    seen: dict[tuple[str, str, int], int] = {}
    for row in rows or ():
        n = row[LINE_KEY]
        where = f"Zeile {n}"
        kommune, leistung = row.get("kommune", ""), row.get("leistung", "")
        if kommune not in known_k:
            mine.append(_f("error", name, where, f"Unbekannte Kommune '{kommune}' (nicht in "
                           "kommunen.csv); die Zeile wird ignoriert.", "unknown"))
            continue
        if leistung not in known_l:
            mine.append(_f("error", name, where, f"Unbekannte Leistung '{leistung}' (nicht in "
                           "leistungen.yaml); die Zeile wird ignoriert.", "unknown"))
            continue
        kommune, leistung = known_k[kommune], known_l[leistung]
        raw_year = row.get("jahr", "")
        jahr = years.get(raw_year)
        if jahr is None:
            try:
                jahr = int(raw_year)
                if not 1990 <= jahr <= 2100:
                    raise ValueError
            except ValueError:
                mine.append(_f("error", name, where, f"Jahr '{row.get('jahr')}' ist ungültig "
                               "(vierstellig, z. B. 2025).", "value"))
                continue
            years[raw_year] = jahr
        raw = row.get("fallzahl", "")
        try:
            fallzahl = float(raw.replace(",", "."))
        except ValueError:
            fallzahl = float("nan")
        if not 0 <= fallzahl < math.inf:
            mine.append(_f("error", name, where, f"Fallzahl '{raw}' ist keine Zahl ≥ 0"
                           + (" (unendlich)" if fallzahl == math.inf else "")
                           + "; die Zeile wird ignoriert.", "value"))
            continue
        if fallzahl > FALLZAHL_MAX:
            mine.append(_f("error", name, where, f"Fallzahl '{raw}' ist unplausibel (mehr als "
                           f"{german_int(FALLZAHL_MAX)} Fälle im Jahr); die Zeile wird "
                           "ignoriert.", "value"))
            continue
        if fallzahl > FALLZAHL_WARN:
            mine.append(_f("warning", name, where, f"Fallzahl {german_int(fallzahl)} ist "
                           f"ungewöhnlich groß (mehr als {german_int(FALLZAHL_WARN)}); bitte "
                           "prüfen.", "plausibility"))
        key = (kommune, leistung, jahr)
        if key in seen:
            mine.append(_f("error", name, where, f"Doppelte Fallzahl für {kommune}/{leistung}/"
                           f"{jahr} (schon in Zeile {seen[key]}); die Zeile wird ignoriert.",
                           "duplicate"))
            continue
        seen[key] = int(n)
        quelle = row.get("quelle", "")
        for column, value in zip(FALLZAHL_COLUMNS, (kommune, leistung, jahr, fallzahl,
                                                    texts.setdefault(quelle, quelle)),
                                 strict=True):
            out[column].append(value)
    findings += read + mine
    del seen
    frame = pd.DataFrame(out if out["kommune"] else [], columns=FALLZAHL_COLUMNS)
    frame["jahr"] = frame["jahr"].astype(int)
    frame["fallzahl"] = frame["fallzahl"].astype(float)
    return frame
