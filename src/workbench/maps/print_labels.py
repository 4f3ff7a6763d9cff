"""Labels of a print-drawing row that hide nothing: a pass over the SVG that graphviz drew.

``dot`` places the names of events and gateways (``xlabel``) and the labels of flows after the
layout, without looking at what lies there: on paper a gateway's "Zusammenführung" lay over the
next step or over a lettered link marker, a Medienbruch badge touched another flow's label.
This pass measures every text line (DejaVu Sans advance widths, :mod:`.fontmetrics`), every
node outline, every flow path and every sub-process frame of one row, and moves each label that
hides or touches something – as one block with its badges – to the nearest free spot around its
symbol or along its flow. Where no spot inside the row is free, the row grows in height (never
in width, so it still fits the page). Nodes, flows and their routes are never moved; a row
without a collision is returned byte for byte.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import re
from dataclasses import dataclass, field

from lxml import etree

from . import shapes as sh
from .fontmetrics import text_width
from .plane import Box, Point, grow, meets, segment_crosses, svg_path_points

#: Clear space (pt) a label keeps from everything else.
GAP = 1.5
_S = "{http://www.w3.org/2000/svg}"
_NUM = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_PAIR = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")
_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)")


@dataclass
class _Label:
    """A movable block: the texts (and badge shapes) of one xlabel or flow label."""

    texts: list[etree._Element]
    shapes: list[etree._Element]  # Medienbruch badge backgrounds (paths)
    box: Box
    anchor_box: Box | None = None  # the symbol an xlabel names
    route: list[Point] = field(default_factory=list)  # the flow a flow label belongs to
    owner: int = -1  # index of its node (xlabel) or flow


def _text_box(text: etree._Element) -> Box | None:
    content = "".join(text.itertext())
    if not content.strip():
        return None
    size = float(text.get("font-size", "14"))
    bold = text.get("font-weight") in ("bold", "700")
    width = text_width(content, size, bold)
    x, y = float(text.get("x", "0")), float(text.get("y", "0"))
    anchor = text.get("text-anchor", "start")
    x0 = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return x0, y - 0.76 * size, x0 + width, y + 0.18 * size


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


def _points(shape: etree._Element) -> list[Point]:
    values = [float(v) for v in _NUM.findall(shape.get("points") or shape.get("d") or "")]
    return list(zip(values[0::2], values[1::2], strict=False))


def _shape_box(shape: etree._Element) -> Box | None:
    tag = shape.tag.rpartition("}")[2] if isinstance(shape.tag, str) else ""
    if tag == "ellipse":
        cx, cy = float(shape.get("cx", "0")), float(shape.get("cy", "0"))
        rx, ry = float(shape.get("rx", "0")), float(shape.get("ry", "0"))
        return cx - rx, cy - ry, cx + rx, cy + ry
    if tag in ("polygon", "polyline", "path"):
        pts = _points(shape)
        if pts:
            return _union([(x, y, x, y) for x, y in pts])
    return None


def _along(route: list[Point], share: float) -> Point:
    """The point at ``share`` of a polyline's length."""
    lengths = [abs(b[0] - a[0]) + abs(b[1] - a[1]) for a, b in itertools.pairwise(route)]
    goal = sum(lengths) * share
    for (a, b), length in zip(itertools.pairwise(route), lengths, strict=True):
        if goal <= length and length > 0:
            t = goal / length
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        goal -= length
    return route[-1]


