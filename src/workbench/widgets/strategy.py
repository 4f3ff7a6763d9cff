"""The strategy workshop: edit goals and Maßnahmen, add status reports, quarterly OKR check-in.

Each tab saves through :mod:`workbench.strategy.edit` (values checked first, atomic write,
comments kept), then reloads the strategy so the next edit sees what is on disk.
"""

from __future__ import annotations

import html

import ipywidgets as w

from ..repository import Repository
from ..strategy import strategy_of
from ..strategy.edit import (
    StrategyEditError,
    add_status_report,
    check_in,
    update_goal,
    update_measure,
)
from ..strategy.kpis import evaluate, kpi_data, quarter_of
from ..strategy.model import LIGHTS, PRIORITIES, STATUS, Strategy
from .common import repository_of

_WIDE = {"description_width": "140px"}


class StrategyWorkshop:
    """Three tabs (Ziele, Maßnahmen, OKR-Check-in); ``.widget`` shows them."""

    def __init__(self, repository: Repository | str = "processes") -> None:
        self.repo = repository_of(repository)
        self.message = w.HTML()
        self.strategy = self._reload()
        s = self.strategy
        # goals
        self.goal = w.Dropdown(description="Ziel", options=[
            (f"{g.nr} {g.name}".strip(), g.id) for g in s.ziele], style=_WIDE,
            layout=w.Layout(width="560px"))
        self.goal_name = w.Text(description="Name", style=_WIDE, layout=w.Layout(width="560px"))
        self.priority = w.Dropdown(description="Priorität", options=list(PRIORITIES), style=_WIDE)
        self.impact = {p: w.IntSlider(min=0, max=3, description=p, style=_WIDE)
                       for p in s.perspektiven}
        self.goal_save = w.Button(description="Ziel speichern", icon="save",
                                  button_style="primary")
        self.goal.observe(lambda _: self._show_goal(), names="value")
        self.goal_save.on_click(lambda _: self.save_goal())
        # measures
        self.measure = w.Dropdown(description="Maßnahme", options=[
            (f"M{m.nr or '?'} {m.name}", m.id) for m in s.massnahmen], style=_WIDE,
            layout=w.Layout(width="560px"))
        self.status = w.Dropdown(description="Status", options=[(v, k) for k, v in STATUS.items()],
                                 style=_WIDE)
        self.start = w.DatePicker(description="Start", style=_WIDE)
        self.end = w.DatePicker(description="Ende", style=_WIDE)
        self.measure_save = w.Button(description="Maßnahme speichern", icon="save",
                                     button_style="primary")
        self.report_date = w.DatePicker(description="Bericht vom", style=_WIDE)
        self.lights = {d: w.Dropdown(description=d.capitalize(), style=_WIDE,
                                     options=[(v, k) for k, v in LIGHTS.items()])
                       for d in ("zeit", "sache", "kosten")}
        self.report_text = w.Text(description="Text", style=_WIDE, layout=w.Layout(width="560px"))
        self.report_save = w.Button(description="Statusbericht hinzufügen", icon="plus")
        self.measure.observe(lambda _: self._show_measure(), names="value")
        self.measure_save.on_click(lambda _: self.save_measure())
        self.report_save.on_click(lambda _: self.save_report())
        # OKR
        quarters = s.quarters()
        stand = self.repo.verbund.stand
        default = quarter_of(stand) if stand and quarter_of(stand) in quarters else (
            quarters[-1] if quarters else None)
        self.quarter = w.Dropdown(description="Quartal", options=quarters, value=default,
                                  style=_WIDE)
        self.kr_box = w.VBox()
        self.kr_inputs: dict[str, w.FloatText] = {}
        self.checkin_save = w.Button(description="Check-in speichern", icon="save",
                                     button_style="primary")
        self.quarter.observe(lambda _: self._show_quarter(), names="value")
        self.checkin_save.on_click(lambda _: self.save_checkin())
        tabs = w.Tab(children=[
            w.VBox([self.goal, self.goal_name, self.priority, w.HTML("<b>Wirkung (0–3)</b>"),
                    *self.impact.values(), self.goal_save]),
            w.VBox([self.measure, self.status, self.start, self.end, self.measure_save,
                    w.HTML("<b>Neuer Statusbericht</b>"), self.report_date,
                    *self.lights.values(), self.report_text, self.report_save]),
            w.VBox([self.quarter, self.kr_box, self.checkin_save]),
        ])
        for n, title in enumerate(("Ziele", "Maßnahmen", "OKR-Check-in")):
            tabs.set_title(n, title)
        self.widget = w.VBox([w.HTML(f"<h3>{html.escape(s.titel)}</h3>"), tabs, self.message])
        self._show_goal()
        self._show_measure()
        self._show_quarter()

    # ------------------------------------------------------------------ state
    def _reload(self) -> Strategy:
        strategy, findings = strategy_of(self.repo)
        if strategy is None:
            raise StrategyEditError(f"{self.repo.root}: keine Strategie (strategie/strategie.yaml "
                                    "fehlt oder ist nicht lesbar; `workbench validate`).")
        self.findings = findings
        return strategy

    def _say(self, text: str, ok: bool = True) -> None:
        colour = "#2e7d32" if ok else "#c62828"
        self.message.value = f"<div style='color:{colour}'>{html.escape(text)}</div>"

    def _show_goal(self) -> None:
        goal = self.strategy.goal(self.goal.value) if self.goal.value else None
        if goal is None:
            return
        self.goal_name.value = goal.name
        self.priority.value = goal.prioritaet or "mittel"
        for p, slider in self.impact.items():
            slider.value = goal.wirkung.get(p, 0)

    def _show_measure(self) -> None:
        m = self.strategy.measure(self.measure.value) if self.measure.value else None
        if m is None:
            return
        self.status.value, self.start.value, self.end.value = m.status, m.start, m.ende

    def _show_quarter(self) -> None:
        self.kr_inputs = {}
        rows: list[w.Widget] = []
        if not self.quarter.value:
            self.kr_box.children = [w.HTML("Keine OKR erfasst.")]
            return
        computed = {v.kr.id: v for v in evaluate(kpi_data(self.repo, self.strategy),
                                                  self.quarter.value) if v.kr.abfrage}
        for objective in (o for o in self.strategy.objectives if o.quartal == self.quarter.value):
            rows.append(w.HTML(f"<b>{html.escape(objective.text)}</b>"))
            for kr in objective.key_results:
                label = f"{kr.text} ({kr.einheit}; Ziel {kr.zielwert:g})"
                if kr.abfrage:
                    value = computed[kr.id].aktuell
                    shown = "–" if value is None else f"{value:,.1f}".replace(",", " ")
                    rows.append(w.HTML(f"{html.escape(label)}: <i>berechnet {html.escape(shown)}"
                                       "</i>"))
                    continue
                box = w.FloatText(value=kr.aktuell if kr.aktuell is not None else kr.start,
                                  description="aktuell", style=_WIDE)
                self.kr_inputs[kr.id] = box
                rows.append(w.VBox([w.HTML(html.escape(label)), box]))
        self.kr_box.children = rows

    # ------------------------------------------------------------------ saving
    def _saved(self, path: object, what: str) -> None:
        self.strategy = self._reload()
        errors = [f for f in self.findings if f.severity == "error"]
        note = f" – {len(errors)} Fehler in der Strategie (`workbench validate`)." if errors else "."
        self._say(f"{what} gespeichert in {path}{note}", ok=not errors)

    def save_goal(self) -> None:
        try:
            path = update_goal(self.repo.root, self.goal.value, {
                "name": self.goal_name.value.strip() or self.goal.value,
                "prioritaet": self.priority.value,
                "wirkung": {p: int(s.value) for p, s in self.impact.items()}})
        except StrategyEditError as err:
            self._say(str(err), ok=False)
            return
        self._saved(path, "Ziel")

    def save_measure(self) -> None:
        try:
            path = update_measure(self.repo.root, self.measure.value, {
                "status": self.status.value, "start": self.start.value, "ende": self.end.value})
        except StrategyEditError as err:
            self._say(str(err), ok=False)
            return
        self._saved(path, "Maßnahme")

    def save_report(self) -> None:
        try:
            path = add_status_report(self.repo.root, self.measure.value,
                                     self.report_date.value,
                                     {d: x.value for d, x in self.lights.items()},
                                     self.report_text.value.strip())
        except StrategyEditError as err:
            self._say(str(err), ok=False)
            return
        self._saved(path, "Statusbericht")

    def save_checkin(self) -> None:
        try:
            path = check_in(self.repo.root, {k: float(v.value) for k, v in self.kr_inputs.items()})
        except StrategyEditError as err:
            self._say(str(err), ok=False)
            return
        self._saved(path, "Check-in")
