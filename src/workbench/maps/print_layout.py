"""A process map for paper: every step, decision, flow and Medienbruch badge, dense at 7 pt.

The screen map draws a swimlane band per role; on paper those bands were mostly empty and a
report's five IST/SOLL maps filled about 30 landscape pages at a readable size. The print
drawing keeps everything the screen map says but packs it: the role is written inside each
step (under its name) instead of a band, and the flow is cut into rows that fill the given
width (a snake of rows read top to bottom), continued by lettered link markers (A ▶ … ▶ A)
where a flow runs from one row into another. Every text is set at :data:`FONT_PT` in SVG units
that are printed 1:1 as pt, so the smallest text on paper is exactly 7 pt. Decisions keep their
labels ("ja (75 %)"); a Medienbruch is a red flow with a numbered badge, the numbers are
explained in :attr:`PrintMap.notes`.

Graphviz (``dot``) lays out each row on its own; rows are cut between the columns of
:mod:`workbench.maps.scene` (never inside an expanded sub-process), balanced so that no row is a
lonely end event, and measured after layout: a row wider than the page is cut again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from html import unescape

from ..bpmn.model import Activity, Definitions, Event, Gateway, SequenceFlow, TextAnnotation
from . import shapes as sh
from .auto import _Segment
from .flows import _letters, break_flows
from .gv import HtmlLabel, attrs, html, html_lines, quote, run_dot_many
from .gvlabels import PRINT_PENS, activity_look, attribute_line
from .highlights import NONE, Highlights
from .print_labels import untangle
from .scene import Scene, SceneFlow, SceneNode, build_scene
from .wording import element_name

#: Size of every text of the print drawing (SVG units = pt on paper).
FONT_PT = 7.0
NAME_CHARS = 26  # characters per line of a step name
LABEL_CHARS = 20  # characters per line of an event, decision or flow label
_LINK_WIDTH = 34.0  # pt a link marker and its arrow take at either end of a row
_LINK_MARGIN = 2 * _LINK_WIDTH


@dataclass(frozen=True)
class PrintRow:
    """One row of a section: an SVG printed at its own size in pt."""

    svg: str
    width: float
    height: float


@dataclass(frozen=True)
class PrintSection:
    """One model (IST or SOLL) as rows."""

    label: str
    rows: tuple[PrintRow, ...]
    roles: tuple[str, ...]  # the roles written in the steps ("" when the model has one band)


@dataclass
class PrintMap:
    """The print drawing of one or more models, with what its legend has to explain."""

    sections: list[PrintSection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Medienbruch badge n → reason (n = index + 1)
    legend: list[sh.LegendItem] = field(default_factory=list)
    markers: list[tuple[str, str]] = field(default_factory=list)  # task glyph → type name
    subtitle: str = ""  # e.g. the comparison's "Bearbeitungszeit 46 Min. → 18 Min. · …"

    @property
    def texts(self) -> str:
        """All text of the drawing (for tests and search): names, labels, notes."""
        out = []
        for section in self.sections:
            for row in section.rows:
                out += re.findall(r">([^<>]+)</text>", row.svg)
        return " ".join(" ".join(unescape(t).split()) for t in out + self.notes)


class PrintDrawer:
    """Draws sections one after the other; badge numbers run on across sections."""

    def __init__(self, width: float) -> None:
        self.width = width
        self.result = PrintMap()
        self._media: set[str] = set()
        self._markers: dict[str, str] = {}
        self._flags = {"breaks": False, "waste": False, "auto": False, "compare": False}

    # ---- public
    def add(self, defs: Definitions, highlights: Highlights = NONE, *, label: str = "",
            status: dict[str, str] | None = None) -> PrintSection:
        """Draw one model as rows of at most :attr:`width` pt."""
        return self.add_all([PrintModel(defs, highlights, label, status)])[0]

    def add_all(self, models: Sequence[PrintModel]) -> list[PrintSection]:
        """Draw several models, one section each, in order; their rows are laid out together
        (one ``dot`` process per step of the row cutter for all of them)."""
        plans = [self._plan(m) for m in models]
        found = _drive([self._rows(plan) for plan in plans])
        sections = []
        for model, plan, rows in zip(models, plans, found, strict=True):
            roles = tuple(b.header for b in plan.scene.bands) if plan.roles else ()
            sections.append(PrintSection(model.label, tuple(rows), roles))
        self.result.sections += sections
        return sections

    def finish(self) -> PrintMap:
        """The drawing with its legend items."""
        self.result.legend = sh.legend_items(
            media=self._media, media_breaks=self._flags["breaks"], waste=self._flags["waste"],
            automatable=self._flags["auto"], comparison=self._flags["compare"])
        self.result.markers = sorted(self._markers.items(), key=lambda kv: kv[1])
        return self.result

    # ---- bookkeeping
    def _plan(self, model: PrintModel) -> _Plan:
        """The model's scene with its Medienbruch numbers (running on from earlier models)."""
        highlights = model.highlights
        scene = build_scene(model.defs)
        plan = _Plan(scene, highlights, model.status or {}, len(scene.bands) > 1)
        # every Medienbruch gets its own number, also where two of them end on the same flow
        # (two analog steps joined by a gateway before one digital step)
        order = {flow.id: n for n, flow in enumerate(scene.flows)}
        found = []  # (position of its flow, flow id or "" without a path, reason, pair)
        for pair, reason in sorted(highlights.media_breaks.items()):
            labelled, styled, _ = break_flows(scene, {pair: reason})
            plan.styled |= styled
            flow_id = next(iter(labelled), "")
            found.append((order.get(flow_id, len(order)), flow_id, reason, pair))
        for _, flow_id, reason, (source, target) in sorted(found):
            number = self._note(reason)
            if flow_id:
                plan.numbers.setdefault(flow_id, []).append(number)
            else:
                plan.missing.append((source, target, number))
        self._flags["breaks"] |= bool(found)
        for node in scene.nodes.values():
            self._remember(plan, node)
        return plan

    def _note(self, reason: str) -> int:
        self.result.notes.append(sh.clean_text(reason))
        return len(self.result.notes)

    def _remember(self, plan: _Plan, node: SceneNode) -> None:
        el = node.element
        if not isinstance(el, Activity) or node.kind == "subprocess":
            return
        self._media.add(el.medium if isinstance(el.medium, str) else "")
        self._flags["waste"] |= node.id in plan.highlights.waste
        self._flags["auto"] |= node.id in plan.highlights.automatable
        self._flags["compare"] |= bool(plan.status.get(node.id))
        glyph = sh.TASK_GLYPHS.get(el.local_name)
        if glyph:
            self._markers[glyph] = el.type_label

    # ---- rows
    def _rows(self, plan: _Plan) -> _Steps:
        """The rows of one model, as steps: each yields the DOT texts it needs laid out (format
        and sources) and gets graphviz's outputs back (:func:`_drive`)."""
        scene = plan.scene
        spans = [(n.column, n.column + n.span) for n in scene.nodes.values()
                 if n.kind == "subprocess" and n.parent is None and n.span > 1]
        whole = _Dot(plan, [_Segment(0, scene.columns)], 0)
        (layout,) = yield "json", [whole.source()]
        widths = _column_widths(whole, json.loads(layout))
        done: dict[tuple[tuple[int, int], ...], list[str]] = {}  # cut → DOT text of its rows
        drawn: dict[str, PrintRow] = {}  # DOT text → row as graphviz drew it (tries share rows)
        final: dict[str, PrintRow] = {}  # DOT text → row after the label pass

        def finished(sources: list[str]) -> list[PrintRow]:
            """The rows after the label pass, which only makes rows higher, never wider: it
            runs only for a try that wins or ties on fit and number of rows."""
            for source in sources:
                if source not in final:
                    final[source] = _labelled(drawn[source])
            return [final[x] for x in sources]

        def fits(rows: list[PrintRow]) -> bool:
            return all(r.width <= self.width + 0.5 for r in rows)

        def better(sources: list[str], than: list[str]) -> bool:
            """Fitting first, then fewer rows, then less height (as the label pass leaves it)."""
            mine, other = [drawn[x] for x in sources], [drawn[x] for x in than]
            key, best_key = (not fits(mine), len(mine)), (not fits(other), len(other))
            if key != best_key:
                return key < best_key
            bar = sum(r.height for r in finished(than))
            # the pass never makes a row lower: a try already as high as the best before the
            # pass cannot win, and needs no pass
            return (sum(r.height for r in mine) < bar
                    and sum(r.height for r in finished(sources)) < bar)

        # the one-row estimate is only a guess: after each try, the columns of every row are
        # scaled to the row's measured width and the rows are cut again; the best fit wins
        room = self.width - _LINK_MARGIN
        best: list[str] | None = None
        for _ in range(5):
            segments = _cut_rows(scene, spans, widths, room)
            key = tuple((g.start, g.end) for g in segments)
            if key not in done:
                done[key] = [_Dot(plan, segments, i).source() for i in range(len(segments))]
                missing = [x for x in dict.fromkeys(done[key]) if x not in drawn]
                if missing:
                    raws = yield "svg", missing
                    for source, raw in zip(missing, raws, strict=True):
                        drawn[source] = _clean(raw.decode("utf-8"))
            rows = [drawn[x] for x in done[key]]
            if best is None or better(done[key], best):
                best = done[key]
            for n, (segment, row) in enumerate(zip(segments, rows, strict=True)):
                estimate = sum(widths[segment.start:segment.end])
                links = _LINK_WIDTH * ((n > 0) + (n < len(rows) - 1))
                if estimate > 0:
                    factor = max(row.width - links, 1.0) / estimate
                    for c in range(segment.start, segment.end):
                        widths[c] *= factor
            if not fits(rows):
                room *= 0.95
        assert best is not None
        return finished(best)


