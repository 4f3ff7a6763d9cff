"""What the maps look like: fonts, the medium palette, highlight colors, BPMN markers, legends.

Both map styles (graphviz auto layout and the DI drawing) take their colors and words from here,
so a legend means the same in every picture. Markers for the graphviz style are glyphs of
DejaVu Sans (installed with graphviz on Debian and conda); the DI style draws real paths
(:mod:`workbench.maps.icons`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..bpmn import extensions as ext

#: Font list for SVG text (no web fonts: the SVG must work offline, inline in a report).
FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"
#: Font name graphviz resolves through fontconfig (DejaVu ships with graphviz packages).
GV_FONT = "DejaVu Sans"
GV_FONT_BOLD = "DejaVu Sans Bold"

INK = "#212121"
MUTED = "#616161"
LANE_FILLS = ("#f7f9fc", "#eef2f8")
POOL_STROKE = "#455a64"

#: Fill colors per medium (light, so black text stays readable; warm = analog, cool = digital).
MEDIUM_COLORS: dict[str, str] = {
    "papier": "#f6e3b4",
    "persoenlich": "#f8cfae",
    "telefon": "#e9d3f0",
    "scan": "#dedede",
    "email": "#cfe2f6",
    "portal": "#bfe7e1",
    "fachverfahren": "#d3eed2",
    "automatisch": "#a8dba9",
}
NO_MEDIUM_FILL = "#ffffff"

MEDIENBRUCH = "#c62828"  # red: a Medienbruch transition
WASTE = "#b71c1c"  # dark red dashed border: a waste step
AUTOMATABLE = "#1565c0"  # blue badge: automatable step
NEW_STEP = "#2e7d32"  # green: new in SOLL
DROPPED = "#9e9e9e"  # grey: dropped in SOLL
DROPPED_FILL = "#f0f0f0"

#: Activity markers (graphviz style): BPMN task type → glyph.
TASK_GLYPHS: dict[str, str] = {
    "userTask": "☺",
    "manualTask": "☛",
    "serviceTask": "⚙",
    "sendTask": "✉→",
    "receiveTask": "→✉",
    "scriptTask": "✎",
    "businessRuleTask": "▦",
}
#: Event-definition markers (graphviz style).
EVENT_GLYPHS: dict[str, str] = {
    "message": "✉",
    "timer": "◷",
    "error": "⚡",
    "escalation": "⇑",
    "cancel": "✖",
    "compensate": "≪",
    "conditional": "▤",
    "link": "⇨",
    "signal": "△",
    "terminate": "●",
    "multiple": "⬠",
}
#: Gateway markers (graphviz style).
GATEWAY_GLYPHS: dict[str, str] = {
    "exclusive": "×",
    "parallel": "+",
    "inclusive": "○",
    "eventBased": "⬠",
    "complex": "✱",
}
#: parallel multi-instance: three vertical bars as in BPMN (U+2980 "⦀" is not in DejaVu Sans)
LOOP_GLYPHS: dict[str, str] = {"standard": "↻", "parallel": "|||", "sequential": "≡"}
SUBPROCESS_GLYPH = "⊞"

GATEWAY_NAMES: dict[str, str] = {
    "exclusive": "Entscheidung (XOR)",
    "parallel": "Parallelisierung (UND)",
    "inclusive": "Oder-Verzweigung (OR)",
    "eventBased": "ereignisbasiert",
    "complex": "komplex",
}
EVENT_NAMES: dict[str, str] = {
    "message": "Nachricht", "timer": "Zeit", "error": "Fehler", "escalation": "Eskalation",
    "cancel": "Abbruch", "compensate": "Kompensation", "conditional": "Bedingung",
    "link": "Link", "signal": "Signal", "terminate": "Terminierung", "multiple": "mehrfach",
}


def medium_fill(medium: str | None) -> str:
    """Fill color for an activity with this medium key (white when unknown)."""
    return MEDIUM_COLORS.get(medium or "", NO_MEDIUM_FILL)


def medium_label(medium: str | None) -> str:
    return ext.MEDIA.get(medium or "", "")


def event_position(local_name: str) -> str:
    """'start', 'end', 'intermediate' (catch, throw and boundary)."""
    if local_name == "startEvent":
        return "start"
    if local_name == "endEvent":
        return "end"
    return "intermediate"


def event_is_throwing(local_name: str) -> bool:
    return local_name in ("endEvent", "intermediateThrowEvent", "implicitThrowEvent")


def event_glyph(definitions: list[str], throwing: bool) -> str:
    """The marker glyph for an event with these definitions (empty for a none event)."""
    if not definitions:
        return ""
    if len(definitions) > 1:
        return EVENT_GLYPHS["multiple"]
    kind = definitions[0]
    if kind == "signal" and throwing:
        return "▲"
    if kind == "link" and throwing:
        return "▶"
    return EVENT_GLYPHS.get(kind, "")


# --------------------------------------------------------------------------- text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def safe_id(text: str) -> str:
    """``text`` as an SVG id part: every character outside ASCII letters, digits and
    ``_.-`` becomes '_'."""
    return _UNSAFE.sub("_", text)


def clean_text(text: str | None) -> str:
    """Text without control characters and with collapsed blanks (newlines kept)."""
    if not text:
        return ""
    text = _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def wrap(text: str | None, width: int = 18, max_lines: int | None = 4) -> list[str]:
    """Wrap a German label into lines of about ``width`` characters (see
    :func:`workbench.maps.wording.wrap`: dictionary hyphenation, ellipsis when shortened)."""
    from .wording import wrap as _wrap

    return _wrap(text, width, max_lines)


def short_reason(reason: str) -> str:
    """The first clause of a Medienbruch reason, without the word 'Medienwechsel'."""
    first, _, rest = clean_text(reason).partition(";")
    first = first.strip().removeprefix("Medienwechsel").strip()
    return first + (" …" if rest.strip() else "")


def format_minutes(minutes: float | None) -> str:
    """'5 Min.', '1,5 Min.', '2 Std. 10 Min.' (German decimal comma)."""
    if minutes is None:
        return ""
    if minutes >= 120:
        hours, rest = divmod(round(minutes), 60)
        return f"{hours} Std." + (f" {rest} Min." if rest else "")
    text = f"{minutes:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} Min."


def format_percent(share: float | None) -> str:
    if share is None:
        return "–"
    return f"{share * 100:.0f} %"


# --------------------------------------------------------------------------- legend


@dataclass(frozen=True, slots=True)
class LegendItem:
    """One legend row: a kind of swatch and its German text."""

    kind: str  # "fill" | "edge" | "border" | "badge" | "text"
    color: str
    label: str
    symbol: str = ""


def legend_items(
    *,
    media: set[str] | None = None,
    media_breaks: bool = False,
    waste: bool = False,
    automatable: bool = False,
    comparison: bool = False,
) -> list[LegendItem]:
    """Legend rows for what a map actually shows (only media that occur, in palette order)."""
    items: list[LegendItem] = []
    if media is not None and not media - {""}:
        media = set()  # no step names a medium: no medium legend at all
    for key, color in MEDIUM_COLORS.items():
        if media is None or key in media:
            items.append(LegendItem("fill", color, f"Medium: {ext.MEDIA[key]}"))
    if media is not None and "" in media:
        items.append(LegendItem("fill", NO_MEDIUM_FILL, "Medium: ohne Angabe"))
    if media_breaks:
        items.append(LegendItem("edge", MEDIENBRUCH, "Medienbruch (Wechsel des Mediums)"))
    if waste:
        items.append(LegendItem("border", WASTE, "Verschwendung (entfällt bei E2E-Digitalisierung)",
                                "✖"))
    if automatable:
        items.append(LegendItem("badge", AUTOMATABLE, "automatisierbar (Regeln/RPA oder KI)",
                                "⚙"))
    if comparison:
        items.append(LegendItem("border", DROPPED, "entfällt im SOLL (durchgestrichen)"))
        items.append(LegendItem("border", NEW_STEP, "neu im SOLL"))
    return items
