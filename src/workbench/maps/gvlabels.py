"""Node attributes and HTML-like labels of the graphviz map: BPMN shapes with German text."""

from __future__ import annotations

from dataclasses import dataclass

from ..bpmn.model import Activity, Element, Event, Gateway, TextAnnotation
from . import shapes as sh
from .gv import HtmlLabel, html, html_lines
from .wording import element_name

ACTIVITY_WIDTH = 1.35  # inches
ACTIVITY_HEIGHT = 0.72
EVENT_SIZE = 0.42
GATEWAY_SIZE = 0.6
NAME_WIDTH = 17  # characters per line in an activity
XLABEL_WIDTH = 16


@dataclass(frozen=True, slots=True)
class ActivityPens:
    """Border widths of an activity: plain, call activity, waste, dropped, new."""

    plain: float
    call: float
    waste: float
    dropped: float
    new: float


#: Border widths on screen and on paper (the print drawing is printed 1:1, so thinner).
SCREEN_PENS = ActivityPens(1.2, 3.0, 2.4, 1.6, 3.2)
PRINT_PENS = ActivityPens(0.8, 2.0, 1.6, 1.0, 2.0)


@dataclass(frozen=True, slots=True)
class ActivityLook:
    """How an activity's state shows: border, fill, name colour and highlight badges."""

    color: str
    fill: str
    name_color: str
    penwidth: float
    style: tuple[str, ...]
    badges: tuple[str, ...]


def activity_look(node: Activity, *, status: str, waste: bool, automatable: bool,
                  pens: ActivityPens) -> ActivityLook:
    """The look of an activity in both graphviz drawings (screen map and print drawing)."""
    fill = sh.medium_fill(node.medium if isinstance(node.medium, str) else None)
    color, penwidth, style = sh.INK, pens.plain, ["rounded", "filled"]
    name_color = sh.INK
    if node.local_name == "callActivity":
        penwidth = pens.call
    if waste:
        color, penwidth = sh.WASTE, pens.waste
        style.append("dashed")
    if status == "entfaellt":
        color, fill, name_color, penwidth = sh.DROPPED, sh.DROPPED_FILL, sh.DROPPED, pens.dropped
    elif status == "neu":
        color, penwidth = sh.NEW_STEP, pens.new
    badges = []
    if waste:
        badges.append(f'<FONT COLOR="{sh.WASTE}">✖</FONT>')
    if automatable:
        badges.append(f'<FONT COLOR="{sh.AUTOMATABLE}">⚙</FONT>')
    if status == "neu":
        badges.append(f'<FONT COLOR="{sh.NEW_STEP}"><B>neu</B></FONT>')
    return ActivityLook(color, fill, name_color, penwidth, tuple(style), tuple(badges))


def activity_attrs(node: Activity, *, status: str = "", waste: bool = False,
                   automatable: bool = False, show_attributes: bool = True,
                   standard: float | None = None) -> dict[str, object]:
    """Graphviz attributes of an activity: rounded box, type marker, name, our attributes."""
    look = activity_look(node, status=status, waste=waste, automatable=automatable,
                         pens=SCREEN_PENS)
    color, fill, name_color, penwidth, style = (look.color, look.fill, look.name_color,
                                                look.penwidth, look.style)
    marker = sh.TASK_GLYPHS.get(node.local_name, "")
    badges = list(look.badges)
    name = html_lines(sh.wrap(element_name(node), NAME_WIDTH, 4))
    if status == "entfaellt":
        name = f"<S>{name}</S>"
    rows = [f'<TR><TD COLSPAN="3"><FONT POINT-SIZE="11" COLOR="{name_color}">{name}</FONT>'
            "</TD></TR>"]
    facts = attribute_line(node, standard=standard) if show_attributes else []
    footer = sh.LOOP_GLYPHS.get(node.loop or "", "")
    if node.is_sub_process:
        footer = (footer + " " + sh.SUBPROCESS_GLYPH).strip()
    middle = " ".join(x for x in (html(footer), _font(html_lines(facts), 9, sh.MUTED)) if x)
    if marker or badges or middle:
        # one bottom row: type marker · minutes and system · highlight badges
        rows.append(f'<TR><TD ALIGN="LEFT" WIDTH="16">{_font(html(marker), 10) or " "}</TD>'
                    f"<TD>{middle or ' '}</TD>"
                    f'<TD ALIGN="RIGHT" WIDTH="16">{_font(" ".join(badges), 10) or " "}</TD>'
                    "</TR>")
    label = ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
             + "".join(rows) + "</TABLE>")
    return {
        "shape": "box", "style": ",".join(style), "fillcolor": fill, "color": color,
        "penwidth": penwidth, "width": ACTIVITY_WIDTH, "height": ACTIVITY_HEIGHT,
        "margin": "0.06,0.03", "label": HtmlLabel(label),
    }


