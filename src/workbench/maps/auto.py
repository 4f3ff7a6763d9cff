"""The auto-layout map: graphviz places the nodes, flow runs left to right in swimlane bands.

How the bands come about: every band (lane, or pool without lanes) is a graphviz cluster that
holds a header node in the first column and an invisible end node in the last one, so all bands
span the full width; ``newrank`` lets one ``rank=same`` per column cross all clusters, and an
invisible edge chain through the header nodes stacks the bands in the model's order. Columns
are computed by :mod:`workbench.maps.scene`; long processes wrap into several rows, continued
by BPMN link events (A, B, …), so a 25-step process fits a 16:9 projector.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..bpmn.model import Activity, Definitions, Event, Gateway
from . import gvlabels as lb
from . import shapes as sh
from .export import Map
from .gv import HtmlLabel, attrs, clean_svg, html, html_lines, map_prefix, quote, run_dot
from .highlights import NONE, Highlights
from .scene import Scene, SceneNode, build_scene

COLUMN_INCHES = 2.1  # activity width plus rank separation, for the wrap estimate
BAND_INCHES = 1.25
ASPECT = 16 / 9
MAX_ROW_INCHES = 22.0  # wider rows wrap (about 2100 px at 96 dpi)


@dataclass
class Section:
    """One model in a map (a comparison has two: IST and SOLL)."""

    defs: Definitions
    highlights: Highlights = NONE
    key: str = ""  # prefix of SVG ids ("ist", "soll"); "" for a single map
    label: str = ""  # heading above the section
    status: Mapping[str, str] = field(default_factory=dict)  # activity id → "neu"/"entfaellt"


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
        self.headers: list[str] = []
        self.ends: list[str] = []
        self._count = 0
        self._media: set[str] = set()
        self._markers: dict[str, str] = {}
        self._flags = {"breaks": False, "waste": False, "auto": False, "compare": False}

    # ---- naming
    def _name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def _tag(self, gv_id: str, section: Section, bpmn_id: str, classes: str) -> None:
        key = f"{section.key}-{bpmn_id}" if section.key else bpmn_id
        meta = {"id": _safe(key), "class": classes, "data-bpmn-id": bpmn_id}
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
            self.meta[cid] = {"id": _safe(f"abschnitt-{section.key}"),
                              "class": f"abschnitt abschnitt-{section.key}"}
        for index, _segment in enumerate(segments):
            self._write_segment(ctx, index)
        if section.label:
            self.lines.append("}")
        self._write_flows(ctx)

    def _segments(self, scene: Scene) -> list[_Segment]:
        columns = scene.columns
        per_row = columns
        if isinstance(self.wrap, int) and self.wrap > 0:
            per_row = self.wrap
        elif self.wrap == "auto" and columns * COLUMN_INCHES + 1.6 > MAX_ROW_INCHES:
            bands = max(len(scene.bands), 1)
            best = (math.inf, columns)
            for rows in range(2, 9):
                width = math.ceil(columns / rows) * COLUMN_INCHES + 1.6
                height = rows * bands * BAND_INCHES
                score = abs(math.log(width / height / ASPECT)) + 0.1 * rows
                if score < best[0]:
                    best = (score, math.ceil(columns / rows))
            per_row = max(best[1], 6)
        spans = [(n.column, n.column + n.span) for n in scene.nodes.values()
                 if n.kind == "subprocess" and n.parent is None and n.span > 1]
        segments, start = [], 0
        while start < columns:
            end = min(start + per_row, columns)
            for first, last in sorted(spans):
                if first < end < last:
                    end = first if first > start else last
            segments.append(_Segment(start, end))
            start = end
        return segments or [_Segment(0, 1)]

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
                self.lines.append(
                    f'id={quote(cid)} label=<<B>{html(first.pool + part)}</B>> labeljust=l '
                    f'style=filled fillcolor="#ffffff" color="{sh.POOL_STROKE}" penwidth=1.6')
                self._tag(cid, ctx.section, pool_key, "bpmn-pool")
            for band_index in band_ids:
                self._write_band(ctx, index, band_index, "" if with_cluster else part)
            if with_cluster:
                self.lines.append("}")

    def _write_band(self, ctx: _Context, segment: int, band_index: int, part: str) -> None:
        band = ctx.scene.bands[band_index]
        cid = self._name("c")
        fill = sh.LANE_FILLS[band_index % 2]
        stroke = sh.POOL_STROKE if band.kind != "lane" else "#90a4ae"
        self.lines.append(f"subgraph cluster_{cid} {{")
        self.lines.append(f'id={quote(cid)} label="" style=filled fillcolor="{fill}" '
                          f'color="{stroke}" penwidth={1.6 if band.kind != "lane" else 1}')
        self._tag(cid, ctx.section, band.element_id,
                  "bpmn-lane" if band.kind == "lane" else "bpmn-pool")
        header = self._name("h")
        self.lines.append(f"{header} " + attrs(shape="plain", label=lb.header_label(
            band.header + part if band.header or part else "")))
        self.meta[header] = {"class": "band-kopf"}
        self._rank(0, header)
        self.headers.append(header)
        ctx.header_of.setdefault(band_index, header)
        end = self._name("z")
        self.lines.append(f"{end} [shape=point style=invis width=0.01]")
        self.ends.append(end)
        for node in ctx.scene.nodes.values():
            if (node.band == band_index and node.parent is None
                    and ctx.segment_of[node.id] == segment):
                self._write_node(ctx, node)
        for link in ctx.links_in(segment, band_index):
            self.lines.append(f"{link.gv} " + attrs(**lb.link_attrs(link.letter, link.throwing)))
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
                f'{html_lines(sh.wrap(el.label, 30, 2))}</FONT>> labeljust=l style="rounded'
                f'{",dashed" if dashed else ""},filled" fillcolor="#ffffff" color="{sh.INK}" '
                f'penwidth={3 if el.local_name == "transaction" else 1.2}')
            self._tag(cid, section, node.id, "bpmn-activity bpmn-subprocess")
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
                                           show_attributes=self.show_attributes)
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
        self.lines.append(f"{gv_id} " + attrs(**node_attrs))
        self._tag(gv_id, section, node.id, " ".join(classes))
        self._rank(ctx.rank(node), gv_id)

    def _rank(self, rank: int, gv_id: str) -> None:
        self.ranks.setdefault(rank, []).append(gv_id)

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
            f'graph [rankdir=LR newrank=true compound=true splines=true nodesep=0.22 '
            f'ranksep=0.42 forcelabels=true fontname={quote(sh.GV_FONT)} fontsize=12 '
            f'bgcolor="#ffffff" pad=0.2 outputorder=edgesfirst]',
            f'node [fontname={quote(sh.GV_FONT)} fontsize=11 fontcolor="{sh.INK}"]',
            f'edge [fontname={quote(sh.GV_FONT)} fontsize=9 color="{sh.INK}" arrowsize=0.8]',
        ]
        if self.legend:
            out.append("graph " + attrs(labelloc="b", labeljust="l", label=self._legend()))
        if self.title:
            sub = (f'<BR/><FONT POINT-SIZE="12" COLOR="{sh.MUTED}">{html(self.subtitle)}</FONT>'
                   if self.subtitle else "")
            out.append('subgraph cluster_titel { id="titel" labeljust=l labelloc=t '
                       f'color="#ffffff" label=<<FONT POINT-SIZE="20"><B>{html(self.title)}'
                       f"</B></FONT>{sub}>")
        out.extend(self.lines)
        if self.title:
            out.append("}")
        ranks = {k: list(v) for k, v in self.ranks.items()}
        if self.ends:
            ranks.setdefault(max(ranks, default=0) + 1, []).extend(self.ends)
        for rank in sorted(ranks):
            out.append("{rank=same; " + "; ".join(ranks[rank]) + "}")
        for chain in (self.headers, self.ends):
            for a, b in zip(chain, chain[1:], strict=False):
                out.append(f"{a} -> {b} [style=invis weight=10]")
        out.append("}")
        return "\n".join(out) + "\n"

    def _legend(self) -> HtmlLabel:
        items = sh.legend_items(media=self._media, media_breaks=self._flags["breaks"],
                                waste=self._flags["waste"], automatable=self._flags["auto"],
                                comparison=self._flags["compare"])
        markers = sorted(self._markers.items(), key=lambda kv: kv[1])
        return lb.legend_label(items, markers)

    def render(self, style: str = "auto") -> Map:
        """Run graphviz and return the finished :class:`Map`."""
        source = self.source()
        raw = run_dot(source, "svg")
        svg = clean_svg(raw, self.meta, prefix=map_prefix(source), title=self.title)
        return Map(svg=svg, title=self.title, dot=source, style=style)


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


def _find(segments: list[_Segment], column: int) -> int:
    for index, segment in enumerate(segments):
        if segment.start <= column < segment.end:
            return index
    return len(segments) - 1


def _safe(text: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "_.-") else "_" for c in text)


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
    try:
        process = model.main_process()
    except ValueError:
        return model.name
    return process.name or model.name or process.id
