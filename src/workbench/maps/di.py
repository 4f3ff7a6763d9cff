"""The model as its author drew it: SVG straight from BPMN DI, pure Python, no graphviz.

Shapes are drawn at their bounds, edges along their waypoints, labels in their label bounds (or
where modeling tools put them by default). Pools and lanes, sub-processes, events, gateways,
data and annotations get their BPMN symbols (:mod:`workbench.maps.icons`); our attributes and
highlights are drawn on top: medium as fill color, Medienbrüche as red flows, waste and
automatable steps as badges.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from ..bpmn.model import (
    Activity,
    Bounds,
    Definitions,
    Diagram,
    Edge,
    Element,
    Event,
    Gateway,
    Shape,
    TextAnnotation,
)
from . import shapes as sh
from .di_labels import LabelSpace
from .export import Map, ensure_drawable
from .flows import break_flows
from .gv import map_prefix
from .highlights import NONE, Highlights
from .icons import n
from .scene import build_scene
from .wording import map_title, numbered_names, tooltip

FONT_SIZE = 12.0
LABEL_SIZE = 11.0
CHAR_EM = 0.58  # average DejaVu Sans character width in em, for wrapping
HEADER = 30.0
MARGIN = 24.0


class NoDiagram(ValueError):
    """The model carries no BPMN DI (or not the requested diagram)."""


def _txt(text: str) -> str:
    return escape(text)


def _attr(value: str) -> str:
    return quoteattr(value)



def text_block(lines: list[str], x: float, y: float, *, size: float = FONT_SIZE,
               anchor: str = "middle", color: str = sh.INK, weight: str = "",
               rotate: float | None = None) -> str:
    """A multi-line <text>; (x, y) is the centre of the block (anchor middle) or its left."""
    if not lines:
        return ""
    step = size * 1.18
    top = y - step * (len(lines) - 1) / 2 + size * 0.35
    extra = f' font-weight="{weight}"' if weight else ""
    transform = f' transform="rotate({n(rotate)} {n(x)} {n(y)})"' if rotate is not None else ""
    spans = "".join(
        f'<tspan x="{n(x)}" y="{n(top + i * step)}">{_txt(line)}</tspan>'
        for i, line in enumerate(lines))
    return (f'<text font-size="{n(size)}" text-anchor="{anchor}" fill="{color}"{extra}'
            f"{transform}>{spans}</text>")


def fit(text: str, width: float, size: float, max_lines: int | None = None) -> list[str]:
    """Wrap text to a box width in px at a font size."""
    chars = max(int(width / (size * CHAR_EM)), 4)
    return sh.wrap(text, chars, max_lines)


@dataclass
class _Box:
    x0: float = float("inf")
    y0: float = float("inf")
    x1: float = float("-inf")
    y1: float = float("-inf")

    def add(self, x: float, y: float) -> None:
        self.x0, self.y0 = min(self.x0, x), min(self.y0, y)
        self.x1, self.y1 = max(self.x1, x), max(self.y1, y)

    def add_bounds(self, b: Bounds | None) -> None:
        if b is not None:
            self.add(b.x, b.y)
            self.add(b.x + b.width, b.y + b.height)


def select_diagram(model: Definitions, diagram: int | str = 0) -> Diagram:
    """A diagram by index or id; raises :class:`NoDiagram` with a German message."""
    diagrams = [d for d in model.diagrams if d.shapes]
    if not diagrams:
        raise NoDiagram("Das Modell enthält keine Diagramminformationen (BPMN DI).")
    if isinstance(diagram, int):
        if not 0 <= diagram < len(diagrams):
            raise NoDiagram(f"Das Modell hat {len(diagrams)} Diagramm(e); Nummer {diagram + 1} "
                            "gibt es nicht.")
        return diagrams[diagram]
    for d in diagrams:
        if diagram in (d.id, d.name):
            return d
    raise NoDiagram(f"Kein Diagramm mit der ID oder dem Namen '{diagram}'.")


def di_map(
    model: Definitions,
    highlights: Highlights | None = None,
    *,
    diagram: int | str = 0,
    title: str | None = None,
    legend: bool = True,
    show_attributes: bool = True,
    status: dict[str, str] | None = None,
) -> Map:
    """Draw a model as laid out in its BPMN DI (``diagram``: index or id) as SVG."""
    ensure_drawable(model)
    chosen = select_diagram(model, diagram)
    drawer = _Drawer(model, chosen, highlights or NONE, show_attributes, status or {})
    if title is None:
        title = map_title(model, chosen.name)
    svg = drawer.render(title, legend)
    return Map(svg=svg, title=title, style="di", warnings=drawer.warnings)


class _Drawer:
    def __init__(self, defs: Definitions, diagram: Diagram, hl: Highlights,
                 show_attributes: bool, status: dict[str, str]) -> None:
        self.defs, self.diagram, self.hl = defs, diagram, hl
        self.show_attributes, self.status = show_attributes, status
        self.warnings: list[str] = []
        self.prefix = ""
        self.media: set[str] = set()
        self.markers: dict[str, str] = {}
        self.lane_index: dict[str, int] = {}
        self.break_notes: list[str] = []  # reasons of numbered Medienbruch badges
        self.flags = {"breaks": False, "waste": False, "auto": False, "compare": False}
        self.drawn = {s.bpmn_element for s in diagram.shapes}
        self.space: LabelSpace | None = None  # set when drawing starts
        self.boundary: dict[str, list[tuple[float, float, float, float]]] = {}  # host → boxes
        self.names = numbered_names(list(defs.participants), "Pool")  # unnamed: "Pool 1"
        for process in defs.processes:
            self.names.update(numbered_names(process.all_lanes, "Lane"))

    # ---- entry
    def render(self, title: str, legend: bool) -> str:
        from .di_draw import draw_edge, draw_shape, legend_svg

        shapes: list[tuple[int, int, Shape, Element]] = []
        box = _Box()
        shown: set[str] = set()
        for index, shape in enumerate(self.diagram.shapes):
            element = self.defs.get(shape.bpmn_element)
            if element is None or shape.bounds is None:
                self.warnings.append(f"Diagrammelement '{shape.id}' ohne Modellelement oder "
                                     "Größe – nicht gezeichnet.")
                continue
            shown.add(element.id)
            shapes.append((_layer(element, shape, self.drawn), index, shape, element))
            box.add_bounds(shape.bounds)
            box.add_bounds(shape.label_bounds)
        edges: list[tuple[Edge, Element]] = []
        for edge in self.diagram.edges:
            element = self.defs.get(edge.bpmn_element)
            points = edge.waypoints
            if element is None or len(points) < 2:
                continue
            edges.append((edge, element))
            for x, y in points:
                box.add(x, y)
            box.add_bounds(edge.label_bounds)
        if box.x0 == float("inf"):
            box = _Box(0, 0, 100, 100)
        seed = f"{self.defs.id}|{self.diagram.id}|{len(shapes)}|{len(edges)}|{title}"
        self.prefix = map_prefix(seed + self.defs.to_bytes().decode("utf-8", "replace")[:20000])
        scene = build_scene(self.defs)
        labelled, styled, missing = break_flows(scene, dict(self.hl.media_breaks))
        body: list[str] = []
        shapes.sort(key=lambda item: (item[0], item[1]))
        self.space = _label_space(shapes, edges)
        self.space.frame = (box.x0 - MARGIN * 0.8, box.y0 - MARGIN * 0.8,
                            box.x1 + MARGIN * 0.8, box.y1 + MARGIN * 0.8)
        self.boundary = {}
        for _, _, shape, element in shapes:
            if isinstance(element, Event) and element.attached_to:
                b = shape.bounds
                self.boundary.setdefault(element.attached_to, []).append(
                    (b.x, b.y, b.x + b.width, b.y + b.height))
        lanes = [e.id for layer, _, _, e in shapes if layer == 1]
        self.lane_index = {lane: i for i, lane in enumerate(lanes)}
        centres: dict[str, tuple[float, float]] = {}
        for layer, _, shape, element in shapes:
            if layer < 6:
                body.append(draw_shape(self, shape, element))
            centres.setdefault(element.id, shape.bounds.center)
        for edge, element in edges:
            body.append(draw_edge(self, edge, element, element.id in styled,
                                  labelled.get(element.id)))
        for layer, _, shape, element in shapes:
            if layer >= 6:
                body.append(draw_shape(self, shape, element))
        for source, target, reason in missing:
            if source in centres and target in centres:
                body.append(self._extra_break(centres[source], centres[target], reason))
        self.flags["breaks"] = bool(labelled or missing)
        title_h = 34.0 if title else 0.0
        legend_part, legend_h = ("", 0.0)
        width = box.x1 - box.x0 + 2 * MARGIN
        if legend:
            legend_part, legend_h = legend_svg(self, width - 2 * MARGIN)
        height = box.y1 - box.y0 + 2 * MARGIN + title_h + legend_h
        ox, oy = MARGIN - box.x0, MARGIN + title_h - box.y0
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="werkbench-karte karte-di" '
                f'role="img" width="{n(width)}" height="{n(height)}" '
                f'viewBox="0 0 {n(width)} {n(height)}" font-family={_attr(sh.FONT_FAMILY)}>')
        parts = [head]
        if title:
            parts.append(f"<title>{_txt(title)}</title>")
        parts.append(_defs(self.prefix))
        parts.append(f'<rect width="{n(width)}" height="{n(height)}" fill="#ffffff"/>')
        if title:
            parts.append(f'<text x="{n(MARGIN)}" y="{n(MARGIN + 8)}" font-size="20" '
                         f'font-weight="bold" fill="{sh.INK}">{_txt(title)}</text>')
        parts.append(f'<g class="diagramm" transform="translate({n(ox)} {n(oy)})">')
        parts.extend(p for p in body if p)
        parts.append("</g>")
        if legend_part:
            parts.append(f'<g class="legende" transform="translate({n(MARGIN)} '
                         f'{n(height - legend_h)})">{legend_part}</g>')
        parts.append("</svg>")
        return "".join(parts)

    def _extra_break(self, a: tuple[float, float], b: tuple[float, float], reason: str) -> str:
        """A dashed red curve for a Medienbruch between steps without a direct flow."""
        from .di_draw import break_badge

        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2 - 30
        return (f'<g class="medienbruch medienbruch-extra">'
                f'<path d="M{n(a[0])},{n(a[1])} Q{n(mx)},{n(my)} {n(b[0])},{n(b[1])}" '
                f'fill="none" stroke="{sh.MEDIENBRUCH}" stroke-width="2.5" '
                f'stroke-dasharray="6 4" marker-end="url(#{self.prefix}-pfeil-rot)"/>'
                + break_badge(self, mx, my + 15, reason) + "</g>")

    def group_open(self, element: Element, classes: str, suffix: str = "",
                   extra: list[str] | None = None) -> str:
        """The group of one element with its tooltip (plus ``extra`` lines, e.g. the full
        minutes and system an activity's footer may shorten)."""
        sid = sh.safe_id(element.id) + suffix
        shown = self.names.get(element.id, "")
        tip = "\n".join([tooltip(element, shown), *(extra or [])])
        return (f'<g id="{self.prefix}-{sid}" class={_attr(classes)} '
                f"data-bpmn-id={_attr(element.id)}><title>{_txt(tip)}</title>")


def _label_space(shapes: list[tuple[int, int, Shape, Element]],
                 edges: list[tuple[Edge, Element]]) -> LabelSpace:
    """Outlines of the elements (not pools, lanes, expanded sub-processes or groups), the
    routes of all flows and the borders of pools, lanes and frames: what a label must not hide
    or be hidden by."""
    nodes = {}
    lines = [edge.waypoints for edge, _ in edges]
    frames = []
    for layer, _, shape, element in shapes:
        b = shape.bounds
        if layer in (3, 4, 6):
            nodes[element.id] = (b.x, b.y, b.x + b.width, b.y + b.height)
        elif layer in (0, 1, 2):  # a label must not straddle a pool, lane or frame border
            corners = [(b.x, b.y), (b.x + b.width, b.y), (b.x + b.width, b.y + b.height),
                       (b.x, b.y + b.height), (b.x, b.y)]
            lines.append(corners)
            frames.append((b.x, b.y, b.x + b.width, b.y + b.height))
        elif layer == 7:  # nor a group's dashed outline
            frames.append((b.x, b.y, b.x + b.width, b.y + b.height))
    return LabelSpace(nodes, lines, frames)


def _layer(element: Element, shape: Shape, drawn: set[str] | None = None) -> int:
    local = element.local_name
    if local == "participant":
        return 0
    if local == "lane":
        return 1
    from .di_draw import is_expanded

    if is_expanded(element, shape, drawn):
        return 2
    if isinstance(element, Event) and element.attached_to:
        return 6
    if local == "group":
        return 7
    if isinstance(element, Activity | Gateway | Event | TextAnnotation):
        return 4
    return 3


def _defs(prefix: str) -> str:
    def marker(name: str, path: str, fill: str, stroke: str, w: int = 11, h: int = 11,
               ref: tuple[float, float] = (10, 5)) -> str:
        return (f'<marker id="{prefix}-{name}" viewBox="0 0 {w} {h}" refX="{n(ref[0])}" '
                f'refY="{n(ref[1])}" markerWidth="{w}" markerHeight="{h}" '
                f'markerUnits="userSpaceOnUse" orient="auto">'
                f'<path d="{path}" fill="{fill}" stroke="{stroke}" stroke-width="1"/></marker>')

    return ("<defs>"
            + marker("pfeil", "M0,0 L10,5 L0,10 Z", sh.INK, sh.INK)
            + marker("pfeil-rot", "M0,0 L10,5 L0,10 Z", sh.MEDIENBRUCH, sh.MEDIENBRUCH)
            + marker("pfeil-offen", "M1,1 L10,5 L1,9 Z", "#ffffff", sh.INK)
            + marker("spitze-offen", "M1,1 L10,5 L1,9", "none", sh.INK)
            + marker("kreis", "M5,1.5 A3.5,3.5 0 1,1 4.99,1.5 Z", "#ffffff", sh.INK,
                     ref=(5, 5))
            + marker("raute", "M1,5 L6,1.5 L11,5 L6,8.5 Z", "#ffffff", sh.INK, w=12,
                     ref=(1, 5))
            + "</defs>")