#: A model's row cutter as steps: yields (format, DOT sources), receives their outputs.
_Steps = Generator[tuple[str, list[str]], list[bytes], list[PrintRow]]


def _drive(steps: list[_Steps]) -> list[list[PrintRow]]:
    """Run the row cutters of several models side by side: at every step, the DOT texts all
    of them need in one format go to one ``dot`` run (:func:`.gv.run_dot_many`)."""
    results: list[list[PrintRow]] = [[] for _ in steps]
    waiting = {n: next(step) for n, step in enumerate(steps)}
    while waiting:
        for fmt in sorted({fmt for fmt, _ in waiting.values()}):
            asked = [(n, sources) for n, (f, sources) in waiting.items() if f == fmt]
            outputs = run_dot_many([x for _, sources in asked for x in sources], fmt)
            for n, sources in asked:
                answer, outputs = outputs[:len(sources)], outputs[len(sources):]
                try:
                    waiting[n] = steps[n].send(answer)
                except StopIteration as stop:
                    results[n] = stop.value
                    del waiting[n]
    return results


@dataclass(frozen=True)
class PrintModel:
    """One model to draw: its highlights, the section's label, step status for comparisons."""

    defs: Definitions
    highlights: Highlights = NONE
    label: str = ""
    status: dict[str, str] | None = None


