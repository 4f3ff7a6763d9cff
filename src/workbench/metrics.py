"""Per-model metrics of one BPMN process.

Expected visits per case (an absorbing Markov chain over the sequence-flow graph, so rework
loops count correctly), expected handling minutes and waiting days, expected Medienbrüche,
digital and automation share, waste steps, the five E2E phases and an OZG-Reifegrad estimate.
Every definition is explained in German in ``docs/kennzahlen.md``.

>>> m = compute(defs)          # doctest: +SKIP
>>> m.expected_minutes, m.media_breaks, m.break_transitions[0].reason_de  # doctest: +SKIP
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .activity_types import activity_type
from .bpmn import Activity, Definitions, Event, FlowNode, Gateway, Process, SequenceFlow, SubProcess
from .bpmn.extensions import MEDIA, MEDIUM_CLASS, PHASES

__all__ = [
    "AUTOMATABLE", "BreakTransition", "MetricsError", "ModelMetrics", "compute",
]

#: Automation classes that count as automatable (see docs/kennzahlen.md).
AUTOMATABLE = frozenset({"regelbasiert", "ki"})
_TINY = 1e-12
_ENTRY = "__entry__"


class MetricsError(ValueError):
    """The model cannot be evaluated (no start, or a loop without exit). German message."""


class BreakTransition(NamedTuple):
    """A transition between two consecutive activities that is a Medienbruch."""

    source_activity_id: str
    target_activity_id: str
    reason_de: str
    expected_count: float


@dataclass(slots=True)
class ModelMetrics:
    """The metrics of one process model; ``as_dict()`` gives the JSON form."""

    process_id: str
    process_name: str
    expected_minutes: float
    expected_wait_days: float
    media_breaks: float
    digital_share: float | None
    automation_share: float | None
    waste_steps: list[str]
    waste_minutes: float
    e2e_phases: dict[str, bool]
    phases_missing: list[str]
    ozg_estimate: int
    visits: dict[str, float]
    break_transitions: list[BreakTransition]
    warnings: list[str]
    activities: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict; floats rounded to 6 decimals for stable output."""
        return {
            "process_id": self.process_id,
            "process_name": self.process_name,
            "expected_minutes": _r(self.expected_minutes),
            "expected_wait_days": _r(self.expected_wait_days),
            "media_breaks": _r(self.media_breaks),
            "digital_share": _r(self.digital_share),
            "automation_share": _r(self.automation_share),
            "waste_steps": list(self.waste_steps),
            "waste_minutes": _r(self.waste_minutes),
            "e2e_phases": dict(self.e2e_phases),
            "phases_missing": list(self.phases_missing),
            "ozg_estimate": self.ozg_estimate,
            "activities": self.activities,
            "visits": {k: _r(v) for k, v in self.visits.items()},
            "break_transitions": [
                {"source": t.source_activity_id, "target": t.target_activity_id,
                 "reason": t.reason_de, "expected_count": _r(t.expected_count)}
                for t in self.break_transitions
            ],
            "warnings": list(self.warnings),
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6) + 0.0


class _Warnings(list):
    """A list of German warnings that keeps the first occurrence of each text."""

    def add(self, text: str) -> None:
        if text not in self:
            self.append(text)


def compute(model: Definitions | Process) -> ModelMetrics:
    """All metrics of a model (its main process) or of one given process.

    Raises :class:`MetricsError` (German message) when the process cannot end or has no start.
    """
    if isinstance(model, Definitions):
        try:
            process = model.main_process()
        except ValueError as err:
            raise MetricsError(str(err)) from None
    else:
        process = model
    warnings = _Warnings()
    chains: dict[str, Chain] = {}
    visits: dict[str, float] = {}
    _solve(process, 1.0, chains, visits, warnings)
    leaves = _leaf_activities(process, visits, warnings)
    reach, first = _activity_reach(process, chains, visits, leaves)
    return _assemble(process, visits, leaves, reach, first, warnings)


# --------------------------------------------------------------------------- the chain


