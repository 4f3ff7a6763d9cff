"""Tune the prioritization live: a slider per criterion group, ranking and portfolio update.

The expensive part (models → metrics → the Kommune × Leistung frame) is computed once; moving a
slider only re-scores (vectorized) and reruns the seeded sensitivity analysis. "Gewichte
speichern" writes the group weights into ``bewertung.yaml`` atomically, keeping its comments.
"""

from __future__ import annotations

import dataclasses
import html

import ipywidgets as w
import pandas as pd

from .. import ranking
from ..charts import portfolio_svg
from ..kb.yamlio import read_roundtrip, write_roundtrip
from ..potential import analyse
from ..repository import Repository
from ..scoring_model import ScoringModel
from .common import repository_of

_SENSITIVITY_DRAWS = 200


class WeightTuner:
    """Sliders for the group weights of ``bewertung.yaml``; ``.widget`` shows everything."""

    def __init__(self, repository: Repository | str = "processes", kommune: str | None = None,
                 *, top: int | None = None) -> None:
        self.repo = repository_of(repository)
        self.base = analyse(self.repo, draws=0)
        self.frame = self.base.frame
        self.model: ScoringModel = self.repo.scoring
        self.top = int(top or self.repo.verbund.parameter.get("top_n", 5))
        ranked = self.frame.loc[self.frame["rang"].notna(), "kommune"].value_counts()
        members = self.repo.kommunen[self.repo.kommunen["schluessel"].isin(ranked.index)]
        members = members.assign(n=members["schluessel"].map(ranked)).sort_values(
            ["n", "name"], ascending=[False, True], kind="stable")
        self.kommune = w.Dropdown(description="Kommune", options=[
            (r.name, r.schluessel) for r in members.sort_values("name").itertuples()],
            value=kommune if kommune in set(members["schluessel"]) else None)
        if self.kommune.value is None and len(members):
            self.kommune.value = members.iloc[0]["schluessel"]
        self.sliders = {
            g.id: w.FloatSlider(value=g.weight, min=0.0, max=3.0, step=0.1, description=g.name,
                                continuous_update=False, style={"description_width": "230px"},
                                layout=w.Layout(width="520px"))
            for g in self.model.groups
        }
        for group_id, slider in self.sliders.items():
            slider.add_class(f"wb-gewicht-{group_id}")
            slider.observe(lambda _: self.update(), names="value")
        self.kommune.observe(lambda _: self.update(), names="value")
        self.save_button = w.Button(description="Gewichte speichern", icon="save",
                                    button_style="primary")
        self.save_button.on_click(lambda _: self.save())
        self.reset_button = w.Button(description="Zurücksetzen", icon="undo")
        self.reset_button.on_click(lambda _: self.reset())
        self.status = w.HTML()
        self.ranking = w.HTML()
        self.chart = w.HTML()
        self.widget = w.VBox([
            w.HTML("<h3>Gewichte der Kriteriengruppen</h3><p>Die Gewichte sind Annahmen des "
                   "Verbunds. Jede Änderung rechnet Rangfolge, Portfolio und Robustheit neu.</p>"),
            self.kommune, *self.sliders.values(),
            w.HBox([self.save_button, self.reset_button]), self.status,
            w.HBox([self.ranking, self.chart]),
        ])
        self.update()

    def current_model(self) -> ScoringModel:
        """The scoring model with the slider weights."""
        groups = tuple(dataclasses.replace(g, weight=float(self.sliders[g.id].value))
                       for g in self.model.groups)
        return dataclasses.replace(self.model, groups=groups)

    def scored(self) -> pd.DataFrame:
        """Scores, ranks and sensitivity of the selected Kommune with the current weights."""
        model = self.current_model()
        frame = self.frame[self.frame["kommune"] == self.kommune.value]
        scored = ranking.score(frame.drop(columns=[c for c in ("nutzen", "eignung", "prioritaet",
                                                              "quadrant", "rang", "p_top",
                                                              "rang_min", "rang_max", "robust",
                                                              "kriterien_fehlend")
                                                   if c in frame]),
                               self.repo.bewertungen, model)
        sens = ranking.sensitivity(scored, self.repo.bewertungen, model, top=self.top,
                                   draws=_SENSITIVITY_DRAWS)
        return scored.assign(**{c: sens[c].to_numpy() for c in ("p_top", "rang_min", "rang_max",
                                                                 "robust")})

    def update(self) -> None:
        if sum(s.value for s in self.sliders.values() if s.value) <= 0:
            self.status.value = "Mindestens eine Gruppe braucht ein Gewicht über 0."
            return
        scored = self.scored().sort_values(["rang", "leistung_name"], na_position="last")
        rows = "".join(
            f"<tr><td>{'' if r.rang != r.rang else int(r.rang)}</td>"
            f"<td>{html.escape(str(r.leistung_name))}</td><td>{r.prioritaet:.0f}</td>"
            f"<td>{html.escape(str(r.quadrant))}</td>"
            f"<td>{'' if r.p_top != r.p_top else f'{r.p_top:.0%}'}</td>"
            f"<td>{'ja' if r.robust else 'nein'}</td></tr>"
            for r in scored.itertuples())
        self.ranking.value = (
            "<table class='wb-rangliste'><thead><tr><th>Rang</th><th>Leistung</th>"
            f"<th>Priorität</th><th>Quadrant</th><th>P(Top {self.top})</th><th>robust</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")
        top_names = list(scored["leistung_name"].head(self.top))
        self.chart.value = portfolio_svg(scored, highlight=top_names)

    def reset(self) -> None:
        for group in self.model.groups:
            self.sliders[group.id].value = group.weight

    def save(self) -> str:
        """Write the group weights into bewertung.yaml (atomic, comments kept)."""
        path = self.repo.root / "bewertung.yaml"
        doc = read_roundtrip(path)
        for group in doc.get("gruppen", []):
            if group.get("id") in self.sliders:
                group["gewicht"] = round(float(self.sliders[group["id"]].value), 3)
        write_roundtrip(path, doc)
        self.model = self.current_model()
        self.status.value = f"Gespeichert: <code>{html.escape(str(path))}</code>"
        return self.status.value
