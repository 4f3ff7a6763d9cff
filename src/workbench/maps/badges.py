"""Numbered Medienbruch badges on the flows of a graphviz map.

A Medienbruch is not written on its flow (a long red label hid the flow's own text, e.g. a
decision's "ja (75 %)", and was cut); the flow gets a small red circle with a number, and the
legend lists number → reason in full. The badge is a node pinned on the flow's route in the
second layout pass (:mod:`workbench.maps.restack`), so SVG, PNG and PDF show it alike.
"""

from __future__ import annotations

from . import shapes as sh

RADIUS = 7.5  # pt


def point_on(points: list[tuple[float, float]], share: float) -> tuple[float, float]:
    """A point at ``share`` (0–1) of a cubic Bézier chain (M p0 C p1 p2 p3 C …)."""
    if len(points) < 4:
        return points[len(points) // 2] if points else (0.0, 0.0)
    segments = (len(points) - 1) // 3
    position = min(max(share, 0.0), 1.0) * segments
    index = min(int(position), segments - 1)
    t = position - index
    p0, p1, p2, p3 = points[3 * index: 3 * index + 4]
    u = 1 - t
    x = u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t ** 3 * p3[0]
    y = u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t ** 3 * p3[1]
    return x, y


def spline_points(pos: str) -> list[tuple[float, float]]:
    """The Bézier points of a graphviz ``pos`` spline ("e,x,y x,y x,y …"; end markers left
    out)."""
    points = []
    for part in pos.split():
        if part[:2] in ("e,", "s,"):
            continue
        x, y = part.split(",")[:2]
        points.append((float(x), float(y)))
    return points


def badge_line(name: str, at: str, number: int) -> str:
    """A pinned graphviz node at ``at`` ("x,y"): the numbered red circle."""
    return (f'{name} [pos="{at}!" id="{name}" shape=circle fixedsize=true '
            f'width={2 * RADIUS / 72:.3f} style=filled fillcolor="{sh.MEDIENBRUCH}" '
            f'color="#ffffff" penwidth=1.5 label=<<FONT COLOR="#ffffff" POINT-SIZE="9">'
            f"<B>{number}</B></FONT>>]")
