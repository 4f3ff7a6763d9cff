"""Text boxes of a map's SVG measured with the font actually used (DejaVu Sans via fontTools),
for tests that assert no label overlaps another."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from pathlib import Path

from lxml import etree

SVG = "{http://www.w3.org/2000/svg}"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
Box = tuple[float, float, float, float]


@lru_cache(maxsize=2)
def _metrics(bold: bool) -> tuple[dict[int, int], int, int]:
    from fontTools.ttLib import TTFont

    font = TTFont(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"))
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    widths = {code: hmtx[name][0] for code, name in cmap.items()}
    return widths, font["head"].unitsPerEm, hmtx["space"][0]


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Advance width of ``text`` in DejaVu Sans at ``size`` (same units as size)."""
    widths, em, fallback = _metrics(bold)
    return sum(widths.get(ord(c), fallback) for c in text) * size / em


_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)")
_ROTATE = re.compile(r"rotate\(\s*([-\d.e]+)")


def _offset(el: etree._Element) -> tuple[float, float] | None:
    """Sum of the ancestors' translations; None when an ancestor scales or rotates (graphviz's
    root group with scale 1 and rotate 0 is fine)."""
    dx = dy = 0.0
    node = el.getparent()
    while node is not None:
        transform = node.get("transform") or ""
        for x, y in _TRANSLATE.findall(transform):
            dx, dy = dx + float(x), dy + float(y)
        rotate = _ROTATE.search(transform)
        if rotate and float(rotate.group(1)) != 0:
            return None
        if "scale(" in transform and not re.search(r"scale\(\s*1(\.0*)?(\s+1(\.0*)?)?\s*\)",
                                                    transform):
            return None
        node = node.getparent()
    return dx, dy


def _size(el: etree._Element) -> float:
    node = el
    while node is not None:
        value = node.get("font-size")
        if value:
            return float(value.removesuffix("px").removesuffix("pt"))
        node = node.getparent()
    return 14.0


def _bold(el: etree._Element) -> bool:
    node = el
    while node is not None:
        if node.get("font-weight") in ("bold", "700"):
            return True
        node = node.getparent()
    return False


def text_boxes(svg: str) -> list[tuple[str, Box, etree._Element]]:
    """(text, box, element) of every visible line of text; box = x0, y0, x1, y1 (SVG y down),
    from the baseline up by 0.76 em and down by 0.18 em (caps, umlauts and descenders)."""
    root = etree.fromstring(svg.encode("utf-8"))
    out = []
    for text in root.iter(SVG + "text"):
        if text.get("transform") and "rotate" in text.get("transform", ""):
            continue  # rotated lane headers in the DI style sit in their own header column
        offset = _offset(text)
        if offset is None:
            continue
        lines = [(t, t) for t in text.iter(SVG + "tspan")] or [(text, text)]
        for holder, _ in lines:
            content = "".join(holder.itertext()) if holder is text else (holder.text or "")
            if not content.strip():
                continue
            x = float(holder.get("x") or text.get("x") or 0) + offset[0]
            y = float(holder.get("y") or text.get("y") or 0) + offset[1]
            size = _size(holder)
            width = text_width(content, size, _bold(holder))
            anchor = text.get("text-anchor", "start")
            x0 = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
            out.append((content, (x0, y - 0.76 * size, x0 + width, y + 0.18 * size), holder))
    return out


def overlaps(svg: str, tolerance: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of text lines whose boxes intersect by more than ``tolerance`` in both axes."""
    boxes = sorted(text_boxes(svg), key=lambda item: item[1][0])
    found = []
    for i, (text_a, a, _) in enumerate(boxes):
        for text_b, b, _ in boxes[i + 1:]:
            if b[0] >= a[2] - tolerance:
                break
            if min(a[2], b[2]) - max(a[0], b[0]) > tolerance and (
                    min(a[3], b[3]) - max(a[1], b[1]) > tolerance):
                found.append((text_a, text_b))
    return found


_NUM = re.compile(r"-?\d+(?:\.\d+)?")


def _path_polyline(d: str) -> list[tuple[float, float]]:
    """A graphviz edge path ("M x,y C x,y x,y x,y …") as a polyline (Bézier pieces sampled)."""
    values = [float(v) for v in _NUM.findall(d)]
    pts = list(zip(values[0::2], values[1::2], strict=False))
    out = pts[:1]
    for i in range(0, len(pts) - 3, 3):
        p0, p1, p2, p3 = pts[i:i + 4]
        for step in range(1, 9):
            t = step / 8
            u = 1 - t
            out.append((u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0]
                        + t ** 3 * p3[0],
                        u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1]
                        + t ** 3 * p3[1]))
    return out


def _shape_box(group: etree._Element) -> Box | None:
    for shape in group:
        tag = shape.tag.rpartition("}")[2] if isinstance(shape.tag, str) else ""
        if tag == "ellipse":
            cx, cy = float(shape.get("cx")), float(shape.get("cy"))
            rx, ry = float(shape.get("rx")), float(shape.get("ry"))
            return cx - rx, cy - ry, cx + rx, cy + ry
        if tag in ("polygon", "path"):
            values = [float(v) for v in _NUM.findall(shape.get("points") or shape.get("d") or "")]
            xs, ys = values[0::2], values[1::2]
            if xs and ys:
                return min(xs), min(ys), max(xs), max(ys)
    return None


def _hits(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Whether the segment a–b passes through the box (sampled)."""
    for step in range(11):
        t = step / 10
        x, y = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        if box[0] < x < box[2] and box[1] < y < box[3]:
            return True
    return False


def message_crossings(svg: str) -> int:
    """How many (message flow, node) pairs cross: a message flow running through an activity,
    event or gateway other than its own ends."""
    root = etree.fromstring(svg.encode("utf-8"))
    nodes = []
    for g in root.iter(SVG + "g"):
        classes = (g.get("class") or "").split()
        if "node" in classes and {"bpmn-activity", "bpmn-event", "bpmn-gateway"} & set(classes):
            box = _shape_box(g)
            if box is not None:
                nodes.append((box[0] + 2, box[1] + 2, box[2] - 2, box[3] - 2))
    count = 0
    for g in root.iter(SVG + "g"):
        if "bpmn-messageFlow" not in (g.get("class") or "").split():
            continue
        path = g.find(SVG + "path")
        if path is None:
            continue
        line = _path_polyline(path.get("d", ""))
        ends = [line[0], line[-1]]
        for box in nodes:
            near = any(box[0] - 14 < x < box[2] + 14 and box[1] - 14 < y < box[3] + 14
                       for x, y in ends)
            if not near and any(_hits(p, q, box) for p, q in itertools.pairwise(line)):
                count += 1
    return count
