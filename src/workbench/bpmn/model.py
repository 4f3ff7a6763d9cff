"""A typed view over a BPMN 2.0 XML tree.

The lxml tree stays the source of truth: view objects are created on demand, read from and write
to their element, and never copy data. Whatever the view does not know (vendor extensions, exotic
DI) stays in the tree and is written back unchanged. The element views live in :mod:`.elements`
and :mod:`.di`; this module ties them together in :class:`Definitions`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING

from lxml import etree

from . import namespaces as ns
from . import vocabulary as voc
from .di import Bounds, Diagram, Edge, Shape
from .elements import (
    Activity,
    Association,
    Collaboration,
    Element,
    Event,
    FlowNode,
    Gateway,
    Lane,
    MessageFlow,
    Participant,
    Process,
    SequenceFlow,
    SubProcess,
    TextAnnotation,
)

if TYPE_CHECKING:
    from .errors import Finding

__all__ = [
    "Activity", "Association", "Bounds", "Collaboration", "Definitions", "Diagram", "Edge",
    "Element", "Event", "FlowNode", "Gateway", "Lane", "MessageFlow", "Participant", "Process",
    "SequenceFlow", "Shape", "SubProcess", "TextAnnotation",
]

_B = "{" + ns.BPMN + "}"
_DI = "{" + ns.BPMNDI + "}"


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
