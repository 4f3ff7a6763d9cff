"""Flows that would run through a node take a detour (second layout pass, auto style).

A flow between two pinned nodes is first drawn as a curve (:mod:`workbench.maps.restack`).
When that curve passes through another activity, event or gateway — whose name it would hide —
it is replaced by an orthogonal route: out of the source, up or down to a free horizontal
corridor, along it, and into the target. The corridor is the one nearest to the direct line
whose whole route touches no node; if none is free, the curve stays.
"""

from __future__ import annotations

import itertools

from .badges import spline_points
from .placement import sample_route
from .plane import Box, Point, grow

CLEARANCE = 10.0  # pt between a corridor and the nodes it passes
STUB = 9.0  # pt a route runs straight out of its source before turning


def crossings(pos: str, obstacles: list[Box]) -> int:
    """How many of the ``obstacles`` the route (graphviz ``pos``) runs through (only those
    within the route's extent are looked at: a map has hundreds of nodes, a route passes few)."""
    points = sample_route(spline_points(pos))
    if not points:
        return 0
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    near = [b for b in obstacles if b[0] < x1 and b[2] > x0 and b[1] < y1 and b[3] > y0]
    return sum(1 for box in near
               if any(box[0] < x < box[2] and box[1] < y < box[3] for x, y in points))


def straight(corners: list[Point], end: Point) -> str:
    """A graphviz ``pos`` spline of straight pieces through ``corners``, arrow at ``end``."""
    corners = [c for i, c in enumerate(corners) if i == 0 or c != corners[i - 1]]
    points = [corners[0]]
    for p, q in itertools.pairwise(corners):
        points += [(p[0] + (q[0] - p[0]) / 3, p[1] + (q[1] - p[1]) / 3),
                   (p[0] + 2 * (q[0] - p[0]) / 3, p[1] + 2 * (q[1] - p[1]) / 3), q]
    return f"e,{end[0]:.2f},{end[1]:.2f} " + " ".join(f"{x:.2f},{y:.2f}" for x, y in points)


def detour(a: Box, b: Box, pos: str, obstacles: list[Box], arrowsize: float = 0.8,
           limits: tuple[float, float] | None = None) -> tuple[str, Point] | None:
    """A route from box ``a`` to box ``b`` that runs through none of the ``obstacles`` (the
    other nodes), or None when ``pos`` already runs free or no corridor is free.
    ``limits`` (y0, y1) keeps the corridor inside the pool. Returns (pos, label point)."""
    inner = [grow(o, -2.0) for o in obstacles]
    if crossings(pos, inner) == 0:
        return None
    arrow = 10.0 * arrowsize
    ay, by = (a[1] + a[3]) / 2, (b[1] + b[3]) / 2
    forward = b[0] > a[2] + 2 * STUB + arrow
    x_low, x_high = min(a[0], b[0]), max(a[2], b[2])
    near = [o for o in obstacles if o[0] < x_high and o[2] > x_low]
    levels = {a[3] + CLEARANCE, a[1] - CLEARANCE, b[3] + CLEARANCE, b[1] - CLEARANCE}
    levels |= {o[3] + CLEARANCE for o in near} | {o[1] - CLEARANCE for o in near}
    if limits is not None:
        levels = {y for y in levels if limits[0] + 3 < y < limits[1] - 3}
    middle = (ay + by) / 2
    for y in sorted(levels, key=lambda level: (abs(level - middle), level)):
        if forward:  # out of a's right side, along the corridor, into b's left side
            x1, x2 = a[2] + STUB, b[0] - STUB - arrow
            end = (b[0], by)
            corners = [(a[2], ay), (x1, ay), (x1, y), (x2, y), (x2, by), (b[0] - arrow, by)]
            route = straight(corners, end)
            if crossings(route, inner) == 0:
                return route, ((corners[2][0] + corners[3][0]) / 2, y)
            continue
        # backwards or stacked: out of the top or bottom, into the top or bottom — at the
        # centres, or where the other box lies (straight down a wide sub-process frame)
        up_a, up_b = y > ay, y > by
        for ax, bx in _columns(a, b):
            start = (ax, a[3] if up_a else a[1])
            end = (bx, b[3] if up_b else b[1])
            stop = (bx, end[1] + arrow if up_b else end[1] - arrow)
            if (y - start[1]) * (1 if up_a else -1) < 0 or (y - stop[1]) * (
                    1 if up_b else -1) < 0:
                continue
            corners = [start, (ax, y), (bx, y), stop]
            route = straight(corners, end)
            if crossings(route, inner) == 0:
                return route, ((ax + bx) / 2, y)
    return None


def _columns(a: Box, b: Box) -> list[tuple[float, float]]:
    """(x out of ``a``, x into ``b``) for a route leaving and entering vertically: the centres
    first, then straight across where the boxes overlap in x."""
    ax, bx = (a[0] + a[2]) / 2, (b[0] + b[2]) / 2
    pairs = [(ax, bx)]
    low, high = max(a[0], b[0]) + 6, min(a[2], b[2]) - 6
    if low <= high:
        x = min(max(bx, low), high)
        pairs.append((x, x))
        x = min(max(ax, low), high)
        pairs.append((x, x))
    return list(dict.fromkeys(pairs))
