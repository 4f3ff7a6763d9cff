"""Where the labels of a graphviz map go, so that no text hides another.

After the bands are restacked (:mod:`workbench.maps.restack`), every node sits at a pinned
position. This module then places, in this order, the names of events and gateways (below,
above or beside their symbol), the labels of flows (decision texts such as "ja (75 %)": along
their route, above or below it) and the Medienbruch badges (on their route): each at the first
candidate spot whose box touches no node, no flow, no label placed before and lies wholly inside
or wholly outside every frame (pool, lane, expanded sub-process). When none of the usual spots is
free, spots further out are tried (a ring around the first spot, nearest first); only when even
those are all taken does the spot with the least cost win (overlap area; every flow point and
every frame the box straddles adds a penalty). Widths come from the advance widths of
DejaVu Sans (:mod:`workbench.maps.fontmetrics`), heights from the number of lines. Routes are
known before any label is placed, so a label never sits on a flow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .badges import RADIUS, point_on, spline_points
from .fontmetrics import text_width
from .plane import Box, overlap_area, straddles

LINE_EM = 1.22
_XLABEL = re.compile(r"xlabel=<(.*)>")
_TAG = re.compile(r"<[^>]+>")
_SIZE = re.compile(r'POINT-SIZE="(\d+(?:\.\d+)?)"')


def label_size(line: str, default_size: float) -> tuple[float, float] | None:
    """Estimated (width, height) in pt of the ``xlabel`` in a DOT line, or None."""
    found = _XLABEL.search(line)
    if not found:
        return None
    return _body_size(found.group(1), default_size)


@lru_cache(maxsize=4096)
def _body_size(label: str, default_size: float) -> tuple[float, float]:
    """:func:`label_size` of the text after ``xlabel=<`` (the same label in every pass of a map
    and every wrap tried)."""
    body = _balanced(label)
    sizes = [float(s) for s in _SIZE.findall(body)]
    size = max(sizes) if sizes else default_size
    text = _TAG.sub("", re.sub(r"<BR\s*/?>", "\n", body, flags=re.IGNORECASE))
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace(
        "&quot;", '"').replace("&#160;", " ")
    lines = [line for line in text.split("\n")] or [""]
    width = max(text_width(line, size) for line in lines) + 4
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


def _box(cx: float, cy: float, w: float, h: float) -> Box:
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _holds(frame: Box, x: float, y: float) -> bool:
    return frame[0] < x < frame[2] and frame[1] < y < frame[3]


@dataclass
class _Region:
    """The frames near one label and the frame memberships (by those frames) its centre may
    have: the same as a point of what it names (None: anywhere)."""

    frames: list[Box]
    allowed: set[tuple[bool, ...]] | None

    def home(self, box: Box) -> bool:
        if self.allowed is None:
            return True
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return tuple(_holds(f, x, y) for f in self.frames) in self.allowed


@lru_cache(maxsize=64)
def _offsets(nx: int, ny: int) -> list[tuple[float, float]]:
    offsets = [(i * RING_STEP, j * RING_STEP) for i in range(-nx, nx + 1)
               for j in range(-ny, ny + 1) if i or j]
    offsets.sort(key=lambda o: (o[0] * o[0] + 4 * o[1] * o[1], o))
    return offsets


@lru_cache(maxsize=64)
def _offset_array(nx: int, ny: int) -> np.ndarray:
    return np.array(_offsets(nx, ny), dtype=float).reshape(-1, 2)


@lru_cache(maxsize=64)
def _offset_axes(nx: int, ny: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct x and y steps of :func:`_offsets` and, per offset, the index of its x and
    its y step: an offset is ``(steps_x[column], steps_y[row])``."""
    steps_x = np.array([i * RING_STEP for i in range(-nx, nx + 1)], dtype=float)
    steps_y = np.array([j * RING_STEP for j in range(-ny, ny + 1)], dtype=float)
    offsets = _offset_array(nx, ny)
    column = np.rint(offsets[:, 0] / RING_STEP).astype(np.intp) + nx
    row = np.rint(offsets[:, 1] / RING_STEP).astype(np.intp) + ny
    return steps_x, steps_y, column, row