@dataclass
class _Plan:
    scene: Scene
    highlights: Highlights
    status: dict[str, str]
    roles: bool
    numbers: dict[str, list[int]] = field(default_factory=dict)  # flow id → Medienbruch badges
    styled: set[str] = field(default_factory=set)
    missing: list[tuple[str, str, int]] = field(default_factory=list)
    looks: dict[str, str] = field(default_factory=dict)  # node id → its DOT attribute list
    edges: dict[int, dict[str, object]] = field(default_factory=dict)  # id(flow) → attributes


class _Dot:
    """The DOT text of one row (``index``) of a section cut into ``segments``."""

    def __init__(self, plan: _Plan, segments: list[_Segment], index: int) -> None:
        self.plan, self.segments, self.index = plan, segments, index
        self.lines: list[str] = []
        self.gv: dict[str, str] = {}
        self.columns: dict[int, list[str]] = {}
        self._count = 0

    def _name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def _row_of(self, node_id: str) -> int:
        scene = self.plan.scene
        node = scene.nodes[node_id]
        while node.parent is not None:
            node = scene.nodes[node.parent]
        for n, segment in enumerate(self.segments):
            if segment.start <= node.column < segment.end:
                return n
        return len(self.segments) - 1

    def source(self) -> str:
        scene = self.plan.scene
        for node in scene.nodes.values():
            if node.parent is None and self._row_of(node.id) == self.index:
                self._node(node)
        self._flows()
        head = [
            "digraph druck {",
            f"graph [rankdir=LR nodesep=0.06 ranksep=0.12 pad=0.04 compound=true "
            f"fontname={quote(sh.GV_FONT)} fontsize={FONT_PT:g} bgcolor=\"#ffffff\" "
            f"forcelabels=true outputorder=edgesfirst]",
            f'node [fontname={quote(sh.GV_FONT)} fontsize={FONT_PT:g} fontcolor="{sh.INK}" '
            f"margin=\"0.04,0.02\"]",
            f'edge [fontname={quote(sh.GV_FONT)} fontsize={FONT_PT:g} color="{sh.INK}" '
            "arrowsize=0.5 penwidth=0.9]",
        ]
        ranks = [f"{{rank=same; {'; '.join(ids)}}}" for _, ids in sorted(self.columns.items())
                 if len(ids) > 1]
        return "\n".join(head + self.lines + ranks + ["}"]) + "\n"

    # ---- nodes
    def _node(self, node: SceneNode) -> None:
        scene = self.plan.scene
        if node.kind == "subprocess":
            cid = self._name("cluster_s")
            anchor = self._name("a")
            self.gv[node.id] = anchor
            self.lines.append(f"subgraph {cid} {{")
            self.lines.append(attrs(label=HtmlLabel(html_lines(sh.wrap(element_name(
                node.element), NAME_CHARS, None)))).strip("[]") + ' style="rounded" '
                f'color="{sh.INK}"')
            self.lines.append(f"{anchor} [shape=point style=invis width=0.01]")
            self.gv[f"cluster:{node.id}"] = cid
            for child in scene.subprocesses.get(node.id, []):
                self._node(scene.nodes[child])
            self.lines.append("}")
            return
        gv_id = self._name("n")
        self.gv[node.id] = gv_id
        look = self.plan.looks.get(node.id)
        if look is None:  # the same in every row and try: made once per model
            el = node.element
            if isinstance(el, Activity):
                node_attrs = self._activity(node, el)
            elif isinstance(el, Gateway):
                node_attrs = _gateway(el)
            elif isinstance(el, Event):
                node_attrs = _event(el)
            else:
                node_attrs = _artifact(el)
            look = self.plan.looks[node.id] = attrs(**node_attrs)
        self.lines.append(f"{gv_id} " + look)
        if node.parent is None:
            self.columns.setdefault(node.column, []).append(gv_id)

    def _activity(self, node: SceneNode, el: Activity) -> dict[str, object]:
        plan = self.plan
        status = plan.status.get(node.id, "")
        look = activity_look(el, status=status, waste=node.id in plan.highlights.waste,
                             automatable=node.id in plan.highlights.automatable,
                             pens=PRINT_PENS)
        color, fill, name_color, penwidth, style = (look.color, look.fill, look.name_color,
                                                    look.penwidth, look.style)
        name_lines = sh.wrap(element_name(el), NAME_CHARS, None)
        marks = [sh.TASK_GLYPHS.get(el.local_name, ""), sh.LOOP_GLYPHS.get(el.loop or "", "")]
        if el.is_sub_process:
            marks.append(sh.SUBPROCESS_GLYPH)
        head = " ".join(html(m) for m in marks if m)
        first = " ".join(x for x in (head, " ".join(look.badges)) if x)
        rows = [_lines(name_lines, name_color, strike=status == "entfaellt")]
        facts = []
        if plan.roles:
            facts.append(f"<I>{html(plan.scene.bands[node.band].header)}</I>")
        line = attribute_line(el, standard=plan.highlights.standard.get(node.id), limit=None)
        facts += [html(x) for x in line]
        if first:
            facts.append(first)
        if facts:
            rows.append(_fact_lines(facts, NAME_CHARS + 6))
        label = ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
                 + "".join(rows) + "</TABLE>")
        return {"shape": "box", "style": ",".join(style), "fillcolor": fill, "color": color,
                "penwidth": penwidth, "margin": "0.04,0.045", "label": HtmlLabel(label)}

    # ---- flows
    def _end(self, node_id: str) -> tuple[str | None, str | None, int | None]:
        """(graphviz node, cluster to clip at, row) of a flow end; pools of message flows
        get a small box of their own in the row of the flow's other end."""
        scene = self.plan.scene
        if node_id in scene.nodes:
            cluster = self.gv.get(f"cluster:{node_id}")
            return self.gv.get(node_id), cluster, self._row_of(node_id)
        return None, None, None

    def _pool_box(self, key: str) -> str:
        gv_id = self.gv.get(f"pool:{key}")
        if gv_id is None:
            gv_id = self._name("p")
            self.gv[f"pool:{key}"] = gv_id
            name = self.plan.scene.process_name(key) or key
            self.lines.append(f"{gv_id} " + attrs(shape="box", style="dashed", color=sh.POOL_STROKE,
                                                  label=HtmlLabel(html_lines(sh.wrap(
                                                      name, NAME_CHARS, None)))))
        return gv_id

    def _flows(self) -> None:
        plan = self.plan
        letters = _letters()
        letter_of: dict[str, str] = {}  # target of flows from another row → its link letter
        for flow in plan.scene.flows:
            tail, tail_cluster, tail_row = self._end(flow.source)
            head, head_cluster, head_row = self._end(flow.target)
            if tail_row is None and head_row is None:
                continue
            if tail_row is None:
                tail, tail_row = (self._pool_box(flow.source) if head_row == self.index
                                  else None), head_row
            if head_row is None:
                head, head_row = (self._pool_box(flow.target) if tail_row == self.index
                                  else None), tail_row
            edge = plan.edges.get(id(flow))
            if edge is None:
                edge = plan.edges[id(flow)] = _edge_attrs(plan, flow)
            if tail_row == head_row:
                if tail_row == self.index and tail and head:
                    self._edge(tail, head, tail_cluster, head_cluster, edge, flow)
                continue
            if flow.target not in letter_of:
                letter_of[flow.target] = letters[len(letter_of) % len(letters)]
            letter = letter_of[flow.target]
            if tail_row == self.index and tail:
                link = self._link(letter, throwing=True)
                self._edge(tail, link, tail_cluster, None, edge, flow)
            elif head_row == self.index and head and f"catch:{letter}" not in self.gv:
                link = self._link(letter, throwing=False)
                self.gv[f"catch:{letter}"] = link
                edge = {k: v for k, v in edge.items() if k not in ("label", "dir", "arrowtail")}
                self._edge(link, head, None, head_cluster, edge, None)
        for source, target, number in plan.missing:
            tail, _, tail_row = self._end(source)
            head, _, head_row = self._end(target)
            if tail_row == head_row == self.index and tail and head:
                self._edge(tail, head, None, None, {
                    "style": "dashed", "color": sh.MEDIENBRUCH, "penwidth": 1.6,
                    "constraint": "false", "label": _badge([number], [])}, None)

    def _link(self, letter: str, *, throwing: bool) -> str:
        gv_id = self._name("l")
        text = f"<B>{html(letter)}</B> ▶" if throwing else f"⇨ <B>{html(letter)}</B>"
        self.lines.append(f"{gv_id} " + attrs(
            shape="box", style="rounded,filled", fillcolor="#fffde7", color=sh.INK,
            penwidth=0.8, fixedsize="true", width=0.34, height=0.17, label=HtmlLabel(text)))
        return gv_id

    def _edge(self, tail: str, head: str, tail_cluster: str | None, head_cluster: str | None,
              edge: dict[str, object], flow: SceneFlow | None) -> None:
        extra: dict[str, object] = {}
        if tail_cluster:
            extra["ltail"] = tail_cluster
        if head_cluster:
            extra["lhead"] = head_cluster
        self.lines.append(f"{tail} -> {head} " + attrs(**edge, **extra))


