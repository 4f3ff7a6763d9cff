"""Where to cut a map for A4 landscape pages so every text prints at 7 pt or more.

A map that is readable on one page (its smallest text at least :data:`MIN_PRINT_PT` when the
whole map is fitted) stays whole. A larger one is cut into page-sized windows: rows between the
pool bands where the map has them (``report_content.mapparts.row_gaps``), otherwise – and for
columns – at a line no text crosses (text widths measured from the font, :mod:`..maps.
fontmetrics`), so no label is cut in two unless a single text is wider than a page. It gets as
many windows as it needs with its smallest text at 7 pt, printed at the largest scale that
needs no more windows, so the parts fill their pages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from ..maps.fontmetrics import text_width
from ..report_content.mapparts import (
    HEADING_PT,
    LANDSCAPE_HEIGHT_PT,
    LANDSCAPE_WIDTH_PT,
    MIN_PRINT_PT,
    print_scale,
    row_gaps,
    svg_root,
    view_box,
)

#: Printed pt per SVG unit at most for a small map (graphviz: 1 unit = 1 pt, natural size).
MAX_SCALE = 1.0
#: Usable page height for the map below the heading line (pt).
PAGE_WIDTH_PT = LANDSCAPE_WIDTH_PT
PAGE_HEIGHT_PT = LANDSCAPE_HEIGHT_PT - HEADING_PT

_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_TRANSFORM = re.compile(r"(matrix|translate|scale|rotate)\s*\(([^)]*)\)")
_ANCHOR = {"start": 0.0, "middle": 0.5, "end": 1.0}
#: A measured text line is taken this much wider (share, plus 0.5 units each side), so a cut
#: never touches a glyph that renders a little wider than its advance.
_TEXT_SLACK = 0.03
#: Each step down from the scale that fills every page exactly (split maps).
_SCALE_STEP = 0.03

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Tile:
    """One printed window of the map (viewBox units) and its place in the grid of parts."""

    x: float
    y: float
    width: float
    height: float
    row: int
    column: int


@dataclass(frozen=True)
class PrintPlan:
    """How a map goes onto A4 landscape pages."""

    width: float  # viewBox width and height of the whole map
    height: float
    scale: float  # printed pt per SVG unit on the part pages (or the single page)
    tiles: tuple[Tile, ...]  # one tile = the whole map when it fits one page
    smallest_font: float  # smallest text of the map (SVG units)

    @property
    def split(self) -> bool:
        return len(self.tiles) > 1

    @property
    def smallest_pt(self) -> float:
        """The smallest text size on the printed parts (pt)."""
        return self.smallest_font * self.scale

    @property
    def overview_scale(self) -> float:
        """Printed pt per SVG unit of the whole map fitted on one page."""
        return min(PAGE_WIDTH_PT / self.width, PAGE_HEIGHT_PT / self.height)


def _multiply(a: Matrix, b: Matrix) -> Matrix:
    return (a[0] * b[0] + a[2] * b[1], a[1] * b[0] + a[3] * b[1],
            a[0] * b[2] + a[2] * b[3], a[1] * b[2] + a[3] * b[3],
            a[0] * b[4] + a[2] * b[5] + a[4], a[1] * b[4] + a[3] * b[5] + a[5])


def parse_transform(text: str | None) -> Matrix:
    """The affine matrix of an SVG ``transform`` attribute (matrix, translate, scale, rotate)."""
    out = _IDENTITY
    for name, args in _TRANSFORM.findall(text or ""):
        v = [float(x) for x in _NUMBER.findall(args)]
        if name == "matrix" and len(v) == 6:
            step: Matrix = (v[0], v[1], v[2], v[3], v[4], v[5])
        elif name == "translate" and v:
            step = (1.0, 0.0, 0.0, 1.0, v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale" and v:
            step = (v[0], 0.0, 0.0, v[1] if len(v) > 1 else v[0], 0.0, 0.0)
        elif name == "rotate" and v:
            a = math.radians(v[0])
            cx, cy = (v[1], v[2]) if len(v) >= 3 else (0.0, 0.0)
            cos, sin = math.cos(a), math.sin(a)
            step = (cos, sin, -sin, cos, cx - cos * cx + sin * cy, cy - sin * cx - cos * cy)
        else:
            continue
        out = _multiply(out, step)
    return out


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _first(value: str | None) -> float | None:
    found = _NUMBER.findall(value or "")
    return float(found[0]) if found else None


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in viewBox units
_NODE = ("bpmn-activity", "bpmn-gateway", "bpmn-event", "bpmn-artifact", "link-ereignis")
_BAND = ("bpmn-pool", "bpmn-lane")


@dataclass
class Layout:
    """What a cut must respect: boxes of texts and nodes, and band edges (good cut lines)."""

    texts: list[Box]
    nodes: list[Box]
    band_edges: list[float]  # y of the top and bottom edges of pools and lanes


def layout_of(svg: str) -> Layout:
    """Estimated boxes of every line of text and every node, and the pool/lane edges."""
    found = Layout([], [], [])

    def walk(element: etree._Element, matrix: Matrix, size: float, anchor: str, bold: bool,
             sink: list[Box] | None) -> None:
        if not isinstance(element.tag, str):
            return
        matrix = _multiply(matrix, parse_transform(element.get("transform")))
        size = _first(element.get("font-size")) or size
        anchor = element.get("text-anchor") or anchor
        weight = element.get("font-weight")
        bold = weight in ("bold", "bolder", "700", "800", "900") if weight else bold
        tag = element.tag.removeprefix(_SVG)
        if tag == "text":
            lines = list(_lines(element, matrix, size, anchor, bold))
            found.texts.extend(lines)
            if sink is not None:
                sink.extend(lines)
            return
        if tag in ("title", "desc", "defs", "marker", "clipPath"):
            return
        classes = (element.get("class") or "").split()
        own: list[Box] | None = sink
        if tag == "g" and any(c in classes for c in _NODE + _BAND):
            own = []
        if sink is not None or own is not None:
            shape = _shape_box(element, tag, matrix)
            if shape is not None and own is not None:
                own.append(shape)
        for child in element:
            walk(child, matrix, size, anchor, bold, own)
        if own is not None and own is not sink and own:
            box = (min(b[0] for b in own), min(b[1] for b in own), max(b[2] for b in own),
                   max(b[3] for b in own))
            if any(c in classes for c in _BAND):
                found.band_edges.extend((box[1], box[3]))
            else:
                found.nodes.append(box)
            if sink is not None:
                sink.append(box)

    root = svg_root(svg)
    for child in root:
        walk(child, _IDENTITY, _first(root.get("font-size")) or 14.0, "start", False, None)
    return found


def _shape_box(element: etree._Element, tag: str, matrix: Matrix) -> Box | None:
    """The transformed bounding box of a basic shape (rect, circle, ellipse, polygon, path)."""
    get = element.get
    points: list[tuple[float, float]] = []
    if tag == "rect":
        x, y = _first(get("x")) or 0.0, _first(get("y")) or 0.0
        points = [(x, y), (x + (_first(get("width")) or 0.0), y + (_first(get("height")) or 0.0))]
    elif tag in ("circle", "ellipse"):
        cx, cy = _first(get("cx")) or 0.0, _first(get("cy")) or 0.0
        rx = _first(get("rx")) or _first(get("r")) or 0.0
        ry = _first(get("ry")) or _first(get("r")) or 0.0
        points = [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    elif tag in ("polygon", "polyline", "path"):
        values = [float(v) for v in _NUMBER.findall(get("points") or get("d") or "")]
        if tag == "path" and re.search(r"[a-z]", (get("d") or "").replace("e", "")):
            return None  # relative path commands: no reliable box without a full parser
        points = list(zip(values[0::2], values[1::2], strict=False))
    if not points:
        return None
    moved = [_apply(matrix, x, y) for x, y in points]
    xs, ys = [p[0] for p in moved], [p[1] for p in moved]
    return min(xs), min(ys), max(xs), max(ys)


def _lines(text: etree._Element, matrix: Matrix, size: float, anchor: str,
           bold: bool = False) -> Iterator[Box]:
    """One box per line of a ``<text>`` (its ``<tspan>`` lines, or the text itself)."""
    spans = [s for s in text if isinstance(s.tag, str) and s.tag == f"{_SVG}tspan"]
    x0, y0 = _first(text.get("x")) or 0.0, _first(text.get("y")) or 0.0
    lines = [(text, "".join(text.itertext()))] if not spans else [
        (s, "".join(s.itertext())) for s in spans]
    for element, content in lines:
        if not content.strip():
            continue
        x = _first(element.get("x"))
        y = _first(element.get("y"))
        x, y = (x0 if x is None else x), (y0 if y is None else y)
        own = _first(element.get("font-size")) or size
        heavy = element.get("font-weight")
        heavy = heavy in ("bold", "bolder", "700", "800", "900") if heavy else bold
        width = text_width(content, own, heavy) * (1 + _TEXT_SLACK)
        left = x - width * _ANCHOR.get(element.get("text-anchor") or anchor, 0.0)
        corners = [_apply(matrix, cx, cy) for cx in (left - 0.5, left + width + 0.5)
                   for cy in (y - own * 0.85, y + own * 0.25)]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        yield min(xs), min(ys), max(xs), max(ys)


Span = tuple[float, float]


def _cuts(length: float, page: float, hard: list[Span], soft: list[Span],
          preferred: list[float]) -> list[Span]:
    """Windows (start, end) of at most ``page`` units along one axis, of about even size (the
    rest divided by the pages it needs, plus a tenth of a page), so no part is a thin strip.
    Each cut lies in the last three quarters of its window: at a preferred line (a band edge)
    that crosses no text and no node, else at the last line crossing neither, else at the last
    line crossing no text (``hard``; ``soft`` are the nodes), else at the window's edge."""
    out, start = [], 0.0
    both = sorted(hard + soft)
    while length - start > 1e-6:
        rest = length - start
        if rest <= page:
            out.append((start, length))
            break
        even = rest / math.ceil(rest / page)
        limit = start + min(page, even + page * 0.1)
        low = start + page * 0.25
        inside = [c for c in preferred if low < c <= limit and not _covered(c, both)]
        end = (max(inside) if inside else _free(low, limit, both)
               or _free(low, limit, sorted(hard)) or limit)
        out.append((start, end))
        start = end
    return out


