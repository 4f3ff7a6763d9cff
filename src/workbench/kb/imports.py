"""Getting data in the way analysts have it: catalogue and case-number lists, BPMN from tools.

Every import reports rows added / changed / unchanged / rejected (with row numbers as a
spreadsheet shows them: the header is row 1) and writes atomically. A rejected row never stops
the others; a file that cannot be read changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .. import bpmn
from ..fileio import atomic_write_text
from .loaders import CAPTURE_LEVELS, FALLZAHL_COLUMNS, ID_PATTERN, PROCESS_TYPES
from .tabular import TableError, find_column, read_fields, read_table, slug
from .yamlio import read_roundtrip, write_roundtrip


@dataclass
class ImportReport:
    """What an import did, row by row."""

    file: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: str | None = None

    def summary(self) -> str:
        return (f"{self.file}: {len(self.added)} neu, {len(self.changed)} geändert, "
                f"{len(self.unchanged)} unverändert, {len(self.rejected)} abgelehnt")


# ---------------------------------------------------------------- catalogue

_CATALOGUE_FIELDS = {
    "name": ("Leistung", "Name", "Leistungsname", "Bezeichnung", "Dienstleistung"),
    "id": ("ID", "Kennung", "Schlüssel Leistung"),
    "fachbereich": ("Fachbereich", "Fachdienst", "Amt", "Organisationseinheit", "Bereich"),
    "prozesstyp": ("Prozesstyp", "Prozessart", "Typ"),
    "leika": ("LeiKa", "LeiKa-Schlüssel", "Leika Schluessel"),
    "ozg_relevant": ("OZG-relevant", "OZG relevant", "OZG"),
    "reifegrad_ist": ("Reifegrad IST", "Reifegrad Ist", "OZG-Reifegrad IST", "Reifegrad"),
    "reifegrad_ziel": ("Reifegrad Ziel", "Reifegrad SOLL", "OZG-Reifegrad Ziel"),
    "erfassung": ("Erfassung", "Erfassungstiefe"),
}


def import_katalog(root: Path, file: Path) -> ImportReport:
    """Merge a catalogue list (at least a column 'Leistung') into ``leistungen.yaml``."""
    report = ImportReport(file.name)
    frame, columns = read_fields(file, _CATALOGUE_FIELDS, required="name",
                                 label="'Leistung' (Name der Leistung)")
    target, doc, entries = catalogue_for_edit(root)
    by_id = {str(e.get("id")): e for e in entries if isinstance(e, dict)}
    by_name = {str(e.get("name", "")).casefold(): e for e in entries if isinstance(e, dict)}
    seen: set[str] = set()
    for n, row in enumerate(frame.to_dict("records"), start=2):
        values = {k: str(row[c]).strip() for k, c in columns.items() if c is not None}
        name = values.get("name", "")
        if not name:
            if any(v for v in values.values()):
                report.rejected.append((n, "Name der Leistung fehlt."))
            continue
        lid = values.get("id") or ""
        existing = by_id.get(lid) if lid else by_name.get(name.casefold())
        if existing is not None:
            lid = str(existing["id"])
        elif not lid:
            lid = _unique_slug(slug(name), set(by_id) | seen)
        if not ID_PATTERN.match(lid):
            report.rejected.append((n, f"ID '{lid}' ist ungültig (nur a–z, 0–9, '_')."))
            continue
        if lid in seen:
            report.rejected.append((n, f"Leistung '{name}' steht mehrfach in der Datei."))
            continue
        try:
            fields = _catalogue_fields(values)
        except ValueError as err:
            report.rejected.append((n, str(err)))
            continue
        seen.add(lid)
        if existing is None:
            entry = CommentedMap(id=lid, name=name)
            entry.update({k: v for k, v in fields.items() if k != "ozg"})
            if "ozg" in fields:
                entry["ozg"] = fields["ozg"]
            entry.setdefault("erfassung", "steckbrief")
            entries.append(entry)
            by_id[lid] = entry
            report.added.append(lid)
            continue
        if _merge(existing, {"name": name, **fields}):
            report.changed.append(lid)
        else:
            report.unchanged.append(lid)
    if report.added or report.changed:
        write_roundtrip(target, doc)
        report.written = str(target)
    return report


def catalogue_for_edit(root: Path) -> tuple[Path, CommentedMap, CommentedSeq]:
    """``leistungen.yaml`` loaded for a comment-keeping edit: path, document, entry list."""
    target = root / "leistungen.yaml"
    doc = read_roundtrip(target) if target.exists() else None
    if doc is None:
        doc = CommentedMap(leistungen=CommentedSeq())
    return target, doc, doc.setdefault("leistungen", CommentedSeq())


def unique_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3`` … when taken."""
    return _unique_slug(base, taken)


