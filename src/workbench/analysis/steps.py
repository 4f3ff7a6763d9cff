"""One process solved: expected visits, the activities that carry work, and the Medienbruch
transitions between consecutive activities (docs/kennzahlen.md, sections 2 and 4).

:func:`solve_process` is the per-pool building block of :func:`workbench.metrics.compute`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from .. import linalg
from ..bpmn import Activity, Event, Process, SubProcess
from ..bpmn.extensions import MEDIA, MEDIUM_CLASS
from ..limits import MAX_MODEL_NODES, german_int
from ..markov import ENTRY, TINY, Chain, MetricsError, Warnings, describe, has_content, solve

__all__ = ["BreakTransition", "Solved", "solve_process"]


class BreakTransition(NamedTuple):
    """A transition between two consecutive activities that is a Medienbruch."""

    source_activity_id: str
    target_activity_id: str
    reason_de: str
    expected_count: float


@dataclass(slots=True)
class Solved:
    """The result for one process: visits of every node, the work-carrying activities with
    their visits, the events with a wait, Medienbruch transitions and the first steps."""

    process: Process
    visits: dict[str, float]
    leaves: list[Activity]
    v: np.ndarray
    events: list[Event]
    transitions: list[BreakTransition]
    first: np.ndarray


def solve_process(process: Process, warnings: Warnings) -> Solved:
    """Solve one process (and its sub-processes). Raises :class:`MetricsError` (German) when
    it is too large or has no start at all."""
    size = len(process.all_flow_nodes)
    if size > MAX_MODEL_NODES:
        raise MetricsError(f"Der Prozess {describe(process)} hat {german_int(size)} Elemente; "
                           f"ausgewertet werden Modelle bis {german_int(MAX_MODEL_NODES)} "
                           "Elemente. Bitte in Teilprozesse gliedern.")
    chains: dict[str, Chain] = {}
    visits: dict[str, float] = {}
    solve(process, 1.0, chains, visits, warnings)
    leaves = _leaf_activities(process, visits, warnings)
    reach, first = _activity_reach(process, chains, visits, leaves, warnings)
    v = np.array([visits.get(a.id, 0.0) for a in leaves])
    transitions: list[BreakTransition] = []
    for i, j, x in linalg.nonzero(reach):
        count = v[i] * x
        if count > TINY:
            reason = _break_reason(leaves[i], leaves[j])
            if reason:
                transitions.append(BreakTransition(leaves[i].id, leaves[j].id, reason,
                                                   float(count)))
    events = [n for n in process.all_flow_nodes
              if isinstance(n, Event) and n.wait_days and visits.get(n.id, 0.0) > TINY]
    for node in process.all_flow_nodes:  # event sub-processes, compensation: listed with 0
        visits.setdefault(node.id, 0.0)
    return Solved(process, visits, leaves, v, events, transitions, first)


def _leaf_activities(process: Process, visits: dict[str, float],
                     warnings: Warnings) -> list[Activity]:
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
        if node.loop is not None and visits[node.id] > TINY:
            warnings.add(f"Schleifenmarkierung an {describe(node)}: gezählt wird eine "
                         "Ausführung je Durchlauf.")
        leaves.append(node)
    return leaves


def _activity_reach(process: Process, chains: dict[str, Chain], visits: dict[str, float],
                    leaves: list[Activity], warnings: Warnings) -> tuple[Any, np.ndarray]:
    """How often, per visit of activity *a*, the next activity is *b* (through gateways,
    events and sub-process borders, with the same weights and join factors as the visits);
    and how often the case starts with each activity."""
    keep = {nid for nid, v in visits.items() if v > TINY}
    edges: dict[tuple[str, str], float] = defaultdict(float)
    for nid, w in chains[process.id].entry.items():
        edges[ENTRY, nid] += w
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
    w = linalg.matrix(len(names), ((index[src], index[dst], x) for (src, dst), x in edges.items()))
    na = len(leaf_ids)
    try:
        reach, through = linalg.absorb(w, na)
    except ValueError:
        warnings.add(f"Im Prozess {describe(process)} bilden Verzweigungen eine Schleife ohne "
                     "Schritt und ohne Ausgang; Medienbrüche werden dort nicht gezählt.",
                     "schleife_ohne_ausgang", process)
        return linalg.matrix(na, ()), np.zeros(na)
    return reach, linalg.row(through, index[ENTRY] - na)


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
