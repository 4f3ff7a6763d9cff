"""A map as an A4 landscape PDF: one page when it is readable there, otherwise an overview page
(the whole map with the numbered parts framed) and one page per part, „Teil i von n“.

The map's content is stored once in the page (a ``<g>`` in the ``<defs>`` of a zero-size SVG)
and each page shows it through ``<use>`` with its own ``viewBox`` window, sized in pt, so the
printed text size is exact. Chromium prints the page (:func:`workbench.reports.pdf.html_to_pdf`).
"""

from __future__ import annotations

import hashlib
import re
from html import escape

from ..maps.gv import fix_pdf_dates
from ..reports.pdf import html_to_pdf
from .plan import PAGE_HEIGHT_PT, PAGE_WIDTH_PT, PrintPlan, Tile, plan

#: Frame and number of a part on the overview page (printed size, pt).
FRAME_PT = 1.6
NUMBER_PT = 16.0

_STYLE = f"""
@page {{ size: A4 landscape; margin: 8mm; }}
html, body {{ margin: 0; padding: 0; background: #fff; color: #212121;
  font-family: "DejaVu Sans", Arial, sans-serif; }}
.seite {{ width: {PAGE_WIDTH_PT:.1f}pt; height: {PAGE_HEIGHT_PT + 33.5:.1f}pt; overflow: hidden;
  break-after: page; page-break-after: always; }}
.seite:last-of-type {{ break-after: auto; page-break-after: auto; }}
.kopf {{ height: 30pt; margin: 0 0 3.5pt 0; overflow: hidden; }}
h1 {{ font-size: 12pt; line-height: 15pt; margin: 0; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.kopf p {{ font-size: 8pt; line-height: 11pt; margin: 2pt 0 0 0; color: #455a64; }}
svg.karten-vorrat {{ position: absolute; width: 0; height: 0; overflow: hidden; }}
svg.karte-seite {{ display: block; }}
"""


def _inner(svg: str) -> str:
    """The SVG's content without its outer element and its first ``<title>``."""
    inner = svg[svg.index(">", svg.index("<svg")) + 1:svg.rindex("</svg>")]
    return re.sub(r"<title>.*?</title>", "", inner, count=1, flags=re.DOTALL)


def _window(key: str, x: float, y: float, w: float, h: float, scale: float, label: str,
            extra: str = "") -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="karte-seite" role="img" '
            f'viewBox="{x:.2f} {y:.2f} {w:.2f} {h:.2f}" width="{w * scale:.2f}pt" '
            f'height="{h * scale:.2f}pt"><title>{escape(label)}</title>'
            f'<use href="#{key}"/>{extra}</svg>')


def _frames(layout: PrintPlan) -> str:
    """The numbered frames of the parts, drawn over the overview."""
    unit = 1 / layout.overview_scale  # SVG units per printed pt on the overview
    out = []
    for number, tile in enumerate(layout.tiles, 1):
        out.append(f'<rect x="{tile.x:.2f}" y="{tile.y:.2f}" width="{tile.width:.2f}" '
                   f'height="{tile.height:.2f}" fill="none" stroke="#c62828" '
                   f'stroke-width="{FRAME_PT * unit:.2f}"/>'
                   f'<text x="{tile.x + 4 * unit:.2f}" y="{tile.y + (NUMBER_PT + 2) * unit:.2f}" '
                   f'font-size="{NUMBER_PT * unit:.2f}" font-weight="bold" fill="#c62828" '
                   f'stroke="#ffffff" stroke-width="{3 * unit:.2f}" paint-order="stroke">'
                   f"{number}</text>")
    return f'<g class="teile">{"".join(out)}</g>'


def _pt(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _part_label(tile: Tile, number: int, layout: PrintPlan) -> str:
    rows = len({t.row for t in layout.tiles})
    columns = len({t.column for t in layout.tiles})
    where = f" · Zeile {tile.row + 1}, Spalte {tile.column + 1}" if rows > 1 and columns > 1 \
        else ""
    return f"Teil {number} von {len(layout.tiles)}{where}"


def map_document(svg: str, title: str) -> tuple[str, PrintPlan]:
    """The HTML of the printed map (A4 landscape pages) and the plan it follows."""
    layout = plan(svg)
    key = "karte-" + hashlib.sha256(svg.encode("utf-8")).hexdigest()[:12]
    pages = [f'<svg xmlns="http://www.w3.org/2000/svg" class="karten-vorrat" width="0" '
             f'height="0" aria-hidden="true"><defs><g id="{key}">{_inner(svg)}</g></defs></svg>']
    heading = escape(title or "Prozesskarte")
    if not layout.split:
        tile = layout.tiles[0]
        pages.append(f"<section class='seite'><div class='kopf'><h1>{heading}</h1><p>Kleinste "
                     f"Schrift {_pt(layout.smallest_pt)} pt.</p></div>"
                     + _window(key, 0, 0, tile.width, tile.height, layout.scale, title)
                     + "</section>")
    else:
        n = len(layout.tiles)
        pages.append(
            f"<section class='seite'><div class='kopf'><h1>{heading} – Übersicht</h1><p>Auf "
            "einer Seite wäre die Schrift kleiner als 7 pt; die Karte ist deshalb auf "
            f"{n} Teile verteilt (rote Rahmen, Nummer = Teil), gedruckt mit "
            f"{_pt(layout.smallest_pt)} pt kleinster Schrift.</p></div>"
            + _window(key, 0, 0, layout.width, layout.height, layout.overview_scale,
                      f"{title} – Übersicht", _frames(layout)) + "</section>")
        for number, tile in enumerate(layout.tiles, 1):
            label = _part_label(tile, number, layout)
            pages.append(f"<section class='seite'><div class='kopf'><h1>{heading} – {label}"
                         "</h1><p>Lage des Teils: Übersicht auf Seite 1.</p></div>"
                         + _window(key, tile.x, tile.y, tile.width, tile.height, layout.scale,
                                   f"{title} – {label}") + "</section>")
    html = ("<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'>"
            f"<title>{heading}</title><style>{_STYLE}</style></head><body>"
            + "".join(pages) + "</body></html>")
    return html, layout


def map_pdf(svg: str, title: str) -> tuple[bytes, PrintPlan]:
    """The map as an A4 landscape PDF (same inputs, same bytes) and its print plan."""
    html, layout = map_document(svg, title)
    return fix_pdf_dates(html_to_pdf(html.encode("utf-8"))), layout
