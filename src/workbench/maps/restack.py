"""Second layout pass: stack the swimlane bands in the model's order, as touching bands.

``dot`` places nodes and routes edges well, but inside a pool it orders lane clusters by its
own crossing heuristics, and leaves gaps between them. This pass takes dot's layout (JSON),
moves every band with all it contains to its place in the model's lane order (lanes of one pool
touching, like a BPMN pool), keeps each edge's route when both ends moved alike, redraws the
others as smooth curves, and writes a DOT text with every position pinned. ``neato -n2``
renders that text without laying anything out again (fast), to SVG, PNG or PDF alike.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from .badges import badge_line, spline_points
from .detour import detour
from .placement import Placer, label_size, sample_route

GRID = 120.0  # pt: cells of the node lookup for routes
POOL_GAP = 18.0  # pt between pools (and between rows of a wrapped map)
SECTION_GAP = 26.0
MARGIN = 6.0
LABEL_PAD = 8.0
LAYOUT_ONLY = "// layout"  # lines of the first pass that the second pass drops
FLAT = "//flat "  # edges within one column: a comment for dot, drawn by the second pass


@dataclass
class StackPlan:
    """The vertical structure a map should have, by graphviz cluster and node names."""

    bands: list[str] = field(default_factory=list)  # band clusters, top to bottom
    parent: dict[str, str | None] = field(default_factory=dict)  # cluster → enclosing cluster
    node_band: dict[str, str] = field(default_factory=dict)  # node → band cluster
    cluster_band: dict[str, str] = field(default_factory=dict)  # sub-process cluster → band
    headers: dict[str, str] = field(default_factory=dict)  # band → header node
    rank_of: dict[str, int] = field(default_factory=dict)  # node → column (graphviz rank)
    compact: bool = True  # align each band's nodes on rows (not with sub-process clusters)
    badges: dict[str, int] = field(default_factory=dict)  # edge → Medienbruch number
    pools: set[str] = field(default_factory=set)  # clusters of pools with lanes
    messages: set[str] = field(default_factory=set)  # edges that are message flows
    #: data object or annotation → the node it belongs to (stacked right next to it)
    artifact_host: dict[str, str] = field(default_factory=dict)


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (graphviz: y grows upwards)
Point = tuple[float, float]


@dataclass
class Pinned:
    """The pinned DOT text and, read off the same numbers, what it pins: enough to draw the
    map without running graphviz again (:mod:`workbench.maps.svgpin`)."""

    dot: str
    nodes: dict[str, Point] = field(default_factory=dict)  # node → centre
    xlp: dict[str, Point] = field(default_factory=dict)  # node → centre of its xlabel
    clusters: dict[str, tuple[Box, Point | None]] = field(default_factory=dict)  # bb, lp
    edges: dict[str, tuple[str, dict[str, Point]]] = field(default_factory=dict)  # pos, lp/xlp
    edge_order: list[tuple[str, str, str]] = field(default_factory=list)  # tail, head, id
    node_order: list[str] = field(default_factory=list)  # first mention in the DOT text
    flat: dict[str, str] = field(default_factory=dict)  # edge id → its DOT line
    badges: list[tuple[str, Point, int]] = field(default_factory=list)  # node, centre, number
    legend: Point | None = None  # centre of the graph label


def _pt(text: str) -> tuple[float, float]:
    x, y = text.split(",")[:2]
    return float(x), float(y)


def _box(text: str) -> Box:
    x0, y0, x1, y1 = (float(v) for v in text.split(","))
    return x0, y0, x1, y1


def _label_room(obj: dict[str, Any]) -> float:
    return float(obj.get("lheight", 0)) * 72 + LABEL_PAD if obj.get("label") else 0.0


class _Layout:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.by_gvid: dict[int, dict[str, Any]] = {o["_gvid"]: o for o in data.get("objects", [])}
        self.by_name: dict[str, dict[str, Any]] = {
            o["name"]: o for o in data.get("objects", []) if "name" in o}


def restack(source: str, data: dict[str, Any], plan: StackPlan) -> str:
    """The pinned DOT text for ``neato -n2`` (see module docstring)."""
    return pin(source, data, plan).dot


def pin(source: str, data: dict[str, Any], plan: StackPlan) -> Pinned:
    """The pinned DOT text with its numbers (see module docstring); ``data`` is changed. When a
    label finds no free spot, the bands it belongs to grow (room above and below) and everything
    is placed again, up to :data:`GROWTH_PASSES` times."""
    saved = [(obj, {k: obj[k] for k in ("bb", "pos", "xlp") if k in obj})
             for obj in data.get("objects", [])]
    grow: dict[str, float] = {}
    for attempt in range(GROWTH_PASSES + 1):
        if attempt:
            for obj, values in saved:
                obj.update(values)
        pinned, more = _restack_once(source, data, plan, grow)
        if not more:
            break
        for band, extra in more.items():
            grow[band] = grow.get(band, 0.0) + extra
    return pinned


def _restack_once(source: str, data: dict[str, Any], plan: StackPlan,
                  grow: dict[str, float]) -> tuple[Pinned, dict[str, float]]:
    """One pass of :func:`pin` with bands grown by ``grow`` (pt above and below their
    content); returns the pinned text and the growth the bands of unplaced labels still need."""
    lay = _Layout(data)
    compact = plan.compact and not plan.cluster_band
    if compact:
        _compact(lay, plan)
    band_boxes = {b: _box(lay.by_name[b]["bb"]) for b in plan.bands if b in lay.by_name}
    if not band_boxes:
        return Pinned(source), {}
    bx0 = min(b[0] for b in band_boxes.values())
    bx1 = max(b[2] for b in band_boxes.values())

    def group(band: str) -> str:
        parent = plan.parent.get(band)
        return parent if parent and parent in lay.by_name and _is_pool(parent, plan) else band

    def section(band: str) -> str | None:
        """The top-level cluster (below the title) around the band's pool, if any."""
        start = group(band)
        node = start
        while plan.parent.get(node) not in (None, "cluster_titel"):
            node = plan.parent[node]  # type: ignore[assignment]
        return node if node != start else None

    # ---- new vertical places, top to bottom
    dy: dict[str, float] = {}
    new_box: dict[str, Box] = {}
    cursor = 0.0
    prev_group = prev_section = None
    for band in plan.bands:
        if band not in band_boxes:
            continue
        grp, sec = group(band), section(band)
        if grp != prev_group:
            if prev_group is not None:
                cursor -= POOL_GAP + MARGIN
            if sec != prev_section:
                if prev_section is not None or prev_group is not None:
                    cursor -= SECTION_GAP if sec else 0.0
                if sec and sec in lay.by_name:
                    cursor -= _label_room(lay.by_name[sec]) + MARGIN
            if grp != band:
                cursor -= _label_room(lay.by_name[grp])
        _, y0, _, y1 = band_boxes[band]
        extra = grow.get(band, 0.0)
        height = y1 - y0 + 2 * extra
        dy[band] = cursor - extra - y1
        new_box[band] = (bx0, cursor - height, bx1, cursor)
        cursor -= height
        prev_group, prev_section = grp, sec

    out = _Writer(lay, plan, dy, new_box)
    out.reroute = compact
    if not compact:  # compact bands already stack artifacts below their element
        out.place_artifacts()
    return out.write(source), out.growth()


