"""Maps of the knowledge base: a Leistung's model, its IST/SOLL comparison, the landscape.

Thin glue between :class:`workbench.repository.Repository` and the map functions; everything
else in :mod:`workbench.maps` works on plain models and DataFrames.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .compare import compare_models, comparison_map
from .export import Map
from .landscape import landscape_map

COLOR_BY = ("prioritaet", "digitalanteil", "reifegrad")


class MapInputError(ValueError):
    """A Leistung, variant or model is missing (German message)."""


def leistung_map(repo: Any, leistung: str, variant: str = "ist", *, kommune: str | None = None,
                 style: str = "auto", diagram: int | str = 0, with_metrics: bool = True,
                 teilprozess: str | None = None) -> Map:
    """The map of a Leistung's IST or SOLL model, or (``"vergleich"``) both compared;
    with ``teilprozess`` only the content of that sub-process (name or id)."""
    from . import process_map

    row = repo.leistung(leistung)
    place = ""
    if kommune:
        place = f" – {repo.kommune(kommune)['name']}"
    if variant == "vergleich":
        ist = repo.model(leistung, "ist", kommune=kommune)
        soll = repo.model(leistung, "soll")
        if ist is None or soll is None:
            missing = " und ".join(v for v, m in (("IST", ist), ("SOLL", soll)) if m is None)
            raise MapInputError(f"Für '{leistung}' fehlt das {missing}-Modell; ein Vergleich "
                                "braucht beide.")
        if not with_metrics:
            return comparison_map(ist, soll, title=f"{row['name']}{place}")
        return compare_models(ist, soll, title=f"{row['name']}{place}")
    if variant not in ("ist", "soll"):
        raise MapInputError(f"Unbekannte Variante '{variant}'; erlaubt: ist, soll, vergleich.")
    model = repo.model(leistung, variant, kommune=kommune if variant == "ist" else None)
    if model is None:
        raise MapInputError(f"Für '{leistung}' gibt es kein {variant.upper()}-Modell "
                            f"({repo.model_path(leistung, variant)}).")
    title = f"{row['name']} ({variant.upper()}){place}"
    if teilprozess:
        from ..bpmn.levels import label, level_model

        model = level_model(model, teilprozess)
        title += f" – Teilprozess „{label(model.main_process().name)}“"
    return process_map(model, style=style, diagram=diagram, with_metrics=with_metrics,
                       title=title)


def landscape_values(repo: Any, color_by: str = "prioritaet") -> tuple[pd.DataFrame, list[str]]:
    """The catalogue with the value column ``color_by``; returns (frame, German notes)."""
    frame = repo.leistungen[["id", "name", "fachbereich", "prozesstyp"]].copy()
    notes: list[str] = []
    if color_by == "reifegrad":
        frame["reifegrad"] = repo.leistungen.get("reifegrad_ist")
    elif color_by == "digitalanteil":
        from ..metrics import MetricsError, compute

        shares = []
        for leistung in frame["id"]:
            model = repo.model(leistung, "ist")
            share = None
            if model is not None and not any(a.medium for a in model.activities()):
                notes.append(f"{leistung}: kein Schritt des IST-Modells hat ein Medium; "
                             "die Landkarte zeigt „keine Angabe“.")
            elif model is not None:
                try:
                    share = compute(model).digital_share
                except MetricsError as err:
                    notes.append(f"{leistung}: {err}")
            shares.append(share)
        frame["digitalanteil"] = pd.array(shares, dtype="Float64").astype(float)
    elif color_by == "prioritaet":
        from ..potential import analyse

        result = analyse(repo)
        scores = result.verbund.set_index("leistung")["prioritaet"]
        frame["prioritaet"] = frame["id"].map(scores)
    else:
        raise MapInputError(f"Unbekannte Einfärbung '{color_by}'; möglich: "
                            + ", ".join(COLOR_BY) + ".")
    return frame, notes


GROUP_BY = ("fachbereich", "themenfeld")


def repository_landscape(repo: Any, color_by: str = "prioritaet", *,
                         title: str = "Prozesslandkarte", group_by: str = "fachbereich") -> Map:
    """The Prozesslandkarte of a knowledge base, in columns by Fachbereich or by
    OZG-Themenfeld (from the OZG-ID or LeiKa key of each Leistung)."""
    if group_by not in GROUP_BY:
        raise MapInputError(f"Unbekannte Gruppierung '{group_by}'; möglich: "
                            + ", ".join(GROUP_BY) + ".")
    frame, notes = landscape_values(repo, color_by)
    if group_by == "themenfeld":
        from ..kb.ozg_catalog import load_catalog, themenfelder_of

        rows = repo.leistungen.set_index("id").loc[frame["id"]].reset_index()
        frame["fachbereich"] = themenfelder_of(rows, load_catalog())
    stand = getattr(repo.verbund, "stand", None)
    subtitle = " · ".join(x for x in (
        getattr(repo.verbund, "name", ""), f"Stand {stand:%d.%m.%Y}" if stand else "",
        f"{len(frame)} Leistungen") if x)
    result = landscape_map(frame, color_by, title=title, subtitle=subtitle)
    result.warnings.extend(notes)
    return result
