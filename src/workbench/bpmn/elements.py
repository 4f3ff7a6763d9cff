"""Typed views of BPMN semantic elements (flow nodes, flows, lanes, pools, processes).

Each view wraps one lxml element and reads from and writes to it; see :mod:`.model`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree

from . import extensions as ext
from . import namespaces as ns
from . import vocabulary as voc

if TYPE_CHECKING:
    from .model import Definitions

_B = "{" + ns.BPMN + "}"


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

    wait_days = property(lambda self: self.get_ext("waitDays"))


class Activity(FlowNode):
    """Tasks, sub-processes and call activities, with the workbench step attributes."""

    __slots__ = ()

    minutes = property(lambda self: self.get_ext("minutes"))
    medium = property(lambda self: self.get_ext("medium"))
    system = property(lambda self: self.get_ext("system"))
    phase = property(lambda self: self.get_ext("phase"))
    automation = property(lambda self: self.get_ext("automation"))
    activity_type = property(lambda self: self.get_ext("activityType"))
    laufbahn = property(lambda self: self.get_ext("laufbahn"))

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

    role = property(lambda self: self.get_ext("participantRole"))
    laufbahn = property(lambda self: self.get_ext("laufbahn"))

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
    role = property(lambda self: self.get_ext("participantRole"))

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
    role = property(lambda self: self.get_ext("participantRole"))

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
