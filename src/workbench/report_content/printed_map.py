"""The IST/SOLL map of a Leistung on paper: the print drawing of
:mod:`workbench.maps.print_layout` as rows inside the Leistung's section, with its legend.

Each row is its own small SVG printed 1:1 (1 SVG unit = 1 pt), so every text is exactly
7 pt on paper; a row is never split across pages, but the map may break between rows, so
it fills the page instead of leaving half of it empty. The drawing is made once per model
pair and batch (``reports.cache``), stored as JSON (data, never code).
"""

from __future__ import annotations

import hashlib
import json

from ..bpmn.model import Definitions
from ..maps.print_tiles import tiles
from .fmt import esc

#: Printable width of the A4 portrait page of the report stylesheet (pt; 210 mm − 2 × 8 mm).
PORTRAIT_WIDTH_PT = (210 - 2 * 8) * 72 / 25.4
#: Width the drawing's rows may use (a little room for rounding).
ROW_WIDTH_PT = PORTRAIT_WIDTH_PT - 4

def drawing(ist: Definitions, soll: Definitions) -> dict:
    """The print drawing of an IST/SOLL pair as plain data (cached once per batch)."""
    from ..maps.print_layout import print_comparison
    from ..reports.cache import cached_text

    digest = hashlib.sha256(ist.to_bytes() + b"\0" + soll.to_bytes()).hexdigest()[:20]

    def render() -> str:
        found = print_comparison(ist, soll, ROW_WIDTH_PT)
        return json.dumps({
            "sections": [{"label": s.label, "roles": list(s.roles),
                          "rows": [r.svg for r in s.rows]} for s in found.sections],
            "notes": found.notes,
            "legend": [[i.kind, i.color, i.label, i.symbol] for i in found.legend],
            "markers": [list(m) for m in found.markers],
            "text": found.texts,
            "subtitle": found.subtitle,
        }, ensure_ascii=False, sort_keys=True)

    return json.loads(cached_text(f"druckkarte-{digest}-{ROW_WIDTH_PT:.0f}-v2.json", render))


def figure(data: dict, title: str, caption: str) -> str:
    """The printed map: heading line, IST and SOLL rows, its numbered Medienbrüche (only on
    paper; colours and markers are explained once, in :func:`legend`)."""
    summary = f"<br>{esc(data['subtitle'])}" if data.get("subtitle") else ""
    parts = [f"<div class='druckkarte nur-druck'><p class='kartenkopf'><b>{esc(title)}</b> · "
             f"{esc(caption)}{summary}</p>"]
    for section in data["sections"]:
        rows = section["rows"]
        parts.append(f"<div class='kartenabschnitt'><b>{esc(section['label'])}</b> ")
        for n, svg in enumerate(rows, 1):
            named = f"{title} – {section['label']}, Zeile {n} von {len(rows)}"
            pieces = tiles(svg, PORTRAIT_WIDTH_PT)
            if len(pieces) > 1:  # a poster: tiles at full size, read left to right
                parts.append(f"<p class='kartenlegende'>{esc(section['label'])}, Zeile {n}: "
                             f"in {len(pieces)} Teilen nebeneinander zu lesen (Teil 1 links), "
                             "weil sich ein aufgeklappter Teilprozess nicht auf mehrere Zeilen "
                             "verteilen lässt; jede Schrift bleibt 7 pt.</p>")
            for k, piece in enumerate(pieces, 1):
                label = named if len(pieces) == 1 else f"{named}, Teil {k} von {len(pieces)}"
                # the part's number stays with its tile (a row is never split across pages)
                number = (f"<span class='kartenlegende'>Teil {k} von {len(pieces)}</span>"
                          if len(pieces) > 1 else "")
                piece = piece.replace(">", f' role="img"><title>{esc(label)}</title>', 1)
                parts.append(f"<span class='kartenzeile'>{number}{piece}</span>")
        parts.append("</div>")
    notes = "".join(f"<li><b class='bruchnummer'>{n}</b> {esc(reason)}</li>"
                    for n, reason in enumerate(data["notes"], 1))
    if notes:
        parts.append("<p class='kartenlegende'><b>Medienbrüche</b> (rote Flüsse, Nummer am "
                     f"Fluss):</p><ol class='bruchliste'>{notes}</ol>")
    parts.append("</div>")
    return "".join(parts)


def legend(drawings: list[dict]) -> str:
    """Colours and markers of all printed maps of a report, explained once (only on paper)."""
    items: list[str] = []
    seen: set[str] = set()
    entries = [tuple(e) for d in drawings for e in d["legend"]]
    order = {e: n for n, e in enumerate(dict.fromkeys(entries))}
    for kind, color, label, symbol in sorted(order, key=order.__getitem__):
        if label in seen:
            continue
        seen.add(label)
        if kind == "fill":
            mark = f"<span class='farbfeld' style='background-color: {esc(color)}'></span>"
        elif kind == "edge":
            mark = f"<span style='color: {esc(color)}'><b>━</b></span>"
        elif kind == "badge":
            mark = f"<span style='color: {esc(color)}'>{esc(symbol)}</span>"
        else:
            mark = (f"<span class='farbfeld' style='border: 2px solid {esc(color)}'></span>"
                    + (f" <span style='color: {esc(color)}'>{esc(symbol)}</span>"
                       if symbol else ""))
        items.append(f"{mark} {esc(label)}")
    markers = dict.fromkeys(tuple(m) for d in drawings for m in d["markers"])
    items += [f"{esc(glyph)} {esc(name)}" for glyph, name in sorted(markers, key=lambda m: m[1])]
    items.append("A ▶ … ⇨ A: der Fluss geht in einer anderen Zeile weiter")
    if any(s["roles"] for d in drawings for s in d["sections"]):
        items.append("<i>kursiv</i>: Rolle (Lane), die den Schritt ausführt")
    if not drawings:
        return ""
    return ("<p class='kartenlegende nur-druck'><b>So lesen sich die Karten:</b> "
            + " · ".join(items) + "</p>")
