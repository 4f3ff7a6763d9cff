"""Automatic layout for generated models: lanes as horizontal bands, flow left to right.

A layered layout: back edges (loops) are found by depth-first search and set aside, the rest is
layered by longest path; a node's lane is its row band, nodes sharing a column and lane stack
inside the band. Edges are routed orthogonally: each edge takes the cheapest of a few candidate
routes (straight, one bend, through the gaps between columns, along the free channels above and
below the nodes of a row), where running through a shape costs most, then running along another
edge, through a label or crossing a line. Labels of events, gateways and named flows are then put
where no line and no shape is (below the node if free, else above or beside it).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .model import Bounds
from .order import back_edges

SIZES = {"activity": (100.0, 80.0), "event": (36.0, 36.0), "gateway": (50.0, 50.0)}
COLUMN_WIDTH = 180.0
ROW_HEIGHT = 140.0  # room above and below the nodes for loop lines and labels
POOL_HEADER = 30.0
LANE_HEADER = 30.0
MARGIN = 40.0
CHANNEL = 10.0  # distance of a line running along a row from the row's top or bottom
LABEL_GAP = 4.0
NODE_LABEL = (100.0, 27.0)  # external label of an event or gateway: at least two lines of text
LABEL_LINE = 13.0  # line height of bpmn.io's 11 px label font
CHAR_WIDTH = 6.2  # width of most lower-case letters and digits in bpmn.io's 11 px label font
_CHAR_WIDTHS = (("ijl'|.,:;!", 2.5), ("ftI ()[]/-", 3.7), ("r", 3.7), ("mwMW", 9.5), ("ß", 6.7))
ORIGIN = (160.0, 80.0)


@dataclass(frozen=True, slots=True)
class LayoutNode:
    id: str
    kind: str  # activity | event | gateway
    lane: int
    label: str = ""  # the name shown beside an event or gateway (its length sizes the label)


@dataclass(slots=True)
class Layout:
    """Positions of everything a BPMN DI needs."""

    nodes: dict[str, Bounds] = field(default_factory=dict)
    labels: dict[str, Bounds] = field(default_factory=dict)
    lanes: list[Bounds] = field(default_factory=list)
    pool: Bounds | None = None
    edges: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    edge_labels: dict[str, Bounds] = field(default_factory=dict)


def compute_layout(
    nodes: Sequence[LayoutNode],
    edges: Sequence[tuple[str, str, str]],
    lane_count: int,
    edge_names: Mapping[str, str] | None = None,
) -> Layout:
    """Lay out nodes (with lane indexes) and edges ``(flow_id, source, target)``.

    ``edge_names`` (flow id → name) gives the flows that get a label, and its length.
    """
    order = [n.id for n in nodes]
    by_id = {n.id: n for n in nodes}
    succ: dict[str, list[str]] = {n: [] for n in order}
    for _, s, t in edges:
        if s in succ and t in by_id:
            succ[s].append(t)
    back = back_edges(order, succ)

    # longest-path layering on the acyclic part (Kahn order keeps it linear)
    indeg = {n: 0 for n in order}
    for s, targets in succ.items():
        for t in targets:
            if (s, t) not in back:
                indeg[t] += 1
    layer = {n: 0 for n in order}
    queue = [n for n in order if indeg[n] == 0]
    seen = 0
    while queue:
        node = queue.pop(0)
        seen += 1
        for t in succ[node]:
            if (node, t) in back:
                continue
            layer[t] = max(layer[t], layer[node] + 1)
            indeg[t] -= 1
            if indeg[t] == 0:
                queue.append(t)

    # stack nodes that share a column inside a lane band
    slot: dict[str, int] = {}
    cells: dict[tuple[int, int], int] = {}
    for n in sorted(order, key=lambda i: (layer[i], order.index(i))):
        key = (layer[n], by_id[n].lane)
        slot[n] = cells.get(key, 0)
        cells[key] = slot[n] + 1
    rows_per_lane = [1] * max(lane_count, 1)
    for (_, lane), count in cells.items():
        rows_per_lane[lane] = max(rows_per_lane[lane], count)

    out = Layout()
    x0, y0 = ORIGIN
    lane_x = x0 + POOL_HEADER
    columns = (max(layer.values()) + 1) if layer else 1
    width = LANE_HEADER + MARGIN + columns * COLUMN_WIDTH
    lane_tops = []
    y = y0
    for rows in rows_per_lane:
        height = rows * ROW_HEIGHT
        out.lanes.append(Bounds(lane_x, y, width, height))
        lane_tops.append(y)
        y += height
    out.pool = Bounds(x0, y0, width + POOL_HEADER, y - y0)

    for n in order:
        node = by_id[n]
        w, h = SIZES[node.kind]
        cx = lane_x + LANE_HEADER + MARGIN / 2 + layer[n] * COLUMN_WIDTH + COLUMN_WIDTH / 2
        cy = lane_tops[node.lane] + slot[n] * ROW_HEIGHT + ROW_HEIGHT / 2
        out.nodes[n] = Bounds(cx - w / 2, cy - h / 2, w, h)
        if node.kind != "activity":  # external label: below for now, moved when in the way
            out.labels[n] = _node_label_options(out.nodes[n], node.label)[0][0]

    row_tops = [top + i * ROW_HEIGHT for top, rows in zip(lane_tops, rows_per_lane, strict=False)
                for i in range(rows)]
    channels = sorted({y for top in row_tops for y in (top + CHANNEL, top + ROW_HEIGHT - CHANNEL)})
    gaps = [lane_x + LANE_HEADER + MARGIN / 2 + c * COLUMN_WIDTH for c in range(columns + 1)]
    # the lane of each channel: lines keep to the lanes of their nodes where they can
    channel_lane = {y: i for i, (top, rows) in enumerate(zip(lane_tops, rows_per_lane, strict=False))
                    for y in channels if top <= y <= top + rows * ROW_HEIGHT}
    router = _Router(out, by_id, layer, gaps, channel_lane)
    drawn = [e for e in edges if e[1] in out.nodes and e[2] in out.nodes]
    # straight flows first (they have no other good route), then the other forward flows, then loops
    drawn.sort(key=lambda e: ((e[1], e[2]) in back,
                              abs(out.nodes[e[1]].center[1] - out.nodes[e[2]].center[1]) > 0.5))
    for flow_id, s, t in drawn:
        out.edges[flow_id] = router.route(s, t, is_back=(s, t) in back)
    bands = [Bounds(lane_x, top, width, rows * ROW_HEIGHT)
             for top, rows in zip(lane_tops, rows_per_lane, strict=False)]
    router.place_labels(bands, {by_id[n].id: by_id[n].lane for n in order},
                        {f: edge_names[f] for f, _, _ in edges if edge_names and edge_names.get(f)
                         and f in out.edges})
    return out


# --------------------------------------------------------------------------- edge routing

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

COST_SHAPE = 1000.0  # a line through a shape it does not connect
COST_ALONG = 60.0  # a line running along another line
COST_LABEL = 15.0  # a line through a label
COST_OWN_LABEL = 2.0  # a line through the label of its own node: that label moves aside later
COST_OTHER_LANE = 20.0  # a line running along a lane that neither of its nodes is in
COST_CROSS = 3.0  # two lines crossing
COST_BEND = 1.0
COST_SIDE_EXIT = 4.0  # an activity left by its top or bottom (gateways split that way as usual)


def _box(b: Bounds, grow: float = 0.0) -> Box:
    return (b.x - grow, b.y - grow, b.x + b.width + grow, b.y + b.height + grow)


def _seg_hits(p: Point, q: Point, box: Box) -> bool:
    """An axis-parallel segment runs through the inside of a box (touching its border is fine)."""
    x0, x1 = sorted((p[0], q[0]))
    y0, y1 = sorted((p[1], q[1]))
    if x0 == x1:
        return box[0] < x0 < box[2] and y0 < box[3] and box[1] < y1
    if y0 == y1:
        return box[1] < y0 < box[3] and x0 < box[2] and box[0] < x1
    return x0 < box[2] and box[0] < x1 and y0 < box[3] and box[1] < y1


def _along(a: tuple[Point, Point], b: tuple[Point, Point]) -> bool:
    """Two axis-parallel segments lie on one line and share a stretch."""
    (ax0, ay0), (ax1, ay1) = a
    (bx0, by0), (bx1, by1) = b
    if ax0 == ax1 == bx0 == bx1:
        return min(max(ay0, ay1), max(by0, by1)) - max(min(ay0, ay1), min(by0, by1)) > 1
    if ay0 == ay1 == by0 == by1:
        return min(max(ax0, ax1), max(bx0, bx1)) - max(min(ax0, ax1), min(bx0, bx1)) > 1
    return False


def _crossing(a: tuple[Point, Point], b: tuple[Point, Point]) -> bool:
    """A horizontal and a vertical segment cross in their inner parts."""
    (ax0, ay0), (ax1, ay1) = a
    (bx0, by0), (bx1, by1) = b
    if ay0 == ay1 and bx0 == bx1:
        return min(ax0, ax1) < bx0 < max(ax0, ax1) and min(by0, by1) < ay0 < max(by0, by1)
    if ax0 == ax1 and by0 == by1:
        return _crossing(b, a)
    return False


def _clean(points: list[Point]) -> list[Point]:
    """Drop repeated points and middle points of straight runs."""
    out: list[Point] = []
    for pt in points:
        if out and abs(out[-1][0] - pt[0]) < 0.01 and abs(out[-1][1] - pt[1]) < 0.01:
            continue
        if len(out) >= 2 and ((out[-2][0] == out[-1][0] == pt[0]) or (out[-2][1] == out[-1][1] == pt[1])):
            out[-1] = pt
            continue
        out.append(pt)
    return out


class _Router:
    """Routes edges one after another; each takes its cheapest candidate."""

    def __init__(self, out: Layout, by_id: Mapping[str, LayoutNode], layer: Mapping[str, int],
                 gaps: list[float], channel_lane: Mapping[float, int]) -> None:
        self.out = out
        self.by_id = by_id
        self.layer = layer
        self.gaps = gaps
        self.channel_lane = channel_lane
        self.channels = sorted(channel_lane)
        self.placed: list[tuple[Point, Point]] = []

    def route(self, s: str, t: str, *, is_back: bool) -> list[Point]:
        best, best_cost = None, math.inf
        for points, extra in sorted(self._candidates(s, t, is_back),
                                    key=lambda c: c[1] + COST_BEND * len(c[0])):
            cost = self._cost(points, s, t, limit=best_cost - extra) + extra
            if cost < best_cost:
                best, best_cost = points, cost
        assert best is not None
        self.placed.extend(itertools.pairwise(best))
        return best

    def _candidates(self, s: str, t: str, is_back: bool) -> list[tuple[list[Point], float]]:
        src, tgt = self.out.nodes[s], self.out.nodes[t]
        (sx, sy), (tx, ty) = src.center, tgt.center
        s_right, s_top, s_bottom = src.x + src.width, src.y, src.y + src.height
        t_left, t_top, t_bottom = tgt.x, tgt.y, tgt.y + tgt.height
        side = 0.0 if self.by_id[s].kind == "gateway" else COST_SIDE_EXIT
        out: list[tuple[list[Point], float]] = []
        if s == t:  # a node flowing into itself: a small loop over its top right corner
            top = s_top - 2 * CHANNEL
            return [([(s_right, sy), (s_right + CHANNEL * 2, sy), (s_right + CHANNEL * 2, top),
                      (sx, top), (sx, s_top)], 0.0)]
        cs, ct = self.layer[s], self.layer[t]
        lanes = sorted((self.by_id[s].lane, self.by_id[t].lane))

        def away(y: float) -> float:
            return 0.0 if lanes[0] <= self.channel_lane[y] <= lanes[1] else COST_OTHER_LANE

        # channels from one row above the higher node to one row below the lower one
        top, bottom = min(s_top, t_top) - ROW_HEIGHT, max(s_bottom, t_bottom) + ROW_HEIGHT
        channels = [y for y in self.channels if top <= y <= bottom]
        if not is_back and ct > cs:
            if abs(sy - ty) < 0.5:
                out.append(([(s_right, sy), (t_left, ty)], 0.0))
            between = self.gaps[cs + 1:ct + 1]
            for x in between:  # one vertical run through a gap between columns
                out.append(([(s_right, sy), (x, sy), (x, ty), (t_left, ty)], 0.0))
            if abs(sy - ty) >= 0.5:
                exit_y = s_top if ty < sy else s_bottom
                out.append(([(sx, exit_y), (sx, ty), (t_left, ty)], side))
                entry_y = t_top if sy < ty else t_bottom
                out.append(([(s_right, sy), (tx, sy), (tx, entry_y)], 0.0))
            first, last = self.gaps[cs + 1], self.gaps[ct]
            for y in channels:  # along a free channel between the rows
                out.append(([(s_right, sy), (first, sy), (first, y), (last, y), (last, ty),
                             (t_left, ty)], 2 * COST_BEND + away(y)))
                exit_y = s_top if y < sy else s_bottom
                out.append(([(sx, exit_y), (sx, y), (last, y), (last, ty), (t_left, ty)],
                            side + away(y)))
        else:  # a loop back (or a flow to the same or an earlier column)
            after, before = self.gaps[cs + 1], self.gaps[ct]
            for y in channels:
                if y > max(s_bottom, t_bottom):
                    out.append(([(sx, s_bottom), (sx, y), (tx, y), (tx, t_bottom)], away(y)))
                if y < min(s_top, t_top):
                    out.append(([(sx, s_top), (sx, y), (tx, y), (tx, t_top)], away(y)))
                out.append(([(s_right, sy), (after, sy), (after, y), (before, y), (before, ty),
                             (t_left, ty)], 2 * COST_BEND + away(y)))
        return [(_clean(points), extra) for points, extra in out]

    def _cost(self, points: list[Point], s: str, t: str, limit: float = math.inf) -> float:
        """What a route costs; stops counting once it costs more than ``limit``."""
        cost = COST_BEND * (len(points) - 2)
        segments = list(itertools.pairwise(points))
        for i, (p, q) in enumerate(segments):
            if cost > limit:
                break
            cost += (abs(p[0] - q[0]) + abs(p[1] - q[1])) / 1000
            for n, b in self.out.nodes.items():
                # the first and last segment touch their own node; no other segment may enter it
                if (n == s and i == 0) or (n == t and i == len(segments) - 1):
                    continue
                if _seg_hits(p, q, _box(b, 2.0)):
                    cost += COST_SHAPE
            for n, lb in self.out.labels.items():
                if _seg_hits(p, q, _box(lb)):
                    cost += COST_OWN_LABEL if n in (s, t) else COST_LABEL
            for other in self.placed:
                if _along((p, q), other):
                    cost += COST_ALONG
                elif _crossing((p, q), other):
                    cost += COST_CROSS
        return cost

    # ----------------------------------------------------------------------- labels

    def place_labels(self, bands: list[Bounds], lane_of: Mapping[str, int],
                     edge_names: Mapping[str, str]) -> None:
        """Labels of events and gateways, then of named flows, each where it is least in the way."""
        taken: list[Box] = []
        for n in list(self.out.labels):
            b = self.out.nodes[n]
            band = bands[lane_of[n]] if bands else None
            options = _node_label_options(b, self.by_id[n].label)
            self.out.labels[n] = min(options, key=lambda o: self._label_cost(o[0], band, taken) + o[1])[0]
            taken.append(_box(self.out.labels[n]))
        for flow_id, name in edge_names.items():
            points = self.out.edges[flow_id]
            options = _edge_label_options(points, name)
            if not options:
                continue
            label = min(options, key=lambda o: self._label_cost(o[0], None, taken) + o[1])[0]
            self.out.edge_labels[flow_id] = label
            taken.append(_box(label))

    def _label_cost(self, label: Bounds, band: Bounds | None, taken: list[Box]) -> float:
        box = _box(label)
        cost = 0.0
        for b in self.out.nodes.values():
            nb = _box(b, 2.0)
            if box[0] < nb[2] and nb[0] < box[2] and box[1] < nb[3] and nb[1] < box[3]:
                cost += COST_SHAPE
        for p, q in self.placed:
            if _seg_hits(p, q, box):
                cost += COST_LABEL
        for other in taken:
            if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
                cost += COST_ALONG
        if band is not None:
            x0, y0, x1, y1 = _box(band)
            if not (x0 <= box[0] and box[2] <= x1 and y0 <= box[1] and box[3] <= y1):
                cost += COST_SHAPE / 2
        return cost


def _node_label_options(b: Bounds, text: str) -> list[tuple[Bounds, float]]:
    """Centred below the node (preferred) or above it, then below or above it shifted aside."""
    w = NODE_LABEL[0]
    h = max(_wrapped(text, w - 6)[1], NODE_LABEL[1])
    cx = b.x + b.width / 2
    below, above = b.y + b.height + LABEL_GAP, b.y - LABEL_GAP - h
    return [
        (Bounds(cx - w / 2, below, w, h), 0.0),
        (Bounds(cx - w / 2, above, w, h), 1.0),
        (Bounds(cx + LABEL_GAP, below, w, h), 2.0),
        (Bounds(cx - LABEL_GAP - w, below, w, h), 2.5),
        (Bounds(cx + LABEL_GAP, above, w, h), 3.0),
        (Bounds(cx - LABEL_GAP - w, above, w, h), 3.5),
    ]


def _text_width(text: str) -> float:
    """Estimated width of ``text`` in bpmn.io's 11 px Arial, a little on the wide side."""
    width = 0.0
    for ch in text:
        for chars, w in _CHAR_WIDTHS:
            if ch in chars:
                width += w
                break
        else:
            width += CHAR_WIDTH if not ch.isupper() else 8.0
    return width * 1.04


