"""The restacked map drawn from the first graphviz pass's own SVG, without a second pass.

``dot`` writes the SVG and the layout (JSON) in one run. :mod:`workbench.maps.restack` then
pins every node, cluster, route and label to its new place. Instead of handing the pinned DOT
text to ``neato -n2`` (which sizes and draws every HTML label a second time), this module moves
the pieces of the first drawing there, as ``neato -n2`` would draw them:

- nodes (shapes and HTML labels) are shifted by their node's move, their ``xlabel`` lines by
  the label's move;
- cluster frames get their new boxes (rounded ones move whole), their headings move;
- the legend (graph label) moves;
- every flow is redrawn from its pinned route: the path, graphviz's arrowheads (the shapes of
  ``lib/common/arrows.c`` for the arrow types the maps use) and its label lines;
- flows that ``dot`` never saw (both ends in one column) and the Medienbruch badges are drawn
  from their DOT attributes;
- the canvas is graphviz's bounding box of the pinned drawing.

Numbers are printed as graphviz prints them (two decimals, trailing zeros dropped), so the
SVG reads like graphviz output and :func:`workbench.maps.gv.clean_svg` treats it alike.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .badges import RADIUS
from .placement import label_size
from .restack import MARGIN, Pinned, Point, StackPlan

SVG_NS = "http://www.w3.org/2000/svg"
_S = "{" + SVG_NS + "}"
PAD = 14.4  # pt: graphviz's pad=0.2 (inches) around the drawing
LABEL_PAD = (16.0, 8.0)  # pt: graphviz's padding of a graph label (PAD() in const.h)
_PATH, _ELLIPSE, _TEXT, _TITLE = _S + "path", _S + "ellipse", _S + "text", _S + "title"
BADGE_HALF = float(f"{2 * RADIUS / 72:.3f}") * 36  # half the badge node's width (badge_line)
_PAIR = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|<|[^\s\]]+)')


def num(value: float) -> str:
    """A number as graphviz's SVG renderer prints it (``gvprintdouble``)."""
    text = f"{value:.2f}"
    if text[-1] != "0":
        return text
    if text[-2] != "0":
        return text[:-1]
    text = text[:-3]
    return "0" if text == "-0" else text


# --------------------------------------------------------------------------- first pass


@dataclass
class FirstPass:
    """Where ``dot`` put things (read before :func:`workbench.maps.restack.pin` moves them)."""

    pos: dict[str, Point] = field(default_factory=dict)  # node → centre
    size: dict[str, Point] = field(default_factory=dict)  # node → width, height in pt
    xlp: dict[str, Point] = field(default_factory=dict)  # node or edge id → xlabel centre
    lines: dict[str, int] = field(default_factory=dict)  # node → lines of its xlabel
    plain: set[str] = field(default_factory=set)  # nodes drawn by their HTML label only
    lp: dict[str, Point] = field(default_factory=dict)  # cluster → heading centre
    bb: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    legend: Point | None = None
    legend_size: Point = (0.0, 0.0)
    edge_attrs: dict[str, dict[str, str]] = field(default_factory=dict)  # edge id → attributes


def _point(text: str) -> Point:
    x, y = text.split(",")[:2]
    return float(x), float(y)


def first_pass(data: dict[str, Any]) -> FirstPass:
    """The positions ``dot`` chose, from its JSON output."""
    out = FirstPass()
    if "lp" in data:  # the legend, in dot's bottom left corner: its size without the padding
        out.legend = _point(data["lp"])  # (``lwidth``/``lheight`` are rounded to 0.01 inch)
        out.legend_size = (2 * out.legend[0] - LABEL_PAD[0], 2 * out.legend[1] - LABEL_PAD[1])
    for obj in data.get("objects", []):
        name = obj.get("name", "")
        if "bb" in obj:
            x0, y0, x1, y1 = (float(v) for v in obj["bb"].split(","))
            out.bb[name] = (x0, y0, x1, y1)
            if "lp" in obj:
                out.lp[name] = _point(obj["lp"])
        elif "pos" in obj:
            out.pos[name] = _point(obj["pos"])
            out.size[name] = (float(obj.get("width", 0)) * 72, float(obj.get("height", 0)) * 72)
            if obj.get("shape") in ("plain", "plaintext", "none"):
                out.plain.add(name)
            if "xlp" in obj:
                out.xlp[name] = _point(obj["xlp"])
                out.lines[name] = obj.get("xlabel", "").upper().count("<BR") + 1
    for edge in data.get("edges", []):
        gv_id = edge.get("id")
        if gv_id:
            out.edge_attrs[gv_id] = edge
            if "xlp" in edge:
                out.xlp[gv_id] = _point(edge["xlp"])
    return out


