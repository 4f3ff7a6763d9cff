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


# --------------------------------------------------------------------------- collisions

_CMD = re.compile(r"([MLCZmlcz])([^MLCZmlczAa]*)")
NODE_CLASSES = {"bpmn-activity", "bpmn-event", "bpmn-gateway", "bpmn-artifact",
                "bpmn-dataObjectReference", "bpmn-dataStoreReference", "bpmn-textAnnotation"}
FLOW_CLASSES = {"bpmn-sequenceFlow", "bpmn-messageFlow", "bpmn-association",
                "bpmn-dataInputAssociation", "bpmn-dataOutputAssociation", "medienbruch"}


def path_polyline(d: str) -> list[tuple[float, float]]:
    """An SVG path of M, L and C pieces (absolute, as graphviz and the DI drawing write them)
    as a polyline; cubic pieces sampled at 8 points."""
    out: list[tuple[float, float]] = []
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


def _owner(el: etree._Element) -> etree._Element | None:
    """The nearest group that stands for one BPMN element (or a graphviz node/edge)."""
    node = el
    while node is not None:
        if node.tag == SVG + "g" and (node.get("data-bpmn-id") or "node" in (
                node.get("class") or "").split() or "edge" in (node.get("class") or "").split()):
            return node
        node = node.getparent()
    return None


def _is_badge(el: etree._Element) -> bool:
    node = el
    while node is not None:
        if "medienbruch-etikett" in (node.get("class") or "").split():
            return True
        node = node.getparent()
    return False


def _shape_box_any(group: etree._Element) -> Box | None:
    """Bounding box of a node group's outline (first rect, circle, ellipse, polygon or path)."""
    offset = _offset(group[0]) if len(group) else (0.0, 0.0)
    dx, dy = offset or (0.0, 0.0)
    for shape in group:
        tag = shape.tag.rpartition("}")[2] if isinstance(shape.tag, str) else ""
        box: Box | None = None
        if tag == "rect":
            x, y = float(shape.get("x", 0)), float(shape.get("y", 0))
            box = (x, y, x + float(shape.get("width")), y + float(shape.get("height")))
        elif tag in ("circle", "ellipse"):
            cx, cy = float(shape.get("cx")), float(shape.get("cy"))
            rx = float(shape.get("r") or shape.get("rx"))
            ry = float(shape.get("r") or shape.get("ry"))
            box = (cx - rx, cy - ry, cx + rx, cy + ry)
        elif tag in ("polygon", "polyline", "path"):
            if tag == "path":
                pts = path_points(shape.get("d") or "")
            else:
                values = [float(v) for v in _NUM.findall(shape.get("points") or "")]
                pts = list(zip(values[0::2], values[1::2], strict=False))
            if pts:
                box = (min(p[0] for p in pts), min(p[1] for p in pts),
                       max(p[0] for p in pts), max(p[1] for p in pts))
        if box is not None:
            return box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy
    return None


_ALL_CMDS = re.compile(r"([MLHVCSQTAZmlhvcsqtaz])([^MLHVCSQTAZmlhvcsqtaz]*)")
_ARITY = {"M": 2, "L": 2, "T": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "A": 7, "Z": 0}


def path_points(d: str) -> list[tuple[float, float]]:
    """The end points and control points of an absolute SVG path (M, L, H, V, C, S, Q, T, A, Z):
    an arc contributes its end point only, not its radii and flags (a data store's outline)."""
    out: list[tuple[float, float]] = []
    x = y = 0.0
    for cmd, args in _ALL_CMDS.findall(d):
        upper = cmd.upper()
        values = [float(v) for v in _NUM.findall(args)]
        arity = _ARITY[upper]
        if not arity:
            continue
        for i in range(0, len(values) - arity + 1, arity):
            chunk = values[i:i + arity]
            if upper == "H":
                x = chunk[0]
            elif upper == "V":
                y = chunk[0]
            elif upper == "A":
                x, y = chunk[5], chunk[6]
            else:
                out += list(zip(chunk[0:-2:2], chunk[1:-2:2], strict=False))
                x, y = chunk[-2], chunk[-1]
            out.append((x, y))
    return out


