"""Per-model metrics of a BPMN model: every participant's process and the whole case.

Expected visits per case (an absorbing Markov chain over each process's sequence-flow graph, so
rework loops count correctly), expected handling minutes and waiting days, expected
Medienbrüche, digital and automation share, waste steps, the five E2E phases and an
OZG-Reifegrad estimate. Every definition is explained in German in ``docs/kennzahlen.md``.

A collaboration is analysed pool by pool (each participant's process once per case; message
flows are hand-offs between organisations). The top-level figures keep their meaning for
callers of the single-pool era: ``expected_minutes`` is the **administration's** effort (what
saves staff time and money); the customers' effort (Bürger:innen, Unternehmen) is in
``effort_minutes`` and ``customer_minutes``; ``participants`` holds the per-pool breakdown.

>>> m = compute(defs)          # doctest: +SKIP
>>> m.expected_minutes, m.customer_minutes, [p.name for p in m.participants]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .activity_types import activity_type
from .analysis.roles import (
    ADMINISTRATION,
    CUSTOMER_ROLES,
    Unit,
    activity_role,
    lane_warning,
    units_of,
)
from .analysis.standard_times import standard_for
from .analysis.steps import BreakTransition, Solved, solve_process
from .bpmn import Activity, Definitions, Process
from .bpmn.extensions import MEDIUM_CLASS, PARTICIPANT_ROLES, PHASES
from .labour_costs import laufbahn_of
from .markov import TINY, Finding, MetricsError, Warnings, describe

__all__ = [
    "AUTOMATABLE", "BreakTransition", "Finding", "Handoff", "MetricsError", "ModelMetrics",
    "ParticipantMetrics", "StandardValue", "compute",
]

#: Automation classes that count as automatable (see docs/kennzahlen.md).
AUTOMATABLE = frozenset({"regelbasiert", "ki"})
#: BPMN task types that run without staff: without wb:minutes they count 0 minutes.
_AUTOMATIC_TASKS = frozenset({"serviceTask", "scriptTask", "businessRuleTask"})


class StandardValue(NamedTuple):
    """Minutes assumed for a step without ``wb:minutes`` ("Standardwert")."""

    activity_id: str
    activity_name: str
    minutes: float
    source_de: str


class Handoff(NamedTuple):
    """A message flow: a hand-off between two participants."""

    message_flow_id: str
    source_id: str
    target_id: str
    from_participant: str
    to_participant: str
    expected_count: float | None  # visits of the sending node, when it was analysed


@dataclass(slots=True)
class ParticipantMetrics:
    """The figures of one participant (pool) of the model."""

    id: str
    name: str
    role: str  # verwaltung | buerger | unternehmen | extern
    role_source: str  # modell | abgeleitet | einziger Pool
    process_id: str | None
    analysed: bool
    expected_minutes: float = 0.0
    expected_wait_days: float = 0.0
    media_breaks: float = 0.0
    digital_share: float | None = None
    automation_share: float | None = None
    activities: int = 0
    standard_minutes: float = 0.0  # part of expected_minutes from standard values
    note: str = ""  # German: why it was not analysed

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "role": self.role,
            "role_label": PARTICIPANT_ROLES.get(self.role, self.role),
            "role_source": self.role_source, "process_id": self.process_id,
            "analysed": self.analysed, "expected_minutes": _r(self.expected_minutes),
            "expected_wait_days": _r(self.expected_wait_days),
            "media_breaks": _r(self.media_breaks), "digital_share": _r(self.digital_share),
            "automation_share": _r(self.automation_share), "activities": self.activities,
            "standard_minutes": _r(self.standard_minutes), "note": self.note,
        }


@dataclass(slots=True)
class ModelMetrics:
    """The metrics of one model; ``as_dict()`` gives the JSON form.

    ``expected_minutes`` is the administration's expected handling time per case; the
    other figures (waits, breaks, shares, phases, OZG estimate, visits) cover every pool."""

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
    participants: list[ParticipantMetrics] = field(default_factory=list)
    effort_minutes: dict[str, float] = field(default_factory=dict)  # role → minutes per case
    customer_trips: float = 0.0  # Wege: expected personal appearances of the customer
    admin_minutes_by_laufbahn: dict[str | None, float] = field(default_factory=dict)
    event_wait_days: float = 0.0  # part of expected_wait_days spent at events
    standard_values: list[StandardValue] = field(default_factory=list)
    handoffs: list[Handoff] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def customer_minutes(self) -> float:
        """Expected minutes of Bürger:innen and Unternehmen per case."""
        return sum(self.effort_minutes.get(r, 0.0) for r in CUSTOMER_ROLES)

    @property
    def total_minutes(self) -> float:
        """Expected minutes of everybody (all pools, all roles) per case."""
        return sum(self.effort_minutes.values())

    @property
    def standard_minutes(self) -> float:
        """Part of ``expected_minutes`` that comes from standard values."""
        return sum(p.standard_minutes for p in self.participants
                   if p.role == ADMINISTRATION)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict; floats rounded to 6 decimals for stable output."""
        return {
            "process_id": self.process_id,
            "process_name": self.process_name,
            "expected_minutes": _r(self.expected_minutes),
            "expected_wait_days": _r(self.expected_wait_days),
            "event_wait_days": _r(self.event_wait_days),
            "media_breaks": _r(self.media_breaks),
            "digital_share": _r(self.digital_share),
            "automation_share": _r(self.automation_share),
            "waste_steps": list(self.waste_steps),
            "waste_minutes": _r(self.waste_minutes),
            "e2e_phases": dict(self.e2e_phases),
            "phases_missing": list(self.phases_missing),
            "ozg_estimate": self.ozg_estimate,
            "activities": self.activities,
            "effort_minutes": {k: _r(v) for k, v in self.effort_minutes.items()},
            "customer_minutes": _r(self.customer_minutes),
            "customer_trips": _r(self.customer_trips),
            "admin_minutes_by_laufbahn": {k or "": _r(v)
                                          for k, v in self.admin_minutes_by_laufbahn.items()},
            "standard_minutes": _r(self.standard_minutes),
            "standard_values": [
                {"activity": s.activity_id, "name": s.activity_name, "minutes": _r(s.minutes),
                 "source": s.source_de} for s in self.standard_values],
            "participants": [p.as_dict() for p in self.participants],
            "handoffs": [
                {"message_flow": h.message_flow_id, "source": h.source_id, "target": h.target_id,
                 "from": h.from_participant, "to": h.to_participant,
                 "expected_count": _r(h.expected_count)} for h in self.handoffs],
            "visits": {k: _r(v) for k, v in self.visits.items()},
            "break_transitions": [
                {"source": t.source_activity_id, "target": t.target_activity_id,
                 "reason": t.reason_de, "expected_count": _r(t.expected_count)}
                for t in self.break_transitions
            ],
            "findings": [f._asdict() for f in self.findings],
            "warnings": list(self.warnings),
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6) + 0.0