CELL = 120.0  # pt: the grid that finds the boxes near a candidate
STEP = 3.0  # pt between the sampled points of a route
BOX_WEIGHT = 20.0  # per pt² of a label's box over a node, heading or placed label
LINE_COST = 40.0  # per route point inside a label's box
BORDER_COST = 25.0  # per frame (pool, lane, sub-process) a label's box straddles
AWAY_COST = 1000.0  # a label outside the frames of what it names (another pool or lane)
RING_STEP = 5.0  # pt between the spots tried further out
RING_REACH = (140.0, 70.0)  # pt: how far (x, y) beyond the first spot a label may move


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


class _Points:
    """Sampled points of the routes in a coarse grid."""

    def __init__(self) -> None:
        self.grid: dict[tuple[int, int], list[tuple[float, float]]] = {}

    def any_in(self, box: Box) -> bool:
        return any(box[0] < x < box[2] and box[1] < y < box[3]
                   for cell in _cells(box) for x, y in self.grid.get(cell, ()))

    def count(self, box: Box) -> int:
        found = 0
        for cell in _cells(box):
            for x, y in self.grid.get(cell, ()):
                if box[0] < x < box[2] and box[1] < y < box[3]:
                    found += 1
        return found


def sample_route(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points every few pt along a cubic Bézier chain (graphviz ``pos`` points)."""
    out: list[tuple[float, float]] = []
    for i in range(0, len(points) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[i:i + 4]
        length = (abs(x0 - x1) + abs(y0 - y1)) + (abs(x1 - x2) + abs(y1 - y2)) + (
            abs(x2 - x3) + abs(y2 - y3))
        steps = max(2, int(length / STEP))
        if steps < 24:
            out += [(c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3,
                     c0 * y0 + c1 * y1 + c2 * y2 + c3 * y3) for c0, c1, c2, c3 in _weights(steps)]
        else:  # long segments: the same products and sums, elementwise in numpy
            c0, c1, c2, c3 = _weight_columns(steps)
            out += zip((c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3).tolist(),
                       (c0 * y0 + c1 * y1 + c2 * y2 + c3 * y3).tolist(), strict=True)
    return out


@lru_cache(maxsize=1024)
def _weight_columns(steps: int) -> tuple[np.ndarray, ...]:
    weights = np.array(_weights(steps))
    return tuple(weights[:, k].copy() for k in range(4))


_WEIGHTS: dict[int, list[tuple[float, float, float, float]]] = {}


def _weights(steps: int) -> list[tuple[float, float, float, float]]:
    """The Bernstein weights of ``steps + 1`` evenly spaced points of a cubic (cached)."""
    found = _WEIGHTS.get(steps)
    if found is None:
        found = []
        for step in range(steps + 1):
            t = step / steps
            u = 1 - t
            found.append((u ** 3, 3 * u * u * t, 3 * u * t * t, t ** 3))
        if len(_WEIGHTS) < 4096:
            _WEIGHTS[steps] = found
    return found


@dataclass
class Placer:
    """Occupied boxes and the choice of the best free spot."""

    occupied: _Boxes = field(default_factory=_Boxes)
    placed: list[Box] = field(default_factory=list)  # the labels and badges placed
    #: the swimlane frame: a spot beyond it counts as overlap with what lies outside
    frame: Box = (-1e9, -1e9, 1e9, 1e9)
    lines: _Points = field(default_factory=_Points)  # sampled points of all routes
    #: frames of pools, lanes and expanded sub-processes: a label lies inside or outside each
    frames: list[Box] = field(default_factory=list)
    #: labels that found no free spot: (box where they went, points of what they name)
    misses: list[tuple[Box, list[tuple[float, float]]]] = field(default_factory=list)

    def add_route(self, points: list[tuple[float, float]]) -> None:
        """Make a flow's route (its points from :func:`sample_route`) an obstacle for labels."""
        grid = self.lines.grid
        last, bucket = None, []
        for point in points:  # consecutive points mostly share a cell
            cell = (int(point[0] // CELL), int(point[1] // CELL))
            if cell != last:
                last, bucket = cell, grid.setdefault(cell, [])
            bucket.append(point)

    def _region(self, candidates: list[tuple[float, float]], w: float, h: float,
                anchors: list[tuple[float, float]] | None) -> _Region:
        """The frames that matter for one label: those whose outline passes the area its
        candidates and ring spots can cover (any other frame holds that whole area or none of
        it), and where the label may go (:class:`_Region`)."""
        xs, ys = [c[0] for c in candidates], [c[1] for c in candidates]
        reach_x, reach_y = w + RING_REACH[0] + 1, h + RING_REACH[1] + 1
        ax0, ay0 = min(xs) - reach_x, min(ys) - reach_y
        ax1, ay1 = max(xs) + reach_x, max(ys) + reach_y
        near: list[Box] = []
        around: list[Box] = []  # frames that hold the whole area
        apart: list[Box] = []  # frames that share no area with it
        for f in self.frames:  # straddles(area, f), sorted by its two conditions
            if f[0] <= ax0 and ax1 <= f[2] and f[1] <= ay0 and ay1 <= f[3]:
                around.append(f)
            # overlap_area(area, f) > 0 in comparisons only: min(a, b) - max(c, d) > 0 is
            # min(a, b) > max(c, d) for finite floats, that is a > c, a > d, b > c and b > d
            elif (f[2] > ax0 and ax1 > f[0] and f[2] > f[0] and ax1 > ax0
                  and f[3] > ay0 and ay1 > f[1] and f[3] > f[1] and ay1 > ay0):
                near.append(f)
            else:
                apart.append(f)
        if not anchors:
            return _Region(near, None)
        allowed = set()
        for x, y in dict.fromkeys(anchors):
            # a point inside the area is inside every frame around it and outside every frame
            # apart from it; any other point is tested
            if not (ax0 < x < ax1 and ay0 < y < ay1) and not (
                    all(_holds(f, x, y) for f in around)
                    and not any(_holds(f, x, y) for f in apart)):
                continue
            allowed.add(tuple(_holds(f, x, y) for f in near))
        return _Region(near, allowed)

    def cost(self, box: Box, on_line: bool = False, region: _Region | None = None) -> float:
        frames = self.frames if region is None else region.frames
        inside = overlap_area(box, self.frame)
        outside = (box[2] - box[0]) * (box[3] - box[1]) - inside
        # text over text or a node is far worse than text over a line
        cost = (BOX_WEIGHT * sum(overlap_area(box, other) for other in self.occupied.near(box))
                + 0.1 * outside)
        if not on_line:
            cost += LINE_COST * self.lines.count(box)
        cost += BORDER_COST * sum(1 for frame in frames if straddles(box, frame))
        if region is not None and not region.home(box):
            cost += AWAY_COST
        return cost

    def _costless(self, box: Box, on_line: bool, region: _Region) -> bool:
        """Whether :meth:`cost` of the box is 0: each of its terms is, tested in the same
        float operations, the likeliest to fail first (cost adds only terms >= 0)."""
        occupied = self.occupied
        for cell in _cells(box):
            for index in occupied.grid.get(cell, ()):
                o = occupied.items[index]
                if min(box[2], o[2]) - max(box[0], o[0]) > 0 and (
                        min(box[3], o[3]) - max(box[1], o[1]) > 0):
                    return False
        if not on_line and self.lines.any_in(box):
            return False
        if overlap_area(box, self.frame) != (box[2] - box[0]) * (box[3] - box[1]):
            return False
        if any(straddles(box, frame) for frame in region.frames):
            return False
        return region.home(box)

    def choose(self, candidates: list[tuple[float, float]], w: float, h: float,
               on_line: bool = False,
               anchors: list[tuple[float, float]] | None = None,
               route: list[tuple[float, float]] | None = None) -> tuple[float, float]:
        """The first candidate centre whose box is free, then the first free spot further out
        (:meth:`_ring_spot`); failing that (noted in :attr:`misses`) the first free spot outside
        the frames of what it names, else the least costly candidate (``on_line``: a badge that
        belongs on a route, flows do not count; ``anchors``: the points of what the label
        names — it stays in their pool and lane; ``route``: a flow's Bézier points, sampled
        only when the ring search needs them)."""
        region = self._region(candidates, w, h, anchors)
        best = candidates[0]
        for cx, cy in candidates:  # the first spot of cost 0, found with the quick test
            if self._costless(_box(cx, cy, w, h), on_line, region):
                best = (cx, cy)
                break
        else:
            spot = self._ring_spot(candidates[0], w, h, on_line, region,
                                   sample_route(route) if route else None)
            if spot is None:  # only now the least costly candidate matters (all cost > 0)
                best_cost = float("inf")
                for cx, cy in candidates:
                    cost = self.cost(_box(cx, cy, w, h), on_line, region)
                    if cost < best_cost:
                        best, best_cost = (cx, cy), cost
                self.misses.append((_box(best[0], best[1], w, h), anchors or [best]))
                if region.allowed is not None:  # beside its frame rather than across it
                    spot = self._ring_spot(candidates[0], w, h, on_line,
                                           _Region(region.frames, None))
            best = spot or best
        self.occupied.append(_box(best[0], best[1], w, h))
        self.placed.append(self.occupied[-1])
        return best

    def _ring_spot(self, start: tuple[float, float], w: float, h: float, on_line: bool,
                   region: _Region, route: list[tuple[float, float]] | None = None
                   ) -> tuple[float, float] | None:
        """The first free spot around ``start`` out to :data:`RING_REACH` beyond the label's own
        size, nearest first (:func:`_offsets`): inside the map, across no frame, in the label's
        own frames, over no placed box and (unless ``on_line``) no route point; run on blocks of
        spots at once (numpy, the same float operations as one spot at a time). With a
        ``route`` (a flow's label), the spots nearest to the flow come first, so the label
        stays beside its own flow (a fan-out's labels do not gather above the gateway)."""
        nx, ny = int((w / 2 + RING_REACH[0]) // RING_STEP), int((h / 2 + RING_REACH[1]) // RING_STEP)
        offsets = _offset_array(nx, ny)
        if route:
            # a spot's squared distance to the flow, per column and row of the ring: the gaps
            # depend on one coordinate each, so they are computed once per column (row)
            pts = np.asarray(route, dtype=float).reshape(-1, 2)
            steps_x, steps_y, column, row = _offset_axes(nx, ny)
            gap_x = np.maximum(np.abs(start[0] + steps_x[:, None] - pts[:, 0]) - w / 2, 0)
            gap_y = np.maximum(np.abs(start[1] + steps_y[:, None] - pts[:, 1]) - h / 2, 0)
            square_x, square_y = gap_x * gap_x, gap_y * gap_y
            near = (square_x[:, None, :] + square_y[None, :, :]).min(axis=2)[column, row]
            offsets = offsets[np.argsort(near, kind="stable")]
        low = 0
        for high in (64, 512, len(offsets)):  # the nearest spots first: mostly one is free
            if high <= low:
                continue
            part = offsets[low:high]
            hit = self._first_free(start[0] + part[:, 0], start[1] + part[:, 1], w, h,
                                   on_line, region)
            if hit is not None:
                return start[0] + float(part[hit, 0]), start[1] + float(part[hit, 1])
            low = high
        return None

    def _first_free(self, cx: np.ndarray, cy: np.ndarray, w: float, h: float, on_line: bool,
                    region: _Region) -> int | None:
        """Index of the first centre whose box is free (the tests of :meth:`_ring_spot`), or
        None."""
        x0, y0, x1, y1 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
        f = self.frame
        ok = (f[0] <= x0) & (x1 <= f[2]) & (f[1] <= y0) & (y1 <= f[3])
        for fr in region.frames:  # _straddles: partly inside, partly outside
            inside = (fr[0] <= x0) & (x1 <= fr[2]) & (fr[1] <= y0) & (y1 <= fr[3])
            cut = ((np.minimum(x1, fr[2]) - np.maximum(x0, fr[0]) > 0)
                   & (np.minimum(y1, fr[3]) - np.maximum(y0, fr[1]) > 0))
            ok &= inside | ~cut
        if region.allowed is not None:
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            code = np.zeros(len(cx), dtype=np.int64)
            for bit, fr in enumerate(region.frames):
                code |= (((fr[0] < mx) & (mx < fr[2]) & (fr[1] < my) & (my < fr[3]))
                         .astype(np.int64) << bit)
            allowed = [sum(int(v) << bit for bit, v in enumerate(key))
                       for key in region.allowed]
            ok &= np.isin(code, allowed)
        if not ok.any():
            return None
        area = (float(x0.min()), float(y0.min()), float(x1.max()), float(y1.max()))
        for o in self.occupied.near(area):  # overlap_area(box, other) > 0
            ok &= ~((np.minimum(x1, o[2]) - np.maximum(x0, o[0]) > 0)
                    & (np.minimum(y1, o[3]) - np.maximum(y0, o[1]) > 0))
        hits = np.flatnonzero(ok)
        if not on_line and len(hits):  # lines.any_in
            points = np.array([pt for cell in _cells(area) for pt in self.lines.grid.get(cell, ())],
                              dtype=float).reshape(-1, 2)
            px, py = points[:, 0], points[:, 1]
            bx0, by0 = x0[hits][:, None], y0[hits][:, None]
            bx1, by1 = x1[hits][:, None], y1[hits][:, None]
            hits = hits[~((bx0 < px) & (px < bx1) & (by0 < py) & (py < by1)).any(axis=1)]
        return int(hits[0]) if len(hits) else None

    def node_label(self, node: Box, w: float, h: float) -> tuple[float, float]:
        """A spot for an event's or gateway's name: below, above, then beside the symbol."""
        cx = (node[0] + node[2]) / 2
        gap = 3.0
        below, above = node[1] - gap - h / 2, node[3] + gap + h / 2
        right, left = node[2] + gap + w / 2, node[0] - gap - w / 2
        cy = (node[1] + node[3]) / 2
        return self.choose([(cx, below), (cx, above), (left, cy), (right, cy),
                            (right, below), (left, below),
                            (right, above), (left, above),
                            (cx, below - h - gap), (cx, above + h + gap)], w, h,
                           anchors=[(cx, cy)])

    def edge_label(self, pos: str, w: float, h: float) -> tuple[float, float]:
        """A spot for a flow's label along its route, above or below the line."""
        points = spline_points(pos)
        spots = [point_on(points, share) for share in (0.5, 0.35, 0.65, 0.2, 0.8, 0.05, 0.95)]
        candidates = []
        for lift in (0.0, 8.0, 16.0, 26.0):  # further from the line only when nearer is taken
            for x, y in spots:
                candidates += [(x + w / 2 + 2, y + h / 2 + 2 + lift), (x, y + h / 2 + 3 + lift),
                               (x, y - h / 2 - 3 - lift), (x + w / 2 + 2, y - h / 2 - 2 - lift),
                               (x - w / 2 - 2, y + h / 2 + 2 + lift)]
        return self.choose(candidates, w, h, anchors=points, route=points)

    def badge(self, pos: str) -> tuple[float, float]:
        """A spot for a Medienbruch badge on the route."""
        points = spline_points(pos)
        size = 2 * RADIUS
        candidates = [point_on(points, s) for s in (0.5, 0.3, 0.7, 0.15, 0.85, 0.05, 0.95)]
        return self.choose(candidates, size, size, on_line=True, anchors=points)