def _inside(inner: Box, outer: Box) -> bool:
    return (outer[0] <= inner[0] + 1 and outer[1] <= inner[1] + 1 and inner[2] <= outer[2] + 1
            and inner[3] <= outer[3] + 1)


def _shrink(box: Box, by: float) -> Box:
    return box[0] + by, box[1] + by, box[2] - by, box[3] - by


def _segment_hits(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Whether segment a–b passes through the open box (Liang–Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - box[0]), (dx, box[2] - a[0]), (-dy, a[1] - box[1]),
                 (dy, box[3] - a[1])):
        if p == 0:
            if q <= 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 >= t1:
                return False
    return True


def collisions(svg: str, tolerance: float = 2.0) -> dict[str, list[tuple[str, str]]]:
    """Everything that hides text on a map, by kind:

    - ``text``: two text lines whose boxes intersect (more than ``tolerance`` in both axes);
    - ``edge``: a flow (sequence, message, association) whose path runs through a text line
      (its box shrunk by ``tolerance``);
    - ``node``: a text line lying over an activity, event, gateway or artifact it does not
      belong to (a container such as an expanded sub-process does not count);
    - ``frame``: a text line cut by the outline of a container (expanded sub-process, pool,
      lane) — partly inside, partly outside.

    A Medienbruch badge sits on its flow by design: it is not checked against flows.

    Values are (text, what it collides with) pairs, for readable failure messages."""
    root = etree.fromstring(svg.encode("utf-8"))
    texts = text_boxes(svg)
    nodes: list[tuple[etree._Element, str, Box]] = []
    edges: list[tuple[etree._Element, str, list[tuple[float, float]]]] = []
    for g in root.iter(SVG + "g"):
        classes = set((g.get("class") or "").split())
        if "cluster" in classes:
            continue
        if classes & NODE_CLASSES:
            box = _shape_box_any(g)
            if box is not None:
                nodes.append((g, g.get("data-bpmn-id") or "", box))
        elif classes & FLOW_CLASSES:
            path = g.find(SVG + "path")
            if path is not None:
                offset = _offset(path) or (0.0, 0.0)
                line = [(x + offset[0], y + offset[1]) for x, y in path_polyline(path.get("d", ""))]
                edges.append((g, g.get("data-bpmn-id") or "", line))
    containers = {id(g) for g, _, box in nodes
                  if any(other is not g and _inside(b, box) for other, _, b in nodes)}
    frames = [(g.get("data-bpmn-id") or "", box) for g, _, box in nodes if id(g) in containers]
    for g in root.iter(SVG + "g"):
        classes = set((g.get("class") or "").split())
        if classes & {"bpmn-pool", "bpmn-lane", "bpmn-subprocess"}:
            box = _shape_box_any(g)
            if box is not None:
                frames.append((g.get("data-bpmn-id") or "", box))
    nodes = [n for n in nodes if id(n[0]) not in containers]
    found: dict[str, list[tuple[str, str]]] = {
        "text": overlaps(svg, tolerance), "edge": [], "node": [], "frame": []}
    for text, box, holder in texts:
        owner = _owner(holder)
        inner = _shrink(box, tolerance)
        if inner[0] >= inner[2] or inner[1] >= inner[3]:
            continue
        for bpmn_id, frame in frames:
            if _overlap_area(inner, frame) > 0 and not _inside(inner, frame):
                found["frame"].append((text, "Rahmen " + bpmn_id))
        if _is_badge(holder):
            continue
        for g, bpmn_id, line in edges:
            if any(_segment_hits(p, q, inner) for p, q in itertools.pairwise(line)):
                found["edge"].append((text, "Fluss " + (bpmn_id or g.get("id", ""))))
        for g, bpmn_id, node_box in nodes:
            if g is owner or (owner is not None and bpmn_id and
                              owner.get("data-bpmn-id") == bpmn_id):
                continue
            if _overlap_area(inner, _shrink(node_box, tolerance)) > 0:
                found["node"].append((text, "Element " + (bpmn_id or g.get("id", ""))))
    return found


def _overlap_area(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0
