"""Prozesslandkarte: all Leistungen on one poster, by process type (rows) and Fachbereich
(columns), each tile colored by priority or digital share, with a legend.

The input is a plain DataFrame (columns ``id``, ``name``, ``fachbereich``, ``prozesstyp`` and a
value column), so the map works without the knowledge base. The poster is one graphviz table:
SVG, PNG and PDF come out alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from . import shapes as sh
from .export import Map
from .gv import HtmlLabel, attrs, clean_svg, html, html_lines, map_prefix, quote, run_dot

TYPE_ORDER = ("Führungs- und Steuerungsprozesse", "Kernprozesse", "Unterstützungsprozesse")
TYPE_FILL = {TYPE_ORDER[0]: "#e3f2fd", TYPE_ORDER[1]: "#e8f5e9", TYPE_ORDER[2]: "#f3f3f3"}
NO_VALUE = "#e0e0e0"
DIGITAL_SCALE = ("#f4b0a8", "#f9d2a0", "#fbeea6", "#d5ec9f", "#a6d99a")
PRIORITY_SCALE = ("#fff3e0", "#ffe0b2", "#ffc27a", "#ff9f43", "#f57c00")
CATEGORY_WORDS = {"sehr hoch": 4, "hoch": 3, "mittel": 2, "niedrig": 1, "sehr niedrig": 0,
                  "a": 4, "b": 2, "c": 0}
TILES_PER_ROW = 3


@dataclass(frozen=True)
class ColorScale:
    """Classes of a value column: (lower bound, color, legend text)."""

    title: str
    classes: tuple[tuple[float, str, str], ...]

    def color(self, value: float | None) -> str:
        if value is None:
            return NO_VALUE
        chosen = self.classes[0][1]
        for lower, color, _ in self.classes:
            if value >= lower:
                chosen = color
        return chosen


def process_type(raw: object) -> str:
    """The landscape row of a process type given in any common spelling."""
    text = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw)
    low = text.casefold()
    if any(w in low for w in ("führung", "fuehrung", "steuer", "management")):
        return TYPE_ORDER[0]
    if "kern" in low or "leistungsprozess" in low:
        return TYPE_ORDER[1]
    if any(w in low for w in ("unterstütz", "unterstuetz", "support")):
        return TYPE_ORDER[2]
    return text.strip() or "ohne Prozesstyp"


def _numeric(values: pd.Series) -> pd.Series:
    if values.dtype == object:
        mapped = values.map(lambda v: CATEGORY_WORDS.get(str(v).strip().casefold())
                            if isinstance(v, str) else v)
        return pd.to_numeric(mapped, errors="coerce")
    return pd.to_numeric(values, errors="coerce")


def color_scale(values: pd.Series, value: str) -> tuple[ColorScale, pd.Series]:
    """The color scale for a value column, and the column as numbers (NaN = unknown)."""
    numbers = _numeric(values)
    if value.startswith("digital"):
        if numbers.dropna().gt(1).any():
            numbers = numbers / 100
        classes = tuple((i / 5, c, f"{i * 20}–{(i + 1) * 20} %")
                        for i, c in enumerate(DIGITAL_SCALE))
        return ColorScale("Digitalanteil (IST)", classes), numbers
    if value.startswith("reifegrad"):
        names = ("0 offline", "1 Information", "2 Formular", "3 Online-Antrag", "4 Ende-zu-Ende")
        classes = tuple((float(i), c, names[i]) for i, c in enumerate(DIGITAL_SCALE))
        return ColorScale("OZG-Reifegrad (IST, Modell 0–4 v1.1)", classes), numbers
    if values.dtype == object and numbers.notna().any() and numbers.dropna().le(4).all():
        names = ("sehr niedrig", "niedrig", "mittel", "hoch", "sehr hoch")
        classes = tuple((float(i), c, names[i]) for i, c in enumerate(PRIORITY_SCALE))
        return ColorScale("Priorität", classes), numbers
    known = numbers.dropna()
    low, high = (float(known.min()), float(known.max())) if len(known) else (0.0, 1.0)
    if high <= low:
        high = low + 1
    step = (high - low) / 5
    classes = tuple((low + i * step, c, f"{_fmt(low + i * step)}–{_fmt(low + (i + 1) * step)}")
                    for i, c in enumerate(PRIORITY_SCALE))
    return ColorScale("Priorität (Punkte, höher = wichtiger)", classes), numbers


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def landscape_map(
    frame: pd.DataFrame,
    value: str | None = "prioritaet",
    *,
    title: str = "Prozesslandkarte",
    subtitle: str = "",
    fachbereiche: Sequence[str] | None = None,
) -> Map:
    """The Prozesslandkarte of all rows of ``frame`` (columns id, name, fachbereich,
    prozesstyp); tiles are colored by the column ``value`` (None: no colors)."""
    missing = [c for c in ("id", "name") if c not in frame.columns]
    if missing:
        raise ValueError("Für die Prozesslandkarte fehlen die Spalten: " + ", ".join(missing)
                         + ".")
    if value is not None and value not in frame.columns:
        raise ValueError(f"Die Spalte '{value}' für die Einfärbung gibt es nicht; vorhanden: "
                         + ", ".join(map(str, frame.columns)) + ".")
    data = frame.copy()
    data["_typ"] = [process_type(v) for v in data.get("prozesstyp", [None] * len(data))]
    data["_fb"] = [str(v).strip() if isinstance(v, str) and v.strip() else "ohne Fachbereich"
                   for v in data.get("fachbereich", [None] * len(data))]
    scale = None
    if value is not None:
        scale, numbers = color_scale(data[value], value)
        data["_wert"] = numbers
    columns = list(fachbereiche) if fachbereiche else list(dict.fromkeys(data["_fb"]))
    columns += [c for c in dict.fromkeys(data["_fb"]) if c not in columns]
    types = [t for t in TYPE_ORDER if t in set(data["_typ"])]
    types += sorted(t for t in set(data["_typ"]) if t not in TYPE_ORDER)
    meta: dict[str, dict[str, str]] = {}
    rows = ['<TR><TD BORDER="0"></TD>' + "".join(
        f'<TD BGCOLOR="#37474f"><FONT COLOR="#ffffff" POINT-SIZE="13"><B>'
        f"{html_lines(sh.wrap(c, 18, 2))}</B></FONT></TD>" for c in columns) + "</TR>"]
    for kind in types:
        fill = TYPE_FILL.get(kind, "#fafafa")
        cells = [f'<TD BGCOLOR="{fill}" ALIGN="LEFT"><FONT POINT-SIZE="13"><B>'
                 f"{html_lines(sh.wrap(kind, 18, 3))}</B></FONT></TD>"]
        for column in columns:
            part = data[(data["_typ"] == kind) & (data["_fb"] == column)]
            cells.append(f'<TD BGCOLOR="{fill}" VALIGN="TOP">'
                         f"{_tiles(part, scale, value, meta)}</TD>")
        rows.append("<TR>" + "".join(cells) + "</TR>")
    table = ('<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="4" CELLPADDING="8" COLOR="#b0bec5">'
             + "".join(rows) + "</TABLE>")
    head = (f'<TABLE BORDER="0" CELLPADDING="2"><TR><TD ALIGN="LEFT"><FONT POINT-SIZE="22"><B>'
            f"{html(title)}</B></FONT></TD></TR>"
            + (f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="12" COLOR="{sh.MUTED}">'
               f"{html(subtitle)}</FONT></TD></TR>" if subtitle else "")
            + f"<TR><TD>{table}</TD></TR>"
            + (f'<TR><TD ALIGN="LEFT">{_legend(scale)}</TD></TR>' if scale else "")
            + "</TABLE>")
    source = (f"digraph landkarte {{\ngraph [pad=0.3 bgcolor=\"#ffffff\" "
              f"fontname={quote(sh.GV_FONT)}]\nnode [fontname={quote(sh.GV_FONT)}]\n"
              f"karte {attrs(shape='plain', label=HtmlLabel(head))}\n}}\n")
    raw = run_dot(source, "svg")
    svg = clean_svg(raw, meta, prefix=map_prefix(source), title=title,
                    root_class="werkbench-karte karte-landkarte")
    return Map(svg=svg, title=title, dot=source, style="landkarte")


def _tiles(part: pd.DataFrame, scale: ColorScale | None, value: str | None,
           meta: dict[str, dict[str, str]]) -> str:
    if part.empty:
        return " "
    tiles = []
    for _, row in part.sort_values("name", key=lambda s: s.astype(str).str.casefold()).iterrows():
        number = row.get("_wert")
        number = None if number is None or pd.isna(number) else float(number)
        color = scale.color(number) if scale else "#ffffff"
        ident = str(row["id"])
        gv_id = f"kachel_{len(meta)}"
        meta[f"a_{gv_id}"] = {"id": "leistung-" + _safe(ident), "class": "leistung-kachel",
                              "data-leistung": ident}
        detail = ""
        if scale is not None:
            shown = _value_text(value or "", number)
            detail = f'<BR/><FONT POINT-SIZE="9" COLOR="{sh.MUTED}">{html(shown)}</FONT>'
        tiles.append(f'<TD ID="{gv_id}" HREF="#" TITLE=" " BGCOLOR="{color}" WIDTH="130" '
                     f'HEIGHT="48"><FONT POINT-SIZE="11">'
                     f'{html_lines(sh.wrap(str(row["name"]), 18, 3))}</FONT>{detail}</TD>')
    grid = ["<TR>" + "".join(tiles[i:i + TILES_PER_ROW]) + "</TR>"
            for i in range(0, len(tiles), TILES_PER_ROW)]
    return ('<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="5" CELLPADDING="5" '
            'COLOR="#78909c">' + "".join(grid) + "</TABLE>")


def _value_text(value: str, number: float | None) -> str:
    if number is None:
        return "keine Angabe"
    if value.startswith("digital"):
        return f"digital {number * 100:.0f} %"
    if value.startswith("reifegrad"):
        return f"Reifegrad {number:.0f}"
    return f"Priorität {_fmt(number)}"


def _legend(scale: ColorScale) -> str:
    cells = "".join(
        f'<TD BGCOLOR="{color}" BORDER="1" WIDTH="26"> </TD><TD ALIGN="LEFT">{html(text)}</TD>'
        '<TD WIDTH="10"></TD>' for _, color, text in scale.classes)
    cells += (f'<TD BGCOLOR="{NO_VALUE}" BORDER="1" WIDTH="26"> </TD>'
              '<TD ALIGN="LEFT">keine Angabe</TD>')
    return (f'<TABLE BORDER="0" CELLSPACING="3" CELLPADDING="2"><TR><TD ALIGN="LEFT">'
            f"<B>Legende – {html(scale.title)}:</B></TD>{cells}</TR></TABLE>")


def _safe(text: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "_.-") else "_" for c in text)