# --------------------------------------------------------------------------- arrowheads

# Graphviz's arrow shapes (lib/common/arrows.c) in units of 10 pt × arrowsize: points as
# (along, across) from the arrow's tip, "along" pointing from the tip into the flow, "across"
# turned a quarter to the left of it (SVG coordinates). Checked against dot's own drawing
# (tests/maps/test_svgpin.py). "s": half the shaft of a vee, 0.5 pt per pt of pen beyond 1.
_NORMAL = ((1, 0.35), (0, 0), (1, -0.35), (1, 0.35))
_ARROWS: dict[str, list[tuple[str, tuple[tuple[float, float | str], ...], bool]]] = {
    "normal": [("polygon", _NORMAL, True)],
    "onormal": [("polygon", _NORMAL, False)],
    "empty": [("polygon", _NORMAL, False)],
    "vee": [("polygon", ((0, 0), (1, 0.45), (0.5, "s"), (1, "s"), (1, 0), (1, "-s"),
                         (0.5, "-s"), (1, -0.45), (0, 0), (0, 0)), True)],
    "tee": [("polygon", ((0.1, -0.5), (0.1, 0.5), (0.3, 0.5), (0.3, -0.5), (0.1, -0.5)), True),
            ("polyline", ((0, 0), (0.5, 0)), False)],
    "odiamond": [("polygon", ((1.2, 0), (0.6, -0.4), (0, 0), (0.6, 0.4), (1.2, 0)), False)],
    "odot": [("ellipse", ((0.4, 0),), False)],
    "none": [],
}
ODOT_RADIUS = 0.4


class UnknownArrow(ValueError):
    """An arrow type this module cannot draw (the caller falls back to ``neato -n2``)."""


def arrow_elements(parent: etree._Element, kind: str, tip: Point, toward: Point,
                   arrowsize: float, paint: dict[str, str]) -> None:
    """Append graphviz's SVG elements of one arrowhead at ``tip`` (SVG coordinates), pointing
    away from ``toward`` (the nearest control point of the route)."""
    shapes = _ARROWS.get(kind)
    if shapes is None:
        raise UnknownArrow(kind)
    dx, dy = toward[0] - tip[0], toward[1] - tip[1]
    length = math.hypot(dx, dy) or 1.0
    unit = 10.0 * arrowsize
    ax, ay = dx / length * unit, dy / length * unit  # along
    cx, cy = -ay, ax  # across
    stroke = paint["stroke"]
    width = paint.get("stroke-width")
    shaft = max(float(width or 1) - 1, 0.0) * 0.5 / unit
    for tag, template, filled in shapes:
        points = [(a, shaft if b == "s" else -shaft if b == "-s" else b) for a, b in template]
        el = etree.SubElement(parent, _S + tag)
        el.set("fill", stroke if filled else "none")
        el.set("stroke", stroke)
        if width:
            el.set("stroke-width", width)
        spots = [(tip[0] + a * ax + float(b) * cx, tip[1] + a * ay + float(b) * cy)
                 for a, b in points]
        if tag == "ellipse":
            radius = num(ODOT_RADIUS * unit)
            el.set("cx", num(spots[0][0]))
            el.set("cy", num(spots[0][1]))
            el.set("rx", radius)
            el.set("ry", radius)
            continue
        text = " ".join(f"{num(x)},{num(y)}" for x, y in spots)
        el.set("points", text + " " if tag == "polyline" else text)


def arrow_kinds(attrs: dict[str, str]) -> tuple[str, str]:
    """(tail, head) arrow types of an edge, as graphviz's ``arrow_flags`` reads them."""
    direction = attrs.get("dir", "forward")
    head = attrs.get("arrowhead", "normal") if direction in ("forward", "both") else "none"
    tail = attrs.get("arrowtail", "normal") if direction in ("back", "both") else "none"
    return tail, head


