"""Diagram (DI) patches: shapes for new elements near their neighbours, orthogonal edges.

Only the shapes and edges an edit touches change; the author's layout stays as it was. New
coordinates are whole numbers.
"""

from __future__ import annotations

from lxml import etree

from ..bpmn import namespaces as ns
from ..bpmn import vocabulary as voc
from ..bpmn.di import Bounds, parse_bounds
from ..bpmn.model import Definitions
from . import tree

_DI = "{" + ns.BPMNDI + "}"
_DC = "{" + ns.DC + "}"
_OMGDI = "{" + ns.DI + "}"
GAP = 50  # horizontal distance between neighbouring shapes
MARGIN = 15  # free space kept around a new shape


def size_of(local: str) -> tuple[float, float]:
    """Default shape size of an element type (as bpmn-js draws it)."""
    if local in voc.EVENTS:
        return 36.0, 36.0
    if local in voc.GATEWAYS:
        return 50.0, 50.0
    return 100.0, 80.0


def _fmt(value: float) -> str:
    value = round(value)
    return str(int(value))


def shape_of(defs: Definitions, element_id: str) -> etree._Element | None:
    """The first BPMNShape drawing ``element_id`` (None: not drawn)."""
    return next((s for s in defs.root.iter(_DI + "BPMNShape")
                 if s.get("bpmnElement") == element_id), None)


def edge_of(defs: Definitions, element_id: str) -> etree._Element | None:
    return next((e for e in defs.root.iter(_DI + "BPMNEdge")
                 if e.get("bpmnElement") == element_id), None)


def bounds_of(shape: etree._Element | None) -> Bounds | None:
    return parse_bounds(shape.find(_DC + "Bounds")) if shape is not None else None


def set_bounds(shape: etree._Element, box: Bounds) -> None:
    node = shape.find(_DC + "Bounds")
    if node is None:
        node = tree.make(shape, 0, _DC + "Bounds")
    for key, value in zip(("x", "y", "width", "height"), (box.x, box.y, box.width, box.height),
                          strict=True):
        node.set(key, _fmt(value))


def _unique_id(defs: Definitions, base: str) -> str:
    candidate, n = base, 1
    while defs.element_by_id(candidate) is not None:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


def add_shape(defs: Definitions, plane: etree._Element, element_id: str, box: Bounds,
              *, after: etree._Element | None = None) -> etree._Element:
    """A BPMNShape for ``element_id`` in ``plane`` (after ``after`` or at the end)."""
    index = plane.index(after) + 1 if after is not None and after.getparent() is plane \
        else len(plane)
    shape = tree.make(plane, index, _DI + "BPMNShape",
                      [("id", _unique_id(defs, f"{element_id}_di")), ("bpmnElement", element_id)])
    set_bounds(shape, box)
    defs.invalidate()
    return shape


def add_edge(defs: Definitions, plane: etree._Element, flow_id: str,
             points: list[tuple[float, float]]) -> etree._Element:
    edge = tree.make(plane, len(plane), _DI + "BPMNEdge",
                     [("id", _unique_id(defs, f"{flow_id}_di")), ("bpmnElement", flow_id)])
    set_waypoints(edge, points)
    defs.invalidate()
    return edge


def set_waypoints(edge: etree._Element, points: list[tuple[float, float]]) -> None:
    old = [c for c in edge if c.tag == _OMGDI + "waypoint"]
    index = edge.index(old[0]) if old else len(edge)
    for c in old:
        tree.remove(c)
    for n, (x, y) in enumerate(points):
        tree.make(edge, index + n, _OMGDI + "waypoint", [("x", _fmt(x)), ("y", _fmt(y))])


def route(source: Bounds, target: Bounds) -> list[tuple[float, float]]:
    """An orthogonal line from source to target: rightwards, down, up, else around below."""
    sx, sy = source.center
    tx, ty = target.center
    right = source.x + source.width
    bottom, target_bottom = source.y + source.height, target.y + target.height
    if target.x < right and target.y >= bottom:  # below: leave at the bottom, enter at the top
        middle = (bottom + target.y) / 2
        return [(sx, bottom), (sx, middle), (tx, middle), (tx, target.y)]
    if target.x < right and target_bottom <= source.y:  # above
        middle = (target_bottom + source.y) / 2
        return [(sx, source.y), (sx, middle), (tx, middle), (tx, target_bottom)]
    if target.x >= right:
        if abs(sy - ty) < 1:
            return [(right, sy), (target.x, sy)]
        middle = (right + target.x) / 2
        return [(right, sy), (middle, sy), (middle, ty), (target.x, ty)]
    below = max(bottom, target_bottom) + 30
    return [(sx, bottom), (sx, below), (tx, below), (tx, target_bottom)]


