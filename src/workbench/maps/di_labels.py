"""Where the DI style writes a label when the author's spot (or the default spot below the
symbol) would be hidden: by a flow running through it, by another element, by a label set
before. Labels are set in drawing order — names of events and gateways (decisions) first, then
flow labels — each at the first free spot near the preferred one (so a clean diagram is drawn
exactly as its author placed it), else at the least hidden one. Pool, lane and frame borders
count like flows: a label never straddles them where it need not. When no spot near the
preferred one is free, spots further out are tried (a ring, nearest first) before the least
hidden one is taken; Medienbruch badges are placed the same way (on their flow, never on a label
or across a frame) and then count as labels.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from functools import lru_cache

from .fontmetrics import text_width
from .plane import Box, Point, overlap_area, segment_crosses, straddles

CELL = 100.0
LINE = 1.18


def block_size(lines: list[str], size: float) -> tuple[float, float]:
    """(width, height) of a text block drawn by ``text_block`` (DejaVu Sans widths)."""
    width = max((text_width(line, size) for line in lines), default=0.0) + 4
    return width, len(lines) * size * LINE + 2


def _cells(box: Box) -> Iterable[tuple[int, int]]:
    for i in range(int(box[0] // CELL), int(box[2] // CELL) + 1):
        for j in range(int(box[1] // CELL), int(box[3] // CELL) + 1):
            yield i, j


class LabelSpace:
    """Flows, element outlines and placed labels of one diagram, in a coarse grid."""

    def __init__(self, nodes: dict[str, Box], flows: list[list[Point]],
                 frames: list[Box] | None = None) -> None:
        self.nodes = nodes
        #: pools, lanes and expanded sub-processes: a label lies wholly inside or outside each
        self.frames = frames or []
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
        cost = 50.0 * sum(1 for a, b in segments if segment_crosses(a, b, inner))
        keys = {k for cell in _cells(inner) for k in self.node_grid.get(cell, ())}
        cost += sum(overlap_area(inner, self.nodes[k]) for k in keys if k != own)
        cost += 20.0 * sum(overlap_area(inner, other) for other in self.placed)
        cost += 50.0 * sum(1 for frame in self.frames if straddles(inner, frame))
        return cost

    def _within(self, box: Box) -> bool:
        f = self.frame
        return f[0] <= box[0] and box[2] <= f[2] and f[1] <= box[1] and box[3] <= f[3]

    def _free(self, box: Box, own: str) -> bool:
        """Whether :meth:`cost` would be 0, with the cheap tests first."""
        inner = (box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1)
        if any(straddles(inner, frame) for frame in self.frames):
            return False
        if any(overlap_area(inner, other) > 0 for other in self.placed):
            return False
        cells = list(_cells(inner))
        if any(k != own and overlap_area(inner, self.nodes[k]) > 0
               for cell in cells for k in self.node_grid.get(cell, ())):
            return False
        return not any(segment_crosses(a, b, inner)
                       for cell in cells for a, b in self.segments.get(cell, ()))

    def place(self, own: str, spots: list[Point], width: float, height: float) -> Point:
        """The first spot (centre) whose box is free, else the least hidden one."""
        best, best_cost = spots[0], float("inf")
        for index, (x, y) in enumerate(spots):
            box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
            if index and not self._within(box):
                continue  # only the author's own spot may lie at the edge
            cost = self.cost(box, own)
            if cost == 0.0:
                best, best_cost = (x, y), 0.0
                break
            if cost < best_cost:
                best, best_cost = (x, y), cost
        if best_cost > 0.0:  # nothing free near: the nearest free spot further out
            for x, y in ring(spots[0], width, height):
                box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
                if self._within(box) and self._free(box, own):
                    best = (x, y)
                    break
        self.placed.append((best[0] - width / 2, best[1] - height / 2, best[0] + width / 2,
                            best[1] + height / 2))
        return best

    def badge(self, spots: list[Point], radius: float, avoid: Box | None = None) -> Point:
        """A spot on the flow (``spots``, preferred first) for a round badge: no element, label
        or frame under it and clear of ``avoid`` (the flow's own label); then it counts as a
        label. Flows do not count: the badge belongs on its flow."""
        pad = radius + 1.0
        best, best_cost = spots[0], float("inf")
        for x, y in itertools.chain(spots, ring(spots[0], 2 * pad, 2 * pad, reach=(30, 20))):
            box = (x - pad, y - pad, x + pad, y + pad)
            keys = {k for cell in _cells(box) for k in self.node_grid.get(cell, ())}
            cost = (sum(overlap_area(box, self.nodes[k]) for k in keys)
                    + 20.0 * sum(overlap_area(box, other) for other in self.placed)
                    + 50.0 * sum(1 for frame in self.frames if straddles(box, frame))
                    + (20.0 * overlap_area(box, avoid) if avoid else 0.0))
            if cost == 0.0:
                best = (x, y)
                break
            if cost < best_cost:
                best, best_cost = (x, y), cost
        self.placed.append((best[0] - pad, best[1] - pad, best[0] + pad, best[1] + pad))
        return best


def ring(start: Point, width: float, height: float, step: float = 5.0,
         reach: tuple[float, float] = (120.0, 60.0)) -> Iterator[Point]:
    """Spots around ``start`` out to ``reach`` beyond the label's own size, nearest first;
    computed only when asked (most labels find a free spot before)."""
    nx, ny = int((width / 2 + reach[0]) // step), int((height / 2 + reach[1]) // step)
    for dx, dy in _offsets(nx, ny, step):
        yield start[0] + dx, start[1] + dy


@lru_cache(maxsize=64)
def _offsets(nx: int, ny: int, step: float) -> list[Point]:
    offsets = [(i * step, j * step) for i in range(-nx, nx + 1) for j in range(-ny, ny + 1)
               if i or j]
    offsets.sort(key=lambda o: (o[0] * o[0] + 4 * o[1] * o[1], o))
    return offsets


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


def centred_room(cx: float, y0: float, y1: float, width: float, blocks: list[Box]) -> float:
    """How wide a text centred at ``cx`` between ``y0`` and ``y1`` may be (at most ``width``)
    without reaching into any of the ``blocks`` (boundary events on an activity's edge)."""
    half = width / 2
    for b in blocks:
        if b[1] < y1 and b[3] > y0:
            if b[0] >= cx:
                half = min(half, b[0] - cx - 2)
            elif b[2] <= cx:
                half = min(half, cx - b[2] - 2)
    return max(2 * half, 20.0)