class _Row:
    """The measured content of one row's SVG."""

    def __init__(self, root: etree._Element, graph: etree._Element) -> None:
        self.root = root
        self.graph = graph
        self.obstacles: list[Box] = []  # node outlines with their own texts, cluster titles
        self.nodes: list[int] = []  # which obstacles are nodes (steps, events, link markers)
        self.routes: list[list[Point]] = []  # flows (and sub-process frames as closed lines)
        self.labels: list[_Label] = []
        for group in self.graph:
            kind = group.get("class") if group.tag == _S + "g" else None
            if kind == "node":
                self._node(group)
            elif kind == "edge":
                self._edge(group)
            elif kind == "cluster":
                self._cluster(group)

    def _node(self, group: etree._Element) -> None:
        shapes = [b for b in (_shape_box(s) for s in group if s.tag != _S + "text") if b]
        if not shapes:
            return
        outline = _union(shapes)
        own, outside = [outline], []
        for text in group.iter(_S + "text"):
            box = _text_box(text)
            if box is None:
                continue
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            inside = outline[0] <= cx <= outline[2] and outline[1] <= cy <= outline[3]
            if inside:
                own.append(box)
            else:
                outside.append((text, box))
        self.obstacles.append(_union(own))
        self.nodes.append(len(self.obstacles) - 1)
        if outside:
            self.labels.append(_Label([t for t, _ in outside], [], _union([b for _, b in outside]),
                                      anchor_box=outline, owner=len(self.obstacles) - 1))

    def _edge(self, group: etree._Element) -> None:
        path = group.find(_S + "path")
        if path is None:
            return
        route = svg_path_points(path.get("d", ""))
        self.routes.append(route)
        for shape in group:
            if shape.tag == _S + "polygon":  # arrow heads and tails
                box = _shape_box(shape)
                if box:
                    self.obstacles.append(box)
        texts = [(t, b) for t in group.iter(_S + "text") if (b := _text_box(t))]
        badges = [(s, b) for s in group.iterfind(_S + "path")
                  if s.get("fill") == sh.MEDIENBRUCH and (b := _shape_box(s))]
        if texts:
            self.labels.append(_Label([t for t, _ in texts], [s for s, _ in badges],
                                      _union([b for _, b in texts + badges]), route=route,
                                      owner=len(self.routes) - 1))

    def _cluster(self, group: etree._Element) -> None:
        for shape in group:
            if shape.tag in (_S + "path", _S + "polygon"):
                self.routes.append(svg_path_points(shape.get("d")) if shape.get("d")
                                   else _points(shape))
                break
        for text in group.iter(_S + "text"):
            box = _text_box(text)
            if box:
                self.obstacles.append(box)

    # ---- checks
    def free(self, box: Box, label: _Label) -> bool:
        """Whether ``box`` keeps :data:`GAP` from every node, flow, frame and other label."""
        padded = grow(box, GAP)
        x0, y0, x1, y1 = padded
        if not (x1 > x0 and y1 > y0):  # meets nothing (plane.meets), may cross a route
            return self._clear_of_routes(padded)
        owner = label.owner if label.anchor_box is not None else -1
        for n, other in enumerate(self.obstacles):
            if n == owner:  # its own symbol: the outline only, not the texts inside it
                other = label.anchor_box  # type: ignore[assignment]
            # plane.meets(padded, other) in comparisons only: min(a, b) > max(c, d)
            if (other[2] > x0 and x1 > other[0] and other[3] > y0 and y1 > other[1]
                    and other[2] > other[0] and other[3] > other[1]):
                return False
        if any(meets(padded, other.box) for other in self.labels if other is not label):
            return False
        return self._clear_of_routes(padded)

    def _clear_of_routes(self, padded: Box) -> bool:
        x0, y0, x1, y1 = padded
        for route, (rx0, ry0, rx1, ry1) in zip(self.routes, self.route_boxes, strict=True):
            if rx1 <= x0 or rx0 >= x1 or ry1 <= y0 or ry0 >= y1:
                continue  # no segment of the route can pass through the open box
            if any(segment_crosses(a, b, padded) for a, b in itertools.pairwise(route)):
                return False
        return True

    @functools.cached_property
    def route_boxes(self) -> list[Box]:
        """The bounding box of every route (routes never move)."""
        return [_union([(x, y, x, y) for x, y in route]) if route else
                (float("inf"), float("inf"), float("-inf"), float("-inf"))
                for route in self.routes]

    def nearest_is_own(self, box: Box, label: _Label) -> bool:
        """Whether a symbol's name is nearer to its symbol than to any other node (so "Zusam-
        menführung" is not read as the name of the link marker next to it)."""
        if label.anchor_box is None:
            return True
        own = _distance(box, label.anchor_box)
        return all(_distance(box, self.obstacles[n]) > own for n in self.nodes
                   if n != label.owner)

    def candidates(self, label: _Label) -> list[tuple[float, list[tuple[float, float, float]]]]:
        """Top-left corners to try, nearest first, each with its distance from the flow (for
        a name, :func:`_cost` measures the distance to its symbol itself), in rings: each
        with a number its spots cost more than (:func:`_cost` is at least the distance).

        A name's ring ``far`` lies at least ``g + far`` from its symbol on one axis (its cost
        exceeds ``far``, whatever the rounding); a flow label's spots are ``g + lift`` away."""
        w, h = label.box[2] - label.box[0], label.box[3] - label.box[1]
        rings: list[tuple[float, list[tuple[float, float, float]]]] = []
        g = GAP + 0.5
        if label.anchor_box is not None:
            x0, y0, x1, y1 = label.anchor_box
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            for far in (0.0, 4.0, 8.0, 14.0, 22.0, 32.0, 46.0, 64.0):
                rings.append((far, [(x, y, far) for x, y in (
                    (cx - w / 2, y1 + g + far), (cx - w / 2, y0 - g - h - far),
                    (x1 + g + far, cy - h / 2), (x0 - g - w - far, cy - h / 2),
                    (x1 + g + far, y1 + g + far), (x0 - g - w - far, y1 + g + far),
                    (x1 + g + far, y0 - g - h - far), (x0 - g - w - far, y0 - g - h - far),
                    (x0 - far, y1 + g + far), (x1 - w + far, y1 + g + far),
                    (x0 - far, y0 - g - h - far), (x1 - w + far, y0 - g - h - far))]))
        elif label.route:
            spots = [_along(label.route, share)
                     for share in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9)]
            for lift in (0.0, 4.0, 8.0, 14.0, 22.0, 32.0, 46.0):
                ring: list[tuple[float, float, float]] = []
                for x, y in spots:
                    ring += [(cx, cy, g + lift) for cx, cy in (
                        (x - w / 2, y - g - h - lift), (x - w / 2, y + g + lift),
                        (x + g + lift, y - h / 2), (x - g - w - lift, y - h / 2),
                        (x + g + lift, y - g - h - lift), (x - g - w - lift, y - g - h - lift),
                        (x + g + lift, y + g + lift), (x - g - w - lift, y + g + lift))]
                rings.append((g + lift, ring))
        return rings

    def canvas(self) -> Box:
        background = self.graph.find(_S + "polygon")
        box = _shape_box(background) if background is not None else None
        return box or (0.0, 0.0, 0.0, 0.0)