def _lines(lines: list[str], color: str, *, strike: bool = False, italic: bool = False) -> str:
    """Table rows, one per text line, so lines get 1 pt of leading (graphviz sets 7 pt text
    7 pt apart inside one cell)."""
    out = []
    for text in lines:
        body = html(text)
        if strike:
            body = f"<S>{body}</S>"
        if italic:
            body = f"<I>{body}</I>"
        out.append(f'<TR><TD ALIGN="LEFT" HEIGHT="8"><FONT COLOR="{color}">{body}</FONT></TD></TR>')
    return "".join(out)


def _fact_lines(facts: list[str], width: int) -> str:
    """Role, minutes and system, markers: joined by " · " into as few lines as fit ``width``
    characters (markup does not count); a fact longer than a line is wrapped on its own."""
    lines: list[str] = []
    for fact in facts:
        plain = re.sub(r"<[^>]+>", "", fact)
        size = len(unescape(plain))
        if lines and len(unescape(re.sub(r"<[^>]+>", "", lines[-1]))) + 3 + size <= width:
            lines[-1] += " · " + fact
        elif size > width and "<" not in fact:
            lines += [html(x) for x in sh.wrap(unescape(plain), width, None)]
        else:
            lines.append(fact)
    return "".join(f'<TR><TD ALIGN="LEFT" HEIGHT="8"><FONT COLOR="{sh.MUTED}">{x}</FONT></TD></TR>'
                   for x in lines)