def _unique_slug(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}_{n}"
        n += 1
    return candidate


def _catalogue_fields(values: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if values.get("fachbereich"):
        out["fachbereich"] = values["fachbereich"]
    if values.get("prozesstyp"):
        kind = values["prozesstyp"]
        match = [p for p in PROCESS_TYPES if p.lower().startswith(kind.lower()[:4])]
        if not match:
            raise ValueError(f"Prozesstyp '{kind}' unbekannt; erlaubt: {', '.join(PROCESS_TYPES)}.")
        out["prozesstyp"] = match[0]
    if values.get("leika"):
        out["leika"] = values["leika"]
    if values.get("erfassung"):
        if values["erfassung"] not in CAPTURE_LEVELS:
            raise ValueError(f"Erfassung '{values['erfassung']}' unbekannt; erlaubt: modelliert, "
                             "steckbrief.")
        out["erfassung"] = values["erfassung"]
    ozg: dict[str, Any] = {}
    if values.get("ozg_relevant"):
        ozg["relevant"] = values["ozg_relevant"].strip().lower() in ("ja", "j", "x", "true", "1",
                                                                      "yes", "wahr")
    for key in ("reifegrad_ist", "reifegrad_ziel"):
        if values.get(key):
            try:
                grade = int(float(values[key].replace(",", ".")))
            except ValueError:
                raise ValueError(f"{key}: '{values[key]}' ist keine Zahl 0–4.") from None
            if not 0 <= grade <= 4:
                raise ValueError(f"{key}: {grade} liegt nicht zwischen 0 und 4.")
            ozg[key] = grade
    if ozg:
        out["ozg"] = ozg
    return out


def _merge(entry: dict[str, Any], fields: dict[str, Any]) -> bool:
    changed = False
    for key, value in fields.items():
        if key == "ozg":
            sub = entry.setdefault("ozg", CommentedMap())
            for k, v in value.items():
                if sub.get(k) != v:
                    sub[k] = v
                    changed = True
        elif entry.get(key) != value:
            entry[key] = value
            changed = True
    return changed


# ---------------------------------------------------------------- case numbers

def import_fallzahlen(root: Path, file: Path, kommunen: dict[str, str],
                      leistungen: dict[str, str], default_source: str = "Import") -> ImportReport:
    """Merge case numbers (long: Kommune, Leistung, Jahr, Fallzahl; or one column per year).

    ``kommunen`` and ``leistungen`` map accepted spellings (key, id, name casefolded) to keys.
    """
    report = ImportReport(file.name)
    frame = read_table(file)
    kcol = find_column(frame, "Kommune", "Schlüssel", "Gemeinde", "AGS")
    lcol = find_column(frame, "Leistung", "Leistung ID", "Dienstleistung")
    if kcol is None or lcol is None:
        raise TableError(f"{file.name}: Spalten 'Kommune' und 'Leistung' werden benötigt. "
                         f"Gefunden: {', '.join(map(str, frame.columns))}.")
    ycol = find_column(frame, "Jahr")
    vcol = find_column(frame, "Fallzahl", "Fälle", "Anzahl")
    qcol = find_column(frame, "Quelle")
    year_columns = [c for c in frame.columns if str(c).strip().isdigit() and len(str(c).strip()) == 4]
    if (ycol is None or vcol is None) and not year_columns:
        raise TableError(f"{file.name}: Es fehlen 'Jahr' und 'Fallzahl' (oder Spalten je Jahr wie "
                         "'2024').")
    target = root / "fallzahlen.csv"
    current: dict[tuple[str, str, int], dict[str, Any]] = {}
    if target.exists():
        for row in csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))):
            try:
                current[(row["kommune"], row["leistung"], int(row["jahr"]))] = row
            except (KeyError, ValueError):
                report.notes.append("Eine unlesbare Zeile in fallzahlen.csv wurde beibehalten.")
    seen: set[tuple[str, str, int]] = set()
    for n, row in enumerate(frame.to_dict("records"), start=2):
        kommune = kommunen.get(str(row[kcol]).strip().casefold())
        leistung = leistungen.get(str(row[lcol]).strip().casefold())
        if not str(row[kcol]).strip() and not str(row[lcol]).strip():
            continue
        if kommune is None:
            report.rejected.append((n, f"Unbekannte Kommune '{row[kcol]}' (weder Schlüssel noch "
                                       "Name in kommunen.csv)."))
            continue
        if leistung is None:
            report.rejected.append((n, f"Unbekannte Leistung '{row[lcol]}' (erst mit `workbench "
                                       "import katalog` anlegen)."))
            continue
        pairs = ([(row[ycol], row[vcol])] if ycol is not None and vcol is not None
                 else [(c, row[c]) for c in year_columns])
        quelle = str(row[qcol]).strip() if qcol is not None and str(row[qcol]).strip() else \
            default_source
        for raw_year, raw_value in pairs:
            if str(raw_value).strip() == "" and ycol is None:
                continue
            try:
                jahr = int(str(raw_year).strip())
                if not 1990 <= jahr <= 2100:
                    raise ValueError
            except ValueError:
                report.rejected.append((n, f"Jahr '{raw_year}' ist ungültig."))
                continue
            try:
                value = parse_german_number(str(raw_value))
            except ValueError:
                report.rejected.append((n, f"Fallzahl '{raw_value}' ist keine Zahl."))
                continue
            if value < 0 or value != value:
                report.rejected.append((n, f"Fallzahl {raw_value} ist negativ."))
                continue
            key = (kommune, leistung, jahr)
            label = f"{kommune}/{leistung}/{jahr}"
            if key in seen:
                report.rejected.append((n, f"{label} steht mehrfach in der Datei."))
                continue
            seen.add(key)
            text = f"{value:g}" if value != int(value) else str(int(value))
            new = {"kommune": kommune, "leistung": leistung, "jahr": str(jahr), "fallzahl": text,
                   "quelle": quelle}
            old = current.get(key)
            if old is None:
                report.added.append(label)
            elif (str(old.get("fallzahl")), old.get("quelle")) != (text, quelle):
                report.changed.append(label)
            else:
                report.unchanged.append(label)
                continue
            current[key] = new
    if report.added or report.changed:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FALLZAHL_COLUMNS, lineterminator="\n",
                                quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        for key in sorted(current):
            writer.writerow({k: current[key].get(k, "") for k in FALLZAHL_COLUMNS})
        atomic_write_text(target, _quote_keys(buffer.getvalue()))
        report.written = str(target)
    return report


