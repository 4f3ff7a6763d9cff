"""The catalogue as a source: suggest LeiKa/OZG entries for a Kommune's list, let the analyst
confirm them in a spreadsheet, write the confirmed keys into ``leistungen.yaml``; add the
OZG-Leistungen of a Themenfeld or Lebenslage as Steckbrief-only Leistungen.

The spreadsheet round trip: ``write_suggestions`` writes one row per list row with status,
up to three candidates and a column „Auswahl“ (pre-filled with 1 only where the match is
*sicher*); the analyst enters 1, 2, 3, a 14-digit LeiKa key or „-“ (no match) and hands the
file to ``apply_suggestions``. Nothing is taken over without a value in „Auswahl“.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from ruamel.yaml.comments import CommentedMap

from .catalog_match import SICHER, CatalogMatcher, MatchResult
from .imports import ImportReport, catalogue_for_edit, unique_slug
from .loaders import ID_PATTERN
from .ozg_catalog import LeikaEntry, OzgCatalog
from .tabular import TableError, find_column, read_table, slug
from .yamlio import write_roundtrip

CHOICE = "Auswahl"
STATUS_DE = {"sicher": "sicher", "unsicher": "unsicher – bitte wählen",
             "kein Treffer": "kein Treffer – bitte prüfen"}


@dataclass(frozen=True)
class ListRow:
    row: int
    name: str
    fachbereich: str


def read_list(path: Path) -> list[ListRow]:
    """The Kommune's list: a column „Leistung“ (and optionally „Fachbereich“)."""
    frame = read_table(path)
    name = find_column(frame, "Leistung", "Name der Leistung", "Name", "Leistungsname",
                       "Bezeichnung", "Dienstleistung")
    if name is None:
        raise TableError(f"{path.name}: Spalte „Leistung“ fehlt. Gefundene Spalten: "
                         f"{', '.join(map(str, frame.columns))}.")
    area = find_column(frame, "Fachbereich", "Fachdienst", "Amt", "Organisationseinheit")
    rows = []
    for n, record in enumerate(frame.to_dict("records"), start=2):
        text = " ".join(str(record[name]).split())
        if text:
            rows.append(ListRow(n, text, " ".join(str(record[area]).split()) if area else ""))
    return rows


def suggest(rows: list[ListRow], matcher: CatalogMatcher) -> list[MatchResult]:
    """One :class:`MatchResult` per list row (row numbers as the spreadsheet shows them)."""
    return [matcher.match_one(r.name, row=r.row, fachbereich=r.fachbereich) for r in rows]


def suggestion_frame(results: list[MatchResult], known: dict[str, str] | None = None
                     ) -> pd.DataFrame:
    """The review table: one row per list row, three candidates side by side."""
    known = known or {}
    records = []
    for r in results:
        record: dict[str, Any] = {
            "Zeile": r.row, "Leistung": r.name, "Fachbereich": r.fachbereich,
            "Status": STATUS_DE[r.status], CHOICE: "1" if r.status == SICHER else "",
            "ID": known.get(r.name.casefold(), ""),
        }
        for n in range(3):
            c = r.candidates[n] if n < len(r.candidates) else None
            prefix = f"Vorschlag {n + 1}"
            record[f"{prefix}: LeiKa"] = c.entry.key if c else ""
            record[f"{prefix}: Bezeichnung"] = c.entry.name if c else ""
            record[f"{prefix}: OZG-ID"] = c.entry.ozg_id if c else ""
            record[f"{prefix}: OZG-Leistung"] = c.ozg_name if c else ""
            record[f"{prefix}: Themenfeld"] = c.themenfeld if c else ""
            record[f"{prefix}: Wert"] = round(c.score, 2) if c else ""
        records.append(record)
    return pd.DataFrame.from_records(records)