def describe(node: FlowNode | Process) -> str:
    """A node for German messages: „Name“ (id), else its German type and id."""
    if node.name:
        return f"„{node.name}“ ({node.id})"
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

    def solve(self, warnings: _Warnings) -> dict[str, float]:
        """Expected visits per start of the container: solves v = e + v·M."""
        reach = self.reachable()
        dead = [n for n in self.nodes if n.id not in reach and n.local_name != "boundaryEvent"]
        if dead:
            warnings.add(f"{_where(self.container)}: nicht erreichbar und mit 0 gezählt: "
                         + ", ".join(describe(n) for n in dead[:6])
                         + (" …" if len(dead) > 6 else "") + ".")
        order = [n.id for n in self.nodes if n.id in reach]
        idx = {nid: i for i, nid in enumerate(order)}
        factor = self.factors = self._join_factors(reach)
        m = np.zeros((len(order), len(order)))
        for src in order:
            for dst, w in self.edges.get(src, []):
                if dst in idx:
                    m[idx[src], idx[dst]] += w * factor.get(dst, 1.0)
        e = np.array([self.entry.get(nid, 0.0) for nid in order])
        if order and len(order) <= 1500 and max(abs(np.linalg.eigvals(m))) >= 1 - 1e-9:
            raise MetricsError(self._no_exit(order, m))
        try:
            v = np.linalg.solve(np.eye(len(order)) - m.T, e)
        except np.linalg.LinAlgError:
            raise MetricsError(self._no_exit(order, m)) from None
        if not np.all(np.isfinite(v)) or (len(v) and v.min() < -1e-9):
            raise MetricsError(self._no_exit(order, m))
        self.per_entry = {nid: max(0.0, float(x)) for nid, x in zip(order, v, strict=True)}
        return self.per_entry

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
                tokens = (sum(self.entry.values()) if split == _ENTRY
                          else sum(w for _, w in self.edges.get(split, [])))
                if tokens > 0:
                    out[node.id] = 1.0 / tokens
        return out

    def _dominators(self, reach: set[str]) -> dict[str, str]:
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_node(_ENTRY)
        graph.add_edges_from((_ENTRY, nid) for nid, w in self.entry.items() if w > 0)
        graph.add_edges_from((s, d) for s in reach for d, w in self.edges.get(s, []) if w > 0)
        return dict(nx.immediate_dominators(graph, _ENTRY))

    def _no_exit(self, order: list[str], m: np.ndarray) -> str:
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(range(len(order)))
        graph.add_edges_from(zip(*np.nonzero(m > 0), strict=True))
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


def build_chain(container: Process | SubProcess, warnings: _Warnings) -> Chain:
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
    edges = {n.id: [(t, w) for t, w in _out_edges(n, boundaries, warnings) if t in ids]
             for n in nodes}
    return Chain(container, nodes, edges, _entry(container, nodes, warnings))


def _entry(container: Process | SubProcess, nodes: list[FlowNode],
           warnings: _Warnings) -> dict[str, float]:
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
               warnings: _Warnings) -> list[tuple[str, float]]:
    flows = node.outgoing
    if node.local_name == "boundaryEvent":
        return [(f.target_id, 1.0) for f in flows]  # its probability sits on the host edge
    weights = _split_weights(node, flows, warnings) if flows else []
    edges = [(f.target_id, w) for f, w in zip(flows, weights, strict=True)]
    if not isinstance(node, Activity) or node.id not in boundaries:
        return edges
    cut, extra = 0.0, []
    for b in boundaries[node.id]:
        probs = [f.probability for f in b.outgoing if f.probability is not None]
        if not probs:
            warnings.add(f"Randereignis {describe(b)} an {describe(node)} hat keine "
                         "Wahrscheinlichkeit am ausgehenden Fluss und wird nicht berücksichtigt.")
            continue
        extra.append((b.id, max(probs)))
        if b.cancel_activity:
            cut += max(probs)
    if cut > 1:
        warnings.add(f"Die unterbrechenden Randereignisse an {describe(node)} haben zusammen "
                     "eine Wahrscheinlichkeit über 1; der normale Ausgang wird nie genommen.")
        cut = 1.0
    return [(t, w * (1.0 - cut)) for t, w in edges] + extra


