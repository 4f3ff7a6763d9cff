"""BPMN markers as SVG paths for the DI drawing (task types, event definitions, gateways).

Every function returns SVG markup (a string) for a marker placed at the given point; shapes
follow the BPMN 2.0 specification's pictures, simplified so they stay legible when small.
"""

from __future__ import annotations

import math

INK = "#212121"


def n(value: float) -> str:
    """A compact, deterministic number for SVG attributes."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _path(d: str, *, fill: str = "none", stroke: str = INK, width: float = 1.2,
          extra: str = "") -> str:
    return (f'<path d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{n(width)}"'
            f' stroke-linejoin="round"{extra}/>')


def _poly(points: list[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{n(x)},{n(y)}" for x, y in points) + " Z"


# --------------------------------------------------------------------------- task markers


def task_marker(kind: str, x: float, y: float) -> str:
    """Marker for a task type in the top-left corner at (x, y), about 16 px."""
    if kind == "userTask":
        return (f'<circle cx="{n(x + 8)}" cy="{n(y + 5)}" r="3.6" fill="#ffffff" stroke="{INK}"'
                ' stroke-width="1.2"/>'
                + _path(f"M{n(x + 1)},{n(y + 16)} C{n(x + 1)},{n(y + 9)} {n(x + 15)},{n(y + 9)} "
                        f"{n(x + 15)},{n(y + 16)} Z", fill="#ffffff"))
    if kind == "manualTask":
        d = (f"M{n(x + 1)},{n(y + 9)} L{n(x + 1)},{n(y + 14)} Q{n(x + 1)},{n(y + 16)} "
             f"{n(x + 4)},{n(y + 16)} L{n(x + 12)},{n(y + 16)} L{n(x + 12)},{n(y + 13)} "
             f"L{n(x + 8)},{n(y + 13)} M{n(x + 12)},{n(y + 13)} L{n(x + 14)},{n(y + 13)} "
             f"L{n(x + 14)},{n(y + 10)} L{n(x + 8)},{n(y + 10)} M{n(x + 14)},{n(y + 10)} "
             f"L{n(x + 16)},{n(y + 10)} L{n(x + 16)},{n(y + 7)} L{n(x + 6)},{n(y + 7)} "
             f"L{n(x + 9)},{n(y + 4)} L{n(x + 7)},{n(y + 3)} L{n(x + 1)},{n(y + 9)}")
        return _path(d, width=1)
    if kind == "serviceTask":
        return gear(x + 8, y + 8, 7.5)
    if kind in ("sendTask", "receiveTask"):
        return envelope(x + 9, y + 8, 16, 11, filled=kind == "sendTask")
    if kind == "scriptTask":
        d = (f"M{n(x + 4)},{n(y + 1)} L{n(x + 15)},{n(y + 1)} Q{n(x + 11)},{n(y + 5)} "
             f"{n(x + 14)},{n(y + 9)} Q{n(x + 17)},{n(y + 13)} {n(x + 13)},{n(y + 16)} "
             f"L{n(x + 2)},{n(y + 16)} Q{n(x + 6)},{n(y + 13)} {n(x + 3)},{n(y + 9)} "
             f"Q{n(x)},{n(y + 5)} {n(x + 4)},{n(y + 1)} Z")
        lines = "".join(f"M{n(x + 5)},{n(y + k)} L{n(x + 12)},{n(y + k)} " for k in (5, 9, 13))
        return _path(d, fill="#ffffff", width=1) + _path(lines, width=0.9)
    if kind == "businessRuleTask":
        return (f'<rect x="{n(x)}" y="{n(y + 2)}" width="17" height="13" fill="#ffffff" '
                f'stroke="{INK}" stroke-width="1"/>'
                f'<rect x="{n(x)}" y="{n(y + 2)}" width="17" height="4" fill="{INK}"/>'
                + _path(f"M{n(x)},{n(y + 10)} L{n(x + 17)},{n(y + 10)} M{n(x + 5)},{n(y + 6)} "
                        f"L{n(x + 5)},{n(y + 15)}", width=1))
    return ""


def gear(cx: float, cy: float, r: float) -> str:
    points = []
    for i in range(16):
        angle = math.pi * 2 * i / 16
        radius = r if i % 2 == 0 else r * 0.72
        for delta in (-0.09, 0.09):
            points.append((cx + radius * math.cos(angle + delta),
                           cy + radius * math.sin(angle + delta)))
    return (_path(_poly(points), fill="#ffffff", width=1)
            + f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(r * 0.32)}" fill="#ffffff" '
              f'stroke="{INK}" stroke-width="1"/>')


def envelope(cx: float, cy: float, w: float, h: float, *, filled: bool) -> str:
    x, y = cx - w / 2, cy - h / 2
    fill, line = (INK, "#ffffff") if filled else ("#ffffff", INK)
    return (f'<rect x="{n(x)}" y="{n(y)}" width="{n(w)}" height="{n(h)}" fill="{fill}" '
            f'stroke="{INK}" stroke-width="1"/>'
            + _path(f"M{n(x)},{n(y)} L{n(cx)},{n(y + h * 0.55)} L{n(x + w)},{n(y)}",
                    stroke=line, width=1))


# --------------------------------------------------------------------------- activity footer


def loop_marker(kind: str, cx: float, bottom: float) -> str:
    """Loop (standard) or multi-instance (parallel/sequential) marker centred at cx."""
    y = bottom - 13
    if kind == "standard":
        return _path(f"M{n(cx - 4)},{n(y + 10)} A5,5 0 1,1 {n(cx + 4)},{n(y + 10)} "
                     f"M{n(cx - 4)},{n(y + 10)} l-1,-4 M{n(cx - 4)},{n(y + 10)} l4,-1", width=1.3)
    if kind == "parallel":
        return _path("".join(f"M{n(cx + dx)},{n(y)} L{n(cx + dx)},{n(y + 11)} "
                             for dx in (-4, 0, 4)), width=1.6)
    if kind == "sequential":
        return _path("".join(f"M{n(cx - 5)},{n(y + dy)} L{n(cx + 5)},{n(y + dy)} "
                             for dy in (1, 5.5, 10)), width=1.6)
    return ""


def collapsed_marker(cx: float, bottom: float) -> str:
    """The [+] marker of a collapsed sub-process."""
    x, y = cx - 7, bottom - 16
    return (f'<rect x="{n(x)}" y="{n(y)}" width="14" height="14" fill="#ffffff" '
            f'stroke="{INK}" stroke-width="1.1"/>'
            + _path(f"M{n(cx)},{n(y + 3)} L{n(cx)},{n(y + 11)} M{n(x + 3)},{n(y + 7)} "
                    f"L{n(x + 11)},{n(y + 7)}", width=1.4))


def adhoc_marker(cx: float, bottom: float) -> str:
    y = bottom - 9
    return _path(f"M{n(cx - 7)},{n(y + 2)} Q{n(cx - 3.5)},{n(y - 3)} {n(cx)},{n(y + 2)} "
                 f"T{n(cx + 7)},{n(y + 2)}", width=1.4)


# --------------------------------------------------------------------------- events


def event_marker(kind: str, cx: float, cy: float, r: float, *, filled: bool) -> str:
    """Marker of an event definition inside a circle of radius r."""
    fill = INK if filled else "#ffffff"
    s = r / 18
    if kind == "message":
        return envelope(cx, cy, 20 * s, 14 * s, filled=filled)
    if kind == "timer":
        ticks = "".join(
            f"M{n(cx + 9.5 * s * math.cos(a))},{n(cy + 9.5 * s * math.sin(a))} "
            f"L{n(cx + 11.5 * s * math.cos(a))},{n(cy + 11.5 * s * math.sin(a))} "
            for a in (math.pi * k / 6 for k in range(12)))
        return (f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(12 * s)}" fill="#ffffff" '
                f'stroke="{INK}" stroke-width="1.3"/>'
                + _path(ticks, width=1)
                + _path(f"M{n(cx)},{n(cy)} L{n(cx + 1 * s)},{n(cy - 8 * s)} M{n(cx)},{n(cy)} "
                        f"L{n(cx + 6 * s)},{n(cy + 2 * s)}", width=1.3))
    if kind == "error":
        pts = [(-9, 9), (-4, -8), (1, 2), (8, -10), (4, 9), (-1, -1)]
        return _path(_poly([(cx + x * s, cy + y * s) for x, y in pts]), fill=fill)
    if kind == "escalation":
        pts = [(0, -10), (7, 9), (0, 2), (-7, 9)]
        return _path(_poly([(cx + x * s, cy + y * s) for x, y in pts]), fill=fill)
    if kind == "cancel":
        pts = [(-8, -5), (-5, -8), (0, -3), (5, -8), (8, -5), (3, 0), (8, 5), (5, 8), (0, 3),
               (-5, 8), (-8, 5), (-3, 0)]
        return _path(_poly([(cx + x * s, cy + y * s) for x, y in pts]), fill=fill)
    if kind == "compensate":
        left = [(-11, 0), (-1, -7), (-1, 7)]
        right = [(-1, 0), (9, -7), (9, 7)]
        return (_path(_poly([(cx + x * s, cy + y * s) for x, y in left]), fill=fill)
                + _path(_poly([(cx + x * s, cy + y * s) for x, y in right]), fill=fill))
    if kind == "conditional":
        x0, y0, w, h = cx - 7 * s, cy - 9 * s, 14 * s, 18 * s
        lines = "".join(f"M{n(x0 + 2.5 * s)},{n(y0 + k * s)} L{n(x0 + w - 2.5 * s)},"
                        f"{n(y0 + k * s)} " for k in (4, 8, 12, 15))
        return (f'<rect x="{n(x0)}" y="{n(y0)}" width="{n(w)}" height="{n(h)}" fill="#ffffff" '
                f'stroke="{INK}" stroke-width="1.2"/>' + _path(lines, width=1))
    if kind == "link":
        pts = [(-9, -4), (1, -4), (1, -9), (10, 0), (1, 9), (1, 4), (-9, 4)]
        return _path(_poly([(cx + x * s, cy + y * s) for x, y in pts]), fill=fill)
    if kind == "signal":
        pts = [(0, -11), (10, 7), (-10, 7)]
        return _path(_poly([(cx + x * s, cy + y * s) for x, y in pts]), fill=fill)
    if kind == "terminate":
        return f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(r * 0.6)}" fill="{INK}"/>'
    if kind == "multiple":
        return _path(_poly(_pentagon(cx, cy, 10 * s)), fill=fill)
    if kind == "parallelMultiple":
        return _path(f"M{n(cx - 9 * s)},{n(cy)} L{n(cx + 9 * s)},{n(cy)} M{n(cx)},"
                     f"{n(cy - 9 * s)} L{n(cx)},{n(cy + 9 * s)}", width=3 * s + 1)
    return ""


def _pentagon(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    return [(cx + r * math.sin(2 * math.pi * k / 5), cy - r * math.cos(2 * math.pi * k / 5))
            for k in range(5)]


# --------------------------------------------------------------------------- gateways


def gateway_marker(kind: str, cx: float, cy: float, size: float, *,
                   exclusive_visible: bool = True) -> str:
    """Marker inside a gateway diamond whose bounding box has the given size."""
    s = size / 50
    if kind == "exclusive":
        if not exclusive_visible:
            return ""
        return _path(f"M{n(cx - 8 * s)},{n(cy - 8 * s)} L{n(cx + 8 * s)},{n(cy + 8 * s)} "
                     f"M{n(cx + 8 * s)},{n(cy - 8 * s)} L{n(cx - 8 * s)},{n(cy + 8 * s)}",
                     width=4.5 * s)
    if kind == "parallel":
        return _path(f"M{n(cx)},{n(cy - 11 * s)} L{n(cx)},{n(cy + 11 * s)} "
                     f"M{n(cx - 11 * s)},{n(cy)} L{n(cx + 11 * s)},{n(cy)}", width=4.5 * s)
    if kind == "inclusive":
        return (f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(10 * s)}" fill="none" '
                f'stroke="{INK}" stroke-width="{n(3 * s)}"/>')
    if kind == "eventBased":
        return (f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(11.5 * s)}" fill="none" '
                f'stroke="{INK}" stroke-width="1"/>'
                f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(9.5 * s)}" fill="none" '
                f'stroke="{INK}" stroke-width="1"/>'
                + _path(_poly(_pentagon(cx, cy + 0.5 * s, 6.5 * s)), width=1.2))
    if kind == "complex":
        d = "".join(
            f"M{n(cx + 11 * s * math.cos(a))},{n(cy + 11 * s * math.sin(a))} "
            f"L{n(cx - 11 * s * math.cos(a))},{n(cy - 11 * s * math.sin(a))} "
            for a in (0, math.pi / 4, math.pi / 2, 3 * math.pi / 4))
        return _path(d, width=3.5 * s)
    return ""


# --------------------------------------------------------------------------- badges


def badge(cx: float, cy: float, kind: str) -> str:
    """Highlight badges in an activity's top-right corner: waste (✖) or automatable (gear)."""
    if kind == "verschwendung":
        return (f'<circle cx="{n(cx)}" cy="{n(cy)}" r="7" fill="#b71c1c"/>'
                + _path(f"M{n(cx - 3)},{n(cy - 3)} L{n(cx + 3)},{n(cy + 3)} M{n(cx + 3)},"
                        f"{n(cy - 3)} L{n(cx - 3)},{n(cy + 3)}", stroke="#ffffff", width=1.8))
    if kind == "automatisierbar":
        return (f'<circle cx="{n(cx)}" cy="{n(cy)}" r="7.5" fill="#1565c0"/>'
                + gear(cx, cy, 5.2).replace(f'stroke="{INK}"', 'stroke="#1565c0"'))
    if kind == "neu":
        return (f'<rect x="{n(cx - 12)}" y="{n(cy - 7)}" width="24" height="14" rx="3" '
                f'fill="#2e7d32"/><text x="{n(cx)}" y="{n(cy + 4)}" font-size="9" '
                f'font-weight="bold" text-anchor="middle" fill="#ffffff">neu</text>')
    return ""
