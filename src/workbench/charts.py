"""Charts for notebooks and reports as deterministic, self-contained SVG (matplotlib, Agg).

Same data → byte-identical SVG: no dates in the metadata, a fixed hash salt for element ids,
text kept as text (searchable, escapable), fonts named generically.
"""

from __future__ import annotations

import html
import io
import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")  # before any pyplot import (cheap: pyplot itself is imported when drawn)
import pandas as pd

from .ranking import QUADRANTS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

QUADRANT_COLORS = {
    QUADRANTS["quick_win"]: "#2e7d32",
    QUADRANTS["strategisch"]: "#1565c0",
    QUADRANTS["pruefen"]: "#ef6c00",
    QUADRANTS["zurueckstellen"]: "#757575",
    QUADRANTS["unvollstaendig"]: "#bdbdbd",
}
_RC = {
    "svg.hashsalt": "prozess-werkbench",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _pyplot() -> Any:
    """``matplotlib.pyplot``, imported on first use: only the heatmap needs it, and importing it
    costs a process that never draws one (the batch's parent) about 0.1 CPU-s."""
    import matplotlib.pyplot as plt

    return plt


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None,
                                                                     "Creator": None})
    _pyplot().close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop XML declaration and DOCTYPE for inline HTML


def portfolio_svg(frame: pd.DataFrame, *, highlight: Sequence[str] = (), threshold: float = 50.0,
                  title: str = "Portfolio: Nutzen × Eignung") -> str:
    """Scatter of Leistungen by Eignung (x) and Nutzen (y), quadrants at ``threshold``.

    ``frame`` needs ``leistung_name``, ``nutzen``, ``eignung``, ``quadrant`` and optionally
    ``rang`` and ``stunden_gespart`` (bubble area). Points carry their rank number (or a running
    number) and a key beside the chart names them, so labels never pile up; Leistungen in
    ``highlight`` are set bold. Written as plain SVG (fast, deterministic, text stays text).
    """
    data = frame.dropna(subset=["nutzen", "eignung"]).copy()
    order = ["rang", "leistung_name"] if "rang" in data else ["leistung_name"]
    data = data.sort_values(order, na_position="last").reset_index(drop=True)
    ranks = data["rang"] if "rang" in data else pd.Series([float("nan")] * len(data))
    numbers = [str(int(r)) if r == r else str(i + 1) for i, r in enumerate(ranks)]
    hours = (data["stunden_gespart"].fillna(0).clip(lower=0) if "stunden_gespart" in data
             else pd.Series(0.0, index=data.index))
    largest = float(hours.max()) if len(hours) and hours.max() > 0 else 1.0
    left, top, size = 60.0, 40.0, 400.0
    width, height = left + size + 300.0, top + size + 60.0

    def x(value: float) -> float:
        return left + size * min(max(value, 0.0), 100.0) / 100.0

    def y(value: float) -> float:
        return top + size * (1 - min(max(value, 0.0), 100.0) / 100.0)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="wb-portfolio" width="{width:.0f}" '
           f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
           f'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
           f'<title>{_x(title)}</title>',
           f'<text x="{left}" y="22" font-size="15" font-weight="bold">{_x(title)}</text>',
           f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="#fafbfc" '
           'stroke="#9e9e9e"/>',
           f'<line x1="{x(threshold):.1f}" y1="{top}" x2="{x(threshold):.1f}" y2="{top + size}" '
           'stroke="#9e9e9e" stroke-dasharray="4 3"/>',
           f'<line x1="{left}" y1="{y(threshold):.1f}" x2="{left + size}" y2="{y(threshold):.1f}" '
           'stroke="#9e9e9e" stroke-dasharray="4 3"/>']
    for name, px, py, anchor in (("strategisch", left + 6, top + 16, "start"),
                                 ("quick_win", left + size - 6, top + 16, "end"),
                                 ("zurueckstellen", left + 6, top + size - 8, "start"),
                                 ("pruefen", left + size - 6, top + size - 8, "end")):
        label = QUADRANTS[name]
        out.append(f'<text x="{px}" y="{py}" text-anchor="{anchor}" font-weight="bold" '
                   f'fill="{QUADRANT_COLORS[label]}">{_x(label)}</text>')
    for tick in range(0, 101, 20):
        out.append(f'<text x="{x(tick):.1f}" y="{top + size + 16}" text-anchor="middle" '
                   f'font-size="11">{tick}</text>')
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                   f'font-size="11">{tick}</text>')
    out.append(f'<text x="{left + size / 2}" y="{top + size + 34}" text-anchor="middle">'
               'Eignung (0–100)</text>')
    out.append(f'<text transform="translate(18 {top + size / 2}) rotate(-90)" '
               'text-anchor="middle">Nutzen (0–100)</text>')
    out.append(f'<text x="{left}" y="{top + size + 52}" font-size="11" fill="#616161">'
               'Kreisfläche: eingesparte Stunden pro Jahr; Zahl: Rang</text>')
    step = min(20.0, (size - 10) / max(len(data), 1))
    for i, (row, saved, number) in enumerate(zip(data.itertuples(), hours, numbers, strict=True)):
        color = QUADRANT_COLORS.get(str(row.quadrant), "#607d8b")
        bold = ' font-weight="bold"' if row.leistung_name in highlight else ""
        radius = 7 + 18 * (saved / largest) ** 0.5
        cx, cy = x(float(row.eignung)), y(float(row.nutzen))
        out.append(f'<g class="wb-punkt"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" '
                   f'fill="{color}" fill-opacity="0.45" stroke="#ffffff"/>'
                   f'<text x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle" font-size="11"'
                   f'{bold}>{number}</text></g>')
        ky = top + 10 + i * step
        out.append(f'<text x="{left + size + 24}" y="{ky:.1f}" fill="{color}" font-size="11" '
                   f'font-weight="bold">{number}</text><text x="{left + size + 50}" '
                   f'y="{ky:.1f}" font-size="11"{bold}>'
                   f'{_x(textwrap.shorten(str(row.leistung_name), 40, placeholder=" …"))}</text>')
    out.append("</svg>")
    return "".join(out)


