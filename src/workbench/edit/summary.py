"""German lines that say what a merge or a patch changed, one per change, in order."""

from __future__ import annotations

from lxml import etree

from ..bpmn import extensions as ext
from ..bpmn import namespaces as ns
from ..bpmn import vocabulary as voc
from .canon import Snapshot

_DI_TAGS = frozenset({"{" + ns.BPMNDI + "}BPMNShape", "{" + ns.BPMNDI + "}BPMNEdge"})
_CHILD_LABELS = {
    "documentation": "Dokumentation", "conditionExpression": "Bedingung",
    "extensionElements": "Erweiterungen", "text": "Text", "timerEventDefinition": "Zeitangabe",
    "standardLoopCharacteristics": "Schleife",
    "multiInstanceLoopCharacteristics": "Mehrfachausführung", "BPMNLabel": "Beschriftung",
}
_QUIET_CHILDREN = frozenset({"incoming", "outgoing"})  # follow from the flows themselves
_ORDER = ("Neu: ", "Entfernt: ", "Typ geändert: ", "Verschoben: ")
_DIAGRAM = ("Neu gezeichnet: ", "Diagramm: ")


def attribute_label(name: str) -> str:
    """German label of an attribute: 'Name', a workbench attribute's label, else its name."""
    if name == "name":
        return "Name"
    if name.startswith("{" + ns.WB + "}"):
        local = ns.local_name(name)
        spec = ext.ATTRIBUTES.get(local)
        return spec.label if spec else f"wb:{local}"
    return ns.local_name(name)


class Summary:
    """Collects change lines (deduplicated, in order) about the elements of a merge."""

    def __init__(self, original: Snapshot, edited: Snapshot | None = None) -> None:
        self.original, self.edited = original, edited
        self._lines: list[tuple[int, str]] = []

    def add(self, line: str) -> None:
        if all(line != text for _, text in self._lines):
            rank = next((i for i, p in enumerate(_ORDER) if line.startswith(p)),
                        len(_ORDER) + line.startswith(_DIAGRAM))
            self._lines.append((rank, line))

    @property
    def lines(self) -> list[str]:
        """The lines: new, removed, retyped, moved elements first, then content, then diagram."""
        return [text for _, text in sorted(self._lines, key=lambda item: item[0])]

    # ---- naming
    def _element(self, key: str) -> etree._Element | None:
        for snapshot in (self.original, self.edited):
            if snapshot is not None and key in snapshot.entries:
                return snapshot.entries[key].element
        return None

    def who(self, key: str | None) -> str:
        """'Aufgabe „Antrag prüfen“ (Task_1)'; a DI element: 'Diagramm von …'."""
        el = self._element(key or "")
        if el is None:
            return f"Element {key}"
        if el.tag in _DI_TAGS:
            ref = el.get("bpmnElement")
            if not ref:
                return f"Diagrammelement {el.get('id') or key} (ohne Modellelement)"
            return f"Darstellung von {self.who(ref)}"
        local = ns.local_name(el.tag)
        name = " ".join((el.get("name") or "").split())
        kind = "Definitionen" if local == "definitions" else voc.german_type(local)
        ident = el.get("id") or key
        return f"{kind} „{name}“ ({ident})" if name else f"{kind} {ident}"

    def _is_di(self, key: str) -> bool:
        el = self._element(key)
        return el is not None and not el.tag.startswith("{" + ns.BPMN + "}")

    # ---- structure
    def added(self, key: str) -> None:
        if self._is_di(key):
            self.add(f"Neu gezeichnet: {self.who(key).removeprefix('Darstellung von ')}")
        else:
            self.add(f"Neu: {self.who(key)}")

    def removed(self, key: str) -> None:
        if not self._is_di(key):
            self.add(f"Entfernt: {self.who(key)}")

    def retyped(self, key: str, old: str, new: str) -> None:
        self.add(f"Typ geändert: {self.who(key)}: {voc.german_type(ns.local_name(old))} → "
                 f"{voc.german_type(ns.local_name(new))}")

    def moved(self, key: str, parent: str | None) -> None:
        if not self._is_di(key):
            self.add(f"Verschoben: {self.who(key)} nach {self.who(parent)}")

    # ---- content
    def attribute(self, key: str, el: etree._Element, name: str, before: str | None,
                  after: str | None) -> None:
        if self._is_di(key) or not el.tag.startswith("{" + ns.BPMN + "}"):
            self.add(f"Diagramm: {self.who(key).removeprefix('Darstellung von ')} verschoben "
                     "oder in der Größe geändert" if self._is_di(key)
                     else f"{self.who(key)}: Inhalt <{ns.local_name(el.tag)}> geändert")
            return
        def shown(value: str | None) -> str:
            return "–" if value is None else f"„{value}“" if name == "name" else value

        self.add(f"{self.who(key)}: {attribute_label(name)} {shown(before)} → {shown(after)}")

    def text(self, key: str, el: etree._Element) -> None:
        if ns.local_name(el.tag) in _QUIET_CHILDREN:
            return
        label = _CHILD_LABELS.get(ns.local_name(el.tag), f"<{ns.local_name(el.tag)}>")
        self.add(f"{self.who(key)}: {label} geändert")

    def child(self, key: str, el: etree._Element, *, removed: bool) -> None:
        local = ns.local_name(el.tag)
        if local in _QUIET_CHILDREN:
            return
        if local == "flowNodeRef":
            node = self.who((el.text or "").strip())
            self.add(f"{node} {'aus' if removed else 'in'} {self.who(key)} "
                     f"{'entfernt' if removed else 'eingeordnet'}")
            return
        if self._is_di(key):
            self.add(f"Diagramm: {self.who(key).removeprefix('Darstellung von ')} geändert")
            return
        label = _CHILD_LABELS.get(local, f"<{local}>")
        self.add(f"{self.who(key)}: {label} {'entfernt' if removed else 'hinzugefügt'}")

    def waypoints(self, key: str) -> None:
        self.add(f"Diagramm: Verlauf von {self.who(key).removeprefix('Darstellung von ')} "
                 "geändert")

    # ---- losses (refusals)
    def lost_element(self, key: str) -> str:
        return f"{self.who(key)} fehlt im Ergebnis des Modellierers"

    def lost_attribute(self, key: str, el: etree._Element, name: str) -> str:
        return f"Herstellerattribut {_prefixed(el, name)} an {self.who(key)}"

    def lost_content(self, key: str, el: etree._Element) -> str:
        return f"Herstellererweiterung <{_prefixed(el, el.tag)}> an {self.who(key)}"


def _prefixed(el: etree._Element, name: str) -> str:
    uri = ns.namespace_of(name)
    prefix = next((p for p, u in el.nsmap.items() if u == uri and p), None)
    local = ns.local_name(name)
    return f"{prefix}:{local}" if prefix else local
