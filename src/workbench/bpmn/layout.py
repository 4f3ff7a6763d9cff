"""Automatic layout for generated models: lanes as horizontal bands, flow left to right.

A layered layout: back edges (loops) are found by depth-first search and set aside, the rest is
layered by longest path; a node's lane is its row band, nodes sharing a column and lane stack
inside the band. Edges are routed orthogonally; loops run back below their nodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import Bounds

SIZES = {"activity": (100.0, 80.0), "event": (36.0, 36.0), "gateway": (50.0, 50.0)}
COLUMN_WIDTH = 150.0
ROW_HEIGHT = 120.0
POOL_HEADER = 30.0
LANE_HEADER = 30.0
MARGIN = 40.0
LOOP_CLEARANCE = 8.0  # distance of a loop's return line from the bottom of its row
ORIGIN = (160.0, 80.0)


@dataclass(frozen=True, slots=True)
class LayoutNode:
    id: str
    kind: str  # activity | event | gateway
    lane: int


@dataclass(slots=True)
class Layout:
    """Positions of everything a BPMN DI needs."""

    nodes: dict[str, Bounds] = field(default_factory=dict)
    labels: dict[str, Bounds] = field(default_factory=dict)
    lanes: list[Bounds] = field(default_factory=list)
    pool: Bounds | None = None
    edges: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


def _back_edges(order: list[str], succ: dict[str, list[str]], starts: list[str]) -> set[tuple[str, str]]:
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}
    for root in starts + order:
        if root in state:
            continue
        stack = [(root, iter(succ.get(root, [])))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(succ.get(nxt, []))))
    return back


def compute_layout(
    nodes: Sequence[LayoutNode],
    edges: Sequence[tuple[str, str, str]],
    lane_count: int,
) -> Layout:
    """Lay out nodes (with lane indexes) and edges ``(flow_id, source, target)``."""
    order = [n.id for n in nodes]
    by_id = {n.id: n for n in nodes}
    succ: dict[str, list[str]] = {n: [] for n in order}
    for _, s, t in edges:
        if s in succ and t in by_id:
            succ[s].append(t)
    has_pred = {t for _, _, t in edges}
    starts = [n for n in order if n not in has_pred]
    back = _back_edges(order, succ, starts)

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
        if node.kind != "activity":
            out.labels[n] = Bounds(cx - 50, cy + h / 2 + 4, 100, 27)

    # loops run back along the bottom of the lower node's row: inside its lane band and the pool
    row_bottom = {
        n: lane_tops[by_id[n].lane] + (slot[n] + 1) * ROW_HEIGHT - LOOP_CLEARANCE for n in order
    }
    for flow_id, s, t in edges:
        if s in out.nodes and t in out.nodes:
            out.edges[flow_id] = _route(out.nodes[s], out.nodes[t], by_id[s].kind, (s, t) in back,
                                        max(row_bottom[s], row_bottom[t]))
    return out


def _route(src: Bounds, tgt: Bounds, src_kind: str, is_back: bool,
           below: float) -> list[tuple[float, float]]:
    (sx, sy), (tx, ty) = src.center, tgt.center
    if is_back or tx <= sx:
        return [(sx, src.y + src.height), (sx, below), (tx, below), (tx, tgt.y + tgt.height)]
    if abs(sy - ty) < 0.5:
        return [(src.x + src.width, sy), (tgt.x, ty)]
    if src_kind == "gateway":
        exit_y = src.y if ty < sy else src.y + src.height
        return [(sx, exit_y), (sx, ty), (tgt.x, ty)]
    mid = (src.x + src.width + tgt.x) / 2
    return [(src.x + src.width, sy), (mid, sy), (mid, ty), (tgt.x, ty)]