def _x(text: str) -> str:
    """Escape text for SVG."""
    return html.escape(text, quote=True)


def wrap_words(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters, broken only between words or after a hyphen or
    slash ("Anmeldung/" | "Ummeldung"), never inside a word; a longer word gets a line of its
    own, whole."""
    pieces: list[tuple[str, bool]] = []  # (piece, starts a new word)
    for word in text.split():
        parts = re.findall(r"[^/\-]*[/\-]+|[^/\-]+$", word) or [word]
        pieces += [(part, i == 0) for i, part in enumerate(parts)]
    lines: list[str] = []
    for piece, new_word in pieces:
        joiner = " " if new_word else ""
        if lines and len(lines[-1]) + len(joiner) + len(piece) <= width:
            lines[-1] += joiner + piece
        else:
            lines.append(piece)
    return lines


#: Font sizes of the heatmap (pt at the figure's own size, which fits an A4 portrait column).
HEATMAP_FONT = {"label": 8.5, "value": 8.5, "title": 11.0}
PORTRAIT_INCHES = 7.0  # printable width of A4 portrait (178 mm) is 7.0 in


def heatmap_svg(matrix: pd.DataFrame, *, title: str, value_label: str, fmt: str = "{:.0f}",
                cmap: str = "Greens") -> str:
    """A labelled heatmap (rows × columns), e.g. Leistungen × Mitglieder, empty cells blank.

    Labels wrap only between words (never inside one, nothing is cut); the figure is sized so
    that at the width of an A4 portrait page every text is at least 7 pt.
    """
    size = HEATMAP_FONT
    char = size["label"] / 72 * 0.6  # inches per character (DejaVu Sans, average)
    rows, cols = matrix.shape
    xlabels = [wrap_words(str(c), 12) for c in matrix.columns]
    ylabels = [wrap_words(str(r), 28) for r in matrix.index]
    longest_x = max((len(line) for lines in xlabels for line in lines), default=4)
    longest_y = max((len(line) for lines in ylabels for line in lines), default=4)
    lines_x = max((len(lines) for lines in xlabels), default=1)
    lines_y = max((len(lines) for lines in ylabels), default=1)
    label_w = longest_y * char + 0.2
    cell_w = max(0.55, longest_x * char + 0.08)
    upright = label_w + cols * cell_w + 0.9 <= PORTRAIT_INCHES / 0.82
    if not upright:  # too wide: column labels turned, whole (never split, never cut)
        xlabels = [[str(c)] for c in matrix.columns]
        cell_w = 0.42
        lines_x = max(len(str(c)) for c in matrix.columns) * 0.6 / 1.3 if cols else 1
    cell_h = max(0.3, lines_y * size["label"] / 72 * 1.25 + 0.06)
    width = label_w + cols * cell_w + 0.9
    height = rows * cell_h + lines_x * size["label"] / 72 * 1.3 + 0.7
    plt = _pyplot()
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(width, height))
        values = matrix.to_numpy(dtype=float)
        image = ax.imshow(values, cmap=cmap, aspect="auto")
        ax.set_xticks(range(cols))
        ax.set_xticklabels(["\n".join(lines) for lines in xlabels],
                           rotation=0 if upright else 90, fontsize=size["label"])
        ax.xaxis.tick_top()
        ax.set_yticks(range(rows))
        ax.set_yticklabels(["\n".join(lines) for lines in ylabels], fontsize=size["label"])
        ax.tick_params(length=0)
        vmax = float(pd.Series(values.ravel()).max(skipna=True) or 1)
        for i in range(rows):
            for j in range(cols):
                value = values[i, j]
                if value == value:  # not NaN
                    ax.text(j, i, fmt.format(value).replace(",", "."), ha="center",
                            va="center", fontsize=size["value"],
                            color="white" if value > 0.6 * vmax else "#212121")
        ax.set_title(title, loc="left", fontsize=size["title"], fontweight="bold", pad=12)
        colorbar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        colorbar.set_label(value_label, fontsize=size["label"])
        colorbar.ax.tick_params(labelsize=size["label"])
        for side in ("left", "bottom", "top", "right"):
            ax.spines[side].set_visible(False)
        return _svg(fig)