def dot_attrs(line: str) -> dict[str, str]:
    """The attributes of one DOT statement of ours (quoted, HTML ``<…>`` or bare values)."""
    out: dict[str, str] = {}
    start = line.find("[")
    index = start + 1
    while True:
        match = _ATTR.search(line, index)
        if match is None:
            break
        key, value = match.group(1), match.group(2)
        if value == "<":
            depth, end = 0, match.start(2)
            for end in range(match.start(2), len(line)):
                if line[end] == "<":
                    depth += 1
                elif line[end] == ">":
                    depth -= 1
                    if depth == 0:
                        break
            out[key] = line[match.start(2) + 1:end]
            index = end + 1
            continue
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        out[key] = value
        index = match.end()
    return out


# --------------------------------------------------------------------------- drawing


_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)")


def _move_pairs(text: str, dx: float, dy: float) -> str:
    """"x,y x,y …" (points, or a path of graphviz's M/C commands) moved by (dx, dy)."""
    parts = _NUMBER.split(text)
    parts[1::4] = [num(float(v) + dx) for v in parts[1::4]]
    parts[3::4] = [num(float(v) + dy) for v in parts[3::4]]
    return "".join(parts)


_POINTS = {_S + "polygon", _S + "polyline"}
_XY = {_S + "text", _S + "image", _S + "rect"}
_SHAPES = {_S + "ellipse", _S + "polygon", _S + "path"}


def _shift(el: etree._Element, dx: float, dy: float) -> None:
    """Move one graphviz SVG element (and what it contains) by (dx, dy) in SVG coordinates."""

    for item in el.iter() if len(el) else (el,):
        tag = item.tag
        if tag in _XY:
            x, y = item.get("x"), item.get("y")
            if x is not None:
                item.set("x", num(float(x) + dx))
            if y is not None:
                item.set("y", num(float(y) + dy))
        elif tag in _POINTS:
            item.set("points", _move_pairs(item.get("points", ""), dx, dy))
        elif tag == _PATH:
            item.set("d", _move_pairs(item.get("d", ""), dx, dy))
        elif tag == _ELLIPSE:
            item.set("cx", num(float(item.get("cx", 0)) + dx))
            item.set("cy", num(float(item.get("cy", 0)) + dy))


def _extent(el: etree._Element) -> tuple[float, float, float, float] | None:
    """The box (SVG coordinates) of one polygon, path or ellipse."""
    tag = _local(el)
    if tag == "ellipse":
        cx, cy = float(el.get("cx", 0)), float(el.get("cy", 0))
        rx, ry = float(el.get("rx", 0)), float(el.get("ry", 0))
        return cx - rx, cy - ry, cx + rx, cy + ry
    if tag in ("polygon", "path"):
        numbers = _NUMBER.findall(el.get("points" if tag == "polygon" else "d", ""))
        if len(numbers) < 2:
            return None
        xs = list(map(float, numbers[0::2]))
        ys = list(map(float, numbers[1::2]))
        return min(xs), min(ys), max(xs), max(ys)
    return None


def _stretch(el: etree._Element, old: tuple[float, float, float, float],
             new: tuple[float, float, float, float]) -> None:
    """Fit a frame (rectangle or rounded rectangle, SVG coordinates) from box ``old`` to box
    ``new``: every point keeps its distance to the nearer side, so rounded corners stay."""
    mid_x, mid_y = (old[0] + old[2]) / 2, (old[1] + old[3]) / 2

    def move(match: re.Match[str]) -> str:
        x, y = float(match.group(1)), float(match.group(2))
        x += new[0] - old[0] if x < mid_x else new[2] - old[2]
        y += new[1] - old[1] if y < mid_y else new[3] - old[3]
        return f"{num(x)},{num(y)}"

    key = "points" if _local(el) == "polygon" else "d"
    el.set(key, _PAIR.sub(move, el.get(key, "")))


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag[len(_S):] if isinstance(tag, str) and tag.startswith(_S) else str(tag)


def _title(el: etree._Element) -> str:
    first = el.find(_S + "title")
    return first.text or "" if first is not None else ""


class _Canvas:
    """Pinned graphviz coordinates → the SVG coordinates of the pinned drawing."""

    def __init__(self, low: Point) -> None:
        self.x0, self.y0 = low

    def __call__(self, x: float, y: float) -> Point:
        return x - self.x0, self.y0 - y

    def move(self, old: Point, new: Point) -> Point:
        """The SVG shift of something ``dot`` drew at ``old`` that is pinned at ``new``."""
        return new[0] - old[0] - self.x0, -(new[1] - old[1]) + self.y0


