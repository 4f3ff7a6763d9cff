"""Process maps: BPMN models as pictures for workshops (projector) and reports (print).

- :func:`process_map` — one model, style ``"auto"`` (graphviz, swimlanes left to right) or
  ``"di"`` (as drawn by its author; falls back to ``"auto"`` without DI).
- :func:`compare_models` / :func:`comparison_map` — IST above SOLL with one legend.
- :func:`landscape_map` — the Prozesslandkarte of a catalogue DataFrame.

Every function returns a :class:`Map`: ``.svg`` (inline in HTML, ``_repr_svg_`` for JupyterLab),
``.save("karte.png"|".pdf"|".svg")``.
"""

from __future__ import annotations

from ..bpmn.model import Definitions
from .auto import auto_map
from .compare import ComparisonSummary, StepMatch, compare_models, comparison_map, match_steps
from .di import NoDiagram, di_map
from .export import ExportUnavailable, Map, MapTooLarge, converters
from .gv import GraphvizFailed, GraphvizMissing
from .highlights import Highlights, automatable_steps, highlights_for
from .landscape import landscape_map

STYLES = ("auto", "di")


def process_map(
    model: Definitions,
    *,
    style: str = "auto",
    highlights: Highlights | None = None,
    with_metrics: bool = True,
    title: str | None = None,
    diagram: int | str = 0,
    **options: object,
) -> Map:
    """The map of one model.

    ``highlights`` default: computed with :func:`highlights_for` (metrics) when
    ``with_metrics``, else none. ``style="di"`` draws the model's own layout and falls back to
    the graphviz layout (with a warning in :attr:`Map.warnings`) when the model has no DI.
    """
    if style not in STYLES:
        raise ValueError(f"Unbekannter Kartenstil '{style}'; möglich sind: {', '.join(STYLES)}.")
    if highlights is None:
        highlights = highlights_for(model) if with_metrics else Highlights()
    if style == "di":
        try:
            return di_map(model, highlights, diagram=diagram, title=title,
                          **options)  # type: ignore[arg-type]
        except NoDiagram as err:
            if diagram != 0:
                raise
            fallback = auto_map(model, highlights, title=title)
            fallback.warnings.append(f"{err} Die Karte wurde automatisch angeordnet.")
            return fallback
    return auto_map(model, highlights, title=title, **options)  # type: ignore[arg-type]


__all__ = [
    "STYLES", "ComparisonSummary", "ExportUnavailable", "GraphvizFailed", "GraphvizMissing",
    "Highlights", "Map", "MapTooLarge", "NoDiagram", "StepMatch", "auto_map", "automatable_steps",
    "compare_models", "comparison_map", "converters", "di_map", "highlights_for",
    "landscape_map", "match_steps", "process_map",
]
