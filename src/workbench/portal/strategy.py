"""The strategy register for the portal: the Zielbaum page and, per process, what it serves.

Built on the strategy register (``workbench.strategy``, files ``processes/strategie/``) and its
shared tree view, so the portal and the strategy report show the same tree. Without the register
there is no strategy content and no page. The strategy is read on every build (it is small); the
pages it feeds are rewritten only when their bytes change, so a changed Maßnahme rewrites the
strategy page, the process pages it concerns and the search index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..strategy import strategy_of
from ..strategy.model import MODES, STATUS
from ..strategy.views import tree


@dataclass
class StrategyContent:
    """The Zielbaum as plain data, per Leistung its Maßnahmen with their goals, and notes."""

    page: dict[str, Any] | None = None
    per_process: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def goal_anchor(goal_id: str) -> str:
    return f"ziel-{goal_id}"


def measure_anchor(measure_id: str) -> str:
    return f"massnahme-{measure_id}"


def strategy_content(repo: Any, published: set[str]) -> StrategyContent:
    """The strategy of ``repo`` for the portal; ``published`` are the Leistungen with a page."""
    strategy, findings = strategy_of(repo)
    content = StrategyContent()
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        content.notes.append(f"Strategie: {len(errors)} Fehler in processes/strategie/ "
                             "(workbench validate zeigt sie); veröffentlicht wird, was lesbar ist.")
    if strategy is None:
        return content
    names = {str(r["id"]): str(r.get("name") or r["id"])
             for r in repo.leistungen.to_dict("records")}
    data = tree(strategy, names)
    goals_by_id = {g.id: g for g in strategy.ziele}
    seen: set[str] = set()  # a Maßnahme serving two goals appears twice, its anchor once
    for fld in data["handlungsfelder"]:
        source = next(f for f in strategy.felder if f.id == fld["id"])
        fld["beschreibung"] = source.beschreibung
        fld["anker"] = f"feld-{fld['id']}"
        for goal in fld["ziele"]:
            goal["anker"] = goal_anchor(goal["id"])
            goal["ziel"] = goals_by_id[goal["id"]].ziel
            for measure in goal["massnahmen"]:
                _measure(measure, strategy, published, seen)
    without_goal = [m for m in strategy.massnahmen if not m.ziele]
    data["ohne_ziel"] = [_measure({"id": m.id, "nr": m.nr, "name": m.name, "status": m.status,
                                   "leistungen": [{"id": lid, "name": names.get(lid, lid),
                                                   "soll": lid in m.soll}
                                                  for lid in dict.fromkeys((*m.leistungen,
                                                                            *m.soll))]},
                                  strategy, published, seen) for m in without_goal]
    data.update(quelle=strategy.quelle, horizont=strategy.horizont, hinweis=strategy.hinweis)
    content.page = data
    for measure in strategy.massnahmen:
        goals = [{"id": g, "nr": goals_by_id[g].nr, "name": goals_by_id[g].name,
                  "anker": goal_anchor(g)} for g in measure.ziele if g in goals_by_id]
        for lid in dict.fromkeys((*measure.leistungen, *measure.soll)):
            if lid in published:
                content.per_process.setdefault(lid, []).append({
                    "id": measure.id, "nr": measure.nr, "name": measure.name,
                    "anker": measure_anchor(measure.id),
                    "status": STATUS.get(measure.status, measure.status),
                    "soll": lid in measure.soll, "ziele": goals})
    return content


def _measure(entry: dict[str, Any], strategy: Any, published: set[str],
             seen: set[str]) -> dict[str, Any]:
    source = strategy.measure(entry["id"])
    entry["anker"] = "" if entry["id"] in seen else measure_anchor(entry["id"])
    seen.add(entry["id"])
    entry["status_text"] = STATUS.get(entry["status"], entry["status"])
    entry["verantwortlich"] = source.verantwortlich if source else ""
    entry["modus"] = MODES.get(source.modus, source.modus) if source else ""
    # the release rules hold here too: a Leistung without a released page is only counted
    entry["weitere"] = sum(item["id"] not in published for item in entry["leistungen"])
    entry["leistungen"] = [item for item in entry["leistungen"] if item["id"] in published]
    return entry