_CLUSTER_GROUP = re.compile(rb'<g id="[^"]*" class="cluster">(.*?)</g>', re.S)
_TEXT_SIZE = re.compile(rb'<text\b[^>]*?\sfont-size="([^"]+)"')


def least_size(raw: bytes, data: dict[str, Any], source: str,
               plan: StackPlan) -> tuple[float, float]:
    """What ``dot``'s first pass (``raw`` SVG, ``data`` JSON of ``source``) already says about
    the finished map: its viewBox is at least the first number wide, its smallest font size is
    at most the second (``inf``: unknown).

    The second pass (:func:`.restack.pin`) moves the bands (``plan.bands``) only up and down:
    they all span the bands' common horizontal extent, and each enclosing cluster (pool,
    section) is :data:`.restack.MARGIN` wider on either side than what it encloses (the title
    box not). All of them are clusters of the pinned map, and :func:`draw` (like graphviz for
    the neato fallback) sizes the viewBox to hold every cluster plus :data:`PAD` on each side.
    Every text of the graph label and of the cluster frames is drawn with its size (nodes and
    edges can be left out); any of them bounds the smallest font. 0.05 pt allow for the pinned
    coordinates and the viewBox being written to two decimals."""
    bands = set(plan.bands)
    boxes = [[float(v) for v in obj["bb"].split(",")] for obj in data.get("objects", [])
             if obj.get("name") in bands and "bb" in obj]
    width = 0.0
    if boxes:
        drawn = set(re.findall(r"^subgraph (cluster_\S+)\s", source, re.M))
        levels = 0
        for band in bands & drawn:
            level, name = 0, plan.parent.get(band)
            while name is not None:
                if name in drawn and name != "cluster_titel":
                    level += 1
                name = plan.parent.get(name)
            levels = max(levels, level)
        width = (max(x[2] for x in boxes) - min(x[0] for x in boxes) + 2 * MARGIN * levels
                 + 2 * PAD - 0.05)
    # graphviz writes the graph label's texts before its first group, and nothing but the
    # frame's own texts before a cluster group's first closing tag
    start = raw.find(b'class="graph"')
    end = raw.find(b"<g ", start + 1)
    head = raw[start:end if end >= 0 else len(raw)] if start >= 0 else b""
    sizes = [float(v) for part in (head, *_CLUSTER_GROUP.findall(raw))
             for v in _TEXT_SIZE.findall(part)]
    return max(width, 0.0), min(sizes, default=math.inf)


def _bounds(first: FirstPass, pinned: Pinned, labels: list[tuple[Point, Point]],
            routes: dict[str, Route]) -> tuple[float, float, float, float]:
    """Graphviz's bounding box of the pinned drawing (``compute_bb``: nodes, route control
    points, clusters, labels, the graph label)."""
    xs: list[float] = []
    ys: list[float] = []
    for (x, y), (w, h) in labels:
        xs += [x - w, x + w]
        ys += [y - h, y + h]
    for name, (x, y) in pinned.nodes.items():
        w, h = first.size.get(name, (0.0, 0.0))
        xs += [x - w / 2, x + w / 2]
        ys += [y - h / 2, y + h / 2]
    for _, (x, y), _number in pinned.badges:
        xs += [x - BADGE_HALF, x + BADGE_HALF]
        ys += [y - BADGE_HALF, y + BADGE_HALF]
    for points, _start, _end in routes.values():
        xs += [x for x, _ in points]
        ys += [y for _, y in points]
    for box, _lp in pinned.clusters.values():
        xs += [box[0], box[2]]
        ys += [box[1], box[3]]
    if pinned.legend is not None:
        w, h = first.legend_size
        xs += [pinned.legend[0] - w / 2, pinned.legend[0] + w / 2]
        ys += [pinned.legend[1] - h / 2, pinned.legend[1] + h / 2]
    if not xs:
        return 0.0, 0.0, 0.0, 0.0
    return min(xs), min(ys), max(xs), max(ys)


Route = tuple[list[Point], Point | None, Point | None]  # control points, arrow tips s, e