def _edge_attrs(plan: _Plan, flow: SceneFlow) -> dict[str, object]:
    edge: dict[str, object] = {}
    if flow.kind == "message":
        edge.update(style="dashed", arrowhead="onormal", arrowtail="odot", dir="both",
                    constraint="false", color=sh.POOL_STROKE)
    elif flow.kind in ("data", "association"):
        edge.update(style="dotted", color=sh.MUTED,
                    arrowhead="vee" if flow.kind == "data" else "none")
    else:
        el = flow.element
        source = plan.scene.nodes.get(flow.source)
        if isinstance(el, SequenceFlow) and el.is_default:
            edge.update(dir="both", arrowtail="tee")
        elif (isinstance(el, SequenceFlow) and el.condition and source is not None
              and isinstance(source.element, Activity)):
            edge.update(dir="both", arrowtail="odiamond")
        if flow.back:
            edge["constraint"] = "false"
        if flow.id in plan.styled:
            edge.update(color=sh.MEDIENBRUCH, penwidth=2.2)
    lines = _flow_lines(flow)
    numbers = plan.numbers.get(flow.id)
    if numbers:
        edge["label"] = _badge(numbers, lines)
    elif lines:
        edge["label"] = HtmlLabel(html_lines(lines))
    return edge


def _flow_lines(flow: SceneFlow) -> list[str]:
    """A flow's label in lines: its name, then its share ("(25 %)") kept whole on one line."""
    el = flow.element
    if not isinstance(el, SequenceFlow):
        return sh.wrap(el.name, LABEL_CHARS, None) if el is not None and el.name else []
    lines = sh.wrap(el.name, LABEL_CHARS, None) if sh.clean_text(el.name) else []
    if el.probability is not None:
        share = f"{el.probability * 100:.0f} %"
        share = f"({share})" if lines else share
        if lines and len(lines[-1]) + 1 + len(share) <= LABEL_CHARS:
            lines[-1] += " " + share
        else:
            lines.append(share)
    return lines


