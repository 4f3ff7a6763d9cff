"""Reading the tables analysts have (CSV from Excel, XLSX) with tolerant column names."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from ..text import fold_key as fold
from ..text import slug as _slug


class TableError(ValueError):
    """A table file that cannot be read; German message naming the file."""


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (`;` or `,`, UTF-8 or Windows-1252) or XLSX file as a frame of strings."""
    if not path.exists():
        raise TableError(f"{path}: Datei nicht gefunden.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(path, dtype=str, engine="openpyxl")
        except Exception as err:  # openpyxl raises many types for broken files
            raise TableError(f"{path.name}: Excel-Datei nicht lesbar ({err}).") from None
        return frame.fillna("")
    if suffix == ".xls":
        raise TableError(f"{path.name}: Das alte Excel-Format .xls wird nicht unterstützt. Bitte "
                         "als .xlsx oder CSV speichern.")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError) as err:
        raise TableError(f"{path.name}: CSV nicht lesbar ({err}).") from None
    return frame


def find_column(frame: pd.DataFrame, *aliases: str) -> str | None:
    """The first column whose folded name equals (or starts with) one of the aliases."""
    folded = {fold(c): c for c in frame.columns}
    for alias in aliases:
        if fold(alias) in folded:
            return folded[fold(alias)]
    for alias in aliases:
        for key, column in folded.items():
            if key.startswith(fold(alias)):
                return column
    return None


def read_fields(path: Path, fields: dict[str, tuple[str, ...]], *, required: str,
                label: str) -> tuple[pd.DataFrame, dict[str, str | None]]:
    """The table and, per field, its column (by the field's accepted headings); a missing
    ``required`` column is a :class:`TableError` naming the file, ``label`` and the columns found."""
    frame = read_table(path)
    columns = {key: find_column(frame, *aliases) for key, aliases in fields.items()}
    if columns[required] is None:
        raise TableError(f"{path.name}: Spalte {label} fehlt. Gefundene Spalten: "
                         f"{', '.join(map(str, frame.columns))}.")
    return frame, columns


def slug(text: str, max_length: int = 60) -> str:
    """An id for the catalogue from a Leistung name (a–z, 0–9, '_')."""
    return _slug(text, max_length=max_length, fallback="leistung")