def _font(body: str, size: int, color: str | None = None) -> str:
    """A FONT element, or nothing for empty text (graphviz rejects empty FONT elements)."""
    if not body:
        return ""
    colour = f' COLOR="{color}"' if color else ""
    return f'<FONT POINT-SIZE="{size}"{colour}>{body}</FONT>'


def attribute_line(node: Activity, *, with_medium: bool = False,
                   standard: float | None = None, limit: int | None = 26) -> list[str]:
    """'5 Min. · Gewerbe-Fachverfahren' (the medium is the fill color; with ``with_medium``
    it is named too, for drawings whose colors may be lost). A step without minutes shows the
    ``standard`` minutes the metrics assumed as 'Standardwert 5 Min.'."""
    parts = []
    if isinstance(node.minutes, float):
        parts.append(sh.format_minutes(node.minutes))
    elif standard is not None:
        parts.append(f"Standardwert {sh.format_minutes(standard) or '0 Min.'}")
    medium = sh.medium_label(node.medium if isinstance(node.medium, str) else None)
    if with_medium and medium:
        parts.append(medium)
    if isinstance(node.system, str) and node.system:
        parts.append(sh.clean_text(node.system))
    if not parts:
        return []
    line = " · ".join(parts)
    return [line if limit is None or len(line) <= limit else line[:limit - 1] + "…"]


def event_attrs(node: Event) -> dict[str, object]:
    """Circle: start thin, end thick, intermediate double; dashed when non-interrupting."""
    position = sh.event_position(node.local_name)
    throwing = sh.event_is_throwing(node.local_name)
    glyph = sh.event_glyph(node.event_definitions, throwing)
    style = ["filled"]
    interrupting = node.cancel_activity if node.local_name == "boundaryEvent" else (
        node.is_interrupting)
    if not interrupting:
        style.append("dashed")
    fill = {"start": "#e8f5e9", "end": "#fdecea"}.get(position, "#ffffff")
    attrs: dict[str, object] = {
        "shape": "circle", "fixedsize": "true", "width": EVENT_SIZE, "style": ",".join(style),
        "fillcolor": fill, "color": sh.INK, "fontsize": 13,
        "penwidth": 3.5 if position == "end" else 1.3,
        "label": HtmlLabel(f"<B>{html(glyph)}</B>" if throwing and glyph else html(glyph)),
    }
    if position == "intermediate":
        attrs["shape"] = "doublecircle"
        attrs["width"] = EVENT_SIZE - 0.04
    if node.name:
        attrs["xlabel"] = HtmlLabel(f'<FONT POINT-SIZE="10">'
                                    f"{html_lines(sh.wrap(node.name, XLABEL_WIDTH, 3))}</FONT>")
    return attrs


def link_attrs(letter: str, throwing: bool) -> dict[str, object]:
    """A link event that continues a flow in the next or previous row of a wrapped map."""
    return {
        "shape": "doublecircle", "fixedsize": "true", "width": EVENT_SIZE - 0.04,
        "style": "filled", "fillcolor": "#fffde7", "color": sh.INK, "penwidth": 1.3,
        "label": HtmlLabel(f'<FONT POINT-SIZE="12">{"▶" if throwing else "⇨"}</FONT>'),
        "xlabel": HtmlLabel(f'<FONT POINT-SIZE="10"><B>{html(letter)}</B></FONT>'),
    }


def gateway_attrs(node: Gateway) -> dict[str, object]:
    kind = node.gateway_type
    attrs: dict[str, object] = {
        "shape": "diamond", "fixedsize": "true", "width": GATEWAY_SIZE, "height": GATEWAY_SIZE,
        "style": "filled", "fillcolor": "#fffde7", "color": sh.INK, "penwidth": 1.3,
        "fontsize": 17 if kind != "eventBased" else 12,
        "label": HtmlLabel(f"<B>{html(sh.GATEWAY_GLYPHS.get(kind, ''))}</B>"),
    }
    if node.name:
        attrs["xlabel"] = HtmlLabel(f'<FONT POINT-SIZE="10">'
                                    f"{html_lines(sh.wrap(node.name, XLABEL_WIDTH, 3))}</FONT>")
    return attrs