def _split_weights(node: FlowNode, flows: list[SequenceFlow], warnings: _Warnings) -> list[float]:
    """Expected tokens per outgoing flow for one visit of ``node``."""
    n = len(flows)
    if n == 1:
        return [1.0]
    if isinstance(node, Gateway):
        if node.gateway_type == "parallel":
            return [1.0] * n
        if node.gateway_type in ("exclusive", "eventBased"):
            return _exclusive(node, flows, warnings)
        return _independent(node, flows, warnings, uncontrolled=False)
    if all(f.probability is None and f.condition is None and not f.is_default for f in flows):
        warnings.add(f"{describe(node)} hat {n} ausgehende Flüsse ohne Gateway; nach BPMN "
                     "werden alle (parallel) durchlaufen.")
        return [1.0] * n
    return _independent(node, flows, warnings, uncontrolled=True)


def _exclusive(node: Gateway, flows: list[SequenceFlow], warnings: _Warnings) -> list[float]:
    """XOR: exactly one branch; missing probabilities share the rest evenly."""
    n = len(flows)
    probs = [f.probability for f in flows]
    weights = [float(p) if p is not None else 0.0 for p in probs]
    missing = [i for i, p in enumerate(probs) if p is None]
    if missing:
        rest = max(0.0, 1.0 - sum(weights))
        if len(missing) == n:
            warnings.add(f"Entscheidung {describe(node)} ohne Wahrscheinlichkeiten: die {n} "
                         f"Ausgänge werden gleich verteilt (je {_pct(1 / n)}).")
        elif len(missing) > 1 or rest <= 0:
            warnings.add(f"Entscheidung {describe(node)}: an {len(missing)} Ausgängen fehlt die "
                         f"Wahrscheinlichkeit; der Rest von {_pct(rest)} wird gleich verteilt.")
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


def _independent(node: FlowNode, flows: list[SequenceFlow], warnings: _Warnings, *,
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
                     f"Wahrscheinlichkeit; angenommen wird je {_pct(1 / n)}.")
    rest = float(np.prod([1.0 - w for w in weights if w is not None]))
    return [rest if w is None else float(w) for w in weights]


# --------------------------------------------------------------------------- visits


def _solve(container: Process | SubProcess, scale: float, chains: dict[str, Chain],
           visits: dict[str, float], warnings: _Warnings) -> None:
    """Visits of every node of ``container`` and, recursively, of its sub-processes."""
    chain = build_chain(container, warnings)
    chains[container.id] = chain
    per_entry = chain.solve(warnings)
    for node in chain.nodes:
        visits[node.id] = scale * per_entry.get(node.id, 0.0)
    for node in chain.nodes:
        if isinstance(node, SubProcess) and has_content(node):
            if visits[node.id] > _TINY:
                _solve(node, visits[node.id], chains, visits, warnings)
            else:
                for inner in node.all_flow_nodes:
                    visits.setdefault(inner.id, 0.0)


def _leaf_activities(process: Process, visits: dict[str, float],
                     warnings: _Warnings) -> list[Activity]:
    """Activities that carry work: tasks, call activities, sub-processes without content."""
    leaves: list[Activity] = []
    for node in process.all_flow_nodes:
        if not isinstance(node, Activity) or node.id not in visits:
            continue
        if isinstance(node, SubProcess) and has_content(node):
            if node.minutes or node.wait_days:
                warnings.add(f"Teilprozess {describe(node)} hat eigene Zeiten und einen Inhalt; "
                             "gezählt werden nur die Zeiten der Schritte im Teilprozess.")
            continue
        if node.loop is not None and visits[node.id] > _TINY:
            warnings.add(f"Schleifenmarkierung an {describe(node)}: gezählt wird eine "
                         "Ausführung je Durchlauf.")
        leaves.append(node)
    return leaves


# --------------------------------------------------------------------------- transitions


