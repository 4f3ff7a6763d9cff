"""IST/SOLL comparison: both maps stacked under one title and one legend.

Steps (activities) are matched by the semantic diff (:mod:`workbench.diff`): by id (a step
table's row-number id ``Schritt_<Nr>`` only together with a similar name), by explicit link
(``wb:replaces``), then by name similarity within the same lane and the same element category
(any task type, sub-process or call activity counts as "Aktivität", so a manual IST step that
becomes a user task in SOLL still matches) – never by row number. Unmatched IST steps are
dropped in SOLL (greyed and struck through in IST), unmatched SOLL steps are new (green border
and "neu").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..bpmn.model import Definitions
from .auto import DotBuilder, Section
from .export import Map
from .highlights import Highlights, highlights_for
from .shapes import format_minutes, format_percent


@dataclass(frozen=True)
class StepMatch:
    """Result of matching the steps of two models."""

    pairs: dict[str, str] = field(default_factory=dict)  # IST id → SOLL id
    dropped: tuple[str, ...] = ()  # IST ids without a SOLL counterpart
    new: tuple[str, ...] = ()  # SOLL ids without an IST counterpart
    by_name: tuple[str, ...] = ()  # IST ids matched by name and type (not by id)


@dataclass(frozen=True)
class ComparisonSummary:
    """The numbers of the summary line (None: unknown)."""

    minutes: tuple[float | None, float | None] = (None, None)
    media_breaks: tuple[float | None, float | None] = (None, None)
    digital_share: tuple[float | None, float | None] = (None, None)

    def line(self, match: StepMatch | None = None) -> str:
        """'Bearbeitungszeit 46 Min. → 18 Min. · Medienbrüche 4 → 0 · …' (German)."""
        parts = []
        a, b = self.minutes
        if a is not None or b is not None:
            parts.append(f"Bearbeitungszeit {format_minutes(a) or '–'} → {format_minutes(b) or '–'}")
        a, b = self.media_breaks
        if a is not None or b is not None:
            parts.append(f"Medienbrüche {_num(a)} → {_num(b)}")
        a, b = self.digital_share
        if a is not None or b is not None:
            parts.append(f"Digitalanteil {format_percent(a)} → {format_percent(b)}")
        if match is not None:
            parts.append(f"Schritte: {len(match.dropped)} entfallen, {len(match.new)} neu")
        return " · ".join(parts)


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def match_steps(ist: Definitions, soll: Definitions) -> StepMatch:
    """Match IST and SOLL activities with the semantic diff (see module)."""
    from ..diff import diff_models

    diff = diff_models(ist, soll)
    steps = [e for e in diff.elements if e.is_step]
    pairs = {e.a_id: e.b_id for e in steps if e.a_id and e.b_id}
    for a_id, b_id in diff.matching.merged.items():
        if b_id in pairs.values():
            pairs[a_id] = b_id
    return StepMatch(
        pairs=pairs,
        dropped=tuple(e.a_id for e in steps if e.kind == "removed"),
        new=tuple(e.b_id for e in steps if e.kind == "added"),
        by_name=tuple(e.a_id for e in steps
                      if e.a_id and e.matched_by in ("name", "name-lane")),
    )


def comparison_map(
    ist: Definitions,
    soll: Definitions,
    *,
    ist_highlights: Highlights | None = None,
    soll_highlights: Highlights | None = None,
    summary: ComparisonSummary | None = None,
    title: str | None = None,
    show_attributes: bool = True,
    wrap: int | str | None = "auto",
    reject: Callable[[float, float], bool] | None = None,
) -> Map:
    """IST above SOLL in one map: dropped steps struck in IST, new steps marked in SOLL.
    ``reject``: see :meth:`.auto.DotBuilder.render` (raises :class:`.auto.TooWide`)."""
    match = match_steps(ist, soll)
    line = (summary or ComparisonSummary()).line(match)
    heading = title if title is not None else _name(soll) or _name(ist)
    builder = DotBuilder(f"IST/SOLL-Vergleich: {heading}" if heading else "IST/SOLL-Vergleich",
                         subtitle=line, show_attributes=show_attributes, wrap=wrap)
    builder.add(Section(ist, ist_highlights or Highlights(), key="ist", label="IST",
                        status=dict.fromkeys(match.dropped, "entfaellt")))
    builder.add(Section(soll, soll_highlights or Highlights(), key="soll", label="SOLL",
                        status=dict.fromkeys(match.new, "neu")))
    result = builder.render("vergleich", reject=reject)
    result.warnings.extend(
        f"Schritt '{i}' per Name und Typ zugeordnet (IDs verschieden)." for i in match.by_name)
    return result


def summarize(ist: Definitions, soll: Definitions) -> ComparisonSummary | None:
    """Minutes, Medienbrüche and digital share of both models (None: nothing to evaluate),
    from :func:`.highlights.measured` (computed once per process and model content)."""
    from .highlights import measured

    a, b = measured(ist)[1], measured(soll)[1]
    if a is None or b is None:  # nothing to evaluate: the map is drawn without the summary
        return None
    return ComparisonSummary((a[0], b[0]), (a[1], b[1]), (a[2], b[2]))


def compare_models(ist: Definitions, soll: Definitions, **options: object) -> Map:
    """:func:`comparison_map` with highlights and summary from :mod:`workbench.metrics`."""
    return comparison_map(ist, soll, ist_highlights=highlights_for(ist),
                          soll_highlights=highlights_for(soll), summary=summarize(ist, soll),
                          **options)  # type: ignore[arg-type]


def _name(model: Definitions) -> str:
    try:
        name = model.main_process().name
    except ValueError:
        return model.name
    for suffix in (" (IST)", " (SOLL)", " – IST", " – SOLL", " IST", " SOLL"):
        name = name.removesuffix(suffix)
    return name
