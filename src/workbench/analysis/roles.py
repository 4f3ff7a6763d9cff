"""Who a pool or lane stands for: the administration, Bürger:innen, Unternehmen or an external body.

The role decides whose effort a minute is (Standardkostenmodell: Erfüllungsaufwand der
Verwaltung vs. der Bürger:innen bzw. der Wirtschaft). It is read from ``wb:participantRole``
(on the participant, else on its process; on lanes for customer lanes inside the
administration's pool) or inferred from the name, with a German warning naming the choice.
Rules in docs/kennzahlen.md, section "Beteiligte: Pools und Rollen".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..bpmn import Activity, Definitions, FlowNode, Lane, Participant, Process
from ..bpmn.extensions import PARTICIPANT_ROLES
from ..text import ascii_fold

__all__ = ["ADMINISTRATION", "CUSTOMER_ROLES", "Unit", "activity_role", "infer_role", "units_of"]

ADMINISTRATION = "verwaltung"
#: Roles whose effort is the customer's (Erfüllungsaufwand der Bürger:innen / der Wirtschaft).
CUSTOMER_ROLES = frozenset({"buerger", "unternehmen"})

# Checked in this order on the ASCII-folded name ("Bürgerbüro" is the administration).
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (ADMINISTRATION, re.compile(
        r"buero|amt\b|aemter|verwaltung|behoerde|rathaus|gemeinde|stadt|kreis|"
        r"kommune|ministerium|kasse|fachbereich|fachdienst|sachbearbeit|referat|dezernat|"
        r"poststelle|registratur|standesamt|ordnungsamt|landratsamt|administration|"
        r"authority|municipality|office|department|agency")),
    ("unternehmen", re.compile(
        r"unternehm|gewerbetreib|firma|betrieb|arbeitgeber|wirtschaft|handwerk|"
        r"company|business|supplier|lieferant|vendor")),
    ("buerger", re.compile(
        r"buerger|einwohner|antragstell|\bkund|eltern|finder|halter|verlobte|"
        r"wahlberecht|zahlungspflicht|betroffene|anzeigend|meldepflicht|person\b|privat|"
        r"citizen|customer|applicant|client|patient")),
)


def infer_role(name: str) -> str | None:
    """The role a name suggests ('Bürger:in' → 'buerger'), or None."""
    folded = ascii_fold(name or "").lower()
    for role, pattern in _PATTERNS:
        if pattern.search(folded):
            return role
    return None


def _label(role: str) -> str:
    return PARTICIPANT_ROLES.get(role, role)


@dataclass(slots=True)
class Unit:
    """One participant of a collaboration (or a process without one): what gets analysed."""

    id: str  # the participant's id, else the process id
    name: str
    process: Process | None
    role: str
    role_source: str  # "modell" | "abgeleitet" | "einziger Pool"

    @property
    def has_content(self) -> bool:
        return self.process is not None and bool(self.process.flow_nodes)

    @property
    def label(self) -> str:
        return f"„{self.name}“" if self.name else self.id


def _explicit(participant: Participant | None, process: Process | None) -> str | None:
    for element in (participant, process):
        if element is not None and element.role:
            return str(element.role)
    return None


def units_of(defs: Definitions, warnings: list[str]) -> list[Unit]:
    """Every participant (pools, black boxes included) and every process without a pool,
    each with its role; German warnings name every inferred choice."""
    raw: list[tuple[str, str, Process | None, str | None]] = []
    seen: set[str] = set()
    for part in defs.participants:
        process = part.process
        if process is not None:
            if process.id in seen:
                continue
            seen.add(process.id)
        name = part.name or (process.name if process is not None else "")
        raw.append((part.id, name, process, _explicit(part, process)))
    for process in defs.processes:
        if process.id not in seen:
            raw.append((process.id, process.name, process, _explicit(None, process)))
    units = [Unit(uid, name, process, role or "", "modell" if role else "abgeleitet")
             for uid, name, process, role in raw]
    _assign(units, warnings)
    return units


def _size(unit: Unit) -> tuple[int, int]:
    """Activities first (where the work is), then all flow nodes."""
    if unit.process is None:
        return (0, 0)
    nodes = unit.process.all_flow_nodes
    return (sum(isinstance(n, Activity) for n in nodes), len(nodes))


def _assign(units: list[Unit], warnings: list[str]) -> None:
    """Roles for units without an explicit one; exactly one inferred administration."""
    open_ = [u for u in units if not u.role]
    if not open_:
        return
    content = [u for u in units if u.has_content]
    if len(content) <= 1 and len(units) == 1:
        units[0].role = ADMINISTRATION  # the only process: the administration, nothing to say
        units[0].role_source = "einziger Pool"
        return
    guess = {u.id: infer_role(u.name) for u in open_}
    candidates = [u for u in open_ if u.has_content and guess[u.id] not in CUSTOMER_ROLES]
    if not any(u.role == ADMINISTRATION for u in units) and candidates:
        preferred = [u for u in candidates if guess[u.id] == ADMINISTRATION] or candidates
        admin = max(preferred, key=lambda u: (*_size(u), -units.index(u)))
        admin.role = ADMINISTRATION
        why = ("nach dem Namen" if guess[admin.id] == ADMINISTRATION
               else "der Pool mit den meisten Aktivitäten, der nicht nach Bürger:in oder "
               "Unternehmen klingt")
        others = [u for u in open_ if u is not admin]
        for u in others:
            u.role = guess[u.id] if guess[u.id] in CUSTOMER_ROLES else "extern"
        _warn(admin, why, others, warnings)
        return
    for u in open_:
        u.role = guess[u.id] if guess[u.id] in CUSTOMER_ROLES else "extern"
    text = "Rolle nicht im Modell angegeben, abgeleitet: " + "; ".join(
        f"{u.label} gilt als {_label(u.role)}" for u in open_) + "."
    if not any(u.role == ADMINISTRATION for u in units):
        text += (" Kein Pool gilt als Verwaltung; der Aufwand der Verwaltung ist deshalb 0. "
                 "Bitte am Pool der Verwaltung wb:participantRole=\"verwaltung\" angeben.")
    warnings.append(text + " Angabe im Modell: wb:participantRole am Pool.")


def _warn(admin: Unit, why: str, others: list[Unit], warnings: list[str]) -> None:
    text = f"Als Verwaltung ausgewertet wird der Pool {admin.label} ({why})"
    if others:
        text += "; " + "; ".join(f"{u.label} gilt als {_label(u.role)}" for u in others)
    warnings.append(text + ". Stimmt das nicht, bitte wb:participantRole an den Pools angeben "
                    "(verwaltung, buerger, unternehmen, extern).")


def _lane_role(lane: Lane | None) -> tuple[str | None, Lane | None]:
    """The innermost explicit lane role, else a customer role inferred from a lane name."""
    inferred: tuple[str | None, Lane | None] = (None, None)
    while lane is not None:
        if lane.role:
            return str(lane.role), None
        if inferred[0] is None:
            guess = infer_role(lane.name)
            if guess in CUSTOMER_ROLES:
                inferred = (guess, lane)
        lane = lane.parent
    return inferred


def activity_role(node: FlowNode, unit_role: str) -> tuple[str, str | None]:
    """Whose effort the node is, and the name of the lane when that was inferred from a lane
    name: an explicit lane role, else a customer lane (by name) inside a non-customer pool,
    else the pool's role."""
    if not isinstance(node, Activity):
        return unit_role, None
    role, lane = _lane_role(node.lane)
    if role is None or (lane is not None and unit_role in CUSTOMER_ROLES):
        return unit_role, None  # a customer pool's lanes stay the customer's
    return role, (lane.name if lane is not None else None)


def lane_warning(inferred_lanes: dict[str, str]) -> str:
    """German text for customer lanes recognised by their name (lane name → role)."""
    names = ", ".join(f"„{n}“ ({_label(r)})" for n, r in sorted(inferred_lanes.items()))
    return (f"Lanes nach dem Namen als Kund:innen erkannt: {names}; ihre Bearbeitungszeit "
            "zählt als Aufwand der Bürger:innen bzw. Unternehmen, nicht der Verwaltung. "
            "Angabe im Modell: wb:participantRole an der Lane.")