def _activity_reach(process: Process, chains: dict[str, Chain], visits: dict[str, float],
                    leaves: list[Activity]) -> tuple[np.ndarray, np.ndarray]:
    """How often, per visit of activity *a*, the next activity is *b* (through gateways,
    events and sub-process borders, with the same weights and join factors as the visits);
    and how often the case starts with each activity."""
    keep = {nid for nid, v in visits.items() if v > _TINY}
    edges: dict[tuple[str, str], float] = defaultdict(float)
    for nid, w in chains[process.id].entry.items():
        edges[_ENTRY, nid] += w
    for chain in chains.values():
        for node in (n for n in chain.nodes if n.id in keep):
            inner = chains.get(node.id) if isinstance(node, SubProcess) else None
            out = f"{node.id}::exit" if inner is not None else node.id
            for dst, w in chain.edges.get(node.id, []):
                if dst in keep:
                    edges[out, dst] += w * chain.factors.get(dst, 1.0)
            if inner is not None:  # enter at its start, leave once per entry at its ends
                for nid, w in inner.entry.items():
                    edges[node.id, nid] += w
                sinks = [n for n in inner.sinks() if n in keep]
                ends = sum(inner.per_entry.get(n, 0.0) for n in sinks)
                for sink in sinks:
                    edges[sink, out] += 1.0 / ends
    leaf_ids = [a.id for a in leaves]
    names = leaf_ids + sorted({n for pair in edges for n in pair} - set(leaf_ids))
    index = {n: i for i, n in enumerate(names)}
    w = np.zeros((len(names), len(names)))
    for (src, dst), x in edges.items():
        w[index[src], index[dst]] += x
    na = len(leaf_ids)
    through = np.linalg.lstsq(np.eye(len(names) - na) - w[na:, na:], w[na:, :na], rcond=None)[0]
    return w[:na, :na] + w[:na, na:] @ through, through[index[_ENTRY] - na]


def _break_reason(a: Activity, b: Activity) -> str | None:
    """German reason when the step a → b is a Medienbruch, else None."""
    reasons = []
    ma, mb = a.medium, b.medium
    if ma and mb:
        ca, cb = MEDIUM_CLASS[str(ma)], MEDIUM_CLASS[str(mb)]
        if ca != cb or "scan" in (ca, cb):
            reasons.append(f"Medienwechsel {MEDIA[str(ma)]} → {MEDIA[str(mb)]}")
    sa, sb = _system(a), _system(b)
    by_hand = "automatisch" not in (ma, mb)  # an automatic step hands over by interface
    if sa and sb and sa.casefold() != sb.casefold() and by_hand:
        reasons.append(f"Systemwechsel {sa} → {sb} (Daten werden erneut erfasst)")
    return "; ".join(reasons) or None


def _system(a: Activity) -> str:
    return " ".join(str(a.system or "").split())


# --------------------------------------------------------------------------- assembly


def _is_digital(a: Activity) -> bool:
    return a.medium is not None and MEDIUM_CLASS[str(a.medium)] == "digital"


def _automation(a: Activity) -> str | None:
    if a.automation:
        return str(a.automation)
    kind = activity_type(str(a.activity_type) if a.activity_type else None)
    return kind.automation if kind else None


def _is_automatable(a: Activity) -> bool:
    return a.medium == "automatisch" or _automation(a) in AUTOMATABLE


def _is_waste(a: Activity) -> bool:
    """Print, scan, copy, re-typing …: a waste activity type done by people, or any scan."""
    kind = activity_type(str(a.activity_type) if a.activity_type else None)
    return (kind is not None and kind.waste and a.medium != "automatisch") or a.medium == "scan"


def _share(weights: np.ndarray, mask: np.ndarray) -> float | None:
    total = float(weights.sum())
    return float(weights[mask].sum()) / total if total > 0 else None


def _ids(items: list[Activity], limit: int = 6) -> str:
    ids = [a.id for a in items]
    return ", ".join(ids[:limit]) + (" …" if len(ids) > limit else "")