# --------------------------------------------------------------------------- entry point


def compute(model: Definitions | Process) -> ModelMetrics:
    """All metrics of a model (every participant's process) or of one given process.

    Raises :class:`MetricsError` (German message) only when no process can be evaluated at all
    (none with a start, or too large); missing data are assumed with a warning instead.
    """
    warnings = Warnings()
    if isinstance(model, Definitions):
        units = units_of(model, warnings)
        if not any(u.has_content for u in units):
            raise MetricsError("Das Modell enthält keinen Prozess mit Schritten (<process> mit "
                               "Aktivitäten, Ereignissen oder Gateways).")
    else:
        part = model.participant
        role = str(model.role or (part.role if part is not None else None) or ADMINISTRATION)
        units = [Unit(part.id if part is not None else model.id,
                      (part.name if part is not None else "") or model.name, model, role,
                      "modell")]
    solved: list[tuple[Unit, Solved | None, str]] = []
    for unit in units:
        if not unit.has_content:
            solved.append((unit, None, "ohne Ablauf (Black-Box-Pool)"))
            continue
        try:
            solved.append((unit, solve_process(unit.process, warnings), ""))  # type: ignore[arg-type]
        except MetricsError as err:
            if len(units) == 1:
                raise
            warnings.add(f"Pool {unit.label}: {err} Er wird ohne Kennzahlen ausgewiesen.",
                         "nicht_berechenbar", unit.process)
            solved.append((unit, None, str(err)))
    if not any(s is not None for _, s, _ in solved):
        raise MetricsError(next(note for _, _, note in solved if note))
    return _assemble(model if isinstance(model, Definitions) else model.defs, solved, warnings)


