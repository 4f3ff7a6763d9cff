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
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from . import linalg
from .activity_types import activity_type
from .bpmn import Activity, Definitions, Process, SubProcess
from .bpmn.extensions import MEDIA, MEDIUM_CLASS, PHASES
from .limits import MAX_MODEL_NODES, german_int
from .markov import ENTRY, TINY, Chain, MetricsError, Warnings, describe, has_content, solve

__all__ = [
    "AUTOMATABLE", "BreakTransition", "MetricsError", "ModelMetrics", "compute",
]

#: Automation classes that count as automatable (see docs/kennzahlen.md).
AUTOMATABLE = frozenset({"regelbasiert", "ki"})


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
    size = len(process.all_flow_nodes)
    if size > MAX_MODEL_NODES:
        raise MetricsError(f"Der Prozess {describe(process)} hat {german_int(size)} Elemente; "
                           f"ausgewertet werden Modelle bis {german_int(MAX_MODEL_NODES)} "
                           "Elemente. Bitte in Teilprozesse gliedern.")
    warnings = Warnings()
    chains: dict[str, Chain] = {}
    visits: dict[str, float] = {}
    solve(process, 1.0, chains, visits, warnings)
    leaves = _leaf_activities(process, visits, warnings)
    reach, first = _activity_reach(process, chains, visits, leaves)
    return _assemble(process, visits, leaves, reach, first, warnings)


# --------------------------------------------------------------------------- the chain


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


# --------------------------------------------------------------------------- transitions


def _activity_reach(process: Process, chains: dict[str, Chain], visits: dict[str, float],
                    leaves: list[Activity]) -> tuple[Any, np.ndarray]:
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
        raise MetricsError(f"Der Prozess {describe(process)} kann nicht enden: Verzweigungen "
                           "bilden eine Schleife ohne Schritt und ohne Ausgang.") from None
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
              reach: Any, first: np.ndarray, warnings: Warnings) -> ModelMetrics:
    v = np.array([visits.get(a.id, 0.0) for a in leaves])
    live = [a for a, x in zip(leaves, v, strict=True) if x > TINY]
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
    waste = np.array([_is_waste(a) for a in leaves], dtype=bool) & (v > TINY)

    transitions: list[BreakTransition] = []
    for i, j, x in linalg.nonzero(reach):
        count = v[i] * x
        if count > TINY:
            reason = _break_reason(leaves[i], leaves[j])
            if reason:
                transitions.append(BreakTransition(leaves[i].id, leaves[j].id, reason,
                                                   float(count)))

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


def _phases(live: list[Activity], warnings: Warnings) -> tuple[dict[str, bool], list[str]]:
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
                  warnings: Warnings) -> int:
    """OZG-Reifegrad 1–4 estimated from media and phases (rule in docs/kennzahlen.md)."""
    live = [a for a, x in zip(leaves, v, strict=True) if x > TINY]
    antrag = [a for a in live if a.phase == "antrag"]
    if not antrag:
        antrag = [a for a, x in zip(leaves, first, strict=True) if x > TINY]
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
