"""The IST/SOLL map of a report on screen: the swimlane map, stored once in the page and shown
whole.

The map's content is stored once (a ``<g>`` in the ``<defs>`` of a zero-size SVG) and the
screen figure shows it through ``<use>``. The report draws it with as many columns per row as
fit the width of an A4 landscape page with its smallest text at :data:`MIN_PRINT_PT`
(:func:`fits_landscape`): a width that reads well in the report's wide figure. On paper the
report prints a denser drawing of the same models instead (:mod:`.printed_map`). The page
sizes, the 7-pt rule and :func:`row_gaps` also serve ``workbench.mapprint`` (``workbench map -o
karte.pdf``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from lxml import etree

#: Smallest text size on paper (pt).
MIN_PRINT_PT = 7.0
#: Printable area of an A4 landscape page with 8 mm margins (pt; 1 mm = 72/25.4 pt).
LANDSCAPE_WIDTH_PT = (297 - 2 * 8) * 72 / 25.4
LANDSCAPE_HEIGHT_PT = (210 - 2 * 8) * 72 / 25.4
#: Height kept free on each landscape page for the part's heading line (pt).
HEADING_PT = 34.0

_SVG = "{http://www.w3.org/2000/svg}"
_FONT = re.compile(r'font-size="([\d.]+)"')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class MapParts:
    """A map for the screen (all fragments are SVG markup of our own maps)."""

    key: str  # id of the shared content
    width: float  # viewBox width and height of the whole map
    height: float
    content: str  # the zero-size SVG that holds the map once

    def screen(self, title: str) -> str:
        """The whole map for the screen."""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="werkbench-karte" role="img" '
                f'viewBox="0 0 {self.width:.2f} {self.height:.2f}" width="{self.width:.2f}pt" '
                f'height="{self.height:.2f}pt"><title>{_esc(title)}</title>'
                f'<use href="#{self.key}"/></svg>')


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def smallest_font(svg: str) -> float:
    """The smallest font size in an SVG (SVG units; 9 if none is given)."""
    sizes = [float(s) for s in _FONT.findall(svg)]
    return min(sizes) if sizes else 9.0


def print_scale(svg: str) -> float:
    """Printed pt per SVG unit so the smallest text prints at :data:`MIN_PRINT_PT`."""
    return MIN_PRINT_PT / smallest_font(svg)


def fits_landscape(svg: str) -> bool:
    """Whether the map, printed at :func:`print_scale`, fits the landscape page's width."""
    width = view_box(_svg_start(svg))[2]
    return width * print_scale(svg) <= LANDSCAPE_WIDTH_PT + 0.5


def beyond_landscape(least_width: float, largest_font: float) -> bool:
    """Whether every map at least ``least_width`` wide whose smallest font is at most
    ``largest_font`` is too wide for :func:`fits_landscape` (known before it is drawn:
    :meth:`workbench.maps.auto.DotBuilder.render`'s ``reject``)."""
    return least_width * (MIN_PRINT_PT / largest_font) > LANDSCAPE_WIDTH_PT + 0.5


def svg_root(svg: str) -> etree._Element:
    """Our own map SVG as a tree (no entities, no network; shared with ``workbench.mapprint``)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                             remove_comments=True, remove_pis=True)
    return etree.fromstring(svg.encode("utf-8"), parser)


def _svg_start(svg: str) -> etree._Element:
    """The root element of one of our map SVGs with its attributes, parsed only as far as its
    start tag (:func:`svg_root`'s parser; the map's content is not needed)."""
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True,
                                 huge_tree=True, remove_comments=True, remove_pis=True)
    data = svg.encode("utf-8")
    for at in range(0, len(data), 4096):
        parser.feed(data[at:at + 4096])
        for _, element in parser.read_events():
            return element
    return svg_root(svg)  # no start tag: the full parse says why


def view_box(root: etree._Element) -> tuple[float, float, float, float]:
    values = [float(v) for v in _NUMBER.findall(root.get("viewBox", ""))]
    if len(values) != 4:
        raise ValueError("Karte ohne viewBox")
    return values[0], values[1], values[2], values[3]


def _graph_offset(root: etree._Element) -> tuple[float, float, float]:
    """Scale and translation of graphviz's top group (its y axis points up, so y < 0)."""
    group = root.find(f"{_SVG}g")
    transform = group.get("transform", "") if group is not None else ""
    scale = re.search(r"scale\(([-\d.]+)(?:[ ,]+([-\d.]+))?\)", transform)
    shift = re.search(r"translate\(([-\d.]+)[ ,]+([-\d.]+)\)", transform)
    sy = float(scale.group(2) or scale.group(1)) if scale else 1.0
    return sy, float(shift.group(1)) if shift else 0.0, float(shift.group(2)) if shift else 0.0


def row_gaps(svg: str) -> list[float]:
    """y positions (viewBox units) between the pool bands of a map, where a cut hits no task:
    just below each band, so a heading above the next band travels with it."""
    root = svg_root(svg)
    sy, _, ty = _graph_offset(root)
    spans = []
    for group in root.iter(f"{_SVG}g"):
        if "bpmn-pool" not in (group.get("class") or "").split():
            continue
        shape = group.find(f"{_SVG}polygon")
        if shape is None:
            shape = group.find(f"{_SVG}path")
        if shape is None:
            continue
        ys = [float(v) for v in _NUMBER.findall(shape.get("points") or shape.get("d") or "")][1::2]
        if ys:
            spans.append(((min(ys) + ty) * sy, (max(ys) + ty) * sy))
    spans.sort()
    merged: list[list[float]] = []
    for top, bottom in spans:
        if merged and top <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], bottom)
        else:
            merged.append([top, bottom])
    return [a[1] + min(4.0, (b[0] - a[1]) / 2) for a, b in itertools.pairwise(merged)
            if b[0] > a[1]]


def split(svg: str, key: str) -> MapParts:
    """One of our map SVGs (``maps.Map.svg``) as shared content and its screen figure."""
    x0, y0, width, height = view_box(_svg_start(svg))
    if (x0, y0) != (0.0, 0.0):
        raise ValueError("Karte mit verschobener viewBox")
    inner = svg[svg.index(">", svg.index("<svg")) + 1:svg.rindex("</svg>")]
    inner = re.sub(r"<title>.*?</title>", "", inner, count=1, flags=re.DOTALL)
    content = ('<svg xmlns="http://www.w3.org/2000/svg" class="karten-vorrat" width="0" '
               f'height="0" aria-hidden="true"><defs><g id="{key}">{inner}</g></defs></svg>')
    return MapParts(key, width, height, content)