# --------------------------------------------------------------------------- classification


def _is_digital(a: Activity) -> bool:
    return a.medium is not None and MEDIUM_CLASS[str(a.medium)] == "digital"


def _automation(a: Activity) -> str | None:
    if a.automation:
        return str(a.automation)
    kind = activity_type(str(a.activity_type) if a.activity_type else None)
    return kind.automation if kind else None


def _is_automatable(a: Activity) -> bool:
    return a.medium == "automatisch" or _automation(a) in AUTOMATABLE


def _is_automatic(a: Activity) -> bool:
    return a.medium == "automatisch" or a.local_name in _AUTOMATIC_TASKS


def _is_waste(a: Activity) -> bool:
    """Print, scan, copy, re-typing …: a waste activity type done by people, or any scan."""
    kind = activity_type(str(a.activity_type) if a.activity_type else None)
    return (kind is not None and kind.waste and a.medium != "automatisch") or a.medium == "scan"


def _share(weights: np.ndarray, mask: np.ndarray) -> float | None:
    total = float(weights.sum())
    return float(weights[mask].sum()) / total if total > 0 else None


def _names(items: list[Activity], limit: int = 6) -> str:
    names = [describe(a) for a in items]
    return ", ".join(names[:limit]) + (" …" if len(names) > limit else "")


# --------------------------------------------------------------------------- assembly


@dataclass(slots=True)
class _Steps:
    """All work-carrying activities of the analysed pools, as parallel arrays."""

    leaves: list[Activity]
    unit: np.ndarray  # index into the analysed units
    role: list[str]
    v: np.ndarray
    minutes: np.ndarray
    standard: np.ndarray  # bool: minutes are a standard value
    waits: np.ndarray


def _steps(analysed: list[tuple[Unit, Solved]], warnings: Warnings,
           standards: list[StandardValue]) -> _Steps:
    leaves: list[Activity] = []
    units: list[int] = []
    roles: list[str] = []
    by_lane: list[str | None] = []
    for k, (unit, s) in enumerate(analysed):
        leaves += s.leaves
        units += [k] * len(s.leaves)
        for a in s.leaves:
            role, lane = activity_role(a, unit.role)
            roles.append(role)
            by_lane.append(lane)
    _lane_findings(leaves, roles, by_lane, warnings)
    v = np.concatenate([s.v for _, s in analysed]) if analysed else np.zeros(0)
    minutes = np.zeros(len(leaves))
    standard = np.zeros(len(leaves), dtype=bool)
    missing: list[Activity] = []
    for i, a in enumerate(leaves):
        if a.minutes is not None:
            minutes[i] = float(a.minutes)
        elif v[i] > TINY and roles[i] == ADMINISTRATION:
            value = standard_for(str(a.activity_type or "") or None, automatic=_is_automatic(a))
            minutes[i], standard[i] = value.minutes, True
            standards.append(StandardValue(a.id, a.name, value.minutes, value.source_de))
            warnings.findings.append(Finding("minuten_fehlen", a.id, a.name,
                                             f"Standardwert {value.minutes:g} Minuten "
                                             f"({value.source_de})."))
        elif v[i] > TINY:
            missing.append(a)
    if standards:
        warnings.add(f"{len(standards)} Schritt(e) der Verwaltung ohne Bearbeitungszeit, "
                     "gerechnet mit Standardwerten der Zeitwerttabelle (Standardwert): "
                     + "; ".join(f"{describe(leaves[i])} {minutes[i]:g} Minuten"
                                 for i in np.flatnonzero(standard)[:6])
                     + (" …" if len(standards) > 6 else "") + ".")
    if missing:
        warnings.add(f"{len(missing)} Schritt(e) von Bürger:innen, Unternehmen oder externen "
                     f"Stellen ohne Bearbeitungszeit, gezählt mit 0 Minuten: {_names(missing)}.")
        for a in missing:
            warnings.findings.append(Finding("minuten_fehlen", a.id, a.name,
                                             "Keine Bearbeitungszeit; gezählt mit 0 Minuten."))
    waits = np.array([float(a.wait_days or 0.0) for a in leaves])
    return _Steps(leaves, np.array(units, dtype=int), roles, v, minutes, standard, waits)