def write_suggestions(results: list[MatchResult], path: Path,
                      known: dict[str, str] | None = None) -> Path:
    """Write the review table as XLSX (or CSV by file ending), atomically."""
    from ..fileio import atomic_write_bytes

    frame = suggestion_frame(results, known)
    if path.suffix.lower() == ".csv":
        return atomic_write_bytes(path, frame.to_csv(index=False).encode("utf-8"))
    if path.suffix.lower() != ".xlsx":
        raise TableError(f"{path.name}: bitte .xlsx oder .csv als Endung wählen.")
    import io

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="Vorschläge")
        sheet = writer.sheets["Vorschläge"]
        for column, width in zip("ABCDEF", (6, 45, 14, 24, 9, 22), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "C2"
    return atomic_write_bytes(path, buffer.getvalue())


def _entry_for(choice: str, row: dict[str, Any], catalog: OzgCatalog) -> LeikaEntry | str | None:
    """The chosen entry, None for „-“, or a German reason why the choice is invalid."""
    text = choice.strip()
    if text in ("-", "–", "keine", "kein"):
        return None
    if text in ("1", "2", "3"):
        key = str(row.get(f"Vorschlag {text}: LeiKa", "") or "").strip()
        name = str(row.get(f"Vorschlag {text}: Bezeichnung", "") or "").strip()
        entry = catalog.entry(key)
        if entry is None:  # an entry without LeiKa key ("nicht im LeiKa"): by name
            entry = next((e for e in catalog.leika if e.name == name), None)
        return entry or f"Vorschlag {text} ist leer."
    if text.isdigit() and len(text) == 14:
        return catalog.entry(text) or f"LeiKa-Schlüssel {text} steht nicht im Katalog."
    return f"„{text}“ ist keine gültige Auswahl (1, 2, 3, ein 14-stelliger LeiKa-Schlüssel oder -)."


def apply_suggestions(root: Path, path: Path, catalog: OzgCatalog, *,
                      overwrite: bool = False) -> ImportReport:
    """Write confirmed choices (LeiKa key, OZG-ID, OZG-Leistung) into ``leistungen.yaml``.

    A row names its Leistung by „ID“ or by its name; unknown Leistungen are added with
    ``erfassung: steckbrief``. A different LeiKa key already in the catalogue is kept unless
    ``overwrite``. Comments and order of the file stay (ruamel round trip, atomic write).
    """
    report = ImportReport(path.name)
    frame = read_table(path)
    if CHOICE not in frame.columns or "Leistung" not in frame.columns:
        raise TableError(f"{path.name}: Spalten „Leistung“ und „{CHOICE}“ fehlen – bitte die "
                         "Datei von `workbench katalog vorschlagen` verwenden.")
    target, doc, entries = catalogue_for_edit(root)
    by_id = {str(e.get("id")): e for e in entries if isinstance(e, dict)}
    by_name = {str(e.get("name", "")).casefold(): e for e in entries if isinstance(e, dict)}
    for n, row in enumerate(frame.to_dict("records"), start=2):
        choice = str(row.get(CHOICE) or "").strip()
        name = " ".join(str(row.get("Leistung") or "").split())
        if not choice or not name:
            continue
        chosen = _entry_for(choice, row, catalog)
        if isinstance(chosen, str):
            report.rejected.append((n, chosen))
            continue
        lid = str(row.get("ID") or "").strip()
        existing = by_id.get(lid) if lid else by_name.get(name.casefold())
        if existing is None:
            lid = lid or unique_slug(slug(name), set(by_id))
            if not ID_PATTERN.match(lid):
                report.rejected.append((n, f"ID „{lid}“ ist ungültig (nur a–z, 0–9, _)."))
                continue
            existing = CommentedMap(id=lid, name=name)
            area = " ".join(str(row.get("Fachbereich") or "").split())
            if area:
                existing["fachbereich"] = area
            existing["erfassung"] = "steckbrief"
            entries.append(existing)
            by_id[lid], by_name[name.casefold()] = existing, existing
            report.added.append(lid)
        lid = str(existing["id"])
        if chosen is None:
            report.unchanged.append(lid)
            continue
        reason, changed = _set_keys(existing, chosen, catalog, overwrite)
        if reason:
            report.rejected.append((n, f"{lid}: {reason}"))
        elif lid not in report.added:
            (report.changed if changed else report.unchanged).append(lid)
    if report.added or report.changed:
        write_roundtrip(target, doc)
        report.written = str(target)
    return report


def _set_keys(entry: CommentedMap, chosen: LeikaEntry, catalog: OzgCatalog,
              overwrite: bool) -> tuple[str | None, bool]:
    """Set LeiKa key and OZG-ID; returns (reason for refusal or None, whether changed)."""
    changed = False
    if chosen.has_key:
        current = str(entry.get("leika") or "").strip()
        same_object = current[:8] == chosen.key[:8]  # e.g. 'Geburtsurkunde Ausstellung'
        if current and current != chosen.key and not same_object and not overwrite:
            return (f"hat schon den LeiKa-Schlüssel {current} (gewählt: {chosen.key}); mit "
                    "--ueberschreiben ersetzen.", False)
        if not current or (overwrite and current != chosen.key):
            if "leika" in entry:
                entry["leika"] = chosen.key
            else:  # beside the other master data, not at the end of the entry
                keys = list(entry)
                after = next((k for k in ("prozesstyp", "fachbereich", "name") if k in keys), None)
                entry.insert(keys.index(after) + 1 if after else len(keys), "leika", chosen.key)
            changed = True
    ozg = catalog.ozg.get(chosen.ozg_id)
    if ozg:
        sub = entry.get("ozg")
        if not isinstance(sub, dict):
            sub = entry["ozg"] = CommentedMap()
        for key, value in (("id", ozg["ozg_id"]), ("leistungsbuendel", ozg["name"])):
            if str(sub.get(key) or "") != value and (overwrite or not sub.get(key)):
                sub[key] = value
                changed = True
    return None, changed


def add_area(root: Path, catalog: OzgCatalog, area: str, *, fachbereich: str = "") -> ImportReport:
    """Add every OZG-Leistung of a Themenfeld or Lebenslage as a Steckbrief-only Leistung."""
    kind, name, rows = catalog.find_area(area)
    report = ImportReport(f"{kind} {name}")
    target, doc, entries = catalogue_for_edit(root)
    by_id = {str(e.get("id")): e for e in entries if isinstance(e, dict)}
    by_ozg = {str((e.get("ozg") or {}).get("id") or ""): e for e in entries
              if isinstance(e, dict) and isinstance(e.get("ozg"), dict)}
    for row in sorted(rows, key=lambda r: r["ozg_id"]):
        if row["ozg_id"] in by_ozg:
            report.unchanged.append(str(by_ozg[row["ozg_id"]]["id"]))
            continue
        lid = unique_slug(slug(row["name"]), set(by_id))
        entry = CommentedMap(id=lid, name=row["name"])
        if fachbereich:
            entry["fachbereich"] = fachbereich
        entry["ozg"] = CommentedMap(relevant=True, id=row["ozg_id"], leistungsbuendel=row["name"])
        entry["erfassung"] = "steckbrief"
        entry.yaml_add_eol_comment(f"aus OZG-{kind} {name}", "erfassung")
        entries.append(entry)
        by_id[lid] = entry
        report.added.append(lid)
    if report.added:
        write_roundtrip(target, doc)
        report.written = str(target)
    report.notes.append(f"{len(rows)} OZG-Leistungen im {kind} „{name}“ ({catalog.source}).")
    return report