def _route_points(pos: str) -> Route:
    """A graphviz spline ("s,x,y e,x,y x,y x,y …", ends optional) as numbers."""
    start = end = None
    rest = pos
    while rest[:2] in ("s,", "e,"):
        head, _, rest = rest.partition(" ")
        x, y = head[2:].split(",")
        if head[0] == "s":
            start = (float(x), float(y))
        else:
            end = (float(x), float(y))
    numbers = list(map(float, _NUMBER.findall(rest)))
    return list(zip(numbers[0::2], numbers[1::2], strict=False)), start, end


def _paint(attrs: dict[str, str], defaults: dict[str, str]) -> dict[str, str]:
    color = attrs.get("color", defaults.get("color", "black"))
    paint = {"stroke": color}
    width = float(attrs.get("penwidth", defaults.get("penwidth", 1)))
    if width != 1:
        paint["stroke-width"] = num(width)
    return paint


def _draw_route(group: etree._Element, route: Route, attrs: dict[str, str],
                defaults: dict[str, str], canvas: _Canvas) -> None:
    """Path and arrowheads of a flow, as graphviz draws them (after the group's title)."""
    points, start, end = route
    svg = [canvas(*p) for p in points]
    paint = _paint(attrs, defaults)
    path = etree.SubElement(group, _S + "path")
    path.set("fill", "none")
    path.set("stroke", paint["stroke"])
    if "stroke-width" in paint:
        path.set("stroke-width", paint["stroke-width"])
    style = attrs.get("style", defaults.get("style", ""))
    if "dashed" in style:
        path.set("stroke-dasharray", "5,2")
    elif "dotted" in style:
        path.set("stroke-dasharray", "1,5")
    if svg:
        path.set("d", f"M{num(svg[0][0])},{num(svg[0][1])}C"
                 + " ".join(f"{num(x)},{num(y)}" for x, y in svg[1:]))
    size = float(attrs.get("arrowsize", defaults.get("arrowsize", 1)))
    tail, head = arrow_kinds(attrs)
    if start is not None and svg and tail != "none":
        arrow_elements(group, tail, canvas(*start), svg[0], size, paint)
    if end is not None and svg and head != "none":
        arrow_elements(group, head, canvas(*end), svg[-1], size, paint)


_LINE_STEP = {9.0: 10.0, 10.0: 11.0}  # pt between the lines of a label (graphviz, DejaVu)


def _label_lines(group: etree._Element, html_label: str, centre: Point,
                 defaults: dict[str, str]) -> None:
    """The lines of a flow label nobody drew yet, centred at ``centre`` (SVG coordinates)."""
    body = re.sub(r"<(?!BR)[^>]*>", "", html_label, flags=re.IGNORECASE)
    lines = [part for part in re.split(r"<BR\s*/?>", body, flags=re.IGNORECASE)]
    size = float(defaults.get("fontsize", 14))
    step = _LINE_STEP.get(size, round(size * 1.11))
    top = centre[1] - step * len(lines) / 2
    for index, text in enumerate(lines):
        el = etree.SubElement(group, _S + "text")
        el.set("text-anchor", "middle")
        el.set("x", num(centre[0]))
        el.set("y", num(top + 0.8 * size + index * step))
        el.set("font-family", defaults.get("fontname", "Times-Roman"))
        el.set("font-size", f"{size:.2f}")
        el.text = (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
                   .replace("&#160;", "\u00a0").replace("&amp;", "&"))


def _badge(name: str, centre: Point, number: int, fill: str, ink: str,
           font: str) -> etree._Element:
    group = etree.Element(_S + "g", {"id": name, "class": "node"})
    etree.SubElement(group, _S + "title").text = name
    circle = etree.SubElement(group, _S + "ellipse")
    for key, value in (("fill", fill), ("stroke", "#ffffff"), ("stroke-width", "1.5"),
                       ("cx", num(centre[0])), ("cy", num(centre[1])), ("rx", num(RADIUS)),
                       ("ry", num(RADIUS))):
        circle.set(key, value)
    text = etree.SubElement(group, _S + "text")
    for key, value in (("text-anchor", "middle"), ("x", num(centre[0])),
                       ("y", num(centre[1] + 1.2)), ("font-family", font),
                       ("font-weight", "bold"), ("font-size", "9.00"), ("fill", ink)):
        text.set(key, value)
    text.text = str(number)
    return group


