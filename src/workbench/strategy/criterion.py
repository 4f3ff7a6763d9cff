"""The derived criterion "Unterstützung der Strategie" and the goal filter of the ranking.

Formula (``docs/strategie.md``, ``docs/kennzahlen.md``): the goals a Leistung's Maßnahmen serve
(Maßnahmen that name it under ``leistungen`` or ``soll``, except those ``zurueckgestellt``) give
priority points — hoch 3, mittel 2, niedrig 1, a goal without priority counts as mittel — and

    wert = min + (max − min) · min(1, Σ Punkte / Sättigung)

on the scale of the scoring model (``bewertung.yaml``). A Leistung no Maßnahme touches gets the
scale minimum: it serves no goal.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .model import PRIORITIES, Strategy

UNPRIORITISED_POINTS = PRIORITIES["mittel"]
INACTIVE_STATUS = ("zurueckgestellt",)


def goals_of_leistung(strategy: Strategy) -> dict[str, list[str]]:
    """Leistung → the goals its active Maßnahmen serve (file order, no duplicates)."""
    out: dict[str, dict[str, None]] = {}
    for measure in strategy.massnahmen:
        if measure.status in INACTIVE_STATUS:
            continue
        for lid in (*measure.leistungen, *measure.soll):
            bucket = out.setdefault(lid, {})
            for goal in measure.ziele:
                bucket[goal] = None
    return {lid: list(goals) for lid, goals in out.items()}


def goal_points(strategy: Strategy, goal_id: str) -> int:
    """Priority points of one goal (mittel when it has none)."""
    goal = strategy.goal(goal_id)
    if goal is None or not goal.prioritaet:
        return UNPRIORITISED_POINTS
    return PRIORITIES[goal.prioritaet]


def support_values(strategy: Strategy, leistungen: list[str], scale: tuple[float, float]
                   ) -> dict[str, float]:
    """Leistung → value of the criterion on ``scale`` (min, max); see the module docstring."""
    lo, hi = scale
    served = goals_of_leistung(strategy)
    out = {}
    for lid in leistungen:
        points = sum(goal_points(strategy, g) for g in served.get(lid, []))
        out[lid] = lo + (hi - lo) * min(1.0, points / strategy.saettigung)
    return out


def leistungen_of_goal(strategy: Strategy, goal_id: str) -> list[str]:
    """The Leistungen whose active Maßnahmen serve ``goal_id`` (sorted)."""
    return sorted(lid for lid, goals in goals_of_leistung(strategy).items() if goal_id in goals)


def derived_ratings(bewertungen: pd.DataFrame | None, strategy: Strategy | None, model: Any,
                    leistungen: list[str]) -> tuple[pd.DataFrame | None, list[str]]:
    """The ratings with the strategy criterion replaced by its derived value, and German notes.

    Unchanged when there is no strategy, no scoring model, or the model does not rate the
    criterion named in ``strategie.yaml`` (``einstellungen.kriterium``)."""
    if strategy is None or model is None:
        return bewertungen, []
    criterion = strategy.kriterium
    if criterion not in {c.id for c in model.rated}:
        return bewertungen, [f"Das Kriterium '{criterion}' aus strategie/strategie.yaml steht "
                             "nicht als bewertetes Kriterium in bewertung.yaml; die Strategie "
                             "fließt nicht in die Rangliste ein."]
    scale = (float(model.scale.min), float(model.scale.max))
    values = support_values(strategy, leistungen, scale)
    derived = pd.DataFrame({"leistung": list(values), "kriterium": criterion,
                            "wert": [float(v) for v in values.values()]})
    base = bewertungen if bewertungen is not None else pd.DataFrame(
        columns=["leistung", "kriterium", "wert"])
    kept = base[base["kriterium"].astype(str) != criterion]
    replaced = int((base["kriterium"].astype(str) == criterion).sum())
    name = next(c.name for c in model.rated if c.id == criterion)
    note = (f"„{name}“ wird aus der Strategie abgeleitet (Ziele der Maßnahmen einer Leistung und "
            f"ihre Priorität, Sättigung {strategy.saettigung:g} Punkte; docs/strategie.md)")
    note += (f"; {replaced} Bewertung(en) dieses Kriteriums in Steckbriefen werden dafür nicht "
             "verwendet." if replaced else ".")
    merged = pd.concat([kept, derived], ignore_index=True) if len(kept) else derived
    return merged, [note]


def strategy_ratings(repo: Any) -> tuple[pd.DataFrame | None, list[str]]:
    """``derived_ratings`` for a loaded ``Repository`` (its strategy read from disk)."""
    from .loader import strategy_of

    strategy, _ = strategy_of(repo)
    return derived_ratings(repo.bewertungen, strategy, repo.scoring,
                           [str(x) for x in repo.leistungen["id"]])