def _distance(a: Box, b: Box) -> float:
    dx = max(b[0] - a[2], a[0] - b[2], 0.0)
    dy = max(b[1] - a[3], a[1] - b[3], 0.0)
    return (dx * dx + dy * dy) ** 0.5


def _move(label: _Label, dx: float, dy: float) -> None:
    for text in label.texts:
        text.set("x", f"{float(text.get('x', '0')) + dx:.2f}".rstrip("0").rstrip("."))
        text.set("y", f"{float(text.get('y', '0')) + dy:.2f}".rstrip("0").rstrip("."))
    for shape in label.shapes:
        shape.set("d", _PAIR.sub(lambda m: f"{float(m.group(1)) + dx:.2f},"
                                           f"{float(m.group(2)) + dy:.2f}", shape.get("d", "")))
    b = label.box
    label.box = (b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy)


def _place(row: _Row, label: _Label, canvas: Box) -> bool:
    """Move a label that hides something, or that stands nearer to another symbol than to its
    own, to the free spot of least cost (:func:`_cost`); True when it had to move."""
    free = row.free(label.box, label)
    if free and row.nearest_is_own(label.box, label):
        return False
    w, h = label.box[2] - label.box[0], label.box[3] - label.box[1]
    here = _cost(row, label, label.box, canvas, 0.0) if free else float("inf")
    # the free spot of least cost (ties: the first candidate), as if every candidate's cost
    # were known and sorted: a heap keyed by the cost without its foreign term (a lower bound;
    # the foreign term is measured when a spot comes up), filled ring by ring while a ring's
    # spots could still cost less than the best one waiting (later rings come later in order)
    heap: list[tuple[float, int, bool, Box]] = []
    rings = iter(row.candidates(label))
    pending = next(rings, None)
    n = 0
    while True:
        while pending is not None and (not heap or pending[0] < heap[0][0]):
            if pending[0] >= here:  # costs no less than staying: this ring and all after it
                pending = None
                break
            for x, y, away in pending[1]:
                box = (x, y, x + w, y + h)
                if not (box[0] < canvas[0] + 1 or box[2] > canvas[2] - 1):  # never wider
                    heapq.heappush(heap, (_near_cost(label, box, canvas, away), n, False, box))
                n += 1
            pending = next(rings, None)
        if not heap:
            return False
        cost, index, known, box = heapq.heappop(heap)
        if not known and not row.nearest_is_own(box, label):
            heapq.heappush(heap, (cost + FOREIGN_COST, index, True, box))
            continue
        if cost >= here:
            return False
        if row.free(box, label):
            _move(label, box[0] - label.box[0], box[1] - label.box[1])
            return True


