"""Build BPMN models in code: pools, lanes, tasks, gateways, events, flows — with DI.

>>> b = ModelBuilder("Hundeanmeldung", pool="Gemeinde Grasberg")
>>> start = b.event("Antrag eingegangen", "start", lane="Bürger:in")
>>> check = b.task("Antrag prüfen", lane="Bürgerbüro", minutes=5, medium="papier")
>>> end = b.event("Erledigt", "end", lane="Bürgerbüro")
>>> _ = b.flow(start, check); _ = b.flow(check, end)
>>> defs = b.build()

The result is XSD-valid BPMN 2.0 with a collaboration (one pool), a lane set and an automatic
left-to-right layout, so bpmn.io and Camunda Modeler open it tidy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from . import extensions as ext
from . import namespaces as ns
from . import vocabulary as voc
from .layout import LayoutNode, compute_layout
from .model import Bounds, Definitions

_NSMAP = {"bpmn": ns.BPMN, "bpmndi": ns.BPMNDI, "dc": ns.DC, "di": ns.DI, "xsi": ns.XSI, "wb": ns.WB}
_EXPORTER = "Prozess-Werkbench"
_EVENT_TAGS = {
    "start": "startEvent", "end": "endEvent", "intermediateCatch": "intermediateCatchEvent",
    "intermediateThrow": "intermediateThrowEvent", "catch": "intermediateCatchEvent",
    "throw": "intermediateThrowEvent",
}


def _b(local: str) -> str:
    return ns.q(ns.BPMN, local)


@dataclass(slots=True)
class _Node:
    id: str
    tag: str
    name: str
    lane: str | None
    attrs: dict[str, object] = field(default_factory=dict)
    event_definition: str | None = None
    documentation: str | None = None


@dataclass(slots=True)
class _Flow:
    id: str
    source: str
    target: str
    name: str | None
    condition: str | None
    probability: float | None
    default: bool


def safe_id(text: str, prefix: str = "Element") -> str:
    """An XML NCName derived from text (umlauts transliterated)."""
    folded = (text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
              .replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue"))
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", folded).strip("_.-")
    if not cleaned or not re.match(r"[A-Za-z_]", cleaned):
        cleaned = f"{prefix}_{cleaned}" if cleaned else prefix
    return cleaned


class ModelBuilder:
    """Collects nodes and flows, then writes one process in one pool with lanes and DI."""

    def __init__(
        self,
        name: str,
        *,
        pool: str | None = None,
        process_id: str | None = None,
        definitions_id: str | None = None,
        documentation: str | None = None,
    ) -> None:
        self.name = name
        self.pool = pool or name
        base = safe_id(process_id or name, "Prozess")
        self.process_id = base if process_id else f"Prozess_{base}"
        self.definitions_id = definitions_id or f"Definitions_{base}"
        self.documentation = documentation
        self.lanes: list[str] = []
        self.nodes: list[_Node] = []
        self.flows: list[_Flow] = []
        self._ids: set[str] = {self.process_id, self.definitions_id}

    # ---- ids
    def _new_id(self, wanted: str | None, prefix: str) -> str:
        if wanted:
            candidate = safe_id(wanted, prefix)
            if candidate in self._ids:
                raise ValueError(f"Die ID '{candidate}' ist bereits vergeben.")
        else:
            n = len(self._ids)
            candidate = f"{prefix}_{n}"
            while candidate in self._ids:
                n += 1
                candidate = f"{prefix}_{n}"
        self._ids.add(candidate)
        return candidate

    # ---- content
    def lane(self, name: str) -> str:
        """Declare a lane (lanes appear top to bottom in declaration order)."""
        if name not in self.lanes:
            self.lanes.append(name)
        return name

    def task(
        self,
        name: str,
        *,
        lane: str | None = None,
        kind: str = "task",
        id: str | None = None,
        documentation: str | None = None,
        minutes: float | None = None,
        wait_days: float | None = None,
        medium: str | None = None,
        system: str | None = None,
        phase: str | None = None,
        automation: str | None = None,
        activity_type: str | None = None,
    ) -> str:
        """Add an activity; ``kind`` is a BPMN task local name (``userTask``, ``sendTask`` …)."""
        if kind not in voc.TASKS | {"callActivity", "subProcess"}:
            raise ValueError(f"Unbekannter Aufgabentyp '{kind}'.")
        attrs = {
            "minutes": minutes, "waitDays": wait_days, "medium": medium, "system": system,
            "phase": phase, "automation": automation, "activityType": activity_type,
        }
        node = _Node(self._new_id(id, "Aktivitaet"), kind, name, lane,
                     {k: v for k, v in attrs.items() if v is not None and v != ""},
                     documentation=documentation)
        for key, value in node.attrs.items():
            ext.format_value(key, value)  # validate early, with a German message
        return self._add(node)

    def event(
        self,
        name: str,
        position: str = "start",
        *,
        definition: str | None = None,
        lane: str | None = None,
        id: str | None = None,
    ) -> str:
        """Add an event: position start/end/intermediateCatch/intermediateThrow; definition
        e.g. ``message``, ``timer``, ``error``, ``signal``, ``terminate``."""
        tag = _EVENT_TAGS.get(position)
        if tag is None:
            raise ValueError(f"Unbekannte Ereignisart '{position}'.")
        if definition and f"{definition}EventDefinition" not in voc.EVENT_DEFINITIONS:
            raise ValueError(f"Unbekannte Ereignisdefinition '{definition}'.")
        return self._add(_Node(self._new_id(id, "Ereignis"), tag, name, lane,
                               event_definition=definition))

    def gateway(
        self, name: str = "", kind: str = "exclusive", *, lane: str | None = None,
        id: str | None = None,
    ) -> str:
        """Add a gateway: kind exclusive/parallel/inclusive/eventBased/complex."""
        tag = f"{kind}Gateway"
        if tag not in voc.GATEWAYS:
            raise ValueError(f"Unbekannter Gateway-Typ '{kind}'.")
        return self._add(_Node(self._new_id(id, "Gateway"), tag, name, lane))

    def flow(
        self,
        source: str,
        target: str,
        *,
        name: str | None = None,
        condition: str | None = None,
        probability: float | None = None,
        default: bool = False,
        id: str | None = None,
    ) -> str:
        """Connect two nodes by a sequence flow."""
        known = {n.id for n in self.nodes}
        for ref in (source, target):
            if ref not in known:
                raise ValueError(f"Sequenzfluss verweist auf unbekannten Knoten '{ref}'.")
        if probability is not None:
            ext.format_value("probability", probability)
            if not 0 <= float(probability) <= 1:
                raise ValueError(f"Wahrscheinlichkeit {probability} liegt nicht zwischen 0 und 1.")
        flow = _Flow(self._new_id(id, "Fluss"), source, target, name, condition,
                     None if probability is None else float(probability), default)
        self.flows.append(flow)
        return flow.id

    def _add(self, node: _Node) -> str:
        if node.lane is not None:
            self.lane(node.lane)
        self.nodes.append(node)
        return node.id

    # ---- output
    def build(self) -> Definitions:
        """Write the XML tree with semantic model and DI, and return its view."""
        from .read import read

        root = etree.Element(_b("definitions"), nsmap=_NSMAP)
        root.set("id", self.definitions_id)
        root.set("targetNamespace", "urn:prozess-werkbench:modelle")
        root.set("exporter", _EXPORTER)
        root.set("exporterVersion", "1")
        collab = etree.SubElement(root, _b("collaboration"), id=f"Kollaboration_{self.process_id}")
        participant_id = f"Pool_{self.process_id}"
        etree.SubElement(collab, _b("participant"), id=participant_id, name=self.pool,
                         processRef=self.process_id)
        process = etree.SubElement(root, _b("process"), id=self.process_id, name=self.name,
                                   isExecutable="false")
        if self.documentation:
            etree.SubElement(process, _b("documentation")).text = self.documentation
        lanes = self.lanes
        lane_ids = {name: f"Lane_{i + 1}" for i, name in enumerate(lanes)}
        if lanes:
            lane_set = etree.SubElement(process, _b("laneSet"), id=f"LaneSet_{self.process_id}")
            for lane_name in lanes:
                lane_el = etree.SubElement(lane_set, _b("lane"), id=lane_ids[lane_name],
                                           name=lane_name)
                for node in self.nodes:
                    if (node.lane or lanes[0]) == lane_name:
                        etree.SubElement(lane_el, _b("flowNodeRef")).text = node.id
        incoming: dict[str, list[str]] = {}
        outgoing: dict[str, list[str]] = {}
        for f in self.flows:
            outgoing.setdefault(f.source, []).append(f.id)
            incoming.setdefault(f.target, []).append(f.id)
        for node in self.nodes:
            el = etree.SubElement(process, _b(node.tag), id=node.id)
            if node.name:
                el.set("name", node.name)
            for key, value in node.attrs.items():
                el.set(ext.qname(key), ext.format_value(key, value))  # type: ignore[arg-type]
            defaults = [f.id for f in self.flows if f.source == node.id and f.default]
            if defaults:
                el.set("default", defaults[0])
            if node.documentation:
                etree.SubElement(el, _b("documentation")).text = node.documentation
            for fid in incoming.get(node.id, []):
                etree.SubElement(el, _b("incoming")).text = fid
            for fid in outgoing.get(node.id, []):
                etree.SubElement(el, _b("outgoing")).text = fid
            if node.event_definition:
                etree.SubElement(el, _b(f"{node.event_definition}EventDefinition"),
                                 id=f"{node.id}_{node.event_definition}")
        for f in self.flows:
            el = etree.SubElement(process, _b("sequenceFlow"), id=f.id, sourceRef=f.source,
                                  targetRef=f.target)
            if f.name:
                el.set("name", f.name)
            if f.probability is not None:
                el.set(ext.qname("probability"), ext.format_value("probability", f.probability))  # type: ignore[arg-type]
            if f.condition and not f.default:
                cond = etree.SubElement(el, _b("conditionExpression"))
                cond.set(ns.q(ns.XSI, "type"), "bpmn:tFormalExpression")
                cond.text = f.condition
        self._write_di(root, participant_id, lanes, lane_ids)
        etree.indent(root, space="  ")
        return read(etree.tostring(root, xml_declaration=True, encoding="UTF-8"),
                    name=f"{self.name} (erzeugt)")

    def _write_di(self, root: etree._Element, participant_id: str, lanes: list[str],
                  lane_ids: dict[str, str]) -> None:
        kinds = {}
        for node in self.nodes:
            kinds[node.id] = ("gateway" if node.tag in voc.GATEWAYS
                              else "event" if node.tag in voc.EVENTS else "activity")
        lane_index = {name: i for i, name in enumerate(lanes)}
        layout = compute_layout(
            [LayoutNode(n.id, kinds[n.id], lane_index.get(n.lane or "", 0), n.name or "")
             for n in self.nodes],
            [(f.id, f.source, f.target) for f in self.flows],
            len(lanes),
            {f.id: f.name for f in self.flows if f.name},
        )
        di = ns.q(ns.BPMNDI, "BPMNDiagram")
        diagram = etree.SubElement(root, di, id=f"Diagramm_{self.process_id}", name=self.name)
        plane = etree.SubElement(diagram, ns.q(ns.BPMNDI, "BPMNPlane"),
                                 id=f"Ebene_{self.process_id}",
                                 bpmnElement=f"Kollaboration_{self.process_id}")
        assert layout.pool is not None
        self._shape(plane, participant_id, layout.pool, horizontal=True)
        for name, bounds in zip(lanes, layout.lanes, strict=False):
            self._shape(plane, lane_ids[name], bounds, horizontal=True)
        for node in self.nodes:
            self._shape(plane, node.id, layout.nodes[node.id], label=layout.labels.get(node.id),
                        expanded=False if node.tag == "subProcess" else None,
                        marker=node.tag == "exclusiveGateway")
        for f in self.flows:
            edge = etree.SubElement(plane, ns.q(ns.BPMNDI, "BPMNEdge"), id=f"{f.id}_di",
                                    bpmnElement=f.id)
            for x, y in layout.edges.get(f.id, []):
                etree.SubElement(edge, ns.q(ns.DI, "waypoint"), x=_num(x), y=_num(y))
            if f.id in layout.edge_labels:
                label = etree.SubElement(edge, ns.q(ns.BPMNDI, "BPMNLabel"))
                _bounds_el(label, layout.edge_labels[f.id])

    @staticmethod
    def _shape(plane: etree._Element, element_id: str, bounds: Bounds, *,
               label: Bounds | None = None, horizontal: bool | None = None,
               expanded: bool | None = None, marker: bool = False) -> None:
        shape = etree.SubElement(plane, ns.q(ns.BPMNDI, "BPMNShape"), id=f"{element_id}_di",
                                 bpmnElement=element_id)
        if horizontal is not None:
            shape.set("isHorizontal", "true" if horizontal else "false")
        if expanded is not None:
            shape.set("isExpanded", "true" if expanded else "false")
        if marker:
            shape.set("isMarkerVisible", "true")
        _bounds_el(shape, bounds)
        if label is not None:
            _bounds_el(etree.SubElement(shape, ns.q(ns.BPMNDI, "BPMNLabel")), label)


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _bounds_el(parent: etree._Element, b: Bounds) -> None:
    etree.SubElement(parent, ns.q(ns.DC, "Bounds"), x=_num(b.x), y=_num(b.y),
                     width=_num(b.width), height=_num(b.height))
