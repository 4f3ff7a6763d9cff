"""Drawing single DI shapes and edges as SVG (used by :mod:`workbench.maps.di`)."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

from ..bpmn.model import Activity, Edge, Element, Event, Gateway, SequenceFlow, Shape, SubProcess
from ..bpmn.model import TextAnnotation as Annotation
from . import icons
from . import shapes as sh
from .di import CHAR_EM, FONT_SIZE, HEADER, LABEL_SIZE, _txt, fit, text_block
from .di_labels import along, around, block_size, centred_room, free_span
from .fontmetrics import text_width
from .gvlabels import attribute_line
from .icons import n
from .wording import element_name

BADGE_RADIUS = 9.0  # Medienbruch badge

if TYPE_CHECKING:
    from .di import _Drawer


def draw_shape(d: _Drawer, shape: Shape, element: Element) -> str:
    """SVG for one BPMNShape."""
    local = element.local_name
    if local == "participant":
        return _pool(d, shape, element)
    if local == "lane":
        return _lane(d, shape, element)
    if isinstance(element, Activity):
        return _activity(d, shape, element)
    if isinstance(element, Event):
        return _event(d, shape, element)
    if isinstance(element, Gateway):
        return _gateway(d, shape, element)
    if isinstance(element, Annotation):
        return _annotation(d, shape, element)
    if local in ("dataObjectReference", "dataObject", "dataInput", "dataOutput"):
        return _data_object(d, shape, element)
    if local in ("dataStoreReference", "dataStore"):
        return _data_store(d, shape, element)
    if local == "group":
        return _group(d, shape, element)
    b = shape.bounds
    return (d.group_open(element, f"bpmn-sonstiges bpmn-{local}")
            + f'<rect x="{n(b.x)}" y="{n(b.y)}" width="{n(b.width)}" height="{n(b.height)}" '
              f'fill="none" stroke="{sh.MUTED}" stroke-dasharray="4 3"/>'
            + _outside_label(d, shape, element.name) + "</g>")


def is_expanded(el: Element, shape: Shape, drawn: set[str] | None = None) -> bool:
    """Sub-processes (and call activities) drawn open, with their content inside. With
    ``drawn`` (the element ids of the diagram): a sub-process whose content is not drawn in
    this diagram (it has a page of its own, or none) is collapsed."""
    if shape.bounds is None:
        return False
    if isinstance(el, SubProcess):
        if not el.flow_nodes:  # nothing to show inside (FIM draws its groups this way): collapsed
            return False
        if drawn is not None and not any(node.id in drawn for node in el.flow_nodes):
            return False
        return shape.is_expanded is True or (shape.is_expanded is None
                                             and shape.bounds.width > 140)
    return isinstance(el, Activity) and shape.is_expanded is True


def _outside_label(d: _Drawer, shape: Shape, text: str, size: float = LABEL_SIZE) -> str:
    """Label of an event, gateway or data element: in its label bounds, else below — or, when
    a flow, another element or label would hide it there, at the nearest free spot."""
    if not text:
        return ""
    lb = shape.label_bounds
    b = shape.bounds
    if lb is not None and lb.width > 1:
        lines = fit(text, max(lb.width * 1.3, 50), size)
        x, y = lb.x + lb.width / 2, lb.y + len(lines) * size * 0.59 + 1
    else:
        lines = fit(text, 100, size, 4)
        x, y = b.x + b.width / 2, b.y + b.height + 6 + len(lines) * size * 0.59
    if d.space is not None:
        w, h = block_size(lines, size)
        x, y = d.space.place(shape.bpmn_element,
                             around((x, y), (b.x, b.y, b.x + b.width, b.y + b.height), w, h),
                             w, h)
    return text_block(lines, x, y, size=size)


def _pool(d: _Drawer, shape: Shape, element: Element) -> str:
    b = shape.bounds
    horizontal = shape.is_horizontal is not False
    out = [d.group_open(element, "bpmn-pool"),
           f'<rect x="{n(b.x)}" y="{n(b.y)}" width="{n(b.width)}" height="{n(b.height)}" '
           f'fill="#ffffff" fill-opacity="0.6" stroke="{sh.POOL_STROKE}" stroke-width="1.6"/>']
    name = d.names.get(element.id, element.name)
    if horizontal:
        out.append(f'<path d="M{n(b.x + HEADER)},{n(b.y)} L{n(b.x + HEADER)},{n(b.y + b.height)}"'
                   f' stroke="{sh.POOL_STROKE}" stroke-width="1.2"/>')
        lines = fit(name, b.height - 10, FONT_SIZE, 2)
        out.append(text_block(lines, b.x + HEADER / 2, b.y + b.height / 2, weight="bold",
                              rotate=-90))
    else:
        out.append(f'<path d="M{n(b.x)},{n(b.y + HEADER)} L{n(b.x + b.width)},{n(b.y + HEADER)}"'
                   f' stroke="{sh.POOL_STROKE}" stroke-width="1.2"/>')
        lines = fit(name, b.width - 10, FONT_SIZE, 2)
        out.append(text_block(lines, b.x + b.width / 2, b.y + HEADER / 2, weight="bold"))
    out.append("</g>")
    return "".join(out)


def _lane(d: _Drawer, shape: Shape, element: Element) -> str:
    b = shape.bounds
    horizontal = shape.is_horizontal is not False
    fill = sh.LANE_FILLS[d.lane_index.get(element.id, 0) % 2]
    out = [d.group_open(element, "bpmn-lane"),
           f'<rect x="{n(b.x)}" y="{n(b.y)}" width="{n(b.width)}" height="{n(b.height)}" '
           f'fill="{fill}" stroke="#90a4ae" stroke-width="1"/>']
    if horizontal:
        out.append(f'<path d="M{n(b.x + HEADER)},{n(b.y)} L{n(b.x + HEADER)},{n(b.y + b.height)}"'
                   ' stroke="#90a4ae" stroke-width="1"/>')
        out.append(text_block(fit(d.names.get(element.id, element.name), b.height - 8,
                                  FONT_SIZE, 2), b.x + HEADER / 2, b.y + b.height / 2,
                              rotate=-90))
    else:
        out.append(f'<path d="M{n(b.x)},{n(b.y + HEADER)} L{n(b.x + b.width)},{n(b.y + HEADER)}"'
                   ' stroke="#90a4ae" stroke-width="1"/>')
        out.append(text_block(fit(d.names.get(element.id, element.name), b.width - 8,
                                  FONT_SIZE, 2), b.x + b.width / 2, b.y + HEADER / 2))
    out.append("</g>")
    return "".join(out)


def _activity(d: _Drawer, shape: Shape, el: Activity) -> str:
    b = shape.bounds
    medium = el.medium if isinstance(el.medium, str) else ""
    d.media.add(medium)
    status = d.status.get(el.id, "")
    waste, auto = el.id in d.hl.waste, el.id in d.hl.automatable
    expanded = is_expanded(el, shape, d.drawn)
    classes = ["bpmn-activity", f"bpmn-{el.local_name}"]
    if medium:
        classes.append(f"medium-{medium}")
    if waste:
        classes.append("verschwendung")
    if auto:
        classes.append("automatisierbar")
    if status:
        classes.append(f"schritt-{status}")
        d.flags["compare"] = True
    d.flags["waste"] |= waste
    d.flags["auto"] |= auto
    fill = "#ffffff" if expanded else sh.medium_fill(medium)
    stroke, width, dash = sh.INK, 1.5, ""
    if el.local_name == "callActivity":
        width = 4.0
    if isinstance(el, SubProcess) and el.triggered_by_event:
        dash = ' stroke-dasharray="2 3"'
    if waste:
        stroke, width, dash = sh.WASTE, 2.5, ' stroke-dasharray="7 4"'
    if status == "entfaellt":
        stroke, fill = sh.DROPPED, sh.DROPPED_FILL
    elif status == "neu":
        stroke, width = sh.NEW_STEP, 3.5
    full = attribute_line(el, standard=d.hl.standard.get(el.id), limit=None)
    out = [d.group_open(el, " ".join(classes), extra=full),
           f'<rect x="{n(b.x)}" y="{n(b.y)}" width="{n(b.width)}" height="{n(b.height)}" '
           f'rx="10" fill="{fill}" stroke="{stroke}" stroke-width="{n(width)}"{dash}/>']
    if el.local_name == "transaction":
        out.append(f'<rect x="{n(b.x + 3)}" y="{n(b.y + 3)}" width="{n(b.width - 6)}" '
                   f'height="{n(b.height - 6)}" rx="8" fill="none" stroke="{stroke}" '
                   'stroke-width="1.2"/>')
    marker = icons.task_marker(el.local_name, b.x + 6, b.y + 5)
    if marker:
        out.append(marker)
        d.markers.setdefault(el.local_name, el.type_label)
    color = sh.DROPPED if status == "entfaellt" else sh.INK
    if expanded:
        lines = fit(element_name(el), b.width - 16, FONT_SIZE, 2)
        out.append(text_block(lines, b.x + 8, b.y + 10 + len(lines) * 7, anchor="start",
                              color=color))
    else:
        facts = (attribute_line(el, standard=d.hl.standard.get(el.id))
                 if d.show_attributes and b.height >= 60 else [])
        if el.id in d.hl.totals and d.show_attributes and b.height >= 60:
            # content not drawn here: its total replaces the sub-process's own minutes
            facts = [f"Σ {sh.format_minutes(d.hl.totals[el.id]) or '0 Min.'}"]
        footer_h = 14 if el.loop or el.is_sub_process else 0
        top = b.y + (20 if marker else 5)
        bottom = b.y + b.height - 5 - 10.5 * len(facts) - footer_h
        size = FONT_SIZE if b.width >= 110 else 11.0
        max_lines = max(int((bottom - top) // (size * 1.18)), 1)
        lines = fit(element_name(el), b.width - 8, size, max_lines)
        blocks = d.boundary.get(el.id, [])
        for _ in range(2):  # narrower where a boundary event on the edge reaches the name
            half = len(lines) * size * 1.18 / 2 + 1
            room = centred_room(b.x + b.width / 2, (top + bottom) / 2 - half,
                                (top + bottom) / 2 + half, b.width - 8, blocks)
            if max((text_width(line, size) for line in lines), default=0.0) <= room:
                break
            lines = fit(element_name(el), room, size, max_lines)
        out.append(text_block(lines, b.x + b.width / 2, (top + bottom) / 2, size=size,
                              color=color))
        if status == "entfaellt":
            out.append(f'<path d="M{n(b.x + 4)},{n(b.y + b.height - 4)} L{n(b.x + b.width - 4)},'
                       f'{n(b.y + 4)}" stroke="{sh.DROPPED}" stroke-width="1.5"/>')
        if facts:
            top = b.y + b.height - 8 - 10.5 * len(facts) - (13 if el.loop or el.is_sub_process
                                                            else 0)
            # beside the boundary events on the activity's edge, never under them
            x0, x1 = free_span(b.x + 3, b.x + b.width - 3, top, top + 10.5 * len(facts) + 4,
                               d.boundary.get(el.id, []))
            chars = max(int((x1 - x0) / (8.5 * CHAR_EM)), 6)
            facts = [f[: chars - 1] + "…" if len(f) > chars else f for f in facts]
            out.append(text_block(facts, (x0 + x1) / 2, top + 10.5 * len(facts) / 2 + 2,
                                  size=8.5, color=sh.MUTED))
    bottom = b.y + b.height - 2
    footer = []
    if el.loop:
        footer.append(lambda cx, el=el: icons.loop_marker(el.loop or "", cx, bottom))
    if isinstance(el, SubProcess) and not expanded:
        footer.append(lambda cx: icons.collapsed_marker(cx, bottom))
    if el.local_name == "adHocSubProcess":
        footer.append(lambda cx: icons.adhoc_marker(cx, bottom))
    for i, draw in enumerate(footer):
        out.append(draw(b.x + b.width / 2 + (i - (len(footer) - 1) / 2) * 18))
    badges = [k for k, flag in (("verschwendung", waste), ("automatisierbar", auto),
                                ("neu", status == "neu")) if flag]
    for i, kind in enumerate(badges):
        out.append(icons.badge(b.x + b.width - 9 - i * 18, b.y + 9, kind))
    out.append("</g>")
    return "".join(out)


def _event(d: _Drawer, shape: Shape, el: Event) -> str:
    b = shape.bounds
    cx, cy = b.center
    r = min(b.width, b.height) / 2
    position = sh.event_position(el.local_name)
    throwing = sh.event_is_throwing(el.local_name)
    interrupting = el.cancel_activity if el.local_name == "boundaryEvent" else el.is_interrupting
    dash = "" if interrupting else ' stroke-dasharray="5 3"'
    width = {"start": 1.6, "end": 4.0}.get(position, 1.4)
    fill = {"start": "#e8f5e9", "end": "#fdecea"}.get(position, "#ffffff")
    kinds = el.event_definitions
    out = [d.group_open(el, " ".join(["bpmn-event", f"bpmn-{el.local_name}",
                                      *(f"ereignis-{k}" for k in kinds)])),
           f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(r)}" fill="{fill}" stroke="{sh.INK}" '
           f'stroke-width="{n(width)}"{dash}/>']
    if position == "intermediate":
        out.append(f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(r - 3)}" fill="none" '
                   f'stroke="{sh.INK}" stroke-width="1.2"{dash}/>')
    if kinds:
        kind = kinds[0] if len(kinds) == 1 else (
            "parallelMultiple" if el.element.get("parallelMultiple") == "true" else "multiple")
        out.append(icons.event_marker(kind, cx, cy, r, filled=throwing))
    out.append(_outside_label(d, shape, el.name))
    out.append("</g>")
    return "".join(out)


def _gateway(d: _Drawer, shape: Shape, el: Gateway) -> str:
    b = shape.bounds
    cx, cy = b.center
    pts = [(cx, b.y), (b.x + b.width, cy), (cx, b.y + b.height), (b.x, cy)]
    visible = shape.element.get("isMarkerVisible") == "true"
    out = [d.group_open(el, f"bpmn-gateway bpmn-{el.local_name}"),
           f'<path d="{icons._poly(pts)}" fill="#fffde7" stroke="{sh.INK}" stroke-width="1.5"/>',
           icons.gateway_marker(el.gateway_type, cx, cy, min(b.width, b.height),
                                exclusive_visible=visible),
           _outside_label(d, shape, el.name), "</g>"]
    return "".join(out)


def _annotation(d: _Drawer, shape: Shape, el: Annotation) -> str:
    b = shape.bounds
    lines = fit(el.text, b.width - 8, LABEL_SIZE)
    return (d.group_open(el, "bpmn-artifact bpmn-textAnnotation")
            + f'<path d="M{n(b.x + 12)},{n(b.y)} L{n(b.x)},{n(b.y)} L{n(b.x)},'
              f'{n(b.y + b.height)} L{n(b.x + 12)},{n(b.y + b.height)}" fill="none" '
              f'stroke="{sh.MUTED}" stroke-width="1.3"/>'
            + text_block(lines, b.x + 6, b.y + b.height / 2, size=LABEL_SIZE, anchor="start",
                         color=sh.MUTED)
            + "</g>")


def _data_object(d: _Drawer, shape: Shape, el: Element) -> str:
    b = shape.bounds
    fold = min(b.width, b.height) * 0.3
    x, y, w, h = b.x, b.y, b.width, b.height
    page = (f"M{n(x)},{n(y)} L{n(x + w - fold)},{n(y)} L{n(x + w)},{n(y + fold)} "
            f"L{n(x + w)},{n(y + h)} L{n(x)},{n(y + h)} Z M{n(x + w - fold)},{n(y)} "
            f"L{n(x + w - fold)},{n(y + fold)} L{n(x + w)},{n(y + fold)}")
    out = [d.group_open(el, f"bpmn-artifact bpmn-{el.local_name}"),
           f'<path d="{page}" fill="#ffffff" stroke="{sh.INK}" stroke-width="1.3" '
           'stroke-linejoin="round"/>']
    if el.local_name in ("dataInput", "dataOutput"):
        fill = sh.INK if el.local_name == "dataOutput" else "#ffffff"
        arrow = [(x + 4, y + 6), (x + 10, y + 6), (x + 10, y + 3), (x + 15, y + 8.5),
                 (x + 10, y + 14), (x + 10, y + 11), (x + 4, y + 11)]
        out.append(f'<path d="{icons._poly(arrow)}" fill="{fill}" stroke="{sh.INK}" '
                   'stroke-width="1"/>')
    target = d.defs.get(el.element.get("dataObjectRef") or "") if el.element is not None else None
    collection = el.element.get("isCollection") == "true" or (
        target is not None and target.element.get("isCollection") == "true")
    if collection:
        out.append(icons.loop_marker("parallel", x + w / 2, y + h))
    out.append(_outside_label(d, shape, el.name))
    out.append("</g>")
    return "".join(out)


def _data_store(d: _Drawer, shape: Shape, el: Element) -> str:
    b = shape.bounds
    x, y, w, h = b.x, b.y, b.width, b.height
    ry = min(h * 0.12, 8)
    body = (f"M{n(x)},{n(y + ry)} A{n(w / 2)},{n(ry)} 0 0,0 {n(x + w)},{n(y + ry)} "
            f"L{n(x + w)},{n(y + h - ry)} A{n(w / 2)},{n(ry)} 0 0,1 {n(x)},{n(y + h - ry)} Z")
    rims = "".join(f"M{n(x)},{n(y + ry * k)} A{n(w / 2)},{n(ry)} 0 0,0 {n(x + w)},"
                   f"{n(y + ry * k)} " for k in (1, 2, 3))
    top = f"M{n(x)},{n(y + ry)} A{n(w / 2)},{n(ry)} 0 0,1 {n(x + w)},{n(y + ry)}"
    return (d.group_open(el, f"bpmn-artifact bpmn-{el.local_name}")
            + f'<path d="{body}" fill="#ffffff" stroke="{sh.INK}" stroke-width="1.3"/>'
            + f'<path d="{rims}{top}" fill="none" stroke="{sh.INK}" stroke-width="1.3"/>'
            + _outside_label(d, shape, el.name) + "</g>")


def _group(d: _Drawer, shape: Shape, el: Element) -> str:
    b = shape.bounds
    name = el.name
    ref = el.element.get("categoryValueRef")
    if not name and ref:
        value = d.defs.get(ref)
        name = (value.element.get("value") or "") if value is not None else ""
    label = text_block(fit(name, b.width, LABEL_SIZE, 2), b.x + b.width / 2, b.y + 10,
                       size=LABEL_SIZE) if name else ""
    return (d.group_open(el, "bpmn-artifact bpmn-group")
            + f'<rect x="{n(b.x)}" y="{n(b.y)}" width="{n(b.width)}" height="{n(b.height)}" '
              f'rx="10" fill="none" stroke="{sh.MUTED}" stroke-width="1.4" '
              'stroke-dasharray="8 4 2 4"/>' + label + "</g>")


# --------------------------------------------------------------------------- edges


def draw_edge(d: _Drawer, edge: Edge, el: Element, is_break: bool, reason: str | None) -> str:
    """SVG for one BPMNEdge (sequence/message flow, association, data association)."""
    points = edge.waypoints
    path = "M" + " L".join(f"{n(x)},{n(y)}" for x, y in points)
    local = el.local_name
    prefix = d.prefix
    classes = [f"bpmn-{local}"]
    stroke, width, dash, start, end = sh.INK, 1.5, "", "", ""
    if local == "sequenceFlow":
        end = f"url(#{prefix}-pfeil)"
        if is_break:
            stroke, width, end = sh.MEDIENBRUCH, 3.5, f"url(#{prefix}-pfeil-rot)"
            classes.append("medienbruch")
    elif local == "messageFlow":
        dash, start, end = ' stroke-dasharray="7 5"', f"url(#{prefix}-kreis)", (
            f"url(#{prefix}-pfeil-offen)")
        stroke = sh.POOL_STROKE
    elif local in ("dataInputAssociation", "dataOutputAssociation"):
        dash, end, stroke = ' stroke-dasharray="2 4"', f"url(#{prefix}-spitze-offen)", sh.MUTED
    else:  # association and anything else
        dash, stroke = ' stroke-dasharray="2 4"', sh.MUTED
        direction = el.element.get("associationDirection")
        if direction in ("One", "Both"):
            end = f"url(#{prefix}-spitze-offen)"
        if direction == "Both":
            start = f"url(#{prefix}-spitze-offen)"
    if local == "sequenceFlow" and isinstance(el, SequenceFlow):
        source = d.defs.get(el.source_id)
        if el.condition and isinstance(source, Activity) and not el.is_default:
            start = f"url(#{prefix}-raute)"
    markers = (f' marker-start="{start}"' if start else "") + (
        f' marker-end="{end}"' if end else "")
    out = [d.group_open(el, " ".join(classes)),
           f'<path d="{path}" fill="none" stroke="{stroke}" stroke-width="{n(width)}"'
           f'{dash} stroke-linejoin="round"{markers}/>']
    if local == "sequenceFlow" and isinstance(el, SequenceFlow) and el.is_default:
        out.append(_default_slash(points, stroke))
    label = el.name
    lb = edge.label_bounds
    text_box: tuple[float, float, float, float] | None = None
    if label:
        if lb is not None and lb.width > 1:
            lines = fit(label, max(lb.width, 30), LABEL_SIZE)
            cx, cy = lb.x + lb.width / 2, lb.y + len(lines) * LABEL_SIZE * 0.59 + 1
        else:
            mx, my = _midpoint(points)
            lines = fit(label, 110, LABEL_SIZE, 3)
            cx, cy = mx + 4, my - 10
        w, h = block_size(lines, LABEL_SIZE)
        if d.space is not None:
            cx, cy = d.space.place("", along((cx, cy), points, w, h), w, h)
        out.append(text_block(lines, cx, cy, size=LABEL_SIZE))
        text_box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    if reason:  # on the flow, beside its own label
        spots = [_point_at(points, share / 20) for share in (10, 6, 14, 3, 17, 8, 12, 4, 16,
                                                              1, 19)]
        if d.space is not None:
            mx, my = d.space.badge(spots, BADGE_RADIUS, text_box)
        else:
            mx, my = spots[0]
        out.append(break_badge(d, mx, my, reason))
    out.append("</g>")
    return "".join(out)


def break_badge(d: _Drawer, x: float, y: float, reason: str) -> str:
    """A numbered red badge on a Medienbruch; the legend lists the reasons by number."""
    d.break_notes.append(reason)
    number = len(d.break_notes)
    return (f'<g class="medienbruch-etikett" data-nummer="{number}">'
            f"<title>{_txt('Medienbruch: ' + sh.clean_text(reason))}</title>"
            f'<circle cx="{n(x)}" cy="{n(y)}" r="{n(BADGE_RADIUS)}" fill="{sh.MEDIENBRUCH}" stroke="#ffffff" '
            f'stroke-width="1.5"/><text x="{n(x)}" y="{n(y + 3.8)}" font-size="10.5" '
            f'font-weight="bold" text-anchor="middle" fill="#ffffff">{number}</text></g>')


def _midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    return _point_at(points, 0.5)


def _point_at(points: list[tuple[float, float]], share: float) -> tuple[float, float]:
    """The point at ``share`` (0–1) of the polyline's length."""
    lengths = [math.dist(a, b) for a, b in itertools.pairwise(points)]
    half = sum(lengths) * share
    for (a, b), length in zip(itertools.pairwise(points), lengths, strict=True):
        if half <= length and length > 0:
            t = half / length
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        half -= length
    return points[len(points) // 2]


def _default_slash(points: list[tuple[float, float]], stroke: str) -> str:
    (x0, y0), (x1, y1) = points[0], points[1]
    length = math.dist((x0, y0), (x1, y1)) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    cx, cy = x0 + ux * 10, y0 + uy * 10
    # a short stroke across the flow, tilted by 45°
    vx, vy = (ux - uy) * 0.7071 * 6, (uy + ux) * 0.7071 * 6
    return (f'<path d="M{n(cx - vy)},{n(cy + vx)} L{n(cx + vy)},{n(cy - vx)}" '
            f'stroke="{stroke}" stroke-width="1.5"/>')


# --------------------------------------------------------------------------- legend


def legend_svg(d: _Drawer, width: float) -> tuple[str, float]:
    """The legend for what the drawing shows, laid out in columns; returns (svg, height)."""
    items = sh.legend_items(media=d.media, media_breaks=d.flags["breaks"],
                            waste=d.flags["waste"], automatable=d.flags["auto"],
                            comparison=d.flags["compare"])
    markers = sorted((label, kind) for kind, label in d.markers.items())
    cells: list[str] = []
    for item in items:
        if item.kind == "fill":
            swatch = (f'<rect x="0" y="-9" width="22" height="13" fill="{item.color}" '
                      f'stroke="{sh.INK}" stroke-width="0.8"/>')
        elif item.kind == "edge":
            swatch = (f'<path d="M0,-3 L22,-3" stroke="{item.color}" stroke-width="3.5"/>')
        elif item.kind == "border":
            swatch = (f'<rect x="1" y="-9" width="20" height="13" rx="3" fill="#ffffff" '
                      f'stroke="{item.color}" stroke-width="2" stroke-dasharray="5 2"/>')
        else:
            swatch = icons.badge(11, -3, "automatisierbar")
        cells.append(swatch + f'<text x="30" y="0" font-size="11" fill="{sh.INK}">'
                     f"{_esc(item.label)}</text>")
    for label, kind in markers:
        cells.append(icons.task_marker(kind, 3, -13)
                     + f'<text x="30" y="0" font-size="11" fill="{sh.INK}">{_esc(label)}</text>')
    if not cells:
        return "", 0.0
    col_w = 300.0
    columns = max(int(width // col_w), 1)
    rows = math.ceil(len(cells) / columns)
    notes = []
    top = 34 + rows * 20 + 8
    chars = max(int((width - 40) / (11 * CHAR_EM)), 20)
    for number, reason in enumerate(d.break_notes, start=1):
        lines = sh.wrap("Medienbruch: " + reason, chars, None)  # in full, never cut
        spans = "".join(f'<tspan x="30" y="{n(i * 14)}">{_esc(line)}</tspan>'
                        for i, line in enumerate(lines))
        notes.append(f'<g transform="translate(0 {n(top)})">'
                     f'<circle cx="11" cy="-4" r="8" fill="{sh.MEDIENBRUCH}"/>'
                     f'<text x="11" y="-0.5" font-size="10" font-weight="bold" '
                     f'text-anchor="middle" fill="#ffffff">{number}</text>'
                     f'<text font-size="11" fill="{sh.INK}">{spans}</text></g>')
        top += 4 + 14 * len(lines)
    notes_h = top - (34 + rows * 20 + 8)
    out = [f'<text x="0" y="14" font-size="12" font-weight="bold" fill="{sh.INK}">'
           "Legende</text>"]
    for i, cell in enumerate(cells):
        col, row = i % columns, i // columns
        out.append(f'<g transform="translate({n(col * col_w)} {n(34 + row * 20)})">{cell}</g>')
    out.extend(notes)
    return "".join(out), 34 + rows * 20 + 10.0 + (notes_h + 8 if notes else 0)


def _esc(text: str) -> str:
    return _txt(text)
