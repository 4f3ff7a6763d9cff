"""The catalogue in a notebook: filters by Fachbereich and priority, landscape, findings."""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from ..kb.findings import SEVERITY_DE
from ..potential import analyse
from ..repository import Repository
from ..text import german_number
from .common import repository_of

_ALL = "alle"


class CatalogView:
    """Catalogue table with filters, the Prozesslandkarte and data-quality findings."""

    def __init__(self, repository: Repository | str = "processes") -> None:
        self.repo = repository_of(repository)
        self.analysis = analyse(self.repo, draws=0)
        verbund = self.analysis.verbund.set_index("leistung")
        self.table = self.repo.leistungen.merge(
            verbund[["prioritaet", "quadrant", "rang", "stunden_gespart"]],
            left_on="id", right_index=True, how="left")
        fachbereiche = sorted(self.table["fachbereich"].dropna().unique())
        quadrants = sorted(self.table["quadrant"].dropna().unique())
        self.fachbereich = w.Dropdown(options=[_ALL, *fachbereiche], description="Fachbereich")
        self.quadrant = w.Dropdown(options=[_ALL, *quadrants], description="Priorität")
        self.color = w.ToggleButtons(options=[("Priorität", "prioritaet"),
                                              ("Digitalanteil", "digitalanteil")],
                                     description="Farbe")
        self.out_table = w.HTML()
        self.out_map = w.HTML()
        for control in (self.fachbereich, self.quadrant, self.color):
            control.observe(lambda _: self.update(), names="value")
        self.widget = w.VBox([w.HBox([self.fachbereich, self.quadrant]), self.out_table,
                              self.color, self.out_map])
        self.update()

    def filtered(self) -> pd.DataFrame:
        frame = self.table
        if self.fachbereich.value != _ALL:
            frame = frame[frame["fachbereich"] == self.fachbereich.value]
        if self.quadrant.value != _ALL:
            frame = frame[frame["quadrant"] == self.quadrant.value]
        return frame.sort_values(["rang", "name"], na_position="last")

    def update(self) -> None:
        from ..maps.kb import repository_landscape

        frame = self.filtered()
        rows = "".join(
            f"<tr><td>{'' if r.rang != r.rang else int(r.rang)}</td>"
            f"<td>{html.escape(str(r.name))}</td><td>{html.escape(str(r.fachbereich))}</td>"
            f"<td>{html.escape(str(r.prozesstyp))}</td><td>{html.escape(str(r.erfassung))}</td>"
            f"<td>{'' if r.quadrant != r.quadrant else html.escape(str(r.quadrant))}</td>"
            f"<td style='text-align:right'>{_hours(r.stunden_gespart)}</td></tr>"
            for r in frame.itertuples())
        self.out_table.value = (
            "<table class='wb-katalog'><thead><tr><th>Rang (Verbund)</th><th>Leistung</th>"
            "<th>Fachbereich</th><th>Prozesstyp</th><th>Erfassung</th><th>Quadrant</th>"
            "<th>Stunden/Jahr gespart</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><p>{len(frame)} von {len(self.table)} Leistungen.</p>")
        self.out_map.value = (  # the poster scaled to the notebook's width, never wider
            "<style>.wb-landkarte svg{display:block;max-width:100%;height:auto}</style>"
            f"<div class='wb-landkarte'>{repository_landscape(self.repo, self.color.value).svg}"
            "</div>")


def _hours(value: float) -> str:
    return "0" if value != value else german_number(value)


def findings_table(repo: Repository) -> str:
    """Data-quality findings of the knowledge base as an HTML table."""
    rows = "".join(
        f"<tr><td>{SEVERITY_DE[f.severity]}</td><td>{html.escape(f.file)}</td>"
        f"<td>{html.escape(f.location)}</td><td>{html.escape(f.message)}</td></tr>"
        for f in repo.validate())
    return ("<table class='wb-befunde'><thead><tr><th>Schwere</th><th>Datei</th><th>Stelle</th>"
            f"<th>Befund</th></tr></thead><tbody>{rows}</tbody></table>")