def _lane_findings(leaves: list[Activity], roles: list[str], by_lane: list[str | None],
                   warnings: Warnings) -> None:
    """Customer lanes recognised by name: a finding each; a warning only when such a lane
    holds minutes (then the inference moves effort out of the administration)."""
    inferred = {lane: role for lane, role in zip(by_lane, roles, strict=True) if lane}
    if not inferred:
        return
    text = lane_warning(inferred)
    for lane, role in sorted(inferred.items()):
        warnings.findings.append(Finding("rolle_abgeleitet", "", lane, lane_warning({lane: role})))
    if any(lane and a.minutes for a, lane in zip(leaves, by_lane, strict=True)):
        warnings.add(text)


def _assemble(defs: Definitions, solved: list[tuple[Unit, Solved | None, str]],
              warnings: Warnings) -> ModelMetrics:
    analysed = [(u, s) for u, s, _ in solved if s is not None]
    standards: list[StandardValue] = []
    st = _steps(analysed, warnings, standards)
    leaves, v = st.leaves, st.v
    live_mask = v > TINY
    live = [a for a, x in zip(leaves, live_mask, strict=True) if x]
    no_medium = [a for a in live if a.medium is None]
    if no_medium:
        warnings.add(f"{len(no_medium)} Aktivität(en) ohne Medium; sie zählen nicht als digital, "
                     f"Übergänge von und zu ihnen nur beim Systemwechsel: {_names(no_medium)}.")
    weight = v * st.minutes
    if live and weight.sum() <= 0:
        warnings.add("Keine Bearbeitungszeiten im Modell: Digital- und Automatisierungsanteil "
                     "werden nach der Zahl der Schritte (erwartete Ausführungen) berechnet.")
        weight = v.copy()
    digital = np.array([_is_digital(a) for a in leaves], dtype=bool)
    automatable = np.array([_is_automatable(a) for a in leaves], dtype=bool)
    waste = np.array([_is_waste(a) for a in leaves], dtype=bool) & live_mask
    roles = np.array(st.role, dtype=object)
    admin = roles == ADMINISTRATION

    transitions = [t for _, s in analysed for t in s.transitions]
    event_waits = [(s.visits[e.id], float(e.wait_days or 0.0)) for _, s in analysed
                   for e in s.events]
    event_wait = float(sum(x * w for x, w in event_waits))
    visits = {k: x for _, s in analysed for k, x in s.visits.items()}
    first = _first_steps(defs, analysed)
    phases, missing = _phases(live, warnings)
    breaks = float(sum(t.expected_count for t in transitions))
    ozg = _ozg_estimate(leaves, v, first, phases, missing, breaks, bool(waste.any()), warnings)
    effort = {role: float((v * st.minutes)[roles == role].sum())
              for role in dict.fromkeys([ADMINISTRATION, *st.role])}
    by_laufbahn: dict[str | None, float] = {}
    for i in np.flatnonzero(admin & live_mask):
        key = laufbahn_of(leaves[i])
        by_laufbahn[key] = by_laufbahn.get(key, 0.0) + float(v[i] * st.minutes[i])
    main = next((u for u, _ in analysed if u.role == ADMINISTRATION), analysed[0][0])
    process: Process = main.process  # type: ignore[assignment]
    return ModelMetrics(
        process_id=process.id,
        process_name=process.name or main.name,  # a nameless process: its pool's name
        expected_minutes=effort[ADMINISTRATION],
        expected_wait_days=float(v @ st.waits) + event_wait,
        media_breaks=breaks,
        digital_share=_share(weight, digital) if live else None,
        automation_share=_share(weight, automatable) if live else None,
        waste_steps=[a.id for a, w in zip(leaves, waste, strict=True) if w],
        waste_minutes=float((v * st.minutes)[waste].sum()),
        e2e_phases=phases,
        phases_missing=missing,
        ozg_estimate=ozg,
        visits=visits,
        break_transitions=transitions,
        warnings=list(warnings),
        activities=len(live),
        participants=_participants(solved, st, weight, digital, automatable),
        effort_minutes=effort,
        customer_trips=_trips(st),
        admin_minutes_by_laufbahn=by_laufbahn,
        event_wait_days=event_wait,
        standard_values=standards,
        handoffs=_handoffs(defs, solved, visits),
        findings=list(warnings.findings),
    )


