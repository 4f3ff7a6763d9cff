"""The workbench extension attributes on BPMN elements (namespace :data:`namespaces.WB`).

Values are stored as plain attributes that other tools ignore and keep, for example::

    <bpmn:userTask id="pruefen" name="Antrag formell prüfen"
        wb:minutes="6" wb:waitDays="1.5" wb:medium="fachverfahren" wb:system="Meldewesen"
        wb:phase="bearbeitung" wb:automation="regelbasiert" wb:activityType="formell_pruefen"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="rueckfrage" wb:probability="0.2"/>

Enumerations are stored as lowercase ASCII keys; reading accepts the German labels too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..limits import ATTRIBUTE_MAX, ATTRIBUTE_WARN, german_int
from ..text import ascii_fold
from . import namespaces as ns

MEDIA: dict[str, str] = {
    "papier": "Papier",
    "persoenlich": "persönlich",
    "telefon": "Telefon",
    "email": "E-Mail",
    "scan": "Scan",
    "fachverfahren": "Fachverfahren/digital",
    "portal": "Online-Portal",
    "automatisch": "automatisch",
}
#: Medium classes for the Medienbruch definition: analog, digital, and scan (a break by itself).
MEDIUM_CLASS: dict[str, str] = {
    "papier": "analog", "persoenlich": "analog", "telefon": "analog",
    "email": "digital", "fachverfahren": "digital", "portal": "digital", "automatisch": "digital",
    "scan": "scan",
}
PHASES: dict[str, str] = {
    "antrag": "Antrag",
    "bearbeitung": "Bearbeitung",
    "bezahlung": "Bezahlung",
    "bescheid": "Bescheid",
    "archivierung": "Archivierung",
}
#: Who a pool (or a role lane) stands for; drives the split of administration and customer effort.
PARTICIPANT_ROLES: dict[str, str] = {
    "verwaltung": "Verwaltung",
    "buerger": "Bürger:in",
    "unternehmen": "Unternehmen",
    "extern": "externe Stelle",
}
#: Laufbahngruppen of the Standardkostenmodell's Lohnkostentabelle (see workbench.labour_costs).
LAUFBAHNEN: dict[str, str] = {
    "einfach": "einfacher Dienst",
    "mittel": "mittlerer Dienst",
    "gehoben": "gehobener Dienst",
    "hoeher": "höherer Dienst",
}
AUTOMATION: dict[str, str] = {
    "keine": "keine (menschliche Entscheidung)",
    "assistiert": "assistiert (IT-Unterstützung)",
    "regelbasiert": "regelbasiert (Regeln/RPA)",
    "ki": "KI-gestützt",
}
_ALIASES = {
    "digital": "fachverfahren", "fachverfahren/digital": "fachverfahren", "e-mail": "email",
    "mail": "email", "online-portal": "portal", "onlineportal": "portal", "online": "portal",
    "post": "papier", "brief": "papier", "vor ort": "persoenlich", "persönlich": "persoenlich",
    "automatisiert": "automatisch", "auto": "automatisch", "rpa": "regelbasiert",
    "regel": "regelbasiert", "keine automatisierung": "keine", "nein": "keine",
    "bürger": "buerger", "buergerin": "buerger", "kunde": "buerger", "kundin": "buerger",
    "citizen": "buerger", "customer": "buerger", "wirtschaft": "unternehmen",
    "business": "unternehmen", "administration": "verwaltung", "external": "extern",
    "höher": "hoeher", "hoeherer dienst": "hoeher", "höherer dienst": "hoeher",
}


@dataclass(frozen=True, slots=True)
class Attribute:
    """One extension attribute: XML name, German label, kind and allowed values."""

    name: str
    label: str
    kind: str  # "number" | "probability" | "enum" | "text"
    applies_to: str  # space-separated: activity, event, gateway, sequenceFlow, lane, participant,
    #                  process
    values: dict[str, str] | None = None


ATTRIBUTES: dict[str, Attribute] = {
    a.name: a
    for a in (
        Attribute("minutes", "Bearbeitungszeit (Minuten je Ausführung)", "number", "activity"),
        # spread of the handling time for the simulation (triangular; wb:minutes is the mean)
        Attribute("minutesMin", "Bearbeitungszeit mindestens (Minuten)", "number", "activity"),
        Attribute("minutesMax", "Bearbeitungszeit höchstens (Minuten)", "number", "activity"),
        Attribute("waitDays", "Liegezeit (Tage)", "number", "activity event"),
        Attribute("medium", "Medium", "enum", "activity", MEDIA),
        Attribute("system", "System (Fachverfahren)", "text", "activity"),
        Attribute("phase", "E2E-Phase", "enum", "activity", PHASES),
        Attribute("automation", "Automatisierbarkeit", "enum", "activity", AUTOMATION),
        Attribute("activityType", "Aktivitätstyp", "text", "activity"),
        Attribute("rechtsgrundlage", "Rechtsgrundlage(n) des Schritts", "text", "activity"),
        Attribute("probability", "Wahrscheinlichkeit", "probability", "sequenceFlow"),
        Attribute("participantRole", "Rolle des Beteiligten", "enum",
                  "participant process lane", PARTICIPANT_ROLES),
        Attribute("laufbahn", "Laufbahngruppe", "enum", "lane activity", LAUFBAHNEN),
        Attribute("replaces", "Ersetzt (IDs der IST-Elemente)", "text",
                  "activity event gateway"),
        # FIM (XProzess): the Aktivitätengruppe a (collapsed) sub-process stands for
        Attribute("fimGroupId", "FIM-Aktivitätengruppe (ID)", "text", "activity"),
        Attribute("fimGroupType", "FIM-Referenzaktivitätengruppe (Typ-Code)", "text", "activity"),
        Attribute("fimGroupName", "FIM-Aktivitätengruppe (Name laut FIM)", "text", "activity"),
    )
}
#: FIM attributes (names start with ``fim``): kept from an XProzess import, never computed.
FIM_ATTRIBUTES = ("fimGroupId", "fimGroupType", "fimGroupName")
#: Names of the FIM Referenzaktivitätengruppen (RAG) types, as the FIM Modellreport of the
#: shared Mutterschutz process prints them; other codes are shown as "RAG-Typ <code>".
FIM_GROUP_TYPES: dict[str, str] = {
    "1": "Information empfangen",
    "2": "Information bereitstellen",
    "3": "Sachverhalt formell prüfen",
    "4": "Sachverhalt beurteilen/entscheiden ohne Spielraum",
    "5": "Sachverhalt beurteilen/entscheiden mit Spielraum",
    "7": "Beteiligung durchführen",
}


def fim_group_type_label(code: str | None) -> str:
    """German name of a FIM RAG type code ('3' → 'Sachverhalt formell prüfen')."""
    if not code:
        return ""
    return FIM_GROUP_TYPES.get(str(code).strip(), f"RAG-Typ {code}")


def legal_bases(raw: str | float | None) -> list[str]:
    """The legal bases of a step: ``wb:rechtsgrundlage`` split at ``;`` (each once, in order)."""
    parts = (p.strip() for p in str(raw or "").split(";"))
    return list(dict.fromkeys(" ".join(p.split()) for p in parts if p))


def _fold(text: str) -> str:
    return ascii_fold(text)


def normalize_enum(attribute: str, raw: str | None) -> str | None:
    """The key for a raw enum value (key, German label or common alias); None if unknown."""
    if raw is None or not raw.strip():
        return None
    values = ATTRIBUTES[attribute].values or {}
    low = raw.strip().lower()
    if low in values:
        return low
    if low in _ALIASES and _ALIASES[low] in values:
        return _ALIASES[low]
    folded = _fold(raw)
    for key, label in values.items():
        if folded in (key, _fold(label), _fold(label.split(" (")[0])):
            return key
    if folded in _ALIASES and _ALIASES[folded] in values:
        return _ALIASES[folded]
    return None


def parse_number(raw: str | None) -> float | None:
    """A non-negative number from an attribute (decimal comma allowed); None if absent/invalid."""
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None


def parse_value(attribute: str, raw: str | None) -> float | str | None:
    """Typed value of an extension attribute, or None when missing, invalid or beyond its
    hard limit (:data:`workbench.limits.ATTRIBUTE_MAX`)."""
    spec = ATTRIBUTES[attribute]
    if spec.kind == "number":
        value = parse_number(raw)
        limit = ATTRIBUTE_MAX.get(attribute)
        return None if value is not None and limit and value > limit[0] else value
    if spec.kind == "probability":
        value = parse_number(raw)
        return value if value is not None and value <= 1 else None
    if spec.kind == "enum":
        return normalize_enum(attribute, raw)
    return raw.strip() if raw and raw.strip() else None


def format_value(attribute: str, value: float | str | None) -> str | None:
    """The attribute text to write for a typed value (None removes the attribute)."""
    if value is None or value == "":
        return None
    spec = ATTRIBUTES[attribute]
    if spec.kind in ("number", "probability"):
        text = repr(float(value))  # shortest exact form: no precision lost in a round trip
        return text[:-2] if text.endswith(".0") else text
    if spec.kind == "enum":
        key = normalize_enum(attribute, str(value))
        if key is None:
            allowed = ", ".join(spec.values or {})
            raise ValueError(f"Ungültiger Wert '{value}' für {spec.label}; erlaubt: {allowed}.")
        return key
    return str(value)


def problem(attribute: str, raw: str) -> str | None:
    """German description of what is wrong with a raw value, or None when it is valid."""
    spec = ATTRIBUTES.get(attribute)
    if spec is None:
        return (f"Unbekanntes Werkbench-Attribut 'wb:{attribute}'; bekannt sind: "
                + ", ".join(f"wb:{a}" for a in ATTRIBUTES) + ".")
    if parse_value(attribute, raw) is not None or not raw.strip():
        return None
    if spec.kind == "number":
        if beyond_limit(attribute, raw):
            limit = ATTRIBUTE_MAX[attribute]
            return (f"{spec.label}: '{raw}' ist unplausibel groß (höchstens "
                    f"{german_int(limit[0])} {limit[1]}).")
        return f"{spec.label}: '{raw}' ist keine Zahl ≥ 0 (endlich)."
    if spec.kind == "probability":
        return f"{spec.label}: '{raw}' ist keine Wahrscheinlichkeit zwischen 0 und 1."
    allowed = ", ".join(f"{k} ({v})" for k, v in (spec.values or {}).items())
    return f"{spec.label}: '{raw}' ist kein erlaubter Wert; erlaubt sind {allowed}."


def beyond_limit(attribute: str, raw: str) -> bool:
    """True for a number above the attribute's hard limit (an error, the value is ignored)."""
    limit = ATTRIBUTE_MAX.get(attribute)
    value = parse_number(raw)
    return bool(limit) and value is not None and value > limit[0]


def plausibility(attribute: str, raw: str) -> str | None:
    """German warning for a valid value beyond its warning level (probably a typo), else None."""
    level = ATTRIBUTE_WARN.get(attribute)
    value = parse_value(attribute, raw) if attribute in ATTRIBUTES else None
    if level is None or not isinstance(value, float) or value <= level[0]:
        return None
    return (f"{ATTRIBUTES[attribute].label}: {raw} ist ungewöhnlich groß (mehr als "
            f"{german_int(level[0])} {level[1]}); bitte prüfen.")


def qname(attribute: str) -> str:
    """Clark name of an extension attribute."""
    return ns.q(ns.WB, attribute)
