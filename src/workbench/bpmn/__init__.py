"""Lossless BPMN 2.0: safe lenient reading, a typed view over the XML tree, writing, building."""

from .errors import BpmnRejected, Finding, NotBpmn, NotXml, UnsafeXml
from .graph import to_networkx
from .model import (
    Activity,
    Bounds,
    Collaboration,
    Definitions,
    Diagram,
    Edge,
    Element,
    Event,
    FlowNode,
    Gateway,
    Lane,
    MessageFlow,
    Participant,
    Process,
    SequenceFlow,
    Shape,
    SubProcess,
)
from .read import read
from .safexml import Limits
from .write import to_bytes, write

__all__ = [
    "Activity", "Bounds", "BpmnRejected", "Collaboration", "Definitions", "Diagram", "Edge",
    "Element", "Event", "Finding", "FlowNode", "Gateway", "Lane", "Limits", "MessageFlow",
    "NotBpmn", "NotXml", "Participant", "Process", "SequenceFlow", "Shape", "SubProcess",
    "UnsafeXml", "read", "to_bytes", "to_networkx", "write",
]