def _participants(solved: list[tuple[Unit, Solved | None, str]], st: _Steps,
                  weight: np.ndarray, digital: np.ndarray,
                  automatable: np.ndarray) -> list[ParticipantMetrics]:
    out, k = [], 0
    for unit, s, note in solved:
        pm = ParticipantMetrics(unit.id, unit.name, unit.role, unit.role_source,
                                unit.process.id if unit.process is not None else None,
                                s is not None, note=note)
        if s is not None:
            mask = st.unit == k
            live = mask & (st.v > TINY)
            vm = st.v * st.minutes
            pm.expected_minutes = float(vm[mask].sum())
            pm.standard_minutes = float(vm[mask & st.standard].sum())
            pm.expected_wait_days = float((st.v * st.waits)[mask].sum()) + float(
                sum(s.visits[e.id] * float(e.wait_days or 0.0) for e in s.events))
            pm.media_breaks = float(sum(t.expected_count for t in s.transitions))
            pm.activities = int(live.sum())
            if live.any():
                pm.digital_share = _share(weight[mask], digital[mask])
                pm.automation_share = _share(weight[mask], automatable[mask])
            k += 1
        out.append(pm)
    return out


def _trips(st: _Steps) -> float:
    """Wege: expected personal appearances — steps with medium "persönlich" of the customers;
    without any customer step, those of the administration (the customer is there too)."""
    personal = np.array([a.medium == "persoenlich" for a in st.leaves], dtype=bool)
    customer = np.array([r in CUSTOMER_ROLES for r in st.role], dtype=bool)
    mask = personal & (customer if customer.any() else np.array(
        [r == ADMINISTRATION for r in st.role], dtype=bool))
    return float(st.v[mask].sum()) if len(st.leaves) else 0.0


def _first_steps(defs: Definitions, analysed: list[tuple[Unit, Solved]]) -> np.ndarray:
    """How often each activity starts the case: in the pools whose start is not a message
    from another pool (all pools if every one waits for a message)."""
    targets = {m.target_id for m in defs.message_flows}
    own = [not any(n.local_name == "startEvent" and n.id in targets
                   for n in (s.process.flow_nodes)) for _, s in analysed]
    if not any(own):
        own = [True] * len(analysed)
    parts = [s.first if keep else np.zeros_like(s.first)
             for keep, (_, s) in zip(own, analysed, strict=True)]
    return np.concatenate(parts) if parts else np.zeros(0)


def _handoffs(defs: Definitions, solved: list[tuple[Unit, Solved | None, str]],
              visits: dict[str, float]) -> list[Handoff]:
    """Message flows between participants, with the expected count of the sender."""
    owner: dict[str, str] = {}
    for unit, _, _ in solved:
        owner[unit.id] = unit.name or unit.id
        if unit.process is not None:
            for node in unit.process.all_flow_nodes:
                owner[node.id] = unit.name or unit.id
    out = []
    for m in defs.message_flows:
        src, dst = m.source_id, m.target_id
        out.append(Handoff(m.id, src, dst, owner.get(src, src), owner.get(dst, dst),
                           visits.get(src)))
    return out


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
        warnings.add(f"{len(no_phase)} Aktivität(en) ohne E2E-Phase: {_names(no_phase)}.")
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
                         f"ersten Schritte als Antrag ({_names(antrag)}).")
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