def reroute(defs: Definitions, flow: etree._Element) -> None:
    """Redraw the edge of a flow between the shapes of its source and target."""
    edge = edge_of(defs, flow.get("id") or "")
    source = bounds_of(shape_of(defs, flow.get("sourceRef") or ""))
    target = bounds_of(shape_of(defs, flow.get("targetRef") or ""))
    if source is None or target is None:
        return
    points = route(source, target)
    if edge is None:
        plane = shape_of(defs, flow.get("sourceRef") or "").getparent()
        add_edge(defs, plane, flow.get("id") or "", points)
    else:
        label = edge.find(_DI + "BPMNLabel")
        if label is not None:  # an outdated label position would float somewhere else
            tree.remove(label)
        set_waypoints(edge, points)


def _overlaps(a: Bounds, b: Bounds, margin: float = MARGIN) -> bool:
    return (a.x < b.x + b.width + margin and b.x < a.x + a.width + margin
            and a.y < b.y + b.height + margin and b.y < a.y + a.height + margin)


_CONTAINERS = frozenset({"participant", "lane"} | voc.SUB_PROCESSES)


def obstacles(defs: Definitions, plane: etree._Element, skip: str = "") -> list[Bounds]:
    """Bounds of the flow-node shapes in a plane (not pools, lanes, expanded sub-processes)."""
    out = []
    for shape in plane.iter(_DI + "BPMNShape"):
        ref = shape.get("bpmnElement") or ""
        if ref == skip:
            continue
        el = defs.element_by_id(ref)
        local = ns.local_name(el.tag) if el is not None else ""
        if local in _CONTAINERS and shape.get("isExpanded") != "false":
            continue
        box = bounds_of(shape)
        if box is not None:
            out.append(box)
    return out


def place(defs: Definitions, plane: etree._Element, size: tuple[float, float], *,
          before: Bounds | None, after: Bounds | None, band: Bounds | None,
          skip: str = "") -> Bounds:
    """A free spot for a new shape: between its neighbours, inside its lane band."""
    width, height = size
    if band is not None:
        cy = before.center[1] if before is not None and _inside(before, band) else band.center[1]
    elif before is not None:
        cy = before.center[1]
    elif after is not None:
        cy = after.center[1]
    else:
        cy = 100.0
    if before is not None and after is not None and after.x > before.x + before.width:
        x = (before.x + before.width + after.x) / 2 - width / 2
    elif before is not None:
        x = before.x + before.width + GAP
    elif after is not None:
        x = after.x - GAP - width
    else:
        x = (band.x + 60) if band is not None else 100.0
    taken = obstacles(defs, plane, skip)
    low = band.y + MARGIN if band is not None else cy - height / 2
    high = band.y + band.height - height - MARGIN if band is not None else cy - height / 2
    for step in range(0, 40):
        dx = (step // 3) * (width + GAP)
        dy = (0, height + 2 * MARGIN, -(height + 2 * MARGIN))[step % 3]
        y = min(max(cy - height / 2 + dy, low), max(low, high))
        box = Bounds(round(x + dx), round(y), width, height)
        if not any(_overlaps(box, other) for other in taken):
            return box
    return Bounds(round(x), round(cy - height / 2), width, height)


def _inside(box: Bounds, band: Bounds) -> bool:
    cx, cy = box.center
    return band.x <= cx <= band.x + band.width and band.y <= cy <= band.y + band.height


def widen(defs: Definitions, shapes: list[etree._Element], right: float) -> None:
    """Extend pool and lane shapes so that they reach ``right`` (new shapes stay inside)."""
    for shape in shapes:
        box = bounds_of(shape)
        if box is not None and box.x + box.width < right:
            set_bounds(shape, Bounds(box.x, box.y, right - box.x, box.height))