def _wrapped(text: str, max_width: float) -> tuple[float, float]:
    """Estimated size of a label wrapped at spaces into lines of at most ``max_width`` (bpmn.io
    wraps an external label at the width of its DI bounds, cuts longer words, and fits the height
    to the text)."""
    space = _text_width(" ")
    lines: list[float] = []
    for word in text.split():
        w = _text_width(word)
        if lines and lines[-1] + space + w <= max_width:
            lines[-1] += space + w
            continue
        while w > max_width:  # a word longer than a line is cut
            lines.append(max_width)
            w -= max_width
        lines.append(w)
    width = min(max(max(lines, default=0.0) + 6, 20.0), max_width + 4)
    return width, LABEL_LINE * max(len(lines), 1) + 1


def _edge_label_options(points: list[Point], name: str) -> list[tuple[Bounds, float]]:
    """Beside the first two segments of a flow, near where it leaves its source; long names also
    wrapped into narrower boxes."""
    sizes = list(dict.fromkeys(_wrapped(name, m) for m in (94.0, 70.0, 46.0)))
    out: list[tuple[Bounds, float]] = []
    for i, (p, q) in enumerate(itertools.pairwise(points[:3])):
        for k, (width, height) in enumerate(sizes):
            rank = 2.0 * i + 0.3 * k
            if p[1] == q[1]:  # horizontal: above, then below, next to where it starts
                x = p[0] + LABEL_GAP if q[0] >= p[0] else p[0] - LABEL_GAP - width
                out.append((Bounds(x, p[1] - LABEL_GAP - height, width, height), rank))
                out.append((Bounds(x, p[1] + LABEL_GAP, width, height), rank + 0.5))
            else:  # vertical: right, then left, next to where it starts
                y = p[1] + LABEL_GAP if q[1] >= p[1] else p[1] - LABEL_GAP - height
                out.append((Bounds(p[0] + LABEL_GAP, y, width, height), rank + 0.2))
                out.append((Bounds(p[0] - LABEL_GAP - width, y, width, height), rank + 0.7))
    return out
