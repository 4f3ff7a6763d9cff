"""What a map highlights: Medienbrüche, waste steps, automatable steps — as plain inputs.

The renderers take a :class:`Highlights` and know nothing about how it was computed. The usual
source is :mod:`workbench.metrics` (see :func:`highlights_for`); tests and notebooks can pass
explicit sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..bpmn.model import Definitions, Process


@dataclass(frozen=True)
class Highlights:
    """Highlights of one model.

    ``media_breaks`` maps ``(source_activity_id, target_activity_id)`` to a German reason
    (e.g. "Papier → Fachverfahren"); the two activities need not be directly connected
    (gateways and events in between are allowed). ``totals`` maps a sub-process with content
    to the expected handling minutes of one execution of its inner flow (shown where the
    sub-process is drawn collapsed).
    """

    media_breaks: Mapping[tuple[str, str], str] = field(default_factory=dict)
    waste: frozenset[str] = frozenset()
    automatable: frozenset[str] = frozenset()
    totals: Mapping[str, float] = field(default_factory=dict)
    #: activities without wb:minutes → the standard minutes the metrics assumed ("Standardwert")
    standard: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        media_breaks: Mapping[tuple[str, str], str] | Iterable[tuple[str, str]] | None = None,
        waste: Iterable[str] = (),
        automatable: Iterable[str] = (),
    ) -> Highlights:
        """Build from loose inputs; break pairs without a reason get "Medienbruch"."""
        if media_breaks is None:
            breaks: dict[tuple[str, str], str] = {}
        elif isinstance(media_breaks, Mapping):
            breaks = {(str(s), str(t)): str(r) for (s, t), r in media_breaks.items()}
        else:
            breaks = {(str(s), str(t)): "Medienbruch" for s, t in media_breaks}
        return cls(breaks, frozenset(waste), frozenset(automatable))

    @classmethod
    def from_metrics(cls, metrics: Any, automatable: Iterable[str] = ()) -> Highlights:
        """From a ``workbench.metrics.ModelMetrics`` (break_transitions, waste_steps)."""
        breaks: dict[tuple[str, str], str] = {}
        for row in getattr(metrics, "break_transitions", None) or []:
            source, target, reason = row[0], row[1], row[2] if len(row) > 2 else "Medienbruch"
            breaks.setdefault((source, target), reason or "Medienbruch")
        waste = getattr(metrics, "waste_steps", None) or []
        standard = {s.activity_id: s.minutes
                    for s in getattr(metrics, "standard_values", None) or []}
        return cls(breaks, frozenset(waste), frozenset(automatable), standard=standard)

    @property
    def is_empty(self) -> bool:
        return not (self.media_breaks or self.waste or self.automatable)


NONE = Highlights()


def automatable_steps(process: Process | Definitions) -> frozenset[str]:
    """Activities whose automation class (explicit or the activity type's default) is
    'regelbasiert' or 'ki'."""
    from ..activity_types import activity_type
    from ..bpmn.model import Activity

    nodes = process.flow_nodes() if isinstance(process, Definitions) else process.all_flow_nodes
    out = set()
    for node in nodes:
        if not isinstance(node, Activity):
            continue
        level = node.automation
        if level is None:
            kind = activity_type(node.activity_type)  # type: ignore[arg-type]
            level = kind.automation if kind else None
        if level in ("regelbasiert", "ki"):
            out.add(node.id)
    return frozenset(out)


#: Figures of a model's comparison summary: expected minutes, Medienbrüche, digital share.
Figures = tuple[float | None, float | None, float | None]

#: Per process: model content → its highlights and figures (a report batch's kernel draws the
#: same models in the comparison map and in the print drawing, for several reports).
MEMO_SIZE = 64
_memo: dict[bytes, tuple[Highlights, Figures | None]] = {}


def highlights_for(defs: Definitions) -> Highlights:
    """Highlights computed by :func:`workbench.metrics.compute` plus the automatable steps.

    Without the metrics module only the automatable steps are marked. Computed once per
    process for the same model content (see :func:`measured`); each call gets its own dicts.
    """
    found = measured(defs)[0]
    return Highlights(dict(found.media_breaks), found.waste, found.automatable,
                      dict(found.totals), standard=dict(found.standard))


def measured(defs: Definitions) -> tuple[Highlights, Figures | None]:
    """The model's highlights and summary figures (None: the metrics cannot evaluate it),
    computed once per process for the same XML tree (a model edited in place is measured
    anew). Callers must not change the returned :class:`Highlights`' dicts."""
    from ..diff.model import content_key

    key = content_key(defs)
    known = _memo.get(key)
    if known is None:
        while len(_memo) >= MEMO_SIZE:
            _memo.pop(next(iter(_memo)))
        known = _memo[key] = _measure(defs)
    return known


def _measure(defs: Definitions) -> tuple[Highlights, Figures | None]:
    automatable = automatable_steps(defs)
    try:
        from .. import metrics  # type: ignore[attr-defined]
    except ImportError:
        return Highlights(automatable=automatable), None
    from ..bpmn.levels import inner_totals

    try:
        computed = metrics.compute(defs)
    except metrics.MetricsError:  # nothing to evaluate (e.g. no process): the map still renders
        return Highlights(automatable=automatable), None
    totals = {key: value.minutes_per_execution
              for key, value in inner_totals(defs, computed.visits, {
                  v.activity_id: v.minutes for v in computed.standard_values}).items()
              if value.minutes_per_execution is not None}
    found = Highlights.from_metrics(computed, automatable)
    figures = (computed.expected_minutes, computed.media_breaks, computed.digital_share)
    return Highlights(found.media_breaks, found.waste, found.automatable, totals,
                      standard=found.standard), figures
