"""HTML building blocks for reports: escaping, German numbers, tables, figures, boxes.

Every string that comes from the knowledge base passes through :func:`esc`; the functions here
only ever concatenate escaped text with fixed markup.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..reports.style import FRAGMENT_CSS
from ..text import german_number, neutralize_bidi

if TYPE_CHECKING:
    from IPython.display import HTML

#: The report rules (wide tables, subtitle) for notebooks shown in JupyterLab; the exported page
#: carries them in its own stylesheet (the sanitiser drops ``<style>`` blocks from outputs).
EXTRA_CSS = f"<style>\n{FRAGMENT_CSS}</style>"


def esc(value: object) -> str:
    """Escaped text; None, NaN and ±inf become an en dash."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return html.escape(neutralize_bidi(str(value)), quote=True)


def number(value: object, digits: int = 0, unit: str = "") -> str:
    """German number format (1.234,5) with optional unit; missing → en dash."""
    return german_number(value, digits, unit)


def percent(value: object, digits: int = 0) -> str:
    """0.734 → '73 %'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return number(float(value) * 100, digits, "%")


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, numeric: Sequence[int] = (),
          css: str = "") -> str:
    """A table from already-escaped cells; columns in ``numeric`` are right-aligned."""
    head = "".join(f"<th class='zahl'>{h}</th>" if i in numeric else f"<th>{h}</th>"
                   for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td class='zahl'>{c}</td>" if i in numeric else f"<td>{c}</td>"
                         for i, c in enumerate(row)) + "</tr>" for row in rows)
    cls = f" class='{css}'" if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def figure(svg: str, caption: str) -> str:
    """An inline SVG with an (escaped) caption."""
    return f"<figure class='grafik'>{svg}<figcaption>{esc(caption)}</figcaption></figure>"


def tiles(items: Sequence[tuple[str, str, str]]) -> str:
    """Key-figure tiles: (label, value, note) — all already escaped."""
    inner = "".join(f"<div class='kachel'><div class='klein'>{label}</div>"
                    f"<div class='wert'>{value}</div><div class='klein'>{note}</div></div>"
                    for label, value, note in items)
    return f"<div class='kacheln'>{inner}</div>"


def light(kind: str, label: str) -> str:
    """A traffic light (kind gruen | gelb | rot); the label is its tooltip, the text beside it
    is the caller's."""
    return f"<span class='ampel {kind}' title='{esc(label)}'></span>"


def show(*fragments: str) -> HTML:
    """Display fragments as one HTML output in a notebook."""
    from IPython.display import HTML  # only a kernel needs it (IPython costs a batch 0.2 s)

    return HTML("".join(fragments))