def draw(raw: bytes, first: FirstPass, pinned: Pinned, *, edge_defaults: dict[str, str],
         badge_fill: str) -> etree._Element:
    """The SVG root of the pinned map, from ``dot``'s SVG of the first pass."""
    parser = etree.XMLParser(remove_comments=True, remove_pis=True, resolve_entities=False,
                             no_network=True, huge_tree=True)
    root = etree.fromstring(raw, parser)
    graph = root.find(_S + "g")
    head: list[etree._Element] = []
    legend: list[etree._Element] = []
    clusters: list[etree._Element] = []
    edges: dict[str, etree._Element] = {}
    nodes: dict[str, etree._Element] = {}
    labels: list[tuple[Point, Point]] = []  # pinned centre, half size of every label
    for child in list(graph):
        graph.remove(child)
        tag = _local(child)
        if tag == "g":
            kind = child.get("class")
            if kind == "cluster":
                clusters.append(child)
            elif kind == "node":
                name = _title(child)
                if name in pinned.nodes:
                    nodes[name] = child
                    if name in pinned.xlp and name in first.xlp:
                        texts = list(child.iter(_S + "text"))[-first.lines.get(name, 1):]
                        labels.append((pinned.xlp[name], _half(texts, first.xlp[name])))
            elif kind == "edge":
                gv_id = child.get("id", "")
                if gv_id in pinned.edges and gv_id not in pinned.flat:
                    edges[gv_id] = child
                    spot = pinned.edges[gv_id][1].get("xlp")
                    texts = [el for el in child if el.tag == _TEXT]
                    if texts and spot and gv_id in first.xlp:
                        labels.append((spot, _half(texts, first.xlp[gv_id])))
        elif tag == "title" or (tag == "polygon" and len(head) < 2 and not legend):
            head.append(child)  # the graph's name, the page background
        else:
            legend.append(child)  # the graph label
    flat: dict[str, dict[str, str]] = {}
    for gv_id, line in pinned.flat.items():
        flat[gv_id] = dot_attrs(line)
        spot = pinned.edges[gv_id][1].get("xlp")
        size = label_size(line, float(edge_defaults.get("fontsize", 14)))
        if spot and size and "xlabel" in flat[gv_id]:
            labels.append((spot, (size[0] / 2, size[1] / 2)))
    routes = {gv_id: _route_points(pos) for gv_id, (pos, _) in pinned.edges.items()}
    x0, y0, x1, y1 = _bounds(first, pinned, labels, routes)
    canvas = _Canvas((x0, y0))
    width, height = x1 - x0, y1 - y0

    corners = [(-PAD, PAD), (-PAD, -(height + PAD)), (width + PAD, -(height + PAD)),
               (width + PAD, PAD), (-PAD, PAD)]
    for el in head:
        if _local(el) == "polygon":
            el.set("points", " ".join(f"{num(x)},{num(y)}" for x, y in corners))
    if first.legend is not None and pinned.legend is not None:
        move = canvas.move(first.legend, pinned.legend)
        for el in legend:
            _shift(el, *move)
    for group in clusters:
        _place_cluster(group, first, pinned, canvas)
    for name, group in nodes.items():
        _place_node(group, name, first, pinned, canvas)
    for gv_id, group in edges.items():
        _place_edge(group, gv_id, first, pinned, canvas, edge_defaults, routes[gv_id])
    for gv_id, line in pinned.flat.items():
        group = etree.Element(_S + "g", {"id": gv_id, "class": "edge"})
        tail, _, rest = line.partition(" -> ")
        etree.SubElement(group, _S + "title").text = f"{tail}->{rest.split(' ', 1)[0]}"
        spots = pinned.edges[gv_id][1]
        _draw_route(group, routes[gv_id], flat[gv_id], edge_defaults, canvas)
        if "xlabel" in flat[gv_id] and "xlp" in spots:
            _label_lines(group, flat[gv_id]["xlabel"], canvas(*spots["xlp"]), edge_defaults)
        edges[gv_id] = group
    font = edge_defaults.get("fontname", "Times-Roman")
    for name, centre, number in pinned.badges:
        nodes[name] = _badge(name, canvas(*centre), number, badge_fill, "#ffffff", font)

    seq = {name: index for index, name in enumerate(pinned.node_order)}
    order = sorted(((seq.get(t, 0), seq.get(h, 0), index, gv_id)
                    for index, (t, h, gv_id) in enumerate(pinned.edge_order)))
    graph.extend(head)
    graph.extend(legend)
    graph.extend(clusters)
    graph.extend(edges[gv_id] for *_, gv_id in order if gv_id in edges)
    graph.extend(nodes[name] for name in sorted(nodes, key=lambda n: seq.get(n, len(seq))))

    # graphviz: padded box (UR + pad) - (LL - pad), whole points by ROUND(size * dpi / 72)
    full_w, full_h = (width + PAD) - (0.0 - PAD), (height + PAD) - (0.0 - PAD)
    root.set("width", f"{int(full_w * 72.0 / 72.0 + 0.5)}pt")
    root.set("height", f"{int(full_h * 72.0 / 72.0 + 0.5)}pt")
    root.set("viewBox", f"0.00 0.00 {full_w:.2f} {full_h:.2f}")
    graph.set("transform", f"scale(1 1) rotate(0) translate({PAD:g} {height + PAD:g})")
    return root


