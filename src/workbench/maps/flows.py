"""Edges of the graphviz map: sequence flows (with Medienbruch highlighting), message flows,
data associations, and link-event pairs where a flow continues in another row."""

from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import TYPE_CHECKING

from ..bpmn.model import Activity, SequenceFlow
from . import shapes as sh
from .gv import HtmlLabel, attrs, html_lines
from .restack import FLAT
from .scene import Scene, SceneFlow

if TYPE_CHECKING:
    from .auto import DotBuilder, _Context


def _entry(scene: Scene, node_id: str) -> str:
    """The node a flow into ``node_id`` points at (inside an expanded sub-process: its start)."""
    while node_id in scene.subprocesses:
        children = scene.subprocesses[node_id]
        incoming = {f.target for f in scene.flows if f.kind == "sequence" and f.source in children}
        starts = [c for c in children if c not in incoming and scene.nodes[c].kind != "data"]
        pool = starts or children
        node_id = min(pool, key=lambda c: (scene.nodes[c].column, children.index(c)))
    return node_id


def _exit(scene: Scene, node_id: str) -> str:
    while node_id in scene.subprocesses:
        children = scene.subprocesses[node_id]
        outgoing = {f.source for f in scene.flows if f.kind == "sequence" and f.target in children}
        ends = [c for c in children if c not in outgoing]
        pool = ends or children
        node_id = max(pool, key=lambda c: (scene.nodes[c].column, -children.index(c)))
    return node_id


@lru_cache(maxsize=1)
def _letters() -> tuple[str, ...]:
    single = list(string.ascii_uppercase)
    return tuple(single + [a + b for a in single for b in single])


