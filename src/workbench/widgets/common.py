"""Small shared pieces of the notebook widgets: HTML snippets and map rendering."""

from __future__ import annotations

import html

from ..bpmn.model import Definitions
from ..repository import Repository


def repository_of(repository: Repository | str) -> Repository:
    """A loaded repository from a Repository or a path."""
    return repository if isinstance(repository, Repository) else Repository.load(repository)


def model_target(leistung: str, variant: str, kommune: str | None) -> tuple[str, str, str | None]:
    """(Leistung, variant, Kommune) a model is saved to: SOLL is shared by the Verbund, so a
    Kommune only selects among IST variants."""
    return leistung, variant, (kommune or None) if variant == "ist" else None


def findings_html(findings: list[tuple[str, str]]) -> str:
    """Lint findings as a short German list (escaped)."""
    if not findings:
        return "<div class='wb-ok' style='color:#2e7d32'>Keine Befunde – das Modell ist stimmig.</div>"
    items = "".join(
        f"<li><b style='color:{'#c62828' if severity == 'Fehler' else '#ef6c00'}'>"
        f"{html.escape(severity)}</b>: {html.escape(message)}</li>" for severity, message in findings)
    return f"<ul class='wb-befundliste' style='margin:4px 0'>{items}</ul>"


def map_html(repo: Repository, current: Definitions, target: tuple[str, str, str | None], *,
             compare: bool, revision: int, wrap: int | str = "auto") -> str:
    """The map (or the IST/SOLL comparison) as inline SVG in a scrollable box; ``wrap``:
    columns per row of the single map (see :mod:`workbench.widgets.fit`)."""
    from .. import maps

    leistung, variant, kommune = target
    try:
        if compare:
            other_variant = "soll" if variant == "ist" else "ist"
            other = repo.model(leistung, other_variant, kommune)
            if other is None:
                return (f"<div>Kein {other_variant.upper()}-Modell zum Vergleichen vorhanden."
                        "</div>")
            ist, soll = (current, other) if variant == "ist" else (other, current)
            svg = maps.compare_models(ist, soll).svg
        else:
            svg = maps.process_map(current, style="auto", wrap=wrap).svg
    except Exception as err:  # a map must never break the editor; show why instead
        return f"<div class='wb-kartenfehler'>Karte nicht darstellbar: {html.escape(str(err))}</div>"
    return ("<style>.wb-kartenrahmen svg{max-width:100%;height:auto}</style>"
            f"<div class='wb-kartenrahmen' data-revision='{revision}' "
            f"style='overflow:auto;max-height:80vh;border:1px solid #ddd'>{svg}</div>")


def query_parameters(defaults: dict[str, object]) -> dict[str, object]:
    """Notebook parameters overridden by a Voilà URL (``?leistung=…&workshop=1``).

    Voilà passes the query string to the kernel as ``QUERY_STRING``; only keys present in
    ``defaults`` are taken, booleans from 1/true/ja.
    """
    import os
    from urllib.parse import parse_qs

    values = dict(defaults)
    for key, items in parse_qs(os.environ.get("QUERY_STRING", "")).items():
        if key in values and items:
            raw = items[-1]
            if isinstance(defaults[key], bool):
                values[key] = raw.strip().lower() in ("1", "true", "ja", "yes")
            else:
                values[key] = raw or None
    return values
