"""Charts for notebooks and reports as deterministic, self-contained SVG (matplotlib, Agg).

Same data → byte-identical SVG: no dates in the metadata, a fixed hash salt for element ids,
text kept as text (searchable, escapable), fonts named generically.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .ranking import QUADRANTS  # noqa: E402

QUADRANT_COLORS = {
    QUADRANTS["quick_win"]: "#2e7d32",
    QUADRANTS["strategisch"]: "#1565c0",
    QUADRANTS["pruefen"]: "#ef6c00",
    QUADRANTS["zurueckstellen"]: "#757575",
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


def _svg(fig: plt.Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None,
                                                                     "Creator": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop XML declaration and DOCTYPE for inline HTML


def portfolio_svg(frame: pd.DataFrame, *, highlight: Sequence[str] = (), threshold: float = 50.0,
                  title: str = "Portfolio: Nutzen × Eignung") -> str:
    """Scatter of Leistungen by Eignung (x) and Nutzen (y), quadrants at ``threshold``.

    ``frame`` needs ``leistung_name``, ``nutzen``, ``eignung``, ``quadrant`` and optionally
    ``rang`` and ``stunden_gespart`` (bubble size). Points carry their rank number (or a running
    number) and a key beside the chart names them, so labels never pile up; Leistungen in
    ``highlight`` are set bold.
    """
    data = frame.dropna(subset=["nutzen", "eignung"]).copy()
    order = ["rang", "leistung_name"] if "rang" in data else ["leistung_name"]
    data = data.sort_values(order, na_position="last").reset_index(drop=True)
    numbers = [str(int(r)) if "rang" in data and r == r else str(i + 1)
               for i, r in enumerate(data["rang"] if "rang" in data else data.index)]
    hours = (data["stunden_gespart"].fillna(0).clip(lower=0) if "stunden_gespart" in data
             else pd.Series(0.0, index=data.index))
    largest = float(hours.max()) if len(hours) and hours.max() > 0 else 1.0
    with plt.rc_context(_RC):
        fig, (ax, key) = plt.subplots(1, 2, figsize=(9.6, 5.4),
                                      gridspec_kw={"width_ratios": [3, 1.35]})
        ax.axhline(threshold, color="#9e9e9e", lw=0.8, ls="--")
        ax.axvline(threshold, color="#9e9e9e", lw=0.8, ls="--")
        for name, x, y, ha in (("strategisch", 2, 98, "left"), ("quick_win", 98, 98, "right"),
                               ("zurueckstellen", 2, 2, "left"), ("pruefen", 98, 2, "right")):
            label = QUADRANTS[name]
            ax.text(x, y, label, ha=ha, va="top" if y > 50 else "bottom", fontsize=9,
                    color=QUADRANT_COLORS[label], fontweight="bold", alpha=0.85)
        lines = []
        for row, saved, number in zip(data.itertuples(), hours, numbers, strict=True):
            color = QUADRANT_COLORS.get(str(row.quadrant), "#607d8b")
            bold = row.leistung_name in highlight
            ax.scatter(row.eignung, row.nutzen, s=40 + 500 * saved / largest, color=color,
                       alpha=0.5, edgecolors="white", linewidths=0.8, zorder=3)
            ax.annotate(number, (row.eignung, row.nutzen), ha="center", va="center",
                        fontsize=8, fontweight="bold" if bold else "normal", zorder=4)
            lines.append((number, str(row.leistung_name), color, bold))
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 100)
        ax.set_xlabel("Eignung (0–100)")
        ax.set_ylabel("Nutzen (0–100)")
        ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
        ax.text(0, -0.14, "Kreisgröße: eingesparte Stunden pro Jahr; Zahl: Rang",
                transform=ax.transAxes, fontsize=7.5, color="#616161")
        key.axis("off")
        step = min(0.055, 0.98 / max(len(lines), 1))
        for i, (number, name, color, bold) in enumerate(lines):
            y = 0.98 - i * step
            key.text(0.0, y, number, color=color, fontsize=8, fontweight="bold", va="top")
            key.text(0.1, y, textwrap.shorten(name, 38, placeholder=" …"), fontsize=7.5,
                     va="top", fontweight="bold" if bold else "normal")
        return _svg(fig)


def heatmap_svg(matrix: pd.DataFrame, *, title: str, value_label: str, fmt: str = "{:.0f}",
                cmap: str = "Greens") -> str:
    """A labelled heatmap (rows × columns), e.g. Mitglieder × Leistungen, empty cells blank."""
    with plt.rc_context(_RC):
        rows, cols = matrix.shape
        fig, ax = plt.subplots(figsize=(max(6.0, 0.55 * cols + 2.5), max(2.5, 0.42 * rows + 1.6)))
        values = matrix.to_numpy(dtype=float)
        image = ax.imshow(values, cmap=cmap, aspect="auto")
        ax.set_xticks(range(cols))
        ax.set_xticklabels(["\n".join(textwrap.wrap(str(c), 14)[:3]) for c in matrix.columns],
                           rotation=90, fontsize=7)
        ax.set_yticks(range(rows))
        ax.set_yticklabels([str(r) for r in matrix.index], fontsize=8)
        vmax = float(pd.Series(values.ravel()).max(skipna=True) or 1)
        for i in range(rows):
            for j in range(cols):
                value = values[i, j]
                if value == value:  # not NaN
                    ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=6.5,
                            color="white" if value > 0.6 * vmax else "#212121")
        ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
        fig.colorbar(image, ax=ax, fraction=0.025, pad=0.01).set_label(value_label, fontsize=8)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        return _svg(fig)
