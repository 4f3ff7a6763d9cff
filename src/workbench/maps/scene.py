"""A model prepared for the auto-layout map: swimlane bands, nodes with columns, flows.

Independent of graphviz: :func:`build_scene` turns :class:`~workbench.bpmn.Definitions` into
plain dataclasses — bands (pool/lane rows, top to bottom), nodes with their band and column
(layered left to right; back edges of loops are set aside; an expanded sub-process spans the
columns of its content) and the flows between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..bpmn.model import (
    Activity,
    Definitions,
    Element,
    Event,
    FlowNode,
    Gateway,
    Lane,
    Process,
    SubProcess,
)
from ..bpmn.order import back_edges
from .wording import numbered_names, readable


@dataclass(slots=True)
class Band:
    """One horizontal row of the map: a lane, or a pool (or process) without lanes."""

    index: int
    header: str
    pool: str  # pool (participant) name, "" for a process without pool
    pool_key: str  # groups bands of one pool
    element_id: str  # the lane's, participant's or process's id
    kind: str  # "lane" | "pool" | "process"


@dataclass(slots=True)
class SceneNode:
    """A flow node, data object or annotation placed in a band and a column."""

    id: str
    element: Element
    kind: str  # activity | event | gateway | subprocess | data | annotation
    band: int
    column: int = 0
    span: int = 1  # columns used (expanded sub-processes)
    parent: str | None = None  # id of the enclosing expanded sub-process
    host: str = ""  # data object or annotation: the node it is drawn next to


@dataclass(slots=True)
class SceneFlow:
    id: str
    source: str
    target: str
    kind: str  # sequence | message | association | data
    element: Element | None = None
    back: bool = False  # part of a loop (runs right to left)


@dataclass(slots=True)
class Scene:
    bands: list[Band] = field(default_factory=list)
    nodes: dict[str, SceneNode] = field(default_factory=dict)
    flows: list[SceneFlow] = field(default_factory=list)
    subprocesses: dict[str, list[str]] = field(default_factory=dict)  # id → direct children
    names: dict[str, str] = field(default_factory=dict)  # pool/process key → name

    def process_name(self, key: str) -> str:
        """Name of the pool or process whose bands carry this key."""
        for band in self.bands:
            if band.pool_key == key and band.pool:
                return band.pool
        return self.names.get(key, "")

    @property
    def columns(self) -> int:
        return max((n.column + n.span for n in self.nodes.values()), default=1)


# --------------------------------------------------------------------------- bands


def _leaf_lanes(lanes: list[Lane], names: dict[str, str], prefix: str = ""
                ) -> list[tuple[Lane, str]]:
    out: list[tuple[Lane, str]] = []
    for lane in lanes:
        label = f"{prefix} / {names[lane.id]}" if prefix else names[lane.id]
        children = lane.child_lanes
        if children:
            out.extend(_leaf_lanes(children, names, label))
        else:
            out.append((lane, label))
    return out


def _numbered(unnamed: list[Process], process: Process | None) -> str:
    """"Prozess 2" for the second unnamed process of a model without pools ("Prozess" alone
    when it is the only one)."""
    ids = [p.id for p in unnamed]
    if process is None or process.id not in ids or len(ids) == 1:
        return "Prozess"
    return f"Prozess {ids.index(process.id) + 1}"


def _process_bands(scene: Scene, process: Process | None, pool: str, pool_key: str,
                   element_id: str, fallback: str = "Prozess") -> dict[str, int]:
    """Add the bands of one pool; returns lane id → band index (key "" = nodes without lane)."""
    lane_band: dict[str, int] = {}
    names = numbered_names(process.all_lanes, "Lane") if process is not None else {}
    leaves = _leaf_lanes(process.lanes, names) if process is not None else []
    if not leaves:
        kind = "pool" if pool else "process"
        header = pool or (readable(process.name) if process is not None else "")
        header = header or fallback
        scene.bands.append(Band(len(scene.bands), header, pool, pool_key, element_id, kind))
        lane_band[""] = len(scene.bands) - 1
        return lane_band
    for lane, label in leaves:
        scene.bands.append(Band(len(scene.bands), label, pool, pool_key, lane.id, "lane"))
        lane_band[lane.id] = len(scene.bands) - 1
        parent = lane.parent
        while parent is not None:  # nodes referenced only by a parent lane: its first leaf
            lane_band.setdefault(parent.id, lane_band[lane.id])
            parent = parent.parent
    assert process is not None
    laned = {i for lane in process.all_lanes for i in lane.flow_node_ids}
    hosts = {n.id: n.attached_to for n in process.flow_nodes
             if isinstance(n, Event) and n.attached_to}
    if any(n.id not in laned and hosts.get(n.id) not in laned for n in process.flow_nodes):
        scene.bands.append(Band(len(scene.bands), "(ohne Lane)", pool, pool_key, process.id,
                                "lane"))
        lane_band[""] = len(scene.bands) - 1
    return lane_band


# --------------------------------------------------------------------------- layering


def _kind(node: FlowNode) -> str:
    if isinstance(node, SubProcess) and node.flow_nodes:
        return "subprocess"
    if isinstance(node, Activity):
        return "activity"
    if isinstance(node, Gateway):
        return "gateway"
    return "event"


def _layer(ids: list[str], edges: list[tuple[str, str, int]]) -> tuple[dict[str, int],
                                                                      set[tuple[str, str]]]:
    """Longest-path columns for a graph with edge lengths; returns columns and back edges."""
    succ: dict[str, list[tuple[str, int]]] = {i: [] for i in ids}
    has_pred: set[str] = set()
    for s, t, length in edges:
        if s in succ and t in succ:
            succ[s].append((t, length))
            has_pred.add(t)
    back = back_edges(ids, {s: [t for t, _ in targets] for s, targets in succ.items()})
    indeg = dict.fromkeys(ids, 0)
    for s in ids:
        for t, _ in succ[s]:
            if (s, t) not in back:
                indeg[t] += 1
    column = dict.fromkeys(ids, 0)
    queue = [i for i in ids if indeg[i] == 0]
    order: list[str] = []
    head = 0
    while head < len(queue):
        node = queue[head]
        head += 1
        order.append(node)
        for t, length in succ[node]:
            if (node, t) in back:
                continue
            column[t] = max(column[t], column[node] + length)
            indeg[t] -= 1
            if indeg[t] == 0:
                queue.append(t)
    # sources (a second start event, a message start) move right next to their successors
    for node in order:
        if node not in has_pred and succ[node]:
            targets = [column[t] - length for t, length in succ[node] if (node, t) not in back]
            if targets:
                column[node] = max(column[node], min(targets))
    return column, back


def _layer_container(scene: Scene, nodes: list[FlowNode], band_of: dict[str, int],
                     parent: str | None) -> int:
    """Place nodes of one container (process or sub-process) at relative columns; returns the
    number of columns used."""
    ids = [n.id for n in nodes]
    known = set(ids)
    for node in nodes:
        kind = _kind(node)
        scene.nodes[node.id] = SceneNode(node.id, node, kind, band_of[node.id], parent=parent)
        if kind == "subprocess":
            assert isinstance(node, SubProcess)
            inner = node.flow_nodes
            scene.subprocesses[node.id] = [n.id for n in inner]
            for child in node.all_flow_nodes:
                band_of[child.id] = band_of[node.id]
            scene.nodes[node.id].span = _layer_container(scene, inner, band_of, node.id)
    edges: list[tuple[str, str, int]] = []
    for node in nodes:
        span = scene.nodes[node.id].span
        for flow in node.outgoing:
            if flow.target_id in known:
                edges.append((node.id, flow.target_id, span))
        if isinstance(node, Event) and node.attached_to in known:
            host = node.attached_to
            edges.append((host, node.id, 0))  # boundary event: the host's last column
    spans = {n.id: scene.nodes[n.id].span for n in nodes}
    edges = [(s, t, spans[s] - 1 if length == 0 else length) for s, t, length in edges]
    columns, back = _layer(ids, edges)
    for node in nodes:
        scene.nodes[node.id].column = columns[node.id]
        for flow in node.outgoing:
            if flow.target_id in known:
                scene.flows.append(SceneFlow(flow.id, node.id, flow.target_id, "sequence", flow,
                                             back=(node.id, flow.target_id) in back))
    return max((columns[i] + spans[i] for i in ids), default=1)


def _shift(scene: Scene, node_id: str, offset: int) -> None:
    node = scene.nodes[node_id]
    node.column += offset
    for child in scene.subprocesses.get(node_id, []):
        _shift(scene, child, node.column)


# --------------------------------------------------------------------------- scene


def build_scene(defs: Definitions) -> Scene:
    """Bands, nodes with columns and flows of every pool/process in the model."""
    scene = Scene()
    pools: list[tuple[Process | None, str, str, str]] = []
    seen: set[str] = set()
    pool_names = numbered_names(list(defs.participants), "Pool")
    for part in defs.participants:
        process = part.process
        pools.append((process, pool_names[part.id], part.id, part.id))
        if process is not None:
            seen.add(process.id)
    for process in defs.processes:
        if process.id not in seen and (process.flow_nodes or not pools):
            # a process outside the collaboration's pools: its name, else "Pool N" counted on
            # from the participants (never a placeholder; the id stays in the tooltip)
            name = readable(process.name) if defs.participants else ""
            pools.append((process, name or (f"Pool {len(pools) + 1}" if defs.participants
                                            else ""), process.id, process.id))
    unnamed = [p for p, pool, _, _ in pools if not pool and p is not None
               and not readable(p.name)]
    for process, pool, key, element_id in pools:
        scene.names[key] = pool or (readable(process.name) if process is not None else "")
        lane_band = _process_bands(scene, process, pool, key, element_id,
                                   _numbered(unnamed, process))
        if process is None:
            continue
        band_of: dict[str, int] = {}
        fallback = lane_band.get("", next(iter(lane_band.values())))
        boundary = []
        for node in process.flow_nodes:
            lane = node.lane
            if lane is None and isinstance(node, Event) and node.attached_to:
                boundary.append(node)
                continue
            band_of[node.id] = lane_band.get(lane.id, fallback) if lane else fallback
        for node in boundary:  # a boundary event without lane sits in its host's lane
            band_of[node.id] = band_of.get(node.attached_to or "", fallback)
        _layer_container(scene, process.flow_nodes, band_of, None)
        for node_id in [n.id for n in process.flow_nodes]:
            if node_id in scene.subprocesses:
                for child in scene.subprocesses[node_id]:
                    _shift(scene, child, scene.nodes[node_id].column)
        _add_artifacts(scene, defs, process, fallback)
    for flow in defs.message_flows:
        scene.flows.append(SceneFlow(flow.id, flow.source_id, flow.target_id, "message", flow))
    return scene


def _add_artifacts(scene: Scene, defs: Definitions, process: Process, fallback: int) -> None:
    """Data objects, data stores and text annotations next to the node they belong to."""
    links: list[tuple[str, str, str, str]] = []  # (flow id, source, target, kind)
    for el in process.element.iter():
        local = el.tag.rpartition("}")[2] if isinstance(el.tag, str) else ""
        if local in ("dataInputAssociation", "dataOutputAssociation"):
            owner = el.getparent()
            source = _ref_text(el, "sourceRef")
            target = _ref_text(el, "targetRef")
            owner_id = owner.get("id") or "" if owner is not None else ""
            if local == "dataInputAssociation" and source:
                links.append((el.get("id") or "", source, owner_id, "data"))
            elif local == "dataOutputAssociation" and target:
                links.append((el.get("id") or "", owner_id, target, "data"))
        elif local == "association":
            links.append((el.get("id") or "", el.get("sourceRef") or "",
                          el.get("targetRef") or "", "association"))
    anchor: dict[str, str] = {}
    for _, s, t, _ in links:
        if s in scene.nodes and t not in scene.nodes:
            anchor.setdefault(t, s)
        elif t in scene.nodes and s not in scene.nodes:
            anchor.setdefault(s, t)
    for art_id, near in sorted(anchor.items(), key=lambda kv: kv[0]):
        view = defs.get(art_id)
        if view is None:
            continue
        local = view.local_name
        if local in ("dataObjectReference", "dataStoreReference", "dataObject"):
            kind = "data"
        elif local == "textAnnotation":
            kind = "annotation"
        else:
            continue
        host = scene.nodes[near]
        scene.nodes[art_id] = SceneNode(art_id, view, kind, host.band, host.column,
                                        parent=host.parent, host=near)
    for flow_id, s, t, kind in links:
        if s in scene.nodes and t in scene.nodes and (kind != "association" or flow_id):
            scene.flows.append(SceneFlow(flow_id, s, t, kind, defs.get(flow_id)
                                         if flow_id else None))


def _ref_text(el: object, local: str) -> str:
    for child in el:  # type: ignore[attr-defined]
        if isinstance(child.tag, str) and child.tag.endswith("}" + local):
            return (child.text or "").strip()
    return ""