def _badge(numbers: list[int], lines: list[str]) -> HtmlLabel:
    """A flow label with the red numbered Medienbruch badges in front of its own text (a
    little apart from it, so a badge never touches a letter)."""
    own = (f'<TD WIDTH="2"></TD><TD ALIGN="LEFT" BALIGN="LEFT">{html_lines(lines)}</TD>'
           if lines else "")
    badges = "".join(f'<TD BGCOLOR="{sh.MEDIENBRUCH}" STYLE="rounded"><FONT COLOR="#ffffff">'
                     f"<B>{n}</B></FONT></TD>" for n in numbers)
    return HtmlLabel('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="1"><TR>'
                     f"{badges}{own}</TR></TABLE>")


def _gateway(el: Gateway) -> dict[str, object]:
    kind = el.gateway_type
    out: dict[str, object] = {
        "shape": "diamond", "fixedsize": "true", "width": 0.28, "height": 0.28,
        "style": "filled", "fillcolor": "#fffde7", "color": sh.INK, "penwidth": 0.9,
        "label": HtmlLabel(f"<B>{html(sh.GATEWAY_GLYPHS.get(kind, ''))}</B>")}
    if el.name:
        out["xlabel"] = HtmlLabel(html_lines(sh.wrap(sh.clean_text(el.name), LABEL_CHARS, None)))
    return out


