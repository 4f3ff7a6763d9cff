"""A print row wider than the page, as tiles side by side at full size (poster print).

A row of the print drawing (:mod:`.print_layout`) is cut only between columns outside expanded
sub-processes; a collaboration whose sub-processes span most of its columns (MIWG B.2.0) stays
one row of 1,818 pt. Scaled to an A4 page its 7-pt text would be 2 pt. Instead the row is shown
in tiles no wider than the page, each the same SVG with a narrower view box, so every text stays
7 pt. A tile ends in a gap between steps, texts and markers where there is one (never inside a
name); frames of pools and sub-processes and the flows are cut where they cross.
"""

from __future__ import annotations

import re
from html import unescape

_ROOT = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"\s+'
                   r'viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"')
_GRAPH = re.compile(r'<g class="graph" transform="scale\(([-\d.]+) [-\d.]+\) rotate\(0\) '
                    r'translate\(([-\d.]+) [-\d.]+\)">')
_TEXT = re.compile(r'<text\b([^>]*)>([^<]*)</text>')
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_POLYGON = re.compile(r'<polygon\b[^>]*\spoints="([^"]*)"')
_ELLIPSE = re.compile(r'<ellipse\b[^>]*\scx="([-\d.]+)"[^>]*\srx="([\d.]+)"')
#: Average advance of a character of the drawing's font, in font sizes (DejaVu Sans is wider than
#: most fonts: an estimate on the safe side).
_CHAR_WIDTH = 0.62
#: Shapes at least this wide are frames (pools, lanes, sub-processes), not steps: cut through.
_FRAME_PT = 150.0


def tiles(svg: str, page_pt: float) -> list[str]:
    """The row ``svg`` (1 SVG unit = 1 pt) as tiles of at most ``page_pt`` pt, left to right;
    the row itself when it fits or is not a graphviz row this module can read."""
    root = _ROOT.search(svg)
    if root is None or float(root.group(1)) <= page_pt:
        return [svg]
    graph = _GRAPH.search(svg)
    if graph is None:
        return [svg]
    width = float(root.group(1))
    vx, vy, vw, vh = (float(root.group(n)) for n in range(3, 7))
    units = vw / width  # view box units per pt (1 for the print drawing)
    scale, shift = float(graph.group(1)), float(graph.group(2))
    texts, shapes = _extents(svg, scale, shift)
    out = []
    for left, right in _spans(texts, shapes, vx, vx + vw, page_pt * units):
        head = (f'width="{(right - left) / units:.2f}pt" height="{root.group(2)}pt" '
                f'viewBox="{left:.2f} {vy:.2f} {right - left:.2f} {vh:.2f}"')
        begin = root.start(1) - len('width="')
        out.append(svg[:begin] + head + svg[root.end():])
    return out


Extent = tuple[float, float]


def _extents(svg: str, scale: float, shift: float) -> tuple[list[Extent], list[Extent]]:
    """Horizontal extents (view box units) of the texts and of the steps and markers."""
    texts = []
    for attrs, content in _TEXT.findall(svg):
        values = dict(_ATTR.findall(attrs))
        try:
            x = float(values["x"])
            size = float(values.get("font-size") or 7)
        except (KeyError, ValueError):
            continue
        advance = len(unescape(content)) * _CHAR_WIDTH * size
        anchor = values.get("text-anchor", "start")
        left = x - advance / 2 if anchor == "middle" else x - advance if anchor == "end" else x
        texts.append((left, left + advance))
    shapes = []
    for points in _POLYGON.findall(svg):
        xs = [float(p.split(",")[0]) for p in points.split() if "," in p]
        if xs and max(xs) - min(xs) < _FRAME_PT:
            shapes.append((min(xs), max(xs)))
    shapes += [(float(cx) - float(rx), float(cx) + float(rx)) for cx, rx in _ELLIPSE.findall(svg)]

    def placed(extents: list[Extent]) -> list[Extent]:
        return [(a * scale + shift, b * scale + shift) for a, b in extents]

    return placed(texts), placed(shapes)


def _spans(texts: list[Extent], shapes: list[Extent], start: float, end: float,
           tile: float) -> list[Extent]:
    """Tiles (left, right) from ``start`` to ``end``, none wider than ``tile``. Each border is
    where, in the tile's right half, it cuts the fewest texts, then the fewest steps, as far
    right as that allows; a text it cuts after all starts the next tile (the tiles overlap),
    so every name is whole in one of them."""
    spans = []
    left = start
    while end - left > tile:
        best: tuple[int, int, float] | None = None
        x = left + tile
        while x >= left + tile / 2:
            key = (sum(a < x < b for a, b in texts), sum(a < x < b for a, b in shapes), -x)
            if best is None or key < best:
                best = key
            x -= 1.0
        assert best is not None
        cut = -best[2]
        spans.append((left, cut))
        following = min([cut, *(a for a, b in texts if a < cut < b)])
        left = following if following > left + tile / 4 else cut
    spans.append((left, end))
    return spans