def _covered(position: float, spans: list[Span]) -> bool:
    return any(a < position < b for a, b in spans)


def _free(low: float, high: float, spans: list[Span]) -> float | None:
    """The largest position in (low, high] that no span covers, or None."""
    position = high
    while position > low:
        covering = [a for a, b in spans if a < position < b]
        if not covering:
            return position
        position = min(covering) - 0.5
    return None


def _overlaps(box: Box, x0: float, y0: float, x1: float, y1: float) -> bool:
    return box[0] < x1 and box[2] > x0 and box[1] < y1 and box[3] > y0


def plan(svg: str) -> PrintPlan:
    """The print plan of one of our map SVGs (``maps.Map.svg``)."""
    root = svg_root(svg)
    x0, y0, width, height = view_box(root)
    if (x0, y0) != (0.0, 0.0):
        raise ValueError("Karte mit verschobener viewBox")
    readable = print_scale(svg)
    smallest = MIN_PRINT_PT / readable
    fit = min(PAGE_WIDTH_PT / width, PAGE_HEIGHT_PT / height)
    if fit >= readable - 1e-9:
        scale = min(fit, max(readable, MAX_SCALE))
        return PrintPlan(width, height, scale, (Tile(0.0, 0.0, width, height, 0, 0),), smallest)
    found = layout_of(svg)
    preferred = [*found.band_edges, *row_gaps(svg)]
    tiles = _tiles(width, height, readable, found, preferred)
    # as many pages as at 7 pt, but each filled: the largest scale that needs no more parts
    rows = len({t.row for t in tiles})
    columns = max(sum(1 for t in tiles if t.row == r) for r in range(rows))
    scale = min(columns * PAGE_WIDTH_PT / width, rows * PAGE_HEIGHT_PT / height)
    while scale > readable * (1 + _SCALE_STEP):
        larger = _tiles(width, height, scale, found, preferred)
        if len(larger) <= len(tiles):
            return PrintPlan(width, height, scale, tuple(larger), smallest)
        scale /= 1 + _SCALE_STEP
    return PrintPlan(width, height, readable, tuple(tiles), smallest)