def _event(el: Event) -> dict[str, object]:
    position = sh.event_position(el.local_name)
    throwing = sh.event_is_throwing(el.local_name)
    glyph = sh.event_glyph(el.event_definitions, throwing)
    style = ["filled"]
    interrupting = el.cancel_activity if el.local_name == "boundaryEvent" else el.is_interrupting
    if not interrupting:
        style.append("dashed")
    out: dict[str, object] = {
        "shape": "doublecircle" if position == "intermediate" else "circle",
        "fixedsize": "true", "width": 0.2, "style": ",".join(style),
        "fillcolor": {"start": "#e8f5e9", "end": "#fdecea"}.get(position, "#ffffff"),
        "color": sh.INK, "penwidth": 2.2 if position == "end" else 0.9,
        "label": (HtmlLabel(f"<B>{html(glyph)}</B>" if throwing else html(glyph)) if glyph
                  else "")}
    if el.name:
        out["xlabel"] = HtmlLabel(html_lines(sh.wrap(sh.clean_text(el.name), LABEL_CHARS, None)))
    return out


def _artifact(el: object) -> dict[str, object]:
    if isinstance(el, TextAnnotation):
        text = html_lines(sh.wrap(el.text, NAME_CHARS, None)) or "&#160;"
        return {"shape": "plain", "label": HtmlLabel(
            '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="2">'
            f'<TR><TD SIDES="LTB" ALIGN="LEFT" BALIGN="LEFT" COLOR="{sh.MUTED}">'
            f'<FONT COLOR="{sh.MUTED}">{text}</FONT></TD></TR></TABLE>')}
    store = getattr(el, "local_name", "").startswith("dataStore")
    name = element_name(el) if hasattr(el, "name") else ""  # type: ignore[arg-type]
    return {"shape": "cylinder" if store else "note", "style": "filled", "fillcolor": "#ffffff",
            "color": sh.INK, "penwidth": 0.8,
            "label": HtmlLabel(html_lines(sh.wrap(name, LABEL_CHARS, None)) or "&#160;")}


def _crossings(scene: Scene, cut: int) -> int:
    """Flows that cross a cut before column ``cut`` (each costs a pair of link markers)."""
    count = 0
    for flow in scene.flows:
        a, b = scene.nodes.get(flow.source), scene.nodes.get(flow.target)
        if a is not None and b is not None and min(a.column, b.column) < cut <= max(
                a.column, b.column):
            count += 1
    return count