ROW_GAP = 18.0  # pt between stacked nodes of one band and column
GROWTH_PASSES = 3  # placement passes with grown bands when a label found no free spot
BAND_PAD = 9.0


def _compact(lay: _Layout, plan: StackPlan) -> None:
    """Put every band's nodes on evenly spaced rows: a node alone in its column sits on the
    band's centre line, stacked nodes (parallel branches) share the band evenly, in dot's order.
    Bands become as high as their tallest stack, not as dot's free placement left them."""
    members: dict[str, list[str]] = {}
    skip = set(plan.headers.values())
    for name, band in plan.node_band.items():
        obj = lay.by_name.get(name)
        if obj is None or "pos" not in obj or name in skip or name.startswith("z"):
            continue
        members.setdefault(band, []).append(name)
    for band, names in members.items():
        obj_band = lay.by_name.get(band)
        if obj_band is None:
            continue
        x0, _, x1, y1 = _box(obj_band["bb"])
        columns: dict[int, list[str]] = {}
        for name in names:
            columns.setdefault(plan.rank_of.get(name, -1), []).append(name)
        def size(name: str, alone: bool = False) -> float:
            """Height a node needs with its name below (events, gateways); a node alone in
            its column sits on the band's centre line, so it needs that room on both sides."""
            obj = lay.by_name[name]
            own = float(obj.get("height", 0.5)) * 72
            if not obj.get("xlabel"):
                return own
            label = label_size(f"xlabel=<{obj['xlabel']}>", 10.0)
            room = (label[1] if label else 0.0) + 4.0
            return own + max(22.0, 2 * (room - BAND_PAD) if alone else room)

        totals = {c: sum(size(n, len(col) == 1) for n in col) + ROW_GAP * (len(col) - 1)
                  for c, col in columns.items()}
        inner = max(totals.values())
        height = inner + 2 * BAND_PAD
        obj_band["bb"] = f"{x0},{y1 - height},{x1},{y1}"
        for rank, column in columns.items():
            column.sort(key=lambda n: -_pt(lay.by_name[n]["pos"])[1])
            _keep_beside(column, plan.artifact_host)
            top = y1 - BAND_PAD - (inner - totals[rank]) / 2
            for name in column:
                obj = lay.by_name[name]
                x, y = _pt(obj["pos"])
                own = float(obj.get("height", 0.5)) * 72
                new_y = top - own / 2 if len(column) > 1 else y1 - height / 2
                top -= size(name) + ROW_GAP
                obj["pos"] = f"{x},{new_y}"
                if "xlp" in obj:
                    lx, ly = _pt(obj["xlp"])
                    obj["xlp"] = f"{lx},{ly + new_y - y}"


def _keep_beside(column: list[str], hosts: dict[str, str]) -> None:
    """Reorder a column (top to bottom) so every artifact sits right below its host node: a
    short association that crosses no other node of the column."""
    for artifact in [n for n in column if hosts.get(n) in column]:
        column.remove(artifact)
        index = column.index(hosts[artifact])
        column.insert(index + 1, artifact)


def _is_pool(name: str, plan: StackPlan) -> bool:
    """A pool frame around lanes (not the title or a comparison section: pools without lanes
    are bands of their own, each a separate frame)."""
    return name in plan.pools


