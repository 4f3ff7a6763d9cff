"""Plane geometry the map drawings share: boxes, segments and SVG paths.

A box is ``(x0, y0, x1, y1)`` with ``x0 <= x1`` and ``y0 <= y1``; whether y grows up
(graphviz) or down (SVG) does not matter to anything here.
"""

from __future__ import annotations

import re

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Point = tuple[float, float]

_NUM = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_CMD = re.compile(r"([MLCZmlcz])([^MLCZmlcz]*)")


def grow(box: Box, by: float) -> Box:
    """The box widened by ``by`` on every side (narrowed when ``by`` is negative)."""
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def overlap_area(a: Box, b: Box) -> float:
    """The area two boxes share (0 when they only touch or are apart)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def meets(a: Box, b: Box) -> bool:
    """Whether the open boxes overlap."""
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def straddles(box: Box, frame: Box) -> bool:
    """Whether a frame's outline runs through the box (partly inside, partly outside)."""
    inside = (frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1]
              and box[3] <= frame[3])
    return not inside and overlap_area(box, frame) > 0


def segment_crosses(a: Point, b: Point, box: Box) -> bool:
    """Whether the segment a–b passes through the open box (Liang–Barsky clipping)."""
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


def svg_path_points(d: str) -> list[Point]:
    """An SVG path of absolute M, L and C pieces (as graphviz writes edges) as a polyline;
    each cubic piece sampled at 8 points."""
    out: list[Point] = []
    for cmd, args in _CMD.findall(d):
        values = [float(v) for v in _NUM.findall(args)]
        pts = list(zip(values[0::2], values[1::2], strict=False))
        if cmd in "ML":
            out += pts
        elif cmd == "C" and out:
            for i in range(0, len(pts) - 2, 3):
                p0, (p1, p2, p3) = out[-1], pts[i:i + 3]
                for step in range(1, 9):
                    t = step / 8
                    u = 1 - t
                    out.append((u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0]
                                + t ** 3 * p3[0],
                                u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1]
                                + t ** 3 * p3[1]))
    return out