def _assemble(process: Process, visits: dict[str, float], leaves: list[Activity],
              reach: np.ndarray, first: np.ndarray, warnings: _Warnings) -> ModelMetrics:
    v = np.array([visits.get(a.id, 0.0) for a in leaves])
    live = [a for a, x in zip(leaves, v, strict=True) if x > _TINY]
    minutes = np.array([float(a.minutes or 0.0) for a in leaves])
    waits = np.array([float(a.wait_days or 0.0) for a in leaves])
    no_minutes = [a for a in live if a.minutes is None]
    if no_minutes:
        warnings.add(f"{len(no_minutes)} Aktivität(en) ohne Bearbeitungszeit, gezählt mit 0 "
                     f"Minuten: {_ids(no_minutes)}.")
    no_medium = [a for a in live if a.medium is None]
    if no_medium:
        warnings.add(f"{len(no_medium)} Aktivität(en) ohne Medium; sie zählen nicht als digital, "
                     f"Übergänge von und zu ihnen nur beim Systemwechsel: {_ids(no_medium)}.")
    weight = v * minutes
    if live and weight.sum() <= 0:
        warnings.add("Keine Bearbeitungszeiten im Modell: Digital- und Automatisierungsanteil "
                     "werden nach der Zahl der Schritte (erwartete Ausführungen) berechnet.")
        weight = v.copy()
    digital = np.array([_is_digital(a) for a in leaves], dtype=bool)
    automatable = np.array([_is_automatable(a) for a in leaves], dtype=bool)
    waste = np.array([_is_waste(a) for a in leaves], dtype=bool) & (v > _TINY)

    transitions: list[BreakTransition] = []
    for i, a in enumerate(leaves):
        for j, b in enumerate(leaves):
            count = v[i] * reach[i, j]
            if count > _TINY:
                reason = _break_reason(a, b)
                if reason:
                    transitions.append(BreakTransition(a.id, b.id, reason, float(count)))

    phases, missing = _phases(live, warnings)
    breaks = float(sum(t.expected_count for t in transitions))
    ozg = _ozg_estimate(leaves, v, first, phases, missing, breaks, bool(waste.any()), warnings)
    return ModelMetrics(
        process_id=process.id,
        process_name=process.name,
        expected_minutes=float(v @ minutes),
        expected_wait_days=float(v @ waits),
        media_breaks=breaks,
        digital_share=_share(weight, digital) if live else None,
        automation_share=_share(weight, automatable) if live else None,
        waste_steps=[a.id for a, w in zip(leaves, waste, strict=True) if w],
        waste_minutes=float((v * minutes)[waste].sum()),
        e2e_phases=phases,
        phases_missing=missing,
        ozg_estimate=ozg,
        visits={k: float(x) for k, x in visits.items()},
        break_transitions=transitions,
        warnings=list(warnings),
        activities=len(live),
    )


def _phases(live: list[Activity], warnings: _Warnings) -> tuple[dict[str, bool], list[str]]:
    """Phase → fully digital (False when the phase does not occur), and the missing phases."""
    result: dict[str, bool] = {}
    missing: list[str] = []
    for key in PHASES:
        steps = [a for a in live if a.phase == key]
        result[key] = bool(steps) and all(_is_digital(a) for a in steps)
        if not steps:
            missing.append(key)
    no_phase = [a for a in live if a.phase is None]
    if live and no_phase:
        warnings.add(f"{len(no_phase)} Aktivität(en) ohne E2E-Phase: {_ids(no_phase)}.")
    return result, missing


def _ozg_estimate(leaves: list[Activity], v: np.ndarray, first: np.ndarray,
                  phases: dict[str, bool], missing: list[str], breaks: float, waste: bool,
                  warnings: _Warnings) -> int:
    """OZG-Reifegrad 1–4 estimated from media and phases (rule in docs/kennzahlen.md)."""
    live = [a for a, x in zip(leaves, v, strict=True) if x > _TINY]
    antrag = [a for a in live if a.phase == "antrag"]
    if not antrag:
        antrag = [a for a, x in zip(leaves, first, strict=True) if x > _TINY]
        if antrag:
            warnings.add("Keine Aktivität mit Phase „Antrag“: für die OZG-Schätzung gelten die "
                         f"ersten Schritte als Antrag ({_ids(antrag)}).")
    if not antrag or not any(_is_digital(a) for a in antrag):
        return 1
    antrag_digital = all(_is_digital(a) for a in antrag)
    bescheid_ok = phases["bescheid"] or "bescheid" in missing
    if not (antrag_digital and bescheid_ok):
        return 2
    present_digital = all(ok for key, ok in phases.items() if key not in missing)
    if present_digital and breaks < 1e-9 and not waste:
        return 4
    return 3
