"""Writing step tables: CSV with ``;`` and decimal comma, or XLSX — atomically."""

from __future__ import annotations

import csv
import io
import math
import numbers
import os
from pathlib import Path

import pandas as pd

from ..fileio import atomic_write_bytes
from .model import StepTable, StepTableError, format_number

_DECIMAL_TEXT_COLUMNS = ("Wahrscheinlichkeiten",)
_WIDTHS = {"Nr": 6, "Schritt": 45, "Element": 22, "Rolle": 18, "Aktivitätstyp": 20,
           "Weiter": 10, "Bedingungen": 28, "Wahrscheinlichkeiten": 20}


def write_step_table(table: pd.DataFrame | StepTable, path: str | os.PathLike[str], *,
                     bom: bool = True) -> Path:
    """Save a step table: ``.xlsx`` as Excel workbook, ``.csv``/``.txt`` as CSV.

    CSV uses ``;``, decimal comma and UTF-8 (with BOM by default, so Excel shows umlauts).
    """
    frame = table.to_dataframe() if isinstance(table, StepTable) else table
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return atomic_write_bytes(target, _xlsx_bytes(frame))
    if suffix in (".csv", ".txt", ""):
        text = _csv_text(frame)
        return atomic_write_bytes(target, text.encode("utf-8-sig" if bom else "utf-8"))
    raise StepTableError(f"Unbekannte Dateiendung „{target.suffix}“.", source=target.name,
                         hint="Bitte .csv oder .xlsx verwenden.")


def _is_empty(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _csv_cell(value: object, column: str) -> str:
    if _is_empty(value):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, numbers.Real):
        return format_number(float(value), ",")
    text = str(value)
    return text.replace(".", ",") if column in _DECIMAL_TEXT_COLUMNS else text


def _csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    columns = [str(c) for c in frame.columns]
    writer.writerow(columns)
    for values in frame.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v, c) for v, c in zip(values, columns, strict=True)])
    return buffer.getvalue()


def _xlsx_value(value: object, column: str) -> object:
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    text = str(value)
    if column == "Nr" and text.isdigit() and len(text) < 15 and not text.startswith("0"):
        return int(text)
    return text.replace(".", ",") if column in _DECIMAL_TEXT_COLUMNS else text


def _xlsx_bytes(frame: pd.DataFrame) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Schritte"
    columns = [str(c) for c in frame.columns]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in frame.itertuples(index=False, name=None):
        sheet.append([_xlsx_value(v, c) for v, c in zip(values, columns, strict=True)])
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(column, 14)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