#: Cost of a label spot per pt of distance from its symbol or flow, per pt the row would grow,
#: and for a name that stands nearer to another node than to its own symbol.
DISTANCE_COST, GROWTH_COST, FOREIGN_COST = 1.0, 2.0, 25.0


def _cost(row: _Row, label: _Label, box: Box, canvas: Box, away: float) -> float:
    """How bad a (free) spot is: far from what the label names (a flow label: ``away``, its
    offset from the flow), beyond the row (it grows), or nearer to another node than to its
    own symbol."""
    foreign = 0.0 if row.nearest_is_own(box, label) else FOREIGN_COST
    return _near_cost(label, box, canvas, away) + foreign


def _near_cost(label: _Label, box: Box, canvas: Box, away: float) -> float:
    """:func:`_cost` without its foreign term."""
    distance = _distance(box, label.anchor_box) if label.anchor_box is not None else away
    growth = max(0.0, canvas[1] + 1 - box[1]) + max(0.0, box[3] - canvas[3] + 1)
    return DISTANCE_COST * distance + GROWTH_COST * growth


def _resize(root: etree._Element, row: _Row, top: float, bottom: float) -> None:
    """Grow the row by ``top`` pt above and ``bottom`` pt below its drawing."""
    height = float(root.get("height", "0pt").removesuffix("pt")) + top + bottom
    root.set("height", f"{height:.0f}pt")
    view = [float(v) for v in root.get("viewBox", "0 0 0 0").split()]
    view[3] += top + bottom
    root.set("viewBox", " ".join(f"{v:.2f}" for v in view))
    match = _TRANSLATE.search(row.graph.get("transform", ""))
    if match:
        tx, ty = float(match.group(1)), float(match.group(2)) + top
        row.graph.set("transform", _TRANSLATE.sub(f"translate({tx:g} {ty:g})",
                                                  row.graph.get("transform", "")))
    background = row.graph.find(_S + "polygon")
    if background is not None:
        x0, y0, x1, y1 = row.canvas()
        y0, y1 = y0 - top, y1 + bottom
        background.set("points", f"{x0:g},{y1:g} {x0:g},{y0:g} {x1:g},{y0:g} {x1:g},{y1:g} "
                                 f"{x0:g},{y1:g}")


def untangle(svg: str) -> str:
    """The row's SVG with every label moved off whatever it hid (unchanged when none did)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(svg.encode("utf-8"), parser)
    graph = next((g for g in root.iter(_S + "g") if g.get("class") == "graph"), None)
    if graph is None:  # not a graphviz drawing: nothing to place
        return svg
    row = _Row(root, graph)
    canvas = row.canvas()
    moved = False
    # names of events and gateways first: they belong next to one small symbol, a flow's
    # label may sit anywhere along its flow
    for label in sorted(row.labels, key=lambda item: item.anchor_box is None):
        moved |= _place(row, label, canvas)
    if not moved:
        return svg
    used = _union([canvas] + [label.box for label in row.labels])
    top = canvas[1] - used[1] + GAP if used[1] < canvas[1] else 0.0
    bottom = used[3] - canvas[3] + GAP if used[3] > canvas[3] else 0.0
    if top or bottom:
        _resize(root, row, round(top + 0.49), round(bottom + 0.49))
    return etree.tostring(root, encoding="unicode")
