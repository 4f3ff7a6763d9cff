"""Loading the raw cells of a step table from CSV, XLSX or a DataFrame, with row numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..bpmn.errors import Finding
from .model import StepTableError

Source = str | os.PathLike[str] | pd.DataFrame
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(slots=True)
class RawTable:
    """Cell texts; ``records`` are (row number as Excel shows it, cells) without the header."""

    source: str
    header: list[str]
    header_line: int
    records: list[tuple[int, list[str]]]
    findings: list[Finding] = field(default_factory=list)


def cell_text(value: object) -> str:
    """The text of a cell: '' for empty/NaN, integers without '.0', stripped strings."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


def load(source: Source, is_header: Callable[[list[str]], bool]) -> RawTable:
    """Read all cells; the header is the first of the first 10 rows that ``is_header``."""
    if isinstance(source, pd.DataFrame):
        header = [cell_text(c) for c in source.columns]
        records = [(i + 2, [cell_text(v) for v in values])
                   for i, values in enumerate(source.itertuples(index=False, name=None))]
        return RawTable("Tabelle", header, 1, records)
    path = Path(source)
    label = path.name
    if not path.is_file():
        what = "ist ein Verzeichnis" if path.is_dir() else "wurde nicht gefunden"
        raise StepTableError(f"Die Datei {what}.", source=str(path),
                             hint="Bitte den Pfad prüfen.")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise StepTableError("Das alte Excel-Format .xls wird nicht unterstützt.", source=label,
                             hint="Bitte in Excel als .xlsx oder als CSV (UTF-8) speichern.")
    findings: list[Finding] = []
    rows = (_excel_rows(path, label, findings) if suffix in EXCEL_SUFFIXES
            else _csv_rows(path, label, findings))
    for number, cells in rows[:10]:
        if is_header(cells):
            records = [(n, c) for n, c in rows if n > number]
            return RawTable(label, cells, number, records, findings)
    first = next(((n, c) for n, c in rows if any(c)), None)
    if first is None:
        raise StepTableError("Die Datei ist leer.", source=label,
                             hint="Bitte eine Kopfzeile (Nr;Schritt;Element;Rolle;…) und je "
                                  "Schritt eine Zeile eintragen.")
    return RawTable(label, first[1], first[0], [(n, c) for n, c in rows if n > first[0]], findings)


def _csv_rows(path: Path, label: str, findings: list[Finding]) -> list[tuple[int, list[str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        findings.append(Finding(
            "encoding-cp1252", "Die Datei ist nicht in UTF-8 gespeichert und wurde als "
            "Windows-1252 (Excel „CSV (Trennzeichen-getrennt)“) gelesen. Bitte Umlaute prüfen und "
            "künftig „CSV UTF-8“ wählen.", severity="info", file=label))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", "\t", ","), key=first_line.count) if first_line else ";"
    if first_line.count(delimiter) == 0:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(i + 1, [cell_text(c) for c in rec]) for i, rec in enumerate(reader)]
    except csv.Error as exc:
        raise StepTableError(f"Die CSV-Datei ist beschädigt ({exc}).", source=label,
                             hint="Bitte Anführungszeichen in den Zellen prüfen.") from None


def _excel_rows(path: Path, label: str, findings: list[Finding]) -> list[tuple[int, list[str]]]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError) as exc:
        raise StepTableError(f"Die Datei ist keine lesbare Excel-Datei ({exc}).", source=label,
                             hint="Bitte in Excel als .xlsx speichern.") from None
    try:
        sheets = book.worksheets
        sheet = next((s for s in sheets if s.title.strip().lower() in ("schritte", "schritt")),
                     sheets[0])
        if len(sheets) > 1:
            findings.append(Finding(
                "sheet", f"Die Arbeitsmappe hat {len(sheets)} Blätter; gelesen wird nur das Blatt "
                f"„{sheet.title}“.", severity="info", file=label))
        return [(i + 1, [cell_text(v) for v in values])
                for i, values in enumerate(sheet.iter_rows(values_only=True))]
    finally:
        book.close()