def artifact_attrs(node: Element) -> dict[str, object]:
    """Data object (page), data store (cylinder) or text annotation (open bracket)."""
    if isinstance(node, TextAnnotation):
        text = html_lines(sh.wrap(node.text, 24, 6)) or "&#160;"
        return {"shape": "plain", "label": HtmlLabel(
            '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
            f'<TR><TD SIDES="LTB" ALIGN="LEFT" BALIGN="LEFT" COLOR="{sh.MUTED}">'
            f'<FONT POINT-SIZE="10" COLOR="{sh.MUTED}">{text}</FONT></TD></TR></TABLE>')}
    store = node.local_name.startswith("dataStore")
    attrs: dict[str, object] = {
        "shape": "cylinder" if store else "note", "fixedsize": "true",
        "width": 0.5 if store else 0.38, "height": 0.45 if store else 0.5,
        "style": "filled", "fillcolor": "#ffffff", "color": sh.INK, "label": "",
    }
    if node.name:
        attrs["xlabel"] = HtmlLabel(f'<FONT POINT-SIZE="9">'
                                    f"{html_lines(sh.wrap(node.name, XLABEL_WIDTH, 2))}</FONT>")
    return attrs


def header_label(text: str, *, bold: bool = True, part: str = "") -> HtmlLabel:
    """The band header: the lane's or pool's name (shortened with '…' beyond 4 lines, in full
    in the tooltip) and, in a wrapped map, "(Teil 1 von 2)" on a line of its own."""
    lines = sh.wrap(text, 16, 3 if part else 4) + ([part.strip()] if part else [])
    lines = html_lines(lines) or "&#160;"
    body = f"<B>{lines}</B>" if bold else lines
    return HtmlLabel('<TABLE BORDER="0" CELLPADDING="2"><TR><TD WIDTH="120">'
                     f'<FONT POINT-SIZE="12">{body}</FONT></TD></TR></TABLE>')


def legend_label(items: list[sh.LegendItem], markers: list[tuple[str, str]],
                 columns: int = 3, notes: list[str] | None = None) -> HtmlLabel:
    """The legend as a table: color swatches and marker glyphs with German text, then the
    numbered Medienbrüche with their full reasons (``notes``)."""
    cells = []
    for item in items:
        if item.kind == "fill":
            swatch = f'<TD WIDTH="22" HEIGHT="14" BORDER="1" BGCOLOR="{item.color}"> </TD>'
        elif item.kind == "edge":
            swatch = f'<TD WIDTH="22"><FONT COLOR="{item.color}"><B>━━</B></FONT></TD>'
        elif item.kind == "border":
            swatch = (f'<TD WIDTH="22" BORDER="2" COLOR="{item.color}">'
                      f"{_font(html(item.symbol), 9, item.color) or ' '}</TD>")
        else:
            swatch = f'<TD WIDTH="22">{_font(html(item.symbol), 11, item.color) or " "}</TD>'

        cells.append(swatch + f'<TD ALIGN="LEFT">{html(item.label)}</TD>')
    for glyph, text in markers:
        cells.append(f'<TD WIDTH="22">{html(glyph)}</TD><TD ALIGN="LEFT">{html(text)}</TD>')
    rows = []
    for start in range(0, len(cells), columns):
        chunk = cells[start:start + columns]
        chunk += ["<TD></TD><TD></TD>"] * (columns - len(chunk))
        rows.append("<TR>" + '<TD WIDTH="16"></TD>'.join(chunk) + "</TR>")
    for number, reason in enumerate(notes or [], start=1):
        text = html_lines(sh.wrap(reason, 90, None))
        rows.append(f'<TR><TD WIDTH="22" HEIGHT="16" VALIGN="TOP" BGCOLOR="{sh.MEDIENBRUCH}" STYLE="rounded">'
                    f'<FONT COLOR="#ffffff" POINT-SIZE="10"><B>{number}</B></FONT></TD>'
                    f'<TD ALIGN="LEFT" BALIGN="LEFT" COLSPAN="{columns * 3 - 1}">{text}</TD></TR>')
    return HtmlLabel('<TABLE BORDER="0" CELLSPACING="3" CELLPADDING="1">'
                     f'<TR><TD ALIGN="LEFT" COLSPAN="{columns * 3}"><B>Legende</B></TD></TR>'
                     + "".join(rows) + "</TABLE>")