def _tiles(width: float, height: float, scale: float, found: Layout,
           preferred: list[float]) -> list[Tile]:
    """The parts of a map printed at ``scale``: rows first (at band edges where they can be),
    then each row in columns; a part with neither text nor node is left out."""
    page_w, page_h = PAGE_WIDTH_PT / scale, PAGE_HEIGHT_PT / scale
    # an expanded sub-process is a node larger than a page: it cannot be kept whole
    nodes = [b for b in found.nodes if b[2] - b[0] < page_w / 2 and b[3] - b[1] < page_h / 2]
    rows = _cuts(height, page_h, [(b[1], b[3]) for b in found.texts],
                 [(b[1], b[3]) for b in nodes], preferred)
    tiles = []
    for r, (top, bottom) in enumerate(rows):
        texts = [b for b in found.texts if _overlaps(b, 0, top, width, bottom)]
        own = [b for b in nodes if _overlaps(b, 0, top, width, bottom)]
        columns = _cuts(width, page_w, [(b[0], b[2]) for b in texts],
                        [(b[0], b[2]) for b in own], [])
        tiles += [Tile(left, top, right - left, bottom - top, r, c)
                  for c, (left, right) in enumerate(columns)
                  if any(_overlaps(b, left, top, right, bottom) for b in texts + own)]
    return tiles
