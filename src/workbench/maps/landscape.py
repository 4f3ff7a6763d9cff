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
from .export import Map, svg_size
from .gv import HtmlLabel, attrs, clean_svg, html, html_lines, map_prefix, quote, run_dot
from .landscape_layout import A_RATIO, Grid, candidates, ratio_ok

TYPE_ORDER = ("Führungs- und Steuerungsprozesse", "Kernprozesse", "Unterstützungsprozesse")
TYPE_FILL = {TYPE_ORDER[0]: "#e3f2fd", TYPE_ORDER[1]: "#e8f5e9", TYPE_ORDER[2]: "#f3f3f3"}
NO_VALUE = "#e0e0e0"
DIGITAL_SCALE = ("#f4b0a8", "#f9d2a0", "#fbeea6", "#d5ec9f", "#a6d99a")
PRIORITY_SCALE = ("#fff3e0", "#ffe0b2", "#ffc27a", "#ff9f43", "#f57c00")
CATEGORY_WORDS = {"sehr hoch": 4, "hoch": 3, "mittel": 2, "niedrig": 1, "sehr niedrig": 0,
                  "a": 4, "b": 2, "c": 0}
MAX_TRIES = 4  # layouts drawn at most to meet the aspect ratio


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
    prozesstyp); tiles are colored by the column ``value`` (None: no colors).

    The Fachbereiche are wrapped into row bands so the poster has a near-A-format aspect
    ratio (long side / short side between 1.2 and 1.6, landscape preferred).
    """
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
    counts = data.groupby(["_typ", "_fb"]).size().to_dict()
    legend = len(scale.classes) + 1 if scale else 0
    best: tuple[float, Map] | None = None
    for grid in candidates(columns, types, counts, legend, bool(subtitle))[:MAX_TRIES]:
        result = _draw(data, grid, types, scale, value, title, subtitle)
        width, height = svg_size(result.svg)
        off = abs(math.log(max(width, height) / min(width, height) / A_RATIO))
        if best is None or off < best[0]:
            best = (off, result)
        if ratio_ok(width, height):
            return result
    assert best is not None
    return best[1]


def _draw(data: pd.DataFrame, grid: Grid, types: list[str], scale: ColorScale | None,
          value: str | None, title: str, subtitle: str) -> Map:
    """The poster of one layout, drawn by graphviz."""
    meta: dict[str, dict[str, str]] = {}
    bands = "".join(f"<TR><TD>{_band(data, band, types, grid.per_row, scale, value, meta)}"
                    "</TD></TR>" for band in grid.bands)
    head = (f'<TABLE BORDER="0" CELLPADDING="2" CELLSPACING="6"><TR><TD ALIGN="LEFT">'
            f'<FONT POINT-SIZE="22"><B>{html(title)}</B></FONT></TD></TR>'
            + (f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="12" COLOR="{sh.MUTED}">'
               f"{html(subtitle)}</FONT></TD></TR>" if subtitle else "")
            + bands
            + (f'<TR><TD ALIGN="LEFT">{_legend(scale, grid.legend_per_row)}</TD></TR>'
               if scale else "")
            + "</TABLE>")
    source = (f"digraph landkarte {{\ngraph [pad=0.3 bgcolor=\"#ffffff\" "
              f"fontname={quote(sh.GV_FONT)}]\nnode [fontname={quote(sh.GV_FONT)}]\n"
              f"karte {attrs(shape='plain', label=HtmlLabel(head))}\n}}\n")
    raw = run_dot(source, "svg")
    svg = clean_svg(raw, meta, prefix=map_prefix(source), title=title,
                    root_class="werkbench-karte karte-landkarte")
    return Map(svg=svg, title=title, dot=source, style="landkarte")


def _band(data: pd.DataFrame, columns: tuple[str, ...], types: list[str], per_row: int,
          scale: ColorScale | None, value: str | None, meta: dict[str, dict[str, str]]) -> str:
    """One row band: the Fachbereiche ``columns`` side by side, a row per process type."""
    rows = ['<TR><TD BORDER="0"></TD>' + "".join(
        f'<TD BGCOLOR="#37474f"><FONT COLOR="#ffffff" POINT-SIZE="13"><B>'
        f"{html_lines(sh.wrap(c, 18, 2))}</B></FONT></TD>" for c in columns) + "</TR>"]
    for kind in types:
        fill = TYPE_FILL.get(kind, "#fafafa")
        cells = [f'<TD BGCOLOR="{fill}" ALIGN="LEFT" WIDTH="160"><FONT POINT-SIZE="13"><B>'
                 f"{html_lines(sh.wrap(kind, 22, 3))}</B></FONT></TD>"]
        for column in columns:
            part = data[(data["_typ"] == kind) & (data["_fb"] == column)]
            cells.append(f'<TD BGCOLOR="{fill}" VALIGN="TOP">'
                         f"{_tiles(part, scale, value, meta, per_row)}</TD>")
        rows.append("<TR>" + "".join(cells) + "</TR>")
    return ('<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="4" CELLPADDING="8" COLOR="#b0bec5">'
            + "".join(rows) + "</TABLE>")


def _tiles(part: pd.DataFrame, scale: ColorScale | None, value: str | None,
           meta: dict[str, dict[str, str]], per_row: int) -> str:
    if part.empty:
        return " "
    tiles = []
    for _, row in part.sort_values("name", key=lambda s: s.astype(str).str.casefold()).iterrows():
        number = row.get("_wert")
        number = None if number is None or pd.isna(number) else float(number)
        color = scale.color(number) if scale else "#ffffff"
        ident = str(row["id"])
        gv_id = f"kachel_{len(meta)}"
        meta[f"a_{gv_id}"] = {"id": "leistung-" + sh.safe_id(ident), "class": "leistung-kachel",
                              "data-leistung": ident}
        detail = ""
        if scale is not None:
            shown = _value_text(value or "", number)
            detail = f'<BR/><FONT POINT-SIZE="10" COLOR="{sh.MUTED}">{html(shown)}</FONT>'
        tiles.append(f'<TD ID="{gv_id}" HREF="#" TITLE=" " BGCOLOR="{color}" WIDTH="130" '
                     f'HEIGHT="64" FIXEDSIZE="TRUE"><FONT POINT-SIZE="11">'
                     f'{html_lines(sh.wrap(str(row["name"]), 18, 3))}</FONT>{detail}</TD>')
    grid = ["<TR>" + "".join(tiles[i:i + per_row]) + "</TR>"
            for i in range(0, len(tiles), per_row)]
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


def _legend(scale: ColorScale, per_row: int) -> str:
    """The legend: its title, then the classes and "keine Angabe" (grey), ``per_row`` a row."""
    entries = [(color, text) for _, color, text in scale.classes] + [(NO_VALUE, "keine Angabe")]
    rows = [f'<TR><TD ALIGN="LEFT" COLSPAN="{3 * per_row}"><B>Legende – {html(scale.title)}:'
            "</B></TD></TR>"]
    for i in range(0, len(entries), per_row):
        rows.append("<TR>" + "".join(
            f'<TD BGCOLOR="{color}" BORDER="1" WIDTH="26"> </TD><TD ALIGN="LEFT">{html(text)}'
            '</TD><TD WIDTH="10"></TD>' for color, text in entries[i:i + per_row]) + "</TR>")
    return ('<TABLE BORDER="0" CELLSPACING="3" CELLPADDING="2">' + "".join(rows) + "</TABLE>")

