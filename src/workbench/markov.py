"""The absorbing Markov chain over a process's sequence-flow graph: expected visits per case.

Gateways split by their branch probabilities (exclusive: normalized, missing → even split with a
warning; inclusive: independent branches; parallel: every branch), sub-processes are entered once
per visit of their node, and rework loops count with their probability: a loop taken with 0.2
gives 1.25 expected visits. ``(I − Q)⁻¹`` is solved by :mod:`workbench.linalg` (dense for hand-drawn
models, sparse for large ones); a chain that cannot end is a German :class:`MetricsError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from . import linalg
from .bpmn import Activity, Event, FlowNode, Gateway, Process, SequenceFlow, SubProcess

TINY = 1e-12
ENTRY = "__entry__"


class MetricsError(ValueError):
    """The model cannot be evaluated (no start, or a loop without exit). German message."""


#: Default probability of taking a loop back when the model gives none (docs/kennzahlen.md).
LOOP_PROBABILITY = 0.2


class Finding(NamedTuple):
    """A data-quality finding for reports: what is missing or assumed, at which element."""

    kind: str  # e.g. "wahrscheinlichkeit_fehlt", "schleife_ohne_ausgang", "minuten_fehlen"
    element_id: str
    element_name: str
    message: str  # German


class Warnings(list):
    """A list of German warnings that keeps the first occurrence of each text, plus the
    structured data-quality findings behind them."""

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[Finding] = []

    def add(self, text: str, kind: str | None = None, node: Any = None) -> None:
        if text not in self:
            self.append(text)
        if kind is not None:
            key = (kind, getattr(node, "id", "") or "")
            if all((f.kind, f.element_id) != key for f in self.findings):
                self.findings.append(Finding(kind, key[1], getattr(node, "name", "") or "", text))


def describe(node: FlowNode | Process) -> str:
    """A node for German messages: „Name“ (id), else its German type and id."""
    if node.name:
        return f"„{' '.join(node.name.split())}“ ({node.id})"
    return f"{node.type_label} {node.id}" if isinstance(node, FlowNode) else node.id


def has_content(node: SubProcess) -> bool:
    """True when the sub-process contains flow nodes (else it counts as a plain activity)."""
    return bool(node.flow_nodes)


def _where(container: Process | SubProcess) -> str:
    kind = "Der Teilprozess" if isinstance(container, SubProcess) else "Der Prozess"
    return f"{kind} {describe(container)}"


def _pct(x: float) -> str:
    return f"{x * 100:.1f}".replace(".", ",") + " %"


@dataclass(slots=True)
class Chain:
    """One process or sub-process as a Markov chain over its direct flow nodes.

    ``edges`` hold branch weights (expected tokens per visit of the source, without join
    factors); ``entry`` the expected tokens each node receives when the container starts.
    """

    container: Process | SubProcess
    nodes: list[FlowNode]
    edges: dict[str, list[tuple[str, float]]]
    entry: dict[str, float]
    factors: dict[str, float] = field(default_factory=dict)  # join factors, set by solve()
    per_entry: dict[str, float] = field(default_factory=dict)  # visits per start, by solve()

    def sinks(self) -> list[str]:
        """Nodes where a token leaves the container (end events and other dead ends)."""
        return [n.id for n in self.nodes if not self.edges.get(n.id)]

    def reachable(self) -> set[str]:
        seen = {nid for nid, w in self.entry.items() if w > 0}
        todo = list(seen)
        while todo:
            for dst, w in self.edges.get(todo.pop(), []):
                if w > 0 and dst not in seen:
                    seen.add(dst)
                    todo.append(dst)
        return seen

    def solve(self, warnings: Warnings) -> dict[str, float]:
        """Expected visits per start of the container: solves v = e + v·M.

        A chain that cannot end (a loop without exit) is repaired with
        :data:`LOOP_PROBABILITY`; if that does not help, every reachable node counts once.
        Both with a German warning and a data-quality finding."""
        order, m, v = self._attempt()
        if v is None:
            problem, loop_node = self._no_exit(order, m), self._closed_loop_node(order, m)
            if self._repair_loops(order, m):
                order, m, v = self._attempt()
                if v is not None:
                    warnings.add(f"{problem} Gerechnet wird mit der Standardannahme: die "
                                 f"Schleife wird mit {_pct(LOOP_PROBABILITY)} wiederholt, mit "
                                 f"{_pct(1 - LOOP_PROBABILITY)} verlassen.",
                                 "schleife_ohne_ausgang", loop_node)
            if v is None:
                warnings.add(f"{problem} Als Näherung zählt jeder erreichbare Schritt dieser "
                             "Ebene einmal je Fall.", "schleife_endlos", loop_node)
                self.edges = {src: [] for src in self.edges}  # no transitions through it
                v = np.ones(len(order))  # order holds the reachable nodes only
        reach = set(order)
        dead = [n for n in self.nodes if n.id not in reach and n.local_name != "boundaryEvent"]
        if dead:
            warnings.add(f"{_where(self.container)}: nicht erreichbar und mit 0 gezählt: "
                         + ", ".join(describe(n) for n in dead[:6])
                         + (" …" if len(dead) > 6 else "") + ".")
        self.per_entry = {nid: max(0.0, float(x)) for nid, x in zip(order, v, strict=True)}
        return self.per_entry

    def _attempt(self) -> tuple[list[str], Any, Any]:
        """Reachable nodes, the weighted matrix and the visits (None: cannot end)."""
        reach = self.reachable()
        order = [n.id for n in self.nodes if n.id in reach]
        idx = {nid: i for i, nid in enumerate(order)}
        factor = self.factors = self._join_factors(reach)
        m = linalg.matrix(len(order), ((idx[src], idx[dst], w * factor.get(dst, 1.0))
                                       for src in order for dst, w in self.edges.get(src, [])
                                       if dst in idx))
        e = np.array([self.entry.get(nid, 0.0) for nid in order])
        return order, m, linalg.expected_visits(m, e)

    def _closed_components(self, order: list[str], m: Any) -> list[set[int]]:
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(range(len(order)))
        graph.add_edges_from(zip(*(m > 0).nonzero(), strict=True))
        closed = []
        for comp in nx.strongly_connected_components(graph):
            looped = len(comp) > 1 or any(graph.has_edge(i, i) for i in comp)
            if looped and not any(d not in comp for i in comp for d in graph.successors(i)):
                closed.append(comp)
        return closed

    def _closed_loop_node(self, order: list[str], m: Any) -> FlowNode | None:
        comps = self._closed_components(order, m)
        if not comps:
            return None
        first = order[min(comps[0])]
        return next((n for n in self.nodes if n.id == first), None)

    def _repair_loops(self, order: list[str], m: Any) -> bool:
        """Give every node in a loop without exit that has a zero-weight way out
        LOOP_PROBABILITY for staying and the rest for leaving. False if nothing changed."""
        changed = False
        for comp in self._closed_components(order, m):
            inside = {order[i] for i in comp}
            for nid in sorted(inside):
                out = self.edges.get(nid, [])
                stay = [(t, w) for t, w in out if t in inside]
                leave = [(t, w) for t, w in out if t not in inside]
                if not leave or not stay:
                    continue
                total = sum(w for _, w in stay) or 1.0
                self.edges[nid] = ([(t, LOOP_PROBABILITY * w / total) for t, w in stay]
                                   + [(t, (1 - LOOP_PROBABILITY) / len(leave)) for t, _ in leave])
                changed = True
        return changed

    def _join_factors(self, reach: set[str]) -> dict[str, float]:
        """AND join: passes on one token per n arrivals; OR join: one per activation of its
        matching split (its immediate dominator), i.e. 1 / expected tokens of that split."""
        out: dict[str, float] = {}
        dominators: dict[str, str] | None = None
        for node in self.nodes:
            if node.id not in reach or not isinstance(node, Gateway):
                continue
            n_in = sum(1 for f in node.incoming if f.source_id in self.edges)
            if n_in < 2:
                continue
            if node.gateway_type == "parallel":
                out[node.id] = 1.0 / n_in
            elif node.gateway_type in ("inclusive", "complex"):
                if dominators is None:
                    dominators = self._dominators(reach)
                split = dominators.get(node.id, "")
                tokens = (sum(self.entry.values()) if split == ENTRY
                          else sum(w for _, w in self.edges.get(split, [])))
                if tokens > 0:
                    out[node.id] = 1.0 / tokens
        return out

    def _dominators(self, reach: set[str]) -> dict[str, str]:
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_node(ENTRY)
        graph.add_edges_from((ENTRY, nid) for nid, w in self.entry.items() if w > 0)
        graph.add_edges_from((s, d) for s in reach for d, w in self.edges.get(s, []) if w > 0)
        return dict(nx.immediate_dominators(graph, ENTRY))

    def _no_exit(self, order: list[str], m: Any) -> str:
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(range(len(order)))
        graph.add_edges_from(zip(*(m > 0).nonzero(), strict=True))
        names = {n.id: describe(n) for n in self.nodes}
        for comp in nx.strongly_connected_components(graph):
            looped = len(comp) > 1 or any(graph.has_edge(i, i) for i in comp)
            leaves = any(d not in comp for i in comp for d in graph.successors(i))
            if looped and not leaves:
                members = sorted(comp)
                loop = " → ".join(names[order[i]] for i in members[:6])
                return (f"{_where(self.container)} kann nicht enden: die Schleife über {loop} "
                        "hat keinen Ausgang (Wahrscheinlichkeit 1 für den Rücksprung). Bitte "
                        "am Rücksprung eine Wahrscheinlichkeit kleiner als 1 angeben oder einen "
                        "Ausgang modellieren.")
        return (f"{_where(self.container)} kann nicht enden: in einer Schleife entstehen "
                "immer mehr parallele Zweige (z. B. eine UND-Verzweigung ohne Zusammenführung "
                "in einer Schleife). Bitte die Zweige vor dem Rücksprung zusammenführen.")


def build_chain(container: Process | SubProcess, warnings: Warnings) -> Chain:
    """The chain of one container: its direct flow nodes, branch weights and start."""
    nodes: list[FlowNode] = []
    for node in container.flow_nodes:
        if isinstance(node, SubProcess) and node.triggered_by_event:
            warnings.add(f"Ereignis-Teilprozess {describe(node)} wird nicht mitgezählt "
                         "(für ihn ist keine Eintrittswahrscheinlichkeit bekannt).")
            continue
        nodes.append(node)
    ids = {n.id for n in nodes}
    boundaries: dict[str, list[Event]] = {}
    for n in nodes:
        if isinstance(n, Event) and n.local_name == "boundaryEvent" and n.attached_to:
            boundaries.setdefault(n.attached_to, []).append(n)
    loops = _Loops(nodes, boundaries, ids)
    edges = {n.id: [(t, w) for t, w in _out_edges(n, boundaries, warnings, loops) if t in ids]
             for n in nodes}
    return Chain(container, nodes, edges, _entry(container, nodes, warnings))


class _Loops:
    """Which outgoing flows of a node lead back to it (close a loop), on the drawn graph.

    A flow g → t leads back to g exactly when g and t lie in the same strongly connected
    component; the components are computed once (linear time), on first use."""

    def __init__(self, nodes: list[FlowNode], boundaries: dict[str, list[Event]],
                 ids: set[str]) -> None:
        self._nodes, self._boundaries, self._ids = nodes, boundaries, ids
        self._component: dict[str, int] | None = None

    def _components(self) -> dict[str, int]:
        if self._component is None:
            import networkx as nx

            graph = nx.DiGraph()
            graph.add_nodes_from(n.id for n in self._nodes)
            for n in self._nodes:
                targets = [f.target_id for f in n.outgoing] + [
                    b.id for b in self._boundaries.get(n.id, [])]
                graph.add_edges_from((n.id, t) for t in targets if t in self._ids)
            self._component = {nid: k for k, comp in
                               enumerate(nx.strongly_connected_components(graph))
                               for nid in comp}
        return self._component

    def back(self, node: FlowNode, flows: list[SequenceFlow]) -> list[bool]:
        """Per flow: does the case come back to ``node`` from its target?"""
        comp = self._components()
        own = comp.get(node.id)
        return [comp.get(f.target_id) == own for f in flows]


def _entry(container: Process | SubProcess, nodes: list[FlowNode],
           warnings: Warnings) -> dict[str, float]:
    starts = [n for n in nodes if n.local_name == "startEvent"]
    if len(starts) == 1:
        return {starts[0].id: 1.0}
    if starts:
        warnings.add(f"{_where(container)} hat {len(starts)} Startereignisse; jedes gilt als "
                     f"gleich wahrscheinlicher Beginn eines Falls (je {_pct(1 / len(starts))}).")
        return {s.id: 1.0 / len(starts) for s in starts}
    free = [n for n in nodes if not n.incoming and n.local_name != "boundaryEvent"
            and n.element.get("isForCompensation") != "true"]
    if not free:
        raise MetricsError(f"{_where(container)} hat weder ein Startereignis noch einen Schritt "
                           "ohne eingehenden Fluss; so lässt sich kein Durchlauf berechnen. "
                           "Bitte ein Startereignis modellieren.")
    if isinstance(container, Process):
        warnings.add(f"{_where(container)} hat kein Startereignis; alle Schritte ohne "
                     "eingehenden Fluss beginnen einen Fall (parallel).")
    return {n.id: 1.0 for n in free}


def _out_edges(node: FlowNode, boundaries: dict[str, list[Event]],
               warnings: Warnings, loops: _Loops) -> list[tuple[str, float]]:
    flows = node.outgoing
    if node.local_name == "boundaryEvent":
        return [(f.target_id, 1.0) for f in flows]  # its probability sits on the host edge
    weights = _split_weights(node, flows, warnings, loops) if flows else []
    edges = [(f.target_id, w) for f, w in zip(flows, weights, strict=True)]
    if not isinstance(node, Activity) or node.id not in boundaries:
        return edges
    cut, extra = 0.0, []
    for b in boundaries[node.id]:
        probs = [f.probability for f in b.outgoing if f.probability is not None]
        if not probs:
            warnings.add(f"Randereignis {describe(b)} an {describe(node)} hat keine "
                         "Wahrscheinlichkeit am ausgehenden Fluss und wird nicht berücksichtigt.",
                         "wahrscheinlichkeit_fehlt", b)
            continue
        extra.append((b.id, max(probs)))
        if b.cancel_activity:
            cut += max(probs)
    if cut > 1:
        warnings.add(f"Die unterbrechenden Randereignisse an {describe(node)} haben zusammen "
                     "eine Wahrscheinlichkeit über 1; der normale Ausgang wird nie genommen.")
        cut = 1.0
    return [(t, w * (1.0 - cut)) for t, w in edges] + extra


def _split_weights(node: FlowNode, flows: list[SequenceFlow], warnings: Warnings,
                   loops: _Loops) -> list[float]:
    """Expected tokens per outgoing flow for one visit of ``node``."""
    n = len(flows)
    if n == 1:
        return [1.0]
    if isinstance(node, Gateway):
        if node.gateway_type == "parallel":
            return [1.0] * n
        if node.gateway_type in ("exclusive", "eventBased"):
            return _exclusive(node, flows, warnings, loops)
        return _independent(node, flows, warnings, uncontrolled=False)
    if all(f.probability is None and f.condition is None and not f.is_default for f in flows):
        back = loops.back(node, flows)
        if any(back) and not all(back):
            warnings.add(f"{describe(node)} hat {n} ausgehende Flüsse ohne Gateway, davon führt "
                         "mindestens einer in einer Schleife zurück; gerechnet wird wie an einer "
                         "Entscheidung (genau ein Weg).", "gateway_fehlt", node)
            return _loop_default(node, flows, back, warnings)
        warnings.add(f"{describe(node)} hat {n} ausgehende Flüsse ohne Gateway; nach BPMN "
                     "werden alle (parallel) durchlaufen.")
        return [1.0] * n
    return _independent(node, flows, warnings, uncontrolled=True)


def _names(flows: list[SequenceFlow]) -> str:
    return ", ".join(describe(f.target) if f.target is not None else f.target_id for f in flows)


def _loop_default(node: FlowNode, flows: list[SequenceFlow], back: list[bool],
                  warnings: Warnings) -> list[float]:
    """No probabilities at a decision that closes a loop: the way back gets LOOP_PROBABILITY,
    the ways out share the rest."""
    n_back = sum(back)
    n_out = len(flows) - n_back
    warnings.add(f"Entscheidung {describe(node)} ohne Wahrscheinlichkeiten: Standardannahme "
                 f"{_pct(LOOP_PROBABILITY)} für den Rücksprung (nach "
                 f"{_names([f for f, b in zip(flows, back, strict=True) if b])}), "
                 f"{_pct(1 - LOOP_PROBABILITY)} für den Ausgang.", "wahrscheinlichkeit_fehlt",
                 node)
    return [LOOP_PROBABILITY / n_back if b else (1 - LOOP_PROBABILITY) / n_out for b in back]


def _exclusive(node: Gateway, flows: list[SequenceFlow], warnings: Warnings,
               loops: _Loops) -> list[float]:
    """XOR: exactly one branch; missing probabilities share the rest evenly (a loop without
    any probability: LOOP_PROBABILITY for the way back)."""
    n = len(flows)
    probs = [f.probability for f in flows]
    weights = [float(p) if p is not None else 0.0 for p in probs]
    missing = [i for i, p in enumerate(probs) if p is None]
    if len(missing) == n:
        back = loops.back(node, flows)
        if any(back) and not all(back):
            return _loop_default(node, flows, back, warnings)
    if missing:
        rest = max(0.0, 1.0 - sum(weights))
        if len(missing) == n:
            warnings.add(f"Entscheidung {describe(node)} ohne Wahrscheinlichkeiten: die {n} "
                         f"Ausgänge werden gleich verteilt (je {_pct(1 / n)}).",
                         "wahrscheinlichkeit_fehlt", node)
        elif len(missing) > 1 or rest <= 0:
            warnings.add(f"Entscheidung {describe(node)}: an {len(missing)} Ausgängen fehlt die "
                         f"Wahrscheinlichkeit; der Rest von {_pct(rest)} wird gleich verteilt.",
                         "wahrscheinlichkeit_fehlt", node)
        for i in missing:
            weights[i] = rest / len(missing) if len(missing) < n else 1.0 / n
    total = sum(weights)
    if total <= 0:
        warnings.add(f"Entscheidung {describe(node)}: alle Wahrscheinlichkeiten sind 0; die "
                     "Ausgänge werden gleich verteilt.")
        return [1.0 / n] * n
    if abs(total - 1.0) > 1e-6:
        warnings.add(f"Die Wahrscheinlichkeiten an {describe(node)} ergeben zusammen "
                     f"{_pct(total)} statt 100 %; sie werden anteilig auf 100 % umgerechnet.")
        weights = [w / total for w in weights]
    return weights


def _independent(node: FlowNode, flows: list[SequenceFlow], warnings: Warnings, *,
                 uncontrolled: bool) -> list[float]:
    """OR (and conditional flows without gateway): each branch with its own probability;
    the default branch is taken when no other one is (product of the complements)."""
    n = len(flows)
    weights: list[float | None] = []
    missing = 0
    for f in flows:
        p = f.probability
        if p is None and not f.is_default:
            if uncontrolled and f.condition is None:
                p = 1.0
            else:
                p, missing = 1.0 / n, missing + 1
        weights.append(p)
    if missing:
        label = "Oder-Verzweigung" if isinstance(node, Gateway) else "Verzweigung an"
        warnings.add(f"{label} {describe(node)}: an {missing} von {n} Ausgängen fehlt die "
                     f"Wahrscheinlichkeit; angenommen wird je {_pct(1 / n)}.",
                     "wahrscheinlichkeit_fehlt", node)
    rest = float(np.prod([1.0 - w for w in weights if w is not None]))
    return [rest if w is None else float(w) for w in weights]


# --------------------------------------------------------------------------- visits


def solve(container: Process | SubProcess, scale: float, chains: dict[str, Chain],
           visits: dict[str, float], warnings: Warnings) -> None:
    """Visits of every node of ``container`` and, recursively, of its sub-processes."""
    chain = build_chain(container, warnings)
    chains[container.id] = chain
    per_entry = chain.solve(warnings)
    for node in chain.nodes:
        visits[node.id] = scale * per_entry.get(node.id, 0.0)
    for node in chain.nodes:
        if isinstance(node, SubProcess) and has_content(node):
            if visits[node.id] > TINY:
                solve(node, visits[node.id], chains, visits, warnings)
            else:
                for inner in node.all_flow_nodes:
                    visits.setdefault(inner.id, 0.0)