class _Writer:
    """Computes every pinned position and rewrites the first-pass DOT text."""

    def __init__(self, lay: _Layout, plan: StackPlan, dy: dict[str, float],
                 band_box: dict[str, Box]) -> None:
        self.lay, self.plan, self.dy = lay, plan, dy
        self.reroute = False
        self.placer = Placer()
        self.badges: dict[int, tuple[float, float]] = {}  # Medienbruch number → spot
        self.dropped: set[str] = set()  # edges without a route (left out)
        self.moved: set[str] = set()  # artifacts moved next to their element
        self._obstacle_cache: list[tuple[str, Box]] | None = None
        self._grid: dict[tuple[int, int], list[tuple[str, Box]]] | None = None  # nodes by cell
        self._half: dict[str, tuple[float, float]] = {}  # node → half width, half height
        self.boxes: dict[str, Box] = dict(band_box)
        self.nodes: dict[str, tuple[float, float]] = {}
        self.xlp: dict[str, tuple[float, float]] = {}
        for name, band in plan.node_band.items():
            obj = lay.by_name.get(name)
            if obj is None or "pos" not in obj or band not in dy:
                continue
            x, y = _pt(obj["pos"])
            self.nodes[name] = (x, y + dy[band])
            if "xlp" in obj:
                lx, ly = _pt(obj["xlp"])
                self.xlp[name] = (lx, ly + dy[band])
        for band, header in plan.headers.items():  # headers centred in their band
            if header in self.nodes and band in self.boxes:
                box = self.boxes[band]
                self.nodes[header] = (self.nodes[header][0], (box[1] + box[3]) / 2)
        for cluster, band in plan.cluster_band.items():
            obj = lay.by_name.get(cluster)
            if obj is not None and band in dy:
                x0, y0, x1, y1 = _box(obj["bb"])
                self.boxes[cluster] = (x0, y0 + dy[band], x1, y1 + dy[band])
        self._parents()

    def place_artifacts(self) -> None:
        """Move every data object and annotation next to its element (below, above, then
        beside it) where it touches no other node and stays in its band; dot's free placement
        often left it one node away, its association crossing that node."""
        for artifact, host in self.plan.artifact_host.items():
            band = self.boxes.get(self.plan.node_band.get(artifact, ""))
            if artifact not in self.nodes or host not in self.nodes or band is None:
                continue
            own, near = self._endpoint_box(artifact, None), self._endpoint_box(host, None)
            w, h = own[2] - own[0], own[3] - own[1]
            cx, gap = (near[0] + near[2]) / 2, 10.0
            spots = [(cx, near[1] - gap - h / 2), (cx, near[3] + gap + h / 2),
                     (near[2] + gap + w / 2, near[1] - h / 2),
                     (near[2] + gap + w / 2, near[3] + h / 2),
                     (near[0] - gap - w / 2, near[1] - h / 2),
                     (near[2] + gap + w / 2, (near[1] + near[3]) / 2),
                     (near[0] - gap - w / 2, (near[1] + near[3]) / 2),
                     (near[0] - gap - w / 2, near[3] + h / 2)]
            others = [box for name, box in self._obstacles() if name != artifact]
            others += [self.boxes[c] for c in self.plan.cluster_band if c in self.boxes
                       and not _touch(self.boxes[c], near)]  # sub-processes it is not in
            for x, y in spots:
                box = (x - w / 2 - 4, y - h / 2 - 4, x + w / 2 + 4, y + h / 2 + 4)
                inside = band[0] <= box[0] and box[2] <= band[2] and band[1] <= box[1] and (
                    box[3] <= band[3])
                if inside and not any(_touch(box, other) for other in others):
                    self.nodes[artifact] = (x, y)
                    self.moved.add(artifact)
                    self._obstacle_cache = self._grid = None
                    break

    def _parents(self) -> None:
        """Pools, sections and the title box: the union of their children plus label room."""
        children: dict[str, list[str]] = {}
        for child, parent in self.plan.parent.items():
            if parent:
                children.setdefault(parent, []).append(child)
        done: set[str] = set()

        def box_of(name: str) -> Box | None:
            if name in self.boxes and (name in self.plan.bands or name in self.plan.cluster_band):
                return self.boxes[name]
            if name in done:
                return self.boxes.get(name)
            done.add(name)
            kids = [b for b in (box_of(c) for c in children.get(name, [])) if b is not None]
            if not kids:
                return None
            obj = self.lay.by_name.get(name, {})
            pad = 0.0 if obj.get("name") == "cluster_titel" else MARGIN
            box = (min(k[0] for k in kids) - pad, min(k[1] for k in kids) - pad,
                   max(k[2] for k in kids) + pad, max(k[3] for k in kids) + _label_room(obj)
                   + (0.0 if _label_room(obj) else pad))
            self.boxes[name] = box
            return box

        for name in list(children):
            box_of(name)

    # ---- edges
    def edge_pos(self, edge: dict[str, Any]) -> tuple[str, dict[str, tuple[float, float]]] | None:
        """The edge's spline and label positions (``lp``, ``xlp``) after restacking."""
        tail = self.lay.by_gvid[edge["tail"]]["name"]
        head = self.lay.by_gvid[edge["head"]]["name"]
        if tail not in self.nodes or head not in self.nodes or "pos" not in edge:
            return None
        d_tail = self._node_dy(tail)
        d_head = self._node_dy(head)
        labels = [key for key in ("lp", "xlp") if key in edge]
        if {tail, head} & set(self.plan.artifact_host):  # association: a short straight line
            a, b = self._endpoint_box(tail, None), self._endpoint_box(head, None)
            arrow = 0.0 if edge.get("arrowhead") == "none" else float(edge.get("arrowsize", 1))
            return _straight(a, b, arrow), dict.fromkeys(
                labels, ((a[0] + a[2] + b[0] + b[2]) / 4, (a[1] + a[3] + b[1] + b[3]) / 4))
        if edge.get("id") in self.plan.messages:
            routed = self._message_route(tail, head, float(edge.get("arrowsize", 1)))
            if routed is not None:
                return routed[0], dict.fromkeys(labels, routed[1])
        if self.reroute and not edge.get("ltail") and not edge.get("lhead"):
            pos, mid = self._route(tail, head, float(edge.get("arrowsize", 1)))
            return pos, dict.fromkeys(labels, mid)
        if abs(d_tail - d_head) < 0.01:
            moved = {}
            for key in labels:
                x, y = _pt(edge[key])
                moved[key] = (x, y + d_tail)
            return _shift_spline(edge["pos"], d_tail), moved
        tail_box = self._endpoint_box(tail, edge.get("ltail"))
        head_box = self._endpoint_box(head, edge.get("lhead"))
        pos, mid = _curve(tail_box, head_box, float(edge.get("arrowsize", 1)))
        return pos, dict.fromkeys(labels, mid)

    def _route(self, tail: str, head: str, arrowsize: float
               ) -> tuple[str, tuple[float, float]]:
        """A route between two pinned nodes: straight, arched over nodes in the way, S-shaped
        between rows, or (loops) arched below."""
        a = self._endpoint_box(tail, None)
        b = self._endpoint_box(head, None)
        ay, by = (a[1] + a[3]) / 2, (b[1] + b[3]) / 2
        arrow = 10.0 * arrowsize
        if b[2] < a[0] - 4:  # backwards: a loop arching below both
            low = min(a[1], b[1]) - 26
            ax, bx = (a[0] + a[2]) / 2, (b[0] + b[2]) / 2
            pts = [(ax, a[1]), (ax, low), (bx, low), (bx, b[1] - arrow)]
            return _spline(pts, (bx, b[1])), ((ax + bx) / 2, low + 6)
        if b[0] - a[2] > 4 and abs(ay - by) < 1:
            band = self.plan.node_band.get(tail)
            blocking = [self._endpoint_box(n, None) for n, bd in self.plan.node_band.items()
                        if bd == band and n not in (tail, head) and n in self.nodes
                        and not n.startswith(("z", "h"))]
            blocking = [o for o in blocking if o[0] < b[0] and o[2] > a[2]
                        and o[1] <= ay <= o[3]]
            if blocking:
                lift = (max(o[3] for o in blocking) - ay + 14) / 0.75
                pts = [(a[2], ay), (a[2] + 30, ay + lift), (b[0] - 30 - arrow, by + lift),
                       (b[0] - arrow, by)]
                return _spline(pts, (b[0], by)), ((a[2] + b[0]) / 2, ay + lift * 0.75 + 6)
        return _curve(a, b, arrowsize)

    def _pool_box(self, name: str) -> tuple[str, Box] | None:
        """The frame (pool with lanes, or lane-less pool band) a node sits in."""
        band = self.plan.node_band.get(name)
        if band is None:
            return None
        parent = self.plan.parent.get(band)
        frame = parent if parent in self.plan.pools else band
        box = self.boxes.get(frame or "")
        return (frame, box) if frame and box else None

    def _message_route(self, tail: str, head: str, arrowsize: float
                       ) -> tuple[str, tuple[float, float]] | None:
        """A message flow between pools, BPMN-style: straight down (or up) out of the sender,
        along the gap below (above) the sender's pool, straight into the receiver. It crosses
        only the pools between the two, never runs diagonally across a pool's content."""
        source, target = self._pool_box(tail), self._pool_box(head)
        if source is None or target is None or source[0] == target[0]:
            return None
        a, b = self._endpoint_box(tail, None), self._endpoint_box(head, None)
        frame, goal = source[1], target[1]
        headers = set(self.plan.headers.values())
        if head in headers and tail not in headers:  # to a black-box pool: straight at it
            b = (a[0], goal[1], a[2], goal[3])
        elif tail in headers and head not in headers:
            a = (b[0], frame[1], b[2], frame[3])
        ax, bx = (a[0] + a[2]) / 2, (b[0] + b[2]) / 2
        arrow = 10.0 * arrowsize
        if goal[3] <= frame[1]:  # receiver's pool below (graphviz: y grows upwards)
            start, end, gap = (ax, a[1]), (bx, b[3]), frame[1] - POOL_GAP / 2
            stop, last_gap = (bx, end[1] + arrow), goal[3] + POOL_GAP / 2
        else:
            start, end, gap = (ax, a[3]), (bx, b[1]), frame[3] + POOL_GAP / 2
            stop, last_gap = (bx, end[1] - arrow), goal[1] - POOL_GAP / 2
        low, high = min(gap, last_gap), max(gap, last_gap)
        between = [box for name, box in self._obstacles()
                   if name not in (tail, head) and low < (box[1] + box[3]) / 2 < high]
        between += [box for box in self._headings() if low < (box[1] + box[3]) / 2 < high]
        x = bx
        if any(box[0] - 4 < bx < box[2] + 4 for box in between):
            free = [c for c in sorted({bx, ax, *(box[0] - 9 for box in between),
                                       *(box[2] + 9 for box in between)},
                                      key=lambda c: abs(c - bx))
                    if not any(box[0] - 4 < c < box[2] + 4 for box in between)]
            x = free[0] if free else bx
        head_leg = [(bx, last_gap), stop]
        exit_x = self._free_column(ax, start[1], gap, (tail, head), a)
        if exit_x != ax:  # a node above (below) the sender: leave sideways, then turn
            side = a[2] if exit_x > ax else a[0]
            start = (side, (a[1] + a[3]) / 2)
            leg = [start, (exit_x, start[1]), (exit_x, gap)]
        else:
            leg = [start, (ax, gap)]
        entry_x = self._free_column(bx, last_gap, stop[1], (tail, head), b)
        if entry_x != bx:  # enter the receiver from the side
            side = b[2] if entry_x > bx else b[0]
            end = (side, (b[1] + b[3]) / 2)
            turn = arrow if side == b[2] else -arrow
            head_leg = [(entry_x, last_gap), (entry_x, end[1]), (side + turn, end[1])]
            if not self._clear(head_leg[1], head_leg[2], (tail, head)):
                # the side way crosses a lane's name: come down beside what blocks the
                # receiver's column, then across just above (below) it, into its top (bottom)
                dogleg = self._dogleg(bx, last_gap, stop, arrow, (tail, head))
                if dogleg is not None:
                    end, head_leg = (bx, stop[1] - (arrow if stop[1] > b[3] else -arrow)), dogleg
        corners = [*leg, (x, gap), (x, last_gap), *head_leg]
        corners = [c for i, c in enumerate(corners) if i == 0 or c != corners[i - 1]]
        points = [corners[0]]
        for p, q in itertools.pairwise(corners):  # straight cubic pieces
            points += [(p[0] + (q[0] - p[0]) / 3, p[1] + (q[1] - p[1]) / 3),
                       (p[0] + 2 * (q[0] - p[0]) / 3, p[1] + 2 * (q[1] - p[1]) / 3), q]
        return _spline(points, end), ((ax + bx) / 2, gap)

    def _blocking(self, ends: tuple[str, str]) -> list[Box]:
        """Nodes (not ``ends``), headings and lane names a message flow must not cross."""
        boxes = [box for name, box in self._obstacles() if name not in ends]
        boxes += self._headings()
        boxes += [self._endpoint_box(h, None) for h in self.plan.headers.values()
                  if h in self.nodes]
        return boxes

    def _clear(self, p: tuple[float, float], q: tuple[float, float],
               ends: tuple[str, str]) -> bool:
        """Whether the straight (horizontal or vertical) piece p–q touches nothing of
        :meth:`_blocking`."""
        x0, x1 = sorted((p[0], q[0]))
        y0, y1 = sorted((p[1], q[1]))
        return not any(b[0] - 3 < x1 and x0 < b[2] + 3 and b[1] - 3 < y1 and y0 < b[3] + 3
                       for b in self._blocking(ends))

    def _dogleg(self, bx: float, gap: float, stop: tuple[float, float], arrow: float,
                ends: tuple[str, str]) -> list[tuple[float, float]] | None:
        """The last legs of a message flow into the top (bottom) of its receiver at ``bx``
        when its own column is blocked: down a free column, across just above the receiver."""
        level = stop[1] + 10.0 if gap > stop[1] else stop[1] - 10.0
        options = {x for b in self._blocking(ends) for x in (b[0] - 9, b[2] + 9)}
        for x in sorted(options, key=lambda c: (abs(c - bx), c)):
            legs = [(x, gap), (x, level), (bx, level), stop]
            if all(self._clear(p, q, ends) for p, q in itertools.pairwise(legs[:3])):
                return legs
        return None

    def _free_column(self, x: float, y0: float, y1: float, ends: tuple[str, str],
                     own: Box) -> float:
        """``x``, or the nearest x beside ``own`` where a vertical line from y0 to y1 touches
        no node (the first and last leg of a message flow inside its pool)."""
        low, high = min(y0, y1), max(y0, y1)
        boxes = [box for name, box in self._obstacles() if name not in ends
                 and box[1] < high and box[3] > low]
        boxes += [box for box in self._headings() if box[1] < high and box[3] > low]

        def blocked(c: float) -> bool:
            return any(box[0] - 4 < c < box[2] + 4 for box in boxes)

        if not blocked(x):
            return x
        options = {own[0] - 12, own[2] + 12, *(box[0] - 9 for box in boxes),
                   *(box[2] + 9 for box in boxes)}
        free = [c for c in sorted(options, key=lambda c: abs(c - x))
                if not blocked(c) and not own[0] - 4 < c < own[2] + 4]
        return free[0] if free else x

    def _headings(self) -> list[Box]:
        """Boxes of the headings of pools, sections and sub-processes (top left in their
        frame)."""
        out = []
        for name, box in self.boxes.items():
            obj = self.lay.by_name.get(name, {})
            if obj.get("label") and name != "cluster_titel":
                lw = float(obj.get("lwidth", 0)) * 72
                lh = float(obj.get("lheight", 0)) * 72
                out.append((box[0] + 6, box[3] - 3 - lh, box[0] + 6 + lw, box[3] - 3))
        return out

    def _obstacles(self) -> list[tuple[str, Box]]:
        """Boxes of the visible nodes (cached)."""
        if self._obstacle_cache is None:
            self._obstacle_cache = [(name, self._endpoint_box(name, None))
                                    for name in self.nodes if not name.startswith(("z", "h"))]
        return self._obstacle_cache

    def _node_dy(self, name: str) -> float:
        band = self.plan.node_band.get(name)
        return self.dy.get(band, 0.0) if band else 0.0

    def _endpoint_box(self, name: str, cluster: str | None) -> Box:
        if cluster and cluster in self.boxes:
            return self.boxes[cluster]
        half = self._half.get(name)
        if half is None:  # node sizes never change; positions do
            obj = self.lay.by_name[name]
            half = self._half[name] = (float(obj.get("width", 0.5)) * 36,
                                       float(obj.get("height", 0.5)) * 36)
        x, y = self.nodes[name]
        w, h = half
        return x - w, y - h, x + w, y + h

    def growth(self) -> dict[str, float]:
        """Bands to grow for the labels that found no free spot: the bands holding what such a
        label names, by the label's height (the bands it lies on, if it names a flow); not for
        a label inside a sub-process frame (dot sized that frame)."""
        more: dict[str, float] = {}
        bands = [(b, self.boxes[b]) for b in self.plan.bands if b in self.boxes]
        inner = [self.boxes[c] for c in self.plan.cluster_band if c in self.boxes]
        for box, anchors in self.placer.misses:
            if all(any(f[0] < x < f[2] and f[1] < y < f[3] for f in inner) for x, y in anchors):
                continue  # inside a sub-process frame: a taller band gives it no room
            homes = [b for b, f in bands
                     if any(f[0] < x < f[2] and f[1] < y < f[3] for x, y in anchors)]
            hit = [b for b in homes if _touch(self.boxes[b], box)] or homes
            for band in hit:
                more[band] = max(more.get(band, 0.0), (box[3] - box[1]) * 0.6 + 3.0)
        return more

    # ---- output
    def write(self, source: str) -> Pinned:
        routes = self._place(source)
        all_boxes = list(self.boxes.values()) + self.placer.placed
        data = self.lay.data
        legend_h = float(data.get("lheight", 0)) * 72 if data.get("label") else 0.0
        legend_w = float(data.get("lwidth", 0)) * 72
        gx0 = min(b[0] for b in all_boxes) - 8
        gx1 = max(b[2] for b in all_boxes) + 8
        gy1 = max(b[3] for b in all_boxes) + 8
        gy0 = min(b[1] for b in all_boxes) - 10 - legend_h
        sx, sy = -gx0, -gy0

        out = Pinned("")

        def p(x: float, y: float) -> str:
            return f"{x + sx:.2f},{y + sy:.2f}"

        def q(x: float, y: float) -> Point:  # the point as graphviz reads it from p()
            return float(f"{x + sx:.2f}"), float(f"{y + sy:.2f}")

        seen: set[str] = set()

        def mention(*names: str) -> None:
            for name in names:
                if name not in seen:
                    seen.add(name)
                    out.node_order.append(name)

        lines = []
        node_line = re.compile(r"^([a-z]\d+) \[")
        edge_line = re.compile(r'^(\w+) -> (\w+) \[id="(e\d+)"')
        for line in source.split("\n"):
            if line.endswith(LAYOUT_ONLY) or line.startswith("{rank=same"):
                continue
            flat = line.startswith(FLAT)
            if flat:
                line = line[len(FLAT):]
            if line.startswith("graph [rankdir=LR"):
                line = (f'graph [bb="0,0,{gx1 - gx0:.2f},{gy1 - gy0:.2f}" '
                        + line[len("graph ["):])
            elif line.startswith('graph [labelloc="b"') and legend_h:
                spot = (gx0 + 8 + legend_w / 2, gy0 + legend_h / 2 + 2)
                out.legend = q(*spot)
                line = f'graph [lp="{p(*spot)}" ' + line[len("graph ["):]
            elif line.startswith("subgraph cluster_"):
                name = line.split()[1]
                box = self.boxes.get(name)
                if box is not None:
                    line += f' bb="{p(box[0], box[1])},{p(box[2], box[3])}"'
                    obj = self.lay.by_name.get(name, {})
                    spot = None
                    if obj.get("label"):
                        lw = float(obj.get("lwidth", 0)) * 72
                        lh = float(obj.get("lheight", 0)) * 72
                        spot = (box[0] + 6 + lw / 2, box[3] - 3 - lh / 2)
                        line += f' lp="{p(*spot)}"'
                    out.clusters[name] = ((*q(box[0], box[1]), *q(box[2], box[3])),
                                          q(*spot) if spot else None)
            else:
                edge = edge_line.match(line)
                match = None if edge else node_line.match(line)
                if match and match.group(1) in self.nodes and not flat:
                    name = match.group(1)
                    mention(name)
                    extra = f'pos="{p(*self.nodes[name])}!"'
                    out.nodes[name] = q(*self.nodes[name])
                    if name in self.xlp:
                        extra += f' xlp="{p(*self.xlp[name])}"'
                        out.xlp[name] = q(*self.xlp[name])
                    line = f"{name} [{extra} " + line[match.end():]
                elif edge is None or edge.group(3) not in routes:
                    if edge is not None and (flat or edge.group(3) in self.dropped):
                        continue
                    if match:
                        mention(match.group(1))
                    elif edge:
                        mention(edge.group(1), edge.group(2))
                else:
                    tail, head, gv_id = edge.groups()
                    mention(tail, head)
                    pos, label_pos = routes[gv_id]
                    pos = _shift_spline(pos, sy, sx)
                    extra = f' pos="{pos}"'
                    for key, (lx, ly) in label_pos.items():
                        extra += f' {key}="{p(lx, ly)}"'
                    out.edges[gv_id] = (pos, {key: q(*xy) for key, xy in label_pos.items()})
                    out.edge_order.append((tail, head, gv_id))
                    if flat:
                        out.flat[gv_id] = line
                    line = line[:edge.end()] + extra + line[edge.end():]
            lines.append(line)
        badges = []
        for number, (x, y) in sorted(self.badges.items()):
            badges.append(badge_line(f"b{number}", p(x, y), number))
            out.badges.append((f"b{number}", q(x, y), number))
            mention(f"b{number}")
        if badges:  # before the closing brace of the graph: drawn above edges and nodes
            closing = len(lines) - 1 - lines[::-1].index("}")
            lines[closing:closing] = badges
        out.dot = "\n".join(lines)
        return out

    def _place(self, source: str) -> dict[str, tuple[str, dict[str, tuple[float, float]]]]:
        """Routes of all edges, and spots for all labels and badges (see
        :mod:`workbench.maps.placement`): names of events and gateways first, then flow labels,
        then badges. Returns edge id → (spline, label positions)."""
        bands = [self.boxes[b] for b in self.plan.bands if b in self.boxes]
        if bands:
            self.placer.frame = (min(b[0] for b in bands), min(b[1] for b in bands),
                                 max(b[2] for b in bands), max(b[3] for b in bands))
        for name in self.nodes:
            if not name.startswith("z"):
                self.placer.occupied.append(self._endpoint_box(name, None))
        for box in self._headings():
            self.placer.occupied.append(box)
        for name in [*self.plan.bands, *self.plan.pools, *self.plan.cluster_band]:
            box = self.boxes.get(name)
            if box is not None:
                self.placer.frames.append(box)
        node_line = re.compile(r"^([a-z]\d+) \[")
        edge_lines, label_lines = [], []
        for line in source.split("\n"):
            match = node_line.match(line)
            if match and match.group(1) in self.xlp:
                label_lines.append((match.group(1), line))
            elif '[id="e' in line:
                edge_lines.append(line)
        # routes first: every label then avoids every flow
        edges_by_id = {e.get("id"): e for e in self.lay.data.get("edges", []) if e.get("id")}
        routes: dict[str, tuple[str, dict[str, tuple[float, float]]]] = {}
        sizes: dict[str, tuple[float, float]] = {}
        for line in edge_lines:
            found = re.search(r'\[id="(e\d+)"', line)
            if found is None:
                continue
            gv_id = found.group(1)
            if line.startswith(FLAT):
                routed = self._flat_route(line[len(FLAT):])
            elif gv_id in edges_by_id:
                routed = self.edge_pos(edges_by_id[gv_id])
                if routed is None:
                    self.dropped.add(gv_id)
            else:
                routed = None
            if routed is None:
                continue
            points = sample_route(spline_points(routed[0]))
            routed, points = self._free(line, edges_by_id.get(gv_id), routed, points)
            routes[gv_id] = routed
            self.placer.add_route(points)
            size = label_size(line, 9.0)
            if size is not None and "xlp" in routed[1]:
                sizes[gv_id] = size
        # names of events and gateways (decisions) before flow labels and annotations' text
        for name, line in label_lines:
            size = label_size(line, 10.0)
            if size is not None:
                box = self._endpoint_box(name, None)
                self.xlp[name] = self.placer.node_label(box, *size)
        for gv_id, size in sizes.items():
            pos, label_pos = routes[gv_id]
            label_pos["xlp"] = self.placer.edge_label(pos, *size)
        for gv_id, (pos, _) in routes.items():
            number = self.plan.badges.get(gv_id)
            if number is not None:
                self.badges[number] = self.placer.badge(pos)
        return routes

    def _free(self, line: str, edge: dict[str, Any] | None,
              routed: tuple[str, dict[str, tuple[float, float]]],
              points: list[tuple[float, float]]
              ) -> tuple[tuple[str, dict[str, tuple[float, float]]], list[tuple[float, float]]]:
        """The route, or a detour when it runs through a node other than its ends (see
        :mod:`workbench.maps.detour`), with its sampled points; message flows keep their own
        routing."""
        unchanged = routed, points
        clusters: tuple[str | None, str | None] = (None, None)
        if edge is not None:
            if edge.get("id") in self.plan.messages:
                return unchanged
            tail = self.lay.by_gvid[edge["tail"]]["name"]
            head = self.lay.by_gvid[edge["head"]]["name"]
            clusters = (edge.get("ltail"), edge.get("lhead"))  # ends at a sub-process frame
        else:
            match = re.match(r"^(?://flat )?(\w+) -> (\w+) \[", line)
            if match is None:
                return unchanged
            tail, head = match.groups()
        a, b = self._endpoint_box(tail, clusters[0]), self._endpoint_box(head, clusters[1])
        if not self._runs_through(points, (tail, head), a, b):
            return unchanged  # the common case, found with a grid lookup per route point
        obstacles = [box for name, box in self._obstacles() if name not in (tail, head)
                     and not _touch(box, a) and not _touch(box, b)]
        frame, other = self._pool_box(tail), self._pool_box(head)
        limits = (frame[1][1], frame[1][3]) if frame and other and frame[0] == other[0] else None
        arrow = 0.0 if (edge or {}).get("arrowhead") == "none" else 0.8
        found = detour(a, b, routed[0], obstacles, arrowsize=arrow, limits=limits)
        if found is None:
            return unchanged
        return ((found[0], dict.fromkeys(routed[1], found[1])),
                sample_route(spline_points(found[0])))

    def _runs_through(self, points: list[tuple[float, float]], ends: tuple[str, str], a: Box,
                      b: Box) -> bool:
        """Whether the route passes through a node other than its ends (and the nodes that
        touch them, such as boundary events)."""
        if self._grid is None:
            self._grid = {}
            for name, box in self._obstacles():
                for i in range(int(box[0] // GRID), int(box[2] // GRID) + 1):
                    for j in range(int(box[1] // GRID), int(box[3] // GRID) + 1):
                        self._grid.setdefault((i, j), []).append((name, box))
        last, near = None, []
        for x, y in points:
            cell = (int(x // GRID), int(y // GRID))
            if cell != last:  # consecutive points mostly share a cell
                last = cell
                near = [box for name, box in self._grid.get(cell, ()) if name not in ends
                        and not _touch(box, a) and not _touch(box, b)]
            for box in near:
                if box[0] + 2 < x < box[2] - 2 and box[1] + 2 < y < box[3] - 2:
                    return True
        return False

    def _flat_route(self, line: str) -> tuple[str, dict[str, tuple[float, float]]] | None:
        """The route of an edge that dot did not see (both ends in one column): a curve."""
        match = re.match(r"^(\w+) -> (\w+) \[", line)
        if not match or match.group(1) not in self.nodes or match.group(2) not in self.nodes:
            return None
        tail_box = self._endpoint_box(match.group(1), None)
        head_box = self._endpoint_box(match.group(2), None)
        if {match.group(1), match.group(2)} & set(self.plan.artifact_host):
            arrow = 0.8 if "arrowhead" in line and 'arrowhead="none"' not in line else 0.0
            return _straight(tail_box, head_box, arrow), {"xlp": (
                (tail_box[0] + head_box[2]) / 2, (tail_box[1] + head_box[3]) / 2)}
        pos, mid = _curve(tail_box, head_box, 0.8)
        return pos, {"xlp": mid}


def _clip(box: Box, x: float, y: float, dx: float, dy: float) -> tuple[float, float]:
    """Where the ray from the box centre (x, y) in direction (dx, dy) leaves the box."""
    t = min((box[2] - x) / dx if dx > 0 else (box[0] - x) / dx if dx < 0 else float("inf"),
            (box[3] - y) / dy if dy > 0 else (box[1] - y) / dy if dy < 0 else float("inf"))
    return x + dx * t, y + dy * t


def _straight(a: Box, b: Box, arrowsize: float) -> str:
    """A straight line between the borders of two boxes, arrow (if any) at ``b``."""
    ax, ay = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    bx, by = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        dy = 1.0
    start = _clip(a, ax, ay, dx, dy)
    end = _clip(b, bx, by, -dx, -dy)
    length = max(((end[0] - start[0]) ** 2 + (end[1] - start[1]) ** 2) ** 0.5, 1e-6)
    arrow = min(10.0 * arrowsize, length / 2)
    stop = (end[0] - (end[0] - start[0]) / length * arrow,
            end[1] - (end[1] - start[1]) / length * arrow)
    third = ((stop[0] - start[0]) / 3, (stop[1] - start[1]) / 3)
    points = [start, (start[0] + third[0], start[1] + third[1]),
              (start[0] + 2 * third[0], start[1] + 2 * third[1]), stop]
    return _spline(points, end)


def _touch(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _shift_spline(pos: str, dy: float, dx: float = 0.0) -> str:
    out = []
    for part in pos.split():
        prefix = ""
        if part[:2] in ("e,", "s,"):
            prefix, part = part[:2], part[2:]
        x, y = _pt(part)
        out.append(f"{prefix}{x + dx:.2f},{y + dy:.2f}")
    return " ".join(out)


def _spline(points: list[tuple[float, float]], end: tuple[float, float]) -> str:
    return f"e,{end[0]:.2f},{end[1]:.2f} " + " ".join(f"{x:.2f},{y:.2f}" for x, y in points)


def _curve(a: Box, b: Box, arrowsize: float) -> tuple[str, tuple[float, float]]:
    """A smooth curve from box ``a`` to box ``b`` with an arrow at ``b``."""
    ax, ay = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    bx, by = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    arrow = 10.0 * arrowsize
    if b[0] - a[2] > 8:  # target to the right: leave right, enter left
        start, end = (a[2], ay), (b[0], by)
        stop = (end[0] - arrow, end[1])
        bend = max((stop[0] - start[0]) / 2, 12.0)
        c1, c2 = (start[0] + bend, start[1]), (stop[0] - bend, stop[1])
    else:  # above or below (or backwards): leave and enter vertically
        down = by < ay
        start = (ax, a[1] if down else a[3])
        end = (bx, b[3] if down else b[1])
        stop = (end[0], end[1] + arrow if down else end[1] - arrow)
        bend = max(abs(stop[1] - start[1]) / 2, 12.0)
        sign = -1 if down else 1
        c1, c2 = (start[0], start[1] + sign * bend), (stop[0], stop[1] - sign * bend)
    pts = " ".join(f"{x:.2f},{y:.2f}" for x, y in (start, c1, c2, stop))
    mid = ((start[0] + stop[0]) / 2, (start[1] + stop[1]) / 2)
    return f"e,{end[0]:.2f},{end[1]:.2f} {pts}", (mid[0] + 4, mid[1] + 8)