def parse_german_number(raw: str) -> float:
    """'1.234,5' → 1234.5, '2,5' → 2.5, '1.234' → 1234 (thousands dot), '12.5' → 12.5."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    if "," in text:
        return float(text.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        return float(text.replace(".", ""))
    return float(text)


def _quote_keys(text: str) -> str:
    """Quote the Kommune key so spreadsheet programs keep its leading zero."""
    lines = text.splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        key, _, rest = line.partition(",")
        out.append(f'"{key.strip(chr(34))}",{rest}')
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- models

_NO_SYSTEM_NEEDED = {"papier", "persoenlich", "telefon", "scan", "email"}
_STEP_ATTRIBUTES = {"minutes": "Minuten", "medium": "Medium", "system": "System",
                    "phase": "Phase", "automation": "Automatisierung"}


def computable_problem(defs: bpmn.Definitions) -> str | None:
    """Why a model must not enter the knowledge base (no process, cannot end), else None.

    Such a model would replace a working one with one no report can evaluate."""
    from ..metrics import MetricsError, compute

    try:
        found = compute(defs)
    except MetricsError as err:
        return f"Das Modell ist nicht auswertbar: {err}"
    endless = [f.message for f in found.findings if f.kind == "schleife_endlos"]
    if endless:  # the metrics only approximate it: a broken model must not replace a good one
        return f"Das Modell ist nicht auswertbar: {endless[0]}"
    return None


def is_step(activity: bpmn.Activity) -> bool:
    """True for an activity that carries work itself: not a sub-process with content
    (a collapsed sub-process without content, like a FIM Aktivitätengruppe, is a step)."""
    return not (activity.is_sub_process and getattr(activity, "flow_nodes", None))


def attribute_gaps(defs: bpmn.Definitions) -> list[str]:
    """German notes: which workbench attributes the model's activities lack."""
    activities = [a for a in defs.activities() if is_step(a)]
    notes = []
    for attr, label in _STEP_ATTRIBUTES.items():
        missing = [a for a in activities if a.get_ext(attr) is None and not (
            attr == "system" and a.medium in _NO_SYSTEM_NEEDED)]
        if missing:
            names = ", ".join(f"„{a.label}“" for a in missing[:5])
            more = f" und {len(missing) - 5} weitere" if len(missing) > 5 else ""
            notes.append(f"{label} fehlt bei {len(missing)} von {len(activities)} Aktivitäten "
                         f"({names}{more}).")
    if not activities:
        notes.append("Das Modell enthält keine Aktivitäten.")
    return notes
