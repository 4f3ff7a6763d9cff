"""Where the labels of a graphviz map go, so that no text hides another.

After the bands are restacked (:mod:`workbench.maps.restack`), every node sits at a pinned
position. This module then places, in this order, the names of events and gateways (below,
above or beside their symbol), the labels of flows (decision texts such as "ja (75 %)": along
their route, above or below it) and the Medienbruch badges (on their route): each at the first
candidate spot whose box touches no node and no label placed before, else at the spot with the
least overlap. Sizes are estimated from the label text (DejaVu Sans, 0.62 em per character).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .badges import RADIUS, point_on, spline_points

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (graphviz: y grows upwards)
CHAR_EM = 0.62
LINE_EM = 1.22
_XLABEL = re.compile(r"xlabel=<(.*)>")
_TAG = re.compile(r"<[^>]+>")
_SIZE = re.compile(r'POINT-SIZE="(\d+(?:\.\d+)?)"')


def label_size(line: str, default_size: float) -> tuple[float, float] | None:
    """Estimated (width, height) in pt of the ``xlabel`` in a DOT line, or None."""
    found = _XLABEL.search(line)
    if not found:
        return None
    body = _balanced(found.group(1))
    sizes = [float(s) for s in _SIZE.findall(body)]
    size = max(sizes) if sizes else default_size
    text = _TAG.sub("", re.sub(r"<BR\s*/?>", "\n", body, flags=re.IGNORECASE))
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace(
        "&quot;", '"').replace("&#160;", " ")
    lines = [line for line in text.split("\n")] or [""]
    width = max(len(line) for line in lines) * size * CHAR_EM + 2
    return width, len(lines) * size * LINE_EM + 1


def _balanced(text: str) -> str:
    """The HTML label body up to the '>' that closes ``xlabel=<``."""
    depth = 0
    for index, char in enumerate(text):
        if char == "<":
            depth += 1
        elif char == ">":
            if depth == 0:
                return text[:index]
            depth -= 1
    return text


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _box(cx: float, cy: float, w: float, h: float) -> Box:
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


CELL = 120.0  # pt: the grid that finds the boxes near a candidate


class _Boxes:
    """Occupied boxes in a coarse grid, so a candidate is compared with its neighbours only."""

    def __init__(self) -> None:
        self.items: list[Box] = []
        self.grid: dict[tuple[int, int], list[int]] = {}

    def append(self, box: Box) -> None:
        self.items.append(box)
        for cell in _cells(box):
            self.grid.setdefault(cell, []).append(len(self.items) - 1)

    def __getitem__(self, index: int) -> Box:
        return self.items[index]

    def near(self, box: Box) -> list[Box]:
        found: set[int] = set()
        for cell in _cells(box):
            found.update(self.grid.get(cell, ()))
        return [self.items[i] for i in sorted(found)]


def _cells(box: Box) -> list[tuple[int, int]]:
    return [(i, j) for i in range(int(box[0] // CELL), int(box[2] // CELL) + 1)
            for j in range(int(box[1] // CELL), int(box[3] // CELL) + 1)]


@dataclass
class Placer:
    """Occupied boxes and the choice of the best free spot."""

    occupied: _Boxes = field(default_factory=_Boxes)
    placed: list[Box] = field(default_factory=list)  # the labels and badges placed
    #: the swimlane frame: a spot beyond it counts as overlap with what lies outside
    frame: Box = (-1e9, -1e9, 1e9, 1e9)

    def cost(self, box: Box) -> float:
        inside = _overlap(box, self.frame)
        outside = (box[2] - box[0]) * (box[3] - box[1]) - inside
        return sum(_overlap(box, other) for other in self.occupied.near(box)) + 0.1 * outside

    def choose(self, candidates: list[tuple[float, float]], w: float, h: float
               ) -> tuple[float, float]:
        """The first candidate centre whose box is free, else the least overlapping one."""
        best, best_cost = candidates[0], float("inf")
        for cx, cy in candidates:
            cost = self.cost(_box(cx, cy, w, h))
            if cost == 0.0:
                best = (cx, cy)
                break
            if cost < best_cost:
                best, best_cost = (cx, cy), cost
        self.occupied.append(_box(best[0], best[1], w, h))
        self.placed.append(self.occupied[-1])
        return best

    def node_label(self, node: Box, w: float, h: float) -> tuple[float, float]:
        """A spot for an event's or gateway's name: below, above, then beside the symbol."""
        cx = (node[0] + node[2]) / 2
        gap = 3.0
        below, above = node[1] - gap - h / 2, node[3] + gap + h / 2
        right, left = node[2] + gap + w / 2, node[0] - gap - w / 2
        return self.choose([(cx, below), (cx, above), (right, below), (left, below),
                            (right, above), (left, above),
                            (cx, below - h - gap), (cx, above + h + gap)], w, h)

    def edge_label(self, pos: str, w: float, h: float) -> tuple[float, float]:
        """A spot for a flow's label along its route, above or below the line."""
        points = spline_points(pos)
        candidates = []
        for lift in (0.0, 8.0, 16.0, 26.0):  # further from the line only when nearer is taken
            for share in (0.5, 0.35, 0.65, 0.2, 0.8, 0.05, 0.95):
                x, y = point_on(points, share)
                candidates += [(x + w / 2 + 2, y + h / 2 + 2 + lift), (x, y + h / 2 + 3 + lift),
                               (x, y - h / 2 - 3 - lift), (x + w / 2 + 2, y - h / 2 - 2 - lift),
                               (x - w / 2 - 2, y + h / 2 + 2 + lift)]
        return self.choose(candidates, w, h)

    def badge(self, pos: str) -> tuple[float, float]:
        """A spot for a Medienbruch badge on the route."""
        points = spline_points(pos)
        size = 2 * RADIUS
        candidates = [point_on(points, s) for s in (0.5, 0.3, 0.7, 0.15, 0.85, 0.05, 0.95)]
        return self.choose(candidates, size, size)
