"""What the modeler's JavaScript needs to know about our extension attributes, generated.

:func:`moddle_descriptor` turns :data:`workbench.bpmn.extensions.ATTRIBUTES` into a bpmn-moddle
package descriptor for the namespace ``urn:prozess-werkbench:bpmn:1`` (prefix ``wb``), so bpmn-js
knows, keeps and writes the attributes; :func:`panel_schema` adds what the German side panel shows
(labels, kinds, allowed values, suggestions, help) and the medium colours of the maps. Nothing is
copied by hand into JavaScript: a new attribute in ``extensions.py`` appears in the panel.
"""

from __future__ import annotations

from typing import Any

from ..activity_types import ACTIVITY_TYPES
from ..bpmn import extensions as ext
from ..bpmn import namespaces as ns
from ..maps.shapes import MEDIUM_COLORS

PREFIX = "wb"

#: ``Attribute.applies_to`` words → the bpmn-moddle types that carry the attribute.
APPLIES_TO: dict[str, tuple[str, ...]] = {
    "activity": ("bpmn:Activity",),
    "event": ("bpmn:IntermediateCatchEvent", "bpmn:IntermediateThrowEvent", "bpmn:BoundaryEvent"),
    "sequenceFlow": ("bpmn:SequenceFlow",),
    "participant": ("bpmn:Participant",),
    "process": ("bpmn:Process",),
    "lane": ("bpmn:Lane",),
    "flowNode": ("bpmn:FlowNode",),
    "gateway": ("bpmn:Gateway",),
    "element": ("bpmn:BaseElement",),
}

#: One line of German help under a field (optional).
HELP: dict[str, str] = {
    "minutes": "Bearbeitungszeit einer Ausführung in Minuten, ohne Liegezeit.",
    "minutesMin": "Kürzeste Bearbeitungszeit (für die Simulation).",
    "minutesMax": "Längste Bearbeitungszeit (für die Simulation).",
    "waitDays": "Wie lange der Vorgang davor liegt oder wartet (Tage).",
    "medium": "Womit der Schritt arbeitet; ein Wechsel zwischen analog und digital ist ein "
              "Medienbruch.",
    "system": "Fachverfahren oder IT-System; ein Wechsel des Systems zählt als erneute Erfassung.",
    "probability": "Anteil der Fälle, die diesen Weg nehmen (0 bis 1).",
    "replaces": "Welche Schritte des IST-Modells dieser SOLL-Schritt ersetzt (für den "
                "IST/SOLL-Vergleich).",
    "participantRole": "Wer dieser Pool ist: die Verwaltung selbst oder Bürger:innen, "
                       "Unternehmen, Externe.",
    "laufbahn": "Laufbahngruppe der Beschäftigten dieser Lane (Lohnkosten).",
    "rechtsgrundlage": "Vorschrift, auf der dieser Schritt beruht, z. B. „§ 17 BMG“; mehrere mit "
                       "Semikolon trennen. Erscheint im Wissensportal.",
}


def bpmn_types(attribute: ext.Attribute) -> tuple[str, ...]:
    """The bpmn-moddle types an attribute applies to (``applies_to`` may list several words)."""
    words = attribute.applies_to.split() if isinstance(attribute.applies_to, str) \
        else list(attribute.applies_to)
    types: list[str] = []
    for word in words:
        if word not in APPLIES_TO:
            raise ValueError(f"wb:{attribute.name}: unknown applies_to '{word}'; "
                             f"known: {', '.join(APPLIES_TO)}")
        types.extend(t for t in APPLIES_TO[word] if t not in types)
    return tuple(types)


def moddle_descriptor() -> dict[str, Any]:
    """The bpmn-moddle package of the ``wb`` namespace (attributes as plain strings, so bpmn-js
    writes back exactly the text it read)."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for attribute in ext.ATTRIBUTES.values():
        groups.setdefault(bpmn_types(attribute), []).append(attribute.name)
    types = [
        {
            "name": f"Attributes{index}",
            "isAbstract": True,
            "extends": list(bpmn),
            "properties": [{"name": name, "isAttr": True, "type": "String"} for name in names],
        }
        for index, (bpmn, names) in enumerate(groups.items(), start=1)
    ]
    return {"name": "Prozess-Werkbench", "uri": ns.WB, "prefix": PREFIX,
            "xml": {"tagAlias": "lowerCase"}, "associations": [], "enumerations": [],
            "types": types}


def _suggestions(name: str) -> list[list[str]] | None:
    if name == "activityType":
        return [[key, t.label] for key, t in ACTIVITY_TYPES.items()]
    return None


def panel_schema() -> dict[str, Any]:
    """Everything the modeler front end needs: descriptor, panel fields, medium colours."""
    fields = []
    for attribute in ext.ATTRIBUTES.values():
        field: dict[str, Any] = {
            "name": attribute.name, "label": attribute.label, "kind": attribute.kind,
            "types": list(bpmn_types(attribute)),
            "values": [[k, v] for k, v in (attribute.values or {}).items()],
        }
        if attribute.name in HELP:
            field["help"] = HELP[attribute.name]
        suggestions = _suggestions(attribute.name)
        if suggestions:
            field["suggestions"] = suggestions
        fields.append(field)
    return {
        "prefix": PREFIX,
        "uri": ns.WB,
        "descriptor": moddle_descriptor(),
        "attributes": fields,
        "medium_colors": dict(MEDIUM_COLORS),
        "media": [[key, ext.MEDIA[key], color] for key, color in MEDIUM_COLORS.items()
                  if key in ext.MEDIA],
    }