def plan_links(builder: DotBuilder, ctx: _Context) -> None:
    """Create link-event pairs for sequence flows whose ends lie in different rows."""
    from .auto import _Link

    if len(ctx.segments) < 2:
        return
    letters = _letters()
    scene = ctx.scene
    for flow in scene.flows:
        if flow.kind != "sequence":
            continue
        source, target = _exit(scene, flow.source), _entry(scene, flow.target)
        if source not in scene.nodes or target not in scene.nodes:
            continue
        seg_s, seg_t = ctx.segment_of[source], ctx.segment_of[target]
        if seg_s == seg_t:
            continue
        letter = letters[len(ctx.links) // 2 % len(letters)]
        s_node, t_node = scene.nodes[source], scene.nodes[target]
        throw = _Link(builder._name("l"), letter, True, seg_s, s_node.band, ctx.rank(s_node) + 1)
        catch = _Link(builder._name("l"), letter, False, seg_t, t_node.band,
                      max(1, ctx.rank(t_node) - 1))
        ctx.links.extend([throw, catch])
        ctx.link_of[flow.id] = (throw.gv, catch.gv)


def break_flows(scene: Scene, pairs: dict[tuple[str, str], str]) -> tuple[
        dict[str, str], set[str], list[tuple[str, str, str]]]:
    """Flows on the way between each Medienbruch pair (through gateways/events only).

    Returns: flow id → reason for the flow that gets the label, all flow ids to style, and the
    pairs with no such path (drawn as extra edges).
    """
    out: dict[str, list[SceneFlow]] = {}
    inc: dict[str, list[SceneFlow]] = {}
    for flow in scene.flows:
        if flow.kind == "sequence":
            out.setdefault(flow.source, []).append(flow)
            inc.setdefault(flow.target, []).append(flow)

    def passable(node_id: str) -> bool:
        node = scene.nodes.get(node_id)
        return node is not None and node.kind in ("gateway", "event")

    labelled: dict[str, str] = {}
    styled: set[str] = set()
    missing: list[tuple[str, str, str]] = []
    for (source, target), reason in sorted(pairs.items()):
        fwd, stack = {source}, [source]
        while stack:
            for flow in out.get(stack.pop(), []):
                if flow.target not in fwd and flow.target != target and passable(flow.target):
                    fwd.add(flow.target)
                    stack.append(flow.target)
        bwd, stack = {target}, [target]
        while stack:
            for flow in inc.get(stack.pop(), []):
                if flow.source not in bwd and flow.source != source and passable(flow.source):
                    bwd.add(flow.source)
                    stack.append(flow.source)
        path = [f for f in scene.flows if f.kind == "sequence" and f.source in fwd
                and f.target in bwd]
        if not path:
            missing.append((source, target, reason))
            continue
        styled.update(f.id for f in path)
        last = [f for f in path if f.target == target]
        labelled.setdefault(last[0].id if last else path[-1].id, reason)
    return labelled, styled, missing


def _flow_label(flow: SceneFlow) -> str:
    el = flow.element
    if not isinstance(el, SequenceFlow):
        return sh.clean_text(el.name) if el is not None else ""
    text = el.name
    if el.probability is not None:
        text = f"{text} ({el.probability * 100:.0f} %)" if text else f"{el.probability * 100:.0f} %"
    return text


_GLUE = "\ue000"  # keeps "(85 %)" on one line while wrapping


def _wrap_label(label: str) -> list[str]:
    """A flow label in lines of 16 characters; a percentage never breaks from its number."""
    glued = re.sub(r"(\d) %", rf"\1{_GLUE}%", label)
    return [line.replace(_GLUE, " ") for line in sh.wrap(glued, 16, 3)]


def write_flows(builder: DotBuilder, ctx: _Context) -> bool:
    """Write all edges of a section; returns True when a Medienbruch was drawn."""
    scene, section = ctx.scene, ctx.section
    labelled, styled, missing = break_flows(scene, dict(section.highlights.media_breaks))
    pool_head = {}
    for band in scene.bands:
        pool_head.setdefault(band.pool_key, band.index)
    for flow in scene.flows:
        edge: dict[str, object] = {}
        tail_id, head_id = flow.source, flow.target
        if flow.kind == "message":
            edge.update(style="dashed", arrowhead="onormal", arrowtail="odot", dir="both",
                        constraint="false", color=sh.POOL_STROKE)
            classes = "bpmn-messageFlow"
        elif flow.kind in ("data", "association"):
            edge.update(style="dotted", constraint="false", color=sh.MUTED,
                        arrowhead="vee" if flow.kind == "data" else "none")
            classes = "bpmn-dataAssociation" if flow.kind == "data" else "bpmn-association"
        else:
            classes = "bpmn-sequenceFlow"
            el = flow.element
            source_el = scene.nodes[flow.source].element if flow.source in scene.nodes else None
            if isinstance(el, SequenceFlow) and el.is_default:
                edge.update(dir="both", arrowtail="tee")
            elif (isinstance(el, SequenceFlow) and el.condition
                  and isinstance(source_el, Activity)):
                edge.update(dir="both", arrowtail="odiamond")
            if flow.back:
                edge["constraint"] = "false"
            if flow.id in styled:
                edge.update(color=sh.MEDIENBRUCH, penwidth=3.2)
                classes += " medienbruch"
        tail, tail_cluster = _endpoint(builder, ctx, tail_id, pool_head, exit_side=True)
        head, head_cluster = _endpoint(builder, ctx, head_id, pool_head, exit_side=False)
        if tail is None or head is None:
            continue
        label = _flow_label(flow)
        text = HtmlLabel(html_lines(_wrap_label(label))) if label else None
        # a Medienbruch is a numbered badge on the flow (legend: number → reason), so the
        # flow's own label (a decision's "ja (75 %)") stays
        number = builder.break_number(labelled[flow.id]) if flow.id in labelled else None
        if flow.kind == "sequence" and flow.id in ctx.link_of:
            throw, catch = ctx.link_of[flow.id]
            _edge(builder, ctx, flow.id, tail, throw, classes,
                  dict(edge, ltail=tail_cluster, xlabel=text), "", number=number, tip=label)
            _edge(builder, ctx, flow.id, catch, head, classes, dict(edge, lhead=head_cluster),
                  "-fortsetzung")
            continue
        _edge(builder, ctx, flow.id, tail, head, classes,
              dict(edge, ltail=tail_cluster, lhead=head_cluster, xlabel=text), "",
              number=number, tip=label)
    for source, target, reason in missing:
        tail, _ = _endpoint(builder, ctx, source, pool_head, exit_side=True)
        head, _ = _endpoint(builder, ctx, target, pool_head, exit_side=False)
        if tail is None or head is None:
            continue
        _edge(builder, ctx, f"{source}-{target}", tail, head, "medienbruch medienbruch-extra",
              {"style": "dashed", "color": sh.MEDIENBRUCH, "penwidth": 2.4,
               "constraint": "false"}, "", bpmn_id="", number=builder.break_number(reason))
    return bool(labelled or missing)


def _endpoint(builder: DotBuilder, ctx: _Context, node_id: str, pool_head: dict[str, int],
              *, exit_side: bool) -> tuple[str | None, str | None]:
    """The graphviz node for a flow end, and the cluster to clip at (sub-processes)."""
    scene = ctx.scene
    if node_id in scene.subprocesses:
        inner = _exit(scene, node_id) if exit_side else _entry(scene, node_id)
        return ctx.gv.get(inner), "cluster_" + ctx.gv[node_id] if node_id in ctx.gv else None
    if node_id in ctx.gv:
        return ctx.gv[node_id], None
    if node_id in pool_head:  # a message flow to a pool
        return ctx.header_of.get(pool_head[node_id]), None
    return None, None


def _edge(builder: DotBuilder, ctx: _Context, flow_id: str, tail: str, head: str,
          classes: str, edge: dict[str, object], suffix: str, *, bpmn_id: str | None = None,
          number: int | None = None, tip: str = "") -> None:
    gv_id = builder._name("e")
    line = f"{tail} -> {head} " + attrs(id=gv_id, **edge)
    rank = builder.rank_of.get(tail)
    if rank is not None and rank == builder.rank_of.get(head):
        line = FLAT + line  # same column: left out of the layout pass, drawn afterwards
    builder.lines.append(line)
    key = f"{ctx.section.key}-{flow_id}{suffix}" if ctx.section.key else flow_id + suffix
    meta = {"id": sh.safe_id(key), "class": classes}
    if bpmn_id is None:
        meta["data-bpmn-id"] = flow_id
    if ctx.section.key:
        meta["data-variante"] = ctx.section.key
    if number is not None:
        builder.plan.badges[gv_id] = number
    if "bpmn-messageFlow" in classes:
        builder.plan.messages.add(gv_id)
    if tip:
        meta["title"] = tip
    builder.meta[gv_id] = meta


