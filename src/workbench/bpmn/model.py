"""A typed view over a BPMN 2.0 XML tree.

The lxml tree stays the source of truth: view objects are created on demand, read from and write
to their element, and never copy data. Whatever the view does not know (vendor extensions, exotic
DI) stays in the tree and is written back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from lxml import etree

from . import extensions as ext
from . import namespaces as ns
from . import vocabulary as voc

if TYPE_CHECKING:
    from .errors import Finding

_B = "{" + ns.BPMN + "}"
_DI = "{" + ns.BPMNDI + "}"
_DC = "{" + ns.DC + "}"


# --------------------------------------------------------------------------- elements


class Element:
    """Any BPMN element with an id; a thin wrapper around its XML element."""

    __slots__ = ("defs", "element")

    def __init__(self, defs: Definitions, element: etree._Element) -> None:
        self.defs = defs
        self.element = element

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.local_name} id={self.id!r} name={self.name!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Element) and other.element is self.element

    def __hash__(self) -> int:
        return hash(self.element)

    @property
    def id(self) -> str:
        return self.element.get("id") or ""

    @property
    def name(self) -> str:
        return (self.element.get("name") or "").strip()

    @name.setter
    def name(self, value: str) -> None:
        self.element.set("name", value)

    @property
    def local_name(self) -> str:
        return ns.local_name(self.element.tag)

    @property
    def type_label(self) -> str:
        """German name of the element type."""
        return voc.german_type(self.local_name)

    @property
    def label(self) -> str:
        """Name for people: the name, else the German type and id."""
        return self.name or f"{self.type_label} {self.id}".strip()

    @property
    def line(self) -> int | None:
        return self.element.sourceline

    @property
    def documentation(self) -> str:
        return "\n".join((d.text or "").strip() for d in self.element.iterchildren(_B + "documentation"))

    def get_ext(self, attribute: str) -> float | str | None:
        """Typed value of a workbench extension attribute (None if missing or invalid)."""
        return ext.parse_value(attribute, self.element.get(ext.qname(attribute)))

    def set_ext(self, attribute: str, value: float | str | None) -> None:
        """Set (or with None remove) a workbench extension attribute."""
        text = ext.format_value(attribute, value)
        key = ext.qname(attribute)
        if text is None:
            self.element.attrib.pop(key, None)
        else:
            self.element.set(key, text)

    @property
    def ext(self) -> dict[str, float | str]:
        """All valid workbench extension attributes of this element."""
        out: dict[str, float | str] = {}
        for key in self.element.attrib:
            if key.startswith("{" + ns.WB + "}"):
                name = ns.local_name(key)
                if name in ext.ATTRIBUTES:
                    value = self.get_ext(name)
                    if value is not None:
                        out[name] = value
        return out


class FlowNode(Element):
    """Activities, events and gateways: the nodes of the sequence-flow graph."""

    __slots__ = ()

    @property
    def container(self) -> Element:
        """The process or sub-process this node is a direct child of."""
        return self.defs.view(self.element.getparent())

    @property
    def process(self) -> Process:
        """The top-level process containing this node."""
        el = self.element.getparent()
        while el is not None and el.tag != _B + "process":
            el = el.getparent()
        return Process(self.defs, el)

    @property
    def incoming(self) -> list[SequenceFlow]:
        return self.defs._flows_by_target().get(self.id, [])

    @property
    def outgoing(self) -> list[SequenceFlow]:
        return self.defs._flows_by_source().get(self.id, [])

    @property
    def lane(self) -> Lane | None:
        """The innermost lane that references this node."""
        el = self.defs._lane_of().get(self.id)
        return Lane(self.defs, el) if el is not None else None

    @property
    def default_flow_id(self) -> str | None:
        return self.element.get("default")


class Activity(FlowNode):
    """Tasks, sub-processes and call activities, with the workbench step attributes."""

    __slots__ = ()

    minutes = property(lambda self: self.get_ext("minutes"))
    wait_days = property(lambda self: self.get_ext("waitDays"))
    medium = property(lambda self: self.get_ext("medium"))
    system = property(lambda self: self.get_ext("system"))
    phase = property(lambda self: self.get_ext("phase"))
    automation = property(lambda self: self.get_ext("automation"))
    activity_type = property(lambda self: self.get_ext("activityType"))

    @property
    def is_sub_process(self) -> bool:
        return self.local_name in voc.SUB_PROCESSES

    @property
    def loop(self) -> str | None:
        """'standard', 'parallel', 'sequential' for loop markers, else None."""
        for child in self.element:
            tag = ns.local_name(child.tag)
            if tag == "standardLoopCharacteristics":
                return "standard"
            if tag == "multiInstanceLoopCharacteristics":
                return "sequential" if child.get("isSequential") == "true" else "parallel"
        return None


class SubProcess(Activity):
    """A sub-process, transaction or ad-hoc sub-process: an activity that contains flow."""

    __slots__ = ()

    @property
    def triggered_by_event(self) -> bool:
        return self.element.get("triggeredByEvent") == "true"

    flow_nodes = property(lambda self: _flow_nodes(self))
    sequence_flows = property(lambda self: _sequence_flows(self))
    all_flow_nodes = property(lambda self: list(_all_flow_nodes(self)))


class Event(FlowNode):
    """Start, end, intermediate and boundary events."""

    __slots__ = ()

    @property
    def event_definitions(self) -> list[str]:
        """Kinds of the event definitions: 'message', 'timer', 'error', … (empty: none)."""
        kinds = [
            ns.local_name(c.tag).removesuffix("EventDefinition")
            for c in self.element
            if ns.local_name(c.tag) in voc.EVENT_DEFINITIONS
        ]
        for ref in self.element.iterchildren(_B + "eventDefinitionRef"):
            target = self.defs.get((ref.text or "").strip())
            if target is not None:
                kinds.append(target.local_name.removesuffix("EventDefinition"))
        return kinds

    @property
    def attached_to(self) -> str | None:
        return self.element.get("attachedToRef")

    @property
    def cancel_activity(self) -> bool:
        return self.element.get("cancelActivity", "true") != "false"

    @property
    def is_interrupting(self) -> bool:
        return self.element.get("isInterrupting", "true") != "false"


class Gateway(FlowNode):
    """Exclusive, parallel, inclusive, event-based and complex gateways."""

    __slots__ = ()

    @property
    def gateway_type(self) -> str:
        return self.local_name.removesuffix("Gateway")

    @property
    def direction(self) -> str:
        """'split', 'join', 'mixed' (splits and joins at once) or 'none'."""
        n_in, n_out = len(self.incoming), len(self.outgoing)
        if n_in > 1 and n_out > 1:
            return "mixed"
        if n_out > 1:
            return "split"
        if n_in > 1:
            return "join"
        return "none"


class SequenceFlow(Element):
    """A sequence flow with optional condition, default marker and probability."""

    __slots__ = ()

    source_id = property(lambda self: self.element.get("sourceRef") or "")
    target_id = property(lambda self: self.element.get("targetRef") or "")
    source = property(lambda self: self.defs.get(self.source_id))
    target = property(lambda self: self.defs.get(self.target_id))

    @property
    def condition(self) -> str | None:
        cond = self.element.find(_B + "conditionExpression")
        if cond is None:
            return None
        return ("".join(cond.itertext()) or "").strip() or None

    @property
    def is_default(self) -> bool:
        src = self.defs.element_by_id(self.source_id)
        return src is not None and src.get("default") == self.id

    @property
    def probability(self) -> float | None:
        return self.get_ext("probability")

    @probability.setter
    def probability(self, value: float | None) -> None:
        self.set_ext("probability", value)


class MessageFlow(Element):
    """A message flow between pools or their nodes."""

    __slots__ = ()

    source_id = property(lambda self: self.element.get("sourceRef") or "")
    target_id = property(lambda self: self.element.get("targetRef") or "")


class Association(Element):
    __slots__ = ()

    source_id = property(lambda self: self.element.get("sourceRef") or "")
    target_id = property(lambda self: self.element.get("targetRef") or "")


class TextAnnotation(Element):
    __slots__ = ()

    @property
    def text(self) -> str:
        node = self.element.find(_B + "text")
        return "".join(node.itertext()).strip() if node is not None else ""


class Lane(Element):
    """A lane; lanes nest through child lane sets."""

    __slots__ = ()

    @property
    def flow_node_ids(self) -> list[str]:
        return [(r.text or "").strip() for r in self.element.iterchildren(_B + "flowNodeRef")]

    @property
    def child_lanes(self) -> list[Lane]:
        return [
            Lane(self.defs, lane)
            for child_set in self.element.iterchildren(_B + "childLaneSet")
            for lane in child_set.iterchildren(_B + "lane")
        ]

    @property
    def parent(self) -> Lane | None:
        up = self.element.getparent()
        if up is not None and up.tag == _B + "childLaneSet":
            return Lane(self.defs, up.getparent())
        return None

    @property
    def depth(self) -> int:
        depth, lane = 0, self.parent
        while lane is not None:
            depth, lane = depth + 1, lane.parent
        return depth


class Participant(Element):
    """A pool."""

    __slots__ = ()

    process_id = property(lambda self: self.element.get("processRef"))

    @property
    def process(self) -> Process | None:
        el = self.defs.element_by_id(self.process_id or "")
        return Process(self.defs, el) if el is not None and el.tag == _B + "process" else None


class Collaboration(Element):
    __slots__ = ()

    @property
    def participants(self) -> list[Participant]:
        return [Participant(self.defs, p) for p in self.element.iterchildren(_B + "participant")]

    @property
    def message_flows(self) -> list[MessageFlow]:
        return [MessageFlow(self.defs, m) for m in self.element.iterchildren(_B + "messageFlow")]


class Process(Element):
    """A top-level process: flow nodes, sequence flows, lanes, data and artifacts."""

    __slots__ = ()

    flow_nodes = property(lambda self: _flow_nodes(self))
    sequence_flows = property(lambda self: _sequence_flows(self))

    @property
    def all_flow_nodes(self) -> list[FlowNode]:
        """Flow nodes of this process and of all its sub-processes, depth first."""
        return list(_all_flow_nodes(self))

    @property
    def all_sequence_flows(self) -> list[SequenceFlow]:
        return [SequenceFlow(self.defs, f) for f in self.element.iter(_B + "sequenceFlow")]

    @property
    def lanes(self) -> list[Lane]:
        """Top-level lanes (nested ones via :attr:`Lane.child_lanes`)."""
        return [
            Lane(self.defs, lane)
            for lane_set in self.element.iterchildren(_B + "laneSet")
            for lane in lane_set.iterchildren(_B + "lane")
        ]

    @property
    def all_lanes(self) -> list[Lane]:
        return [Lane(self.defs, lane) for lane in self.element.iter(_B + "lane")]

    @property
    def participant(self) -> Participant | None:
        for part in self.defs.participants:
            if part.process_id == self.id:
                return part
        return None

    @property
    def is_executable(self) -> bool:
        return self.element.get("isExecutable") == "true"

    @property
    def artifacts(self) -> list[Element]:
        return [
            self.defs.view(el) for el in self.element.iter()
            if ns.local_name(el.tag) in voc.ARTIFACTS
        ]

    @property
    def data_elements(self) -> list[Element]:
        return [
            self.defs.view(el) for el in self.element.iter()
            if ns.local_name(el.tag) in voc.DATA
        ]


def _flow_nodes(container: Element) -> list[FlowNode]:
    return [
        container.defs.view(el)  # type: ignore[misc]
        for el in container.element
        if isinstance(el.tag, str) and el.tag.startswith(_B) and ns.local_name(el.tag) in voc.FLOW_NODES
    ]


def _sequence_flows(container: Element) -> list[SequenceFlow]:
    return [SequenceFlow(container.defs, f) for f in container.element.iterchildren(_B + "sequenceFlow")]


def _all_flow_nodes(container: Element) -> Iterator[FlowNode]:
    for node in _flow_nodes(container):
        yield node
        if isinstance(node, SubProcess):
            yield from _all_flow_nodes(node)


# --------------------------------------------------------------------------- diagrams (DI)


@dataclass(frozen=True, slots=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2


def _bounds(el: etree._Element | None) -> Bounds | None:
    if el is None:
        return None
    try:
        return Bounds(*(float(el.get(k, "0")) for k in ("x", "y", "width", "height")))
    except ValueError:
        return None


class Shape(Element):
    """A BPMNShape: bounds, expanded/horizontal flags, label bounds."""

    __slots__ = ()

    bpmn_element = property(lambda self: self.element.get("bpmnElement") or "")
    bounds = property(lambda self: _bounds(self.element.find(_DC + "Bounds")))

    @property
    def is_expanded(self) -> bool | None:
        value = self.element.get("isExpanded")
        return None if value is None else value == "true"

    @property
    def is_horizontal(self) -> bool | None:
        value = self.element.get("isHorizontal")
        return None if value is None else value == "true"

    @property
    def label_bounds(self) -> Bounds | None:
        label = self.element.find(_DI + "BPMNLabel")
        return _bounds(label.find(_DC + "Bounds")) if label is not None else None


class Edge(Element):
    """A BPMNEdge: waypoints and label bounds."""

    __slots__ = ()

    bpmn_element = property(lambda self: self.element.get("bpmnElement") or "")

    @property
    def waypoints(self) -> list[tuple[float, float]]:
        points = []
        for wp in self.element.iterchildren("{" + ns.DI + "}waypoint"):
            try:
                points.append((float(wp.get("x", "0")), float(wp.get("y", "0"))))
            except ValueError:
                continue
        return points

    @property
    def label_bounds(self) -> Bounds | None:
        label = self.element.find(_DI + "BPMNLabel")
        return _bounds(label.find(_DC + "Bounds")) if label is not None else None


class Diagram(Element):
    """A BPMNDiagram with its plane, shapes and edges."""

    __slots__ = ()

    @property
    def plane_element(self) -> str:
        plane = self.element.find(_DI + "BPMNPlane")
        return plane.get("bpmnElement", "") if plane is not None else ""

    @property
    def shapes(self) -> list[Shape]:
        return [Shape(self.defs, s) for s in self.element.iter(_DI + "BPMNShape")]

    @property
    def edges(self) -> list[Edge]:
        return [Edge(self.defs, e) for e in self.element.iter(_DI + "BPMNEdge")]

    def shape_for(self, element_id: str) -> Shape | None:
        for shape in self.shapes:
            if shape.bpmn_element == element_id:
                return shape
        return None


# --------------------------------------------------------------------------- definitions

_VIEW_CLASSES: dict[str, type[Element]] = {
    **{t: Activity for t in voc.TASKS | {"callActivity"}},
    **{t: SubProcess for t in voc.SUB_PROCESSES},
    **{t: Gateway for t in voc.GATEWAYS},
    **{t: Event for t in voc.EVENTS},
    "sequenceFlow": SequenceFlow,
    "messageFlow": MessageFlow,
    "association": Association,
    "textAnnotation": TextAnnotation,
    "lane": Lane,
    "participant": Participant,
    "collaboration": Collaboration,
    "process": Process,
    "BPMNDiagram": Diagram,
    "BPMNShape": Shape,
    "BPMNEdge": Edge,
}


class Definitions:
    """A BPMN document: the root of the view. Build it with :func:`workbench.bpmn.read`."""

    def __init__(
        self,
        root: etree._Element,
        *,
        source: str | None = None,
        warnings: list[Finding] | None = None,
        index: dict[str, etree._Element] | None = None,
    ) -> None:
        self.root = root
        self.source = source
        self.warnings: list[Finding] = list(warnings or [])
        self._index = index

    def __repr__(self) -> str:
        return f"<Definitions {self.source or self.id!r}: {len(self.processes)} Prozess(e)>"

    # ---- identity and lookup
    @property
    def id(self) -> str:
        return self.root.get("id") or ""

    @property
    def name(self) -> str:
        return self.root.get("name") or ""

    @property
    def tree(self) -> etree._ElementTree:
        return self.root.getroottree()

    def _ids(self) -> dict[str, etree._Element]:
        if self._index is None:
            index: dict[str, etree._Element] = {}
            for el in self.root.iter(_B + "*", _DI + "*"):  # not vendor extension elements
                key = el.get("id")
                if key and key not in index:
                    index[key] = el
            self._index = index
        return self._index

    def invalidate(self) -> None:
        """Forget cached indexes after the tree was changed directly."""
        self._index = None
        for key in ("_flows_src", "_flows_tgt", "_lanes"):
            self.__dict__.pop(key, None)

    def element_by_id(self, element_id: str) -> etree._Element | None:
        el = self._ids().get(element_id)
        if el is not None and el.getroottree().getroot() is not self.root:
            self.invalidate()  # element was removed meanwhile
            el = self._ids().get(element_id)
        return el

    def get(self, element_id: str) -> Element | None:
        """The view of the element with this id, or None."""
        el = self.element_by_id(element_id)
        return self.view(el) if el is not None else None

    def __getitem__(self, element_id: str) -> Element:
        found = self.get(element_id)
        if found is None:
            raise KeyError(f"Kein Element mit der ID '{element_id}' im Modell.")
        return found

    def view(self, el: etree._Element) -> Element:
        """The right view class for an XML element."""
        local = ns.local_name(el.tag)
        if el is self.root:
            return Element(self, el)
        return _VIEW_CLASSES.get(local, Element)(self, el)

    # ---- top-level content
    @property
    def processes(self) -> list[Process]:
        return [Process(self, p) for p in self.root.iterchildren(_B + "process")]

    @property
    def collaborations(self) -> list[Collaboration]:
        return [Collaboration(self, c) for c in self.root.iterchildren(_B + "collaboration")]

    @property
    def participants(self) -> list[Participant]:
        return [p for c in self.collaborations for p in c.participants]

    @property
    def message_flows(self) -> list[MessageFlow]:
        return [m for c in self.collaborations for m in c.message_flows]

    @property
    def diagrams(self) -> list[Diagram]:
        return [Diagram(self, d) for d in self.root.iterchildren(_DI + "BPMNDiagram")]

    @property
    def has_di(self) -> bool:
        return any(True for _ in self.root.iter(_DI + "BPMNShape"))

    def flow_nodes(self) -> list[FlowNode]:
        """All flow nodes of all processes, including those inside sub-processes."""
        return [n for p in self.processes for n in p.all_flow_nodes]

    def activities(self) -> list[Activity]:
        return [n for n in self.flow_nodes() if isinstance(n, Activity)]

    def main_process(self) -> Process:
        """The process to analyse: the one with the most flow nodes."""
        processes = self.processes
        if not processes:
            raise ValueError("Das Modell enthält keinen Prozess (<process>).")
        return max(processes, key=lambda p: (len(p.all_flow_nodes), -processes.index(p)))

    def iter_elements(self) -> Iterator[etree._Element]:
        """Every XML element (no comments or processing instructions)."""
        return (el for el in self.root.iter() if isinstance(el.tag, str))

    # ---- cached graph indexes
    @cached_property
    def _flows_src(self) -> dict[str, list[SequenceFlow]]:
        out: dict[str, list[SequenceFlow]] = {}
        for f in self.root.iter(_B + "sequenceFlow"):
            out.setdefault(f.get("sourceRef") or "", []).append(SequenceFlow(self, f))
        return out

    @cached_property
    def _flows_tgt(self) -> dict[str, list[SequenceFlow]]:
        out: dict[str, list[SequenceFlow]] = {}
        for f in self.root.iter(_B + "sequenceFlow"):
            out.setdefault(f.get("targetRef") or "", []).append(SequenceFlow(self, f))
        return out

    @cached_property
    def _lanes(self) -> dict[str, etree._Element]:
        out: dict[str, etree._Element] = {}
        for lane in self.root.iter(_B + "lane"):  # document order: parents before children
            for ref in lane.iterchildren(_B + "flowNodeRef"):
                out[(ref.text or "").strip()] = lane
        return out

    def _flows_by_source(self) -> dict[str, list[SequenceFlow]]:
        return self._flows_src

    def _flows_by_target(self) -> dict[str, list[SequenceFlow]]:
        return self._flows_tgt

    def _lane_of(self) -> dict[str, etree._Element]:
        return self._lanes

    # ---- output
    def to_bytes(self) -> bytes:
        """Serialize as UTF-8 BPMN 2.0 XML (see :mod:`workbench.bpmn.write`)."""
        from .write import to_bytes

        return to_bytes(self)