def _cut_rows(scene: Scene, spans: list[tuple[int, int]], widths: list[float],
              room: float) -> list[_Segment]:
    """Rows of at most ``room`` pt: as few rows as possible, then as few flows crossing from
    one row into another, then rows of similar width; never inside an expanded sub-process."""
    columns = len(widths)
    blocked = {c for first, last in spans for c in range(first + 1, last)}
    cost = [_crossings(scene, c) for c in range(columns + 1)]
    inf = (10 ** 9, 10 ** 9, 0.0)
    best: list[tuple[int, int, float]] = [inf] * (columns + 1)
    back = [0] * (columns + 1)
    best[0] = (0, 0, 0.0)
    for end in range(1, columns + 1):
        if end < columns and end in blocked:
            continue
        for start in range(end - 1, -1, -1):
            width = sum(widths[start:end])
            if width > room and end - start > 1:
                break
            if best[start] == inf or (start and start in blocked):
                continue
            rows, crossing, widest = best[start]
            candidate = (rows + 1, crossing + (cost[end] if end < columns else 0),
                         max(widest, width))
            if candidate < best[end]:
                best[end], back[end] = candidate, start
    cuts, end = [], columns
    while end > 0:
        cuts.append(_Segment(back[end], end))
        end = back[end]
    return cuts[::-1] or [_Segment(0, max(columns, 1))]


def _column_widths(dot: _Dot, layout: dict) -> list[float]:
    """Width in pt of every scene column in a one-row layout (from its left edge to the next
    column's left edge)."""
    scene = dot.plan.scene
    columns = scene.columns
    left = [float("inf")] * columns
    right = [0.0] * columns
    objects = {o.get("name"): o for o in layout.get("objects", [])}
    for node in scene.nodes.values():
        obj = objects.get(dot.gv.get(node.id))
        if obj is None or "pos" not in obj or node.column >= columns:
            continue
        x = float(obj["pos"].split(",")[0])
        half = float(obj.get("width", 0.5)) * 36
        left[node.column] = min(left[node.column], x - half)
        right[node.column] = max(right[node.column], x + half)
    widths = []
    for c in range(columns):
        if left[c] == float("inf"):
            widths.append(8.0)
            continue
        nxt = next((left[d] for d in range(c + 1, columns) if left[d] != float("inf")), None)
        widths.append((nxt - left[c]) if nxt is not None else right[c] - left[c] + 10)
    return [max(w, 4.0) for w in widths]


_STRIP = re.compile(r'<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->|<title>.*?</title>|\sid="[^"]*"',
                    re.S)
_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"')


def _clean(raw: str) -> PrintRow:
    """A graphviz SVG without prolog, comments, ids and tooltips; its size in pt."""
    return _row(re.sub(r"\n\s*\n", "\n", _STRIP.sub("", raw)).strip())


def _labelled(row: PrintRow) -> PrintRow:
    """The row with its labels moved off what they hid (:mod:`.print_labels`); the pass makes
    a row higher where it needs room, never wider."""
    return _row(untangle(row.svg))


def _row(svg: str) -> PrintRow:
    size = _SIZE.search(svg)
    if size is None:
        raise ValueError("Graphviz-SVG ohne Größe")
    return PrintRow(svg.strip(), float(size.group(1)), float(size.group(2)))


def print_comparison(ist: Definitions, soll: Definitions, width: float) -> PrintMap:
    """IST above SOLL for paper (rows of at most ``width`` pt): dropped steps struck through in
    IST, new steps marked in SOLL, badge numbers running on from IST into SOLL."""
    from .compare import ComparisonSummary, match_steps, summarize
    from .highlights import highlights_for

    match = match_steps(ist, soll)
    drawer = PrintDrawer(width)
    drawer.result.subtitle = (summarize(ist, soll) or ComparisonSummary()).line(match)
    drawer.add_all([
        PrintModel(ist, highlights_for(ist), "IST", dict.fromkeys(match.dropped, "entfaellt")),
        PrintModel(soll, highlights_for(soll), "SOLL", dict.fromkeys(match.new, "neu"))])
    return drawer.finish()
