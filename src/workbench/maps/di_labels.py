"""Where the DI style writes a label when the author's spot (or the default spot below the
symbol) would be hidden: by a flow running through it, by another element, by a label set
before. Labels are set in drawing order — names of events and gateways (decisions) first, then
flow labels — each at the first free spot near the preferred one (so a clean diagram is drawn
exactly as its author placed it), else at the least hidden one. Pool, lane and frame borders
count like flows: a label never straddles them where it need not.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (SVG: y grows downwards)
Point = tuple[float, float]
CELL = 100.0
CHAR_EM = 0.62  # generous average DejaVu Sans advance width, so estimates do not fall short
LINE = 1.18


def block_size(lines: list[str], size: float) -> tuple[float, float]:
    """Estimated (width, height) of a text block drawn by ``text_block``."""
    width = max((len(line) for line in lines), default=0) * size * CHAR_EM + 2
    return width, len(lines) * size * LINE + 2


def _cells(box: Box) -> Iterable[tuple[int, int]]:
    for i in range(int(box[0] // CELL), int(box[2] // CELL) + 1):
        for j in range(int(box[1] // CELL), int(box[3] // CELL) + 1):
            yield i, j


def _hits(a: Point, b: Point, box: Box) -> bool:
    """Whether segment a–b passes through the open box (Liang–Barsky)."""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - box[0]), (dx, box[2] - a[0]), (-dy, a[1] - box[1]),
                 (dy, box[3] - a[1])):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return False
    return True


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


class LabelSpace:
    """Flows, element outlines and placed labels of one diagram, in a coarse grid."""

    def __init__(self, nodes: dict[str, Box], flows: list[list[Point]]) -> None:
        self.nodes = nodes
        self.segments: dict[tuple[int, int], list[tuple[Point, Point]]] = {}
        for points in flows:
            for a, b in itertools.pairwise(points):
                box = (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
                for cell in _cells(box):
                    self.segments.setdefault(cell, []).append((a, b))
        self.node_grid: dict[tuple[int, int], list[str]] = {}
        for key, box in nodes.items():
            for cell in _cells(box):
                self.node_grid.setdefault(cell, []).append(key)
        self.placed: list[Box] = []
        #: the drawing's extent: a spot beyond it would be cut off
        self.frame: Box = (-1e9, -1e9, 1e9, 1e9)

    def cost(self, box: Box, own: str) -> float:
        """0 for a free spot; flows through it, foreign elements and labels under it cost."""
        inner = (box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1)
        segments = {s for cell in _cells(inner) for s in self.segments.get(cell, ())}
        cost = 50.0 * sum(1 for a, b in segments if _hits(a, b, inner))
        keys = {k for cell in _cells(inner) for k in self.node_grid.get(cell, ())}
        cost += sum(_overlap(inner, self.nodes[k]) for k in keys if k != own)
        cost += 20.0 * sum(_overlap(inner, other) for other in self.placed)
        return cost

    def covers(self, box: Box) -> bool:
        """Whether a placed label or an element lies under the box (flows do not count: a
        Medienbruch badge belongs on its flow)."""
        keys = {k for cell in _cells(box) for k in self.node_grid.get(cell, ())}
        return any(_overlap(box, other) > 0 for other in self.placed) or any(
            _overlap(box, self.nodes[k]) > 0 for k in keys)

    def place(self, own: str, spots: list[Point], width: float, height: float) -> Point:
        """The first spot (centre) whose box is free, else the least hidden one."""
        best, best_cost = spots[0], float("inf")
        for index, (x, y) in enumerate(spots):
            box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
            if index and not (self.frame[0] <= box[0] and box[2] <= self.frame[2]
                              and self.frame[1] <= box[1] and box[3] <= self.frame[3]):
                continue  # only the author's own spot may lie at the edge
            cost = self.cost(box, own)
            if cost == 0.0:
                best, best_cost = (x, y), 0.0
                break
            if cost < best_cost:
                best, best_cost = (x, y), cost
        self.placed.append((best[0] - width / 2, best[1] - height / 2, best[0] + width / 2,
                            best[1] + height / 2))
        return best


def around(preferred: Point, shape: Box, width: float, height: float) -> list[Point]:
    """Spots for an element's outside label: the preferred one, nudged up or down, then below,
    above, right and left of the symbol."""
    px, py = preferred
    cx, cy = (shape[0] + shape[2]) / 2, (shape[1] + shape[3]) / 2
    gap = 4.0
    below = shape[3] + gap + height / 2
    above = shape[1] - gap - height / 2
    right = shape[2] + gap + width / 2
    left = shape[0] - gap - width / 2
    # up or down first: the text keeps the author's column (and the free lines beside it)
    return [(px, py), (px, py + 6), (px, py - 6), (px, py + height / 2 + 6),
            (px, py - height / 2 - 6), (cx, below), (cx, above), (right, cy),
            (left, cy), (right, below), (left, below), (right, above), (left, above),
            (cx, below + height / 2 + 6), (cx, above - height / 2 - 6)]


def along(preferred: Point, points: list[Point], width: float, height: float) -> list[Point]:
    """Spots for a flow's label: the preferred one, then above and below the flow's pieces."""
    spots = [preferred, (preferred[0], preferred[1] - height / 2 - 4),
             (preferred[0], preferred[1] + height / 2 + 4)]
    for a, b in itertools.pairwise(points):
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        if abs(a[1] - b[1]) <= abs(a[0] - b[0]):  # horizontal piece: above or below
            spots += [(mx, my - height / 2 - 3), (mx, my + height / 2 + 3)]
        else:  # vertical piece: right or left
            spots += [(mx + width / 2 + 4, my), (mx - width / 2 - 4, my)]
    return spots


def free_span(x0: float, x1: float, y0: float, y1: float, blocks: list[Box]
              ) -> tuple[float, float]:
    """The widest stretch of [x0, x1] that none of the ``blocks`` covers within [y0, y1]
    (an activity's footer beside the boundary events sitting on its edge)."""
    covered = sorted((max(b[0], x0), min(b[2], x1)) for b in blocks
                     if b[1] < y1 and b[3] > y0 and b[0] < x1 and b[2] > x0)
    best, start = (x0, x0), x0
    for left, right in covered:
        if left - start > best[1] - best[0]:
            best = (start, left)
        start = max(start, right)
    if x1 - start > best[1] - best[0]:
        best = (start, x1)
    return best
