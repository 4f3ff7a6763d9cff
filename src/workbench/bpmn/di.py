"""Typed views of BPMN DI: diagrams, shapes with bounds and labels, edges with waypoints."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from . import namespaces as ns
from .elements import Element

_DI = "{" + ns.BPMNDI + "}"
_DC = "{" + ns.DC + "}"


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


def parse_bounds(el: etree._Element | None) -> Bounds | None:
    """The Bounds of a ``dc:Bounds`` element (None when missing or not numeric)."""
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
    bounds = property(lambda self: parse_bounds(self.element.find(_DC + "Bounds")))

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
        return parse_bounds(label.find(_DC + "Bounds")) if label is not None else None


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
        return parse_bounds(label.find(_DC + "Bounds")) if label is not None else None


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
