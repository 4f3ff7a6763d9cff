"""The auto-layout map: graphviz places the nodes, flow runs left to right in swimlane bands.

How the bands come about: every band (lane, or pool without lanes) is a graphviz cluster that
holds a header node in the first column and an invisible end node in the last one, so all bands
span the full width; ``newrank`` lets one ``rank=same`` per column cross all clusters, and an
invisible edge chain through the header nodes stacks the bands in the model's order. Columns
are computed by :mod:`workbench.maps.scene`; long processes wrap into several rows, continued
by BPMN link events (A, B, …), so a 25-step process fits a 16:9 projector.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from ..bpmn.model import Activity, Definitions, Event, Gateway
from . import gvlabels as lb
from . import shapes as sh
from .export import Map, ensure_drawable
from .gv import (
    HtmlLabel,
    attrs,
    clean_svg,
    html,
    html_lines,
    map_prefix,
    quote,
    run_dot,
    run_dot_svg_json,
)
from .highlights import NONE, Highlights
from .restack import LAYOUT_ONLY, StackPlan, pin
from .scene import Scene, SceneNode, build_scene
from .svgpin import UnknownArrow, draw, first_pass, least_size
from .wording import element_name, map_title, tooltip

SCREEN_INCHES = (20.0, 11.25)  # 1920 × 1080 px at 96 dpi: the projector a map should fit
HEADER_INCHES = 1.7  # lane header column
COLUMN_GAP = 0.3  # rank separation
ROW_GAP_INCHES = 0.45  # pool heading and gap per row
LEGEND_INCHES = 1.4  # title and legend
#: the ``edge [...]`` defaults of :meth:`DotBuilder.source`, for flows drawn without graphviz
EDGE_DEFAULTS = {"fontname": sh.GV_FONT, "fontsize": "9", "color": sh.INK, "arrowsize": "0.8"}
NODE_INCHES = {"activity": lb.ACTIVITY_WIDTH, "gateway": lb.GATEWAY_SIZE + 0.2,
               "event": lb.EVENT_SIZE + 0.35, "data": 0.6, "annotation": 1.8}


@dataclass
class Section:
    """One model in a map (a comparison has two: IST and SOLL)."""

    defs: Definitions
    highlights: Highlights = NONE
    key: str = ""  # prefix of SVG ids ("ist", "soll"); "" for a single map
    label: str = ""  # heading above the section
    status: Mapping[str, str] = field(default_factory=dict)  # activity id → "neu"/"entfaellt"

    def __post_init__(self) -> None:
        ensure_drawable(self.defs)


@dataclass
class _Segment:
    start: int
    end: int  # exclusive


class DotBuilder:
    """Writes the DOT text of a map with one or more sections stacked top to bottom."""

    def __init__(self, title: str = "", *, subtitle: str = "", show_attributes: bool = True,
                 wrap: int | str | None = "auto", legend: bool = True) -> None:
        self.title, self.subtitle = title, subtitle
        self.show_attributes, self.wrap, self.legend = show_attributes, wrap, legend
        self.lines: list[str] = []
        self.meta: dict[str, dict[str, str]] = {}
        self.ranks: dict[int, list[str]] = {}
        self.rank_of: dict[str, int] = {}
        self.headers: list[str] = []
        self.ends: list[str] = []
        self._count = 0
        self._media: set[str] = set()
        self._markers: dict[str, str] = {}
        self._flags = {"breaks": False, "waste": False, "auto": False, "compare": False}
        self.plan = StackPlan()
        self._parents: list[str | None] = ["cluster_titel" if title else None]
        self._band: str | None = None
        self.break_notes: list[str] = []  # Medienbruch reasons, numbered from 1

    def break_number(self, reason: str) -> int:
        """The badge number of a Medienbruch (legend: number → reason)."""
        self.break_notes.append(reason)
        number = len(self.break_notes)
        self.meta[f"b{number}"] = {"id": f"medienbruch-{number}", "class": "medienbruch-etikett",
                                   "data-nummer": str(number),
                                   "title": "Medienbruch: " + sh.clean_text(reason)}
        return number

    # ---- naming
    def _name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def _tag(self, gv_id: str, section: Section, bpmn_id: str, classes: str,
             title: str = "") -> None:
        key = f"{section.key}-{bpmn_id}" if section.key else bpmn_id
        meta = {"id": sh.safe_id(key), "class": classes, "data-bpmn-id": bpmn_id}
        if title:
            meta["title"] = title
        if section.key:
            meta["data-variante"] = section.key
        self.meta[gv_id] = meta

    # ---- sections
    def add(self, section: Section) -> None:
        scene = build_scene(section.defs)
        segments = self._segments(scene)
        offset = 2 if len(segments) > 1 else 1
        ctx = _Context(section, scene, segments, offset)
        for node in scene.nodes.values():
            ctx.segment_of[node.id] = _find(segments, node.column)
        from .flows import plan_links

        plan_links(self, ctx)
        if section.label:
            cid = self._name("c")
            self.lines.append(f"subgraph cluster_{cid} {{")
            self.lines.append(f'id={quote(cid)} label=<<FONT POINT-SIZE="18"><B>'
                              f'{html(section.label)}</B></FONT>> labeljust=l fontsize=18 '
                              'color="#b0bec5" style="rounded" penwidth=1.5')
            self.meta[cid] = {"id": sh.safe_id(f"abschnitt-{section.key}"),
                              "class": f"abschnitt abschnitt-{section.key}"}
            self._open(f"cluster_{cid}")
        for index, _segment in enumerate(segments):
            self._write_segment(ctx, index)
        if section.label:
            self.lines.append("}")
            self._parents.pop()
        for node in scene.nodes.values():  # artifacts stay next to their element
            if node.host and node.id in ctx.gv and node.host in ctx.gv:
                self.plan.artifact_host[ctx.gv[node.id]] = ctx.gv[node.host]
        self._write_flows(ctx)

    def _segments(self, scene: Scene) -> list[_Segment]:
        """Rows of the map: one, ``wrap`` columns each, or ("auto") what fits 16:9 best."""
        columns = scene.columns
        spans = [(n.column, n.column + n.span) for n in scene.nodes.values()
                 if n.kind == "subprocess" and n.parent is None and n.span > 1]
        if isinstance(self.wrap, int) and self.wrap > 0:
            return _cut(columns, spans, [1.0] * columns, float(self.wrap))
        widths = _column_widths(scene)
        if self.wrap != "auto":
            return [_Segment(0, columns)]
        stacks = _stacks(scene)
        best: tuple[float, list[_Segment]] | None = None
        full = NODE_INCHES["activity"] + COLUMN_GAP
        for rows in range(1, 9):
            segments = _balanced_cut(columns, spans, widths, rows)
            # rows share graphviz ranks: a column is as wide as its widest node in any row
            row_width = HEADER_INCHES + (max(g.end - g.start for g in segments) * full + 1.0
                                         if len(segments) > 1 else sum(widths))
            total_height = sum(_rows_height(stacks, len(scene.bands), g) + ROW_GAP_INCHES
                               for g in segments) + LEGEND_INCHES
            scale = min(SCREEN_INCHES[0] / row_width, SCREEN_INCHES[1] / total_height)
            if best is None or scale > best[0] * 1.03:
                best = (scale, segments)
            if rows == 1 and scale >= 1.0:
                break
        assert best is not None
        return best[1]

    # ---- clusters and nodes
    def _write_segment(self, ctx: _Context, index: int) -> None:
        part = f" (Teil {index + 1} von {len(ctx.segments)})" if len(ctx.segments) > 1 else ""
        bands_by_pool: dict[str, list[int]] = {}
        for band in ctx.scene.bands:
            bands_by_pool.setdefault(band.pool_key, []).append(band.index)
        for pool_key, band_ids in bands_by_pool.items():
            first = ctx.scene.bands[band_ids[0]]
            with_cluster = first.kind == "lane"
            if with_cluster:
                cid = self._name("c")
                self.lines.append(f"subgraph cluster_{cid} {{")
                heading = first.pool or ctx.scene.process_name(pool_key)
                label = f"<<B>{html(heading + part)}</B>>" if heading else '""'
                self.lines.append(
                    f'id={quote(cid)} label={label} labeljust=l '
                    f'style=filled fillcolor="#ffffff" color="{sh.POOL_STROKE}" penwidth=1.6 '
                    "fontsize=12")
                self._tag(cid, ctx.section, pool_key, "bpmn-pool",
                          _band_tip(ctx.section, pool_key, heading))
                self._open(f"cluster_{cid}")
                self.plan.pools.add(f"cluster_{cid}")
            for band_index in band_ids:
                self._write_band(ctx, index, band_index, "" if with_cluster else part)
            if with_cluster:
                self.lines.append("}")
                self._parents.pop()

    def _write_band(self, ctx: _Context, segment: int, band_index: int, part: str) -> None:
        band = ctx.scene.bands[band_index]
        cid = self._name("c")
        fill = sh.LANE_FILLS[band_index % 2]
        stroke = sh.POOL_STROKE if band.kind != "lane" else "#90a4ae"
        self.lines.append(f"subgraph cluster_{cid} {{")
        self.lines.append(f'id={quote(cid)} label="" style=filled fillcolor="{fill}" '
                          f'color="{stroke}" penwidth={1.6 if band.kind != "lane" else 1}')
        self._tag(cid, ctx.section, band.element_id,
                  "bpmn-lane" if band.kind == "lane" else "bpmn-pool",
                  _band_tip(ctx.section, band.element_id, band.header))
        self._band = f"cluster_{cid}"
        self.plan.bands.append(self._band)
        self.plan.parent[self._band] = self._parents[-1]
        header = self._name("h")
        self.lines.append(f"{header} " + attrs(id=header, shape="plain", label=lb.header_label(
            band.header, part=part)))
        self.meta[header] = {"class": "band-kopf",
                             "title": _band_tip(ctx.section, band.element_id, band.header)}
        self.plan.headers[self._band] = header
        self._rank(0, header)
        self.headers.append(header)
        ctx.header_of.setdefault(band_index, header)
        end = self._name("z")
        self.lines.append(f"{end} [shape=point style=invis width=0.01]")
        self.plan.node_band[end] = self._band
        self.ends.append(end)
        for node in ctx.scene.nodes.values():
            if (node.band == band_index and node.parent is None
                    and ctx.segment_of[node.id] == segment):
                self._write_node(ctx, node)
        for link in ctx.links_in(segment, band_index):
            self.lines.append(f"{link.gv} " + attrs(id=link.gv,
                                                   **lb.link_attrs(link.letter, link.throwing)))
            self.meta[link.gv] = {"class": "link-ereignis"}
            self._rank(link.rank, link.gv)
        self.lines.append("}")

    def _write_node(self, ctx: _Context, node: SceneNode) -> None:
        section, hl = ctx.section, ctx.section.highlights
        if node.kind == "subprocess":
            cid = self._name("c")
            ctx.gv[node.id] = cid
            el = node.element
            dashed = getattr(el, "triggered_by_event", False)
            self.lines.append(f"subgraph cluster_{cid} {{")
            self.lines.append(
                f'id={quote(cid)} label=<<FONT POINT-SIZE="11">'
                f'{html_lines(sh.wrap(element_name(el), 30, 2))}</FONT>> labeljust=l style="rounded'
                f'{",dashed" if dashed else ""},filled" fillcolor="#ffffff" color="{sh.INK}" '
                f'penwidth={3 if el.local_name == "transaction" else 1.2}')
            self._tag(cid, section, node.id, "bpmn-activity bpmn-subprocess", tooltip(el))
            if self._band is not None:
                self.plan.cluster_band[f"cluster_{cid}"] = self._band
            for child in ctx.scene.subprocesses.get(node.id, []):
                self._write_node(ctx, ctx.scene.nodes[child])
            self.lines.append("}")
            return
        gv_id = self._name("n")
        ctx.gv[node.id] = gv_id
        el = node.element
        classes: list[str]
        if isinstance(el, Activity):
            status = section.status.get(node.id, "")
            waste, auto = node.id in hl.waste, node.id in hl.automatable
            node_attrs = lb.activity_attrs(el, status=status, waste=waste, automatable=auto,
                                           show_attributes=self.show_attributes,
                                           standard=hl.standard.get(node.id))
            medium = el.medium if isinstance(el.medium, str) else ""
            self._media.add(medium)
            classes = ["bpmn-activity", f"bpmn-{el.local_name}"]
            if medium:
                classes.append(f"medium-{medium}")
            for flag, name in ((waste, "verschwendung"), (auto, "automatisierbar")):
                if flag:
                    classes.append(name)
            if status:
                classes.append(f"schritt-{status}")
                self._flags["compare"] = True
            self._flags["waste"] |= waste
            self._flags["auto"] |= auto
            glyph = sh.TASK_GLYPHS.get(el.local_name)
            if glyph:
                self._markers[glyph] = el.type_label
        elif isinstance(el, Event):
            node_attrs = lb.event_attrs(el)
            classes = ["bpmn-event", f"bpmn-{el.local_name}"]
            classes += [f"ereignis-{d}" for d in el.event_definitions]
        elif isinstance(el, Gateway):
            node_attrs = lb.gateway_attrs(el)
            classes = ["bpmn-gateway", f"bpmn-{el.local_name}"]
        else:
            node_attrs = lb.artifact_attrs(el)
            classes = ["bpmn-artifact", f"bpmn-{el.local_name}"]
        self.lines.append(f"{gv_id} " + attrs(id=gv_id, **node_attrs))
        tip = tooltip(el)
        if isinstance(el, Activity):  # the footer may be shortened: in full in the tooltip
            tip = "\n".join([tip, *lb.attribute_line(el, standard=hl.standard.get(node.id),
                                                      limit=None)])
        self._tag(gv_id, section, node.id, " ".join(classes), tip)
        self._rank(ctx.rank(node), gv_id)

    def _rank(self, rank: int, gv_id: str) -> None:
        self.ranks.setdefault(rank, []).append(gv_id)
        self.rank_of[gv_id] = rank
        if self._band is not None:
            self.plan.node_band[gv_id] = self._band

    def _open(self, cluster: str) -> None:
        self.plan.parent[cluster] = self._parents[-1]
        self._parents.append(cluster)

    # ---- edges
    def _write_flows(self, ctx: _Context) -> None:
        from .flows import write_flows

        flags = write_flows(self, ctx)
        self._flags["breaks"] |= flags

    # ---- output
    def source(self) -> str:
        """The complete DOT text."""
        out = [
            "digraph werkbench {",
            f'graph [rankdir=LR newrank=true compound=true splines=true nodesep=0.18 '
            f'ranksep=0.26 forcelabels=true fontname={quote(sh.GV_FONT)} fontsize=12 '
            f'bgcolor="#ffffff" pad=0.2 outputorder=edgesfirst]',
            f'node [fontname={quote(sh.GV_FONT)} fontsize=11 fontcolor="{sh.INK}"]',
            f'edge [fontname={quote(sh.GV_FONT)} fontsize=9 color="{sh.INK}" arrowsize=0.8]',
        ]
        legend = self._legend() if self.legend else None
        if legend is not None:
            out.append("graph " + attrs(labelloc="b", labeljust="l", label=legend))
        if self.title:
            sub = (f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="12" COLOR="{sh.MUTED}">'
                   f"{html(self.subtitle)}</FONT></TD></TR>" if self.subtitle else "")
            out.append('subgraph cluster_titel { id="titel" labeljust=l labelloc=t '
                       'color="#ffffff" label=<<TABLE BORDER="0" CELLPADDING="1" '
                       'CELLSPACING="0"><TR><TD ALIGN="LEFT"><FONT POINT-SIZE="20"><B>'
                       f"{html(self.title)}</B></FONT></TD></TR>{sub}</TABLE>>")
        out.extend(self.lines)
        if self.title:
            out.append("}")
        ranks = {k: list(v) for k, v in self.ranks.items()}
        if self.ends:
            ranks.setdefault(max(ranks, default=0) + 1, []).extend(self.ends)
        ruler = [f"r{rank}" for rank in range(max(ranks, default=0) + 1)]
        out.append('node [shape=point style=invis width=0.01 height=0.01 label=""] '
                   + LAYOUT_ONLY)
        out.append((" -> ".join(ruler) + " [style=invis weight=0]" if len(ruler) > 1
                    else ruler[0]) + " " + LAYOUT_ONLY)
        for rank in sorted(ranks):
            out.append(f"{{rank=same; r{rank}; " + "; ".join(ranks[rank]) + "}")
        for chain in (self.headers, self.ends):
            for a, b in itertools.pairwise(chain):
                out.append(f"{a} -> {b} [style=invis weight=10] {LAYOUT_ONLY}")
        out.append("}")
        return "\n".join(out) + "\n"

    def _legend(self) -> HtmlLabel | None:
        items = sh.legend_items(media=self._media, media_breaks=self._flags["breaks"],
                                waste=self._flags["waste"], automatable=self._flags["auto"],
                                comparison=self._flags["compare"])
        markers = sorted(self._markers.items(), key=lambda kv: kv[1])
        if not (items or markers or self.break_notes):
            return None
        return lb.legend_label(items, markers, notes=self.break_notes)

    def render(self, style: str = "auto", *,
               reject: Callable[[float, float], bool] | None = None) -> Map:
        """Run graphviz and return the finished :class:`Map`. ``reject`` is asked after the
        layout with the least width and the largest smallest font size the map can have
        (:func:`.svgpin.least_size`): True raises :class:`TooWide` before the drawing."""
        source = self.source()
        self.plan.rank_of = dict(self.rank_of)
        raw, data = run_dot_svg_json(source)  # one layout, one drawing
        layout = json.loads(data)
        if reject is not None and reject(*least_size(raw, layout, source, self.plan)):
            raise TooWide(self.title)
        first = first_pass(layout)
        pinned = pin(source, layout, self.plan)
        drawn: bytes | etree._Element
        try:
            if not pinned.nodes:
                raise UnknownArrow("")
            drawn = draw(raw, first, pinned, edge_defaults=EDGE_DEFAULTS,
                         badge_fill=sh.MEDIENBRUCH)
        except UnknownArrow:  # something svgpin cannot draw: graphviz draws the pinned text
            drawn = run_dot(pinned.dot, "svg", engine="neato-n2")
        svg = clean_svg(drawn, self.meta, prefix=map_prefix(source), title=self.title)
        return Map(svg=svg, title=self.title, dot=pinned.dot, engine="neato-n2", style=style)


class TooWide(Exception):
    """:meth:`DotBuilder.render` stopped after the layout: the caller's ``reject`` turned the
    map down (too wide for its page whatever the second pass does)."""


@dataclass
class _Link:
    gv: str
    letter: str
    throwing: bool
    segment: int
    band: int
    rank: int


@dataclass
class _Context:
    section: Section
    scene: Scene
    segments: list[_Segment]
    offset: int
    segment_of: dict[str, int] = field(default_factory=dict)
    gv: dict[str, str] = field(default_factory=dict)  # BPMN id → graphviz node or cluster
    links: list[_Link] = field(default_factory=list)
    link_of: dict[str, tuple[str, str]] = field(default_factory=dict)  # flow → (throw, catch)
    header_of: dict[int, str] = field(default_factory=dict)  # band → its first header node

    def rank(self, node: SceneNode) -> int:
        segment = self.segments[self.segment_of[node.id]]
        return node.column - segment.start + self.offset

    def links_in(self, segment: int, band: int) -> list[_Link]:
        return [x for x in self.links if x.segment == segment and x.band == band]


def _column_widths(scene: Scene) -> list[float]:
    """Estimated width of every column in inches (its widest node plus the rank gap)."""
    widths = [0.3] * scene.columns
    for node in scene.nodes.values():
        width = NODE_INCHES.get(node.kind, 0.0)
        if node.column < len(widths):
            widths[node.column] = max(widths[node.column], width)
    return [w + COLUMN_GAP for w in widths]


def _stacks(scene: Scene) -> dict[tuple[int, int], int]:
    """How many nodes share each (band, column)."""
    stacked: dict[tuple[int, int], int] = {}
    for node in scene.nodes.values():
        if node.kind != "subprocess":
            key = (node.band, node.column)
            stacked[key] = stacked.get(key, 0) + 1
    return stacked


def _rows_height(stacks: dict[tuple[int, int], int], bands: int, row: _Segment) -> float:
    """Estimated height in inches of one row of the map (bands grow with stacked nodes)."""
    per_band = [1] * max(bands, 1)
    for (band, column), count in stacks.items():
        if row.start <= column < row.end:
            per_band[band] = max(per_band[band], count)
    return sum(0.22 + count * (lb.ACTIVITY_HEIGHT + 0.18) for count in per_band)


def _cut(columns: int, spans: list[tuple[int, int]], widths: list[float],
         limit: float) -> list[_Segment]:
    """Rows of at most ``limit`` inches; expanded sub-processes are never split."""
    segments, start = [], 0
    while start < columns:
        end, used = start, 0.0
        while end < columns and (end == start or used + widths[end] <= limit):
            used += widths[end]
            end += 1
        for first, last in sorted(spans):
            if first < end < last:
                end = first if first > start else last
        segments.append(_Segment(start, end))
        start = end
    return segments or [_Segment(0, 1)]


def _balanced_cut(columns: int, spans: list[tuple[int, int]], widths: list[float],
                  rows: int) -> list[_Segment]:
    """At most ``rows`` rows of similar width: the smallest row limit (bisection) that needs no
    more rows — so the last row is never a lonely end event."""
    low, high = max(widths, default=1.0), max(sum(widths), 1.0)
    best = _cut(columns, spans, widths, high)
    for _ in range(30):
        mid = (low + high) / 2
        segments = _cut(columns, spans, widths, mid)
        if len(segments) <= rows:
            best, high = segments, mid
        else:
            low = mid
        if high - low < 0.05:
            break
    return best


def _find(segments: list[_Segment], column: int) -> int:
    for index, segment in enumerate(segments):
        if segment.start <= column < segment.end:
            return index
    return len(segments) - 1




def auto_map(
    model: Definitions,
    highlights: Highlights | None = None,
    *,
    title: str | None = None,
    subtitle: str = "",
    show_attributes: bool = True,
    wrap: int | str | None = "auto",
    legend: bool = True,
) -> Map:
    """The graphviz map of a model (all pools and processes).

    ``highlights`` marks Medienbrüche, waste and automatable steps (default: none; see
    :func:`workbench.maps.highlights_for`). ``wrap`` is the number of columns per row,
    ``"auto"`` (fit 16:9) or ``None`` (one row).
    """
    builder = DotBuilder(_title(model, title), subtitle=subtitle,
                         show_attributes=show_attributes, wrap=wrap, legend=legend)
    builder.add(Section(model, highlights or NONE))
    return builder.render("auto")


def _title(model: Definitions, title: str | None) -> str:
    if title is not None:
        return title
    diagrams = [d.name for d in model.diagrams if d.shapes]
    return map_title(model, diagrams[0] if diagrams else "")


def _band_tip(section: Section, element_id: str, shown: str) -> str:
    element = section.defs.get(element_id)
    if element is None:
        return shown
    name = element.name.strip()
    return tooltip(element, shown) if not name or name != shown else name