def _half(texts: list[etree._Element], centre: Point) -> Point:
    """Half the size of a label ``dot`` drew centred at ``centre``, from its text lines: its
    widest line starts half the label's width left of the centre."""
    starts = [float(el.get("x", centre[0])) for el in texts]
    width = max((centre[0] - x for x in starts), default=0.0)
    size = max((float(el.get("font-size", 14)) for el in texts), default=14.0)
    step = _LINE_STEP.get(size, round(size * 1.11))
    return width, len(texts) * step / 2


def _place_cluster(group: etree._Element, first: FirstPass, pinned: Pinned,
                   canvas: _Canvas) -> None:
    name = _title(group)
    found = pinned.clusters.get(name)
    old = first.bb.get(name)
    if found is None or old is None:
        return
    box, spot = found
    frame = True
    for child in group:
        tag = _local(child)
        if tag == "title":
            continue
        if tag in ("polygon", "path") and frame:  # the frame: from dot's box to the pinned one
            frame = False
            drawn = _extent(child)
            if drawn is not None:
                a, b = canvas(box[0], box[1]), canvas(box[2], box[3])
                _stretch(child, drawn, (a[0], b[1], b[0], a[1]))
        elif spot is not None and name in first.lp:
            _shift(child, *canvas.move(first.lp[name], spot))


def _place_node(group: etree._Element, name: str, first: FirstPass, pinned: Pinned,
                canvas: _Canvas) -> None:
    old = first.pos.get(name)
    if old is None:
        return
    children = list(group)
    if name not in first.plain:  # the shape's centre is dot's position (JSON: 5 digits)
        for child in children:
            if child.tag in _SHAPES:
                drawn = _extent(child)
                if drawn is not None:
                    old = ((drawn[0] + drawn[2]) / 2, -(drawn[1] + drawn[3]) / 2)
                break
    dx, dy = canvas.move(old, pinned.nodes[name])
    lines = first.lines.get(name, 0) if name in pinned.xlp and name in first.xlp else 0
    label = children[len(children) - lines:] if lines else []  # graphviz draws it last
    if any(el.tag != _TEXT for el in label):
        label = list(group.iter(_TEXT))[-lines:]
    skip = set(label)
    for child in children:
        if child in skip:
            continue
        tag = child.tag
        if tag == _TEXT and not len(child):  # most of a node: its text lines
            child.set("x", num(float(child.get("x")) + dx))
            child.set("y", num(float(child.get("y")) + dy))
        elif tag != _TITLE:
            _shift(child, dx, dy)
    if label:
        lx, ly = canvas.move(first.xlp[name], pinned.xlp[name])
        for el in label:
            _shift(el, lx, ly)


def _place_edge(group: etree._Element, gv_id: str, first: FirstPass, pinned: Pinned,
                canvas: _Canvas, defaults: dict[str, str], route: Route) -> None:
    labels = pinned.edges[gv_id][1]
    texts = [el for el in group if el.tag == _TEXT]
    for child in list(group):
        if child.tag != _TITLE:
            group.remove(child)
    _draw_route(group, route, first.edge_attrs.get(gv_id, {}), defaults, canvas)
    if texts and gv_id in first.xlp and "xlp" in labels:
        move = canvas.move(first.xlp[gv_id], labels["xlp"])
        for el in texts:
            _shift(el, *move)
            group.append(el)
