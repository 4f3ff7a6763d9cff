"""Workshop panel (ipywidgets): sliders for staff per role and the Fallzahl, a SOLL switch,
a progress bar while the year is simulated, and the comparison with the standard staffing."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from ..repository import Repository
from ..text import german_number
from .compare import SCENARIO_COLUMNS, lead_time_svg, leistung_table, role_table, scenario_table
from .kommune import prepare, simulate
from .scenario import DEFAULT_SEED, Plan, Scenario, default_plan

BASE = "Standardbesetzung (IST)"
OWN = "Ihre Einstellung"


class SimulationPanel:
    """``.widget`` shows everything; :meth:`run` simulates the current setting."""

    def __init__(self, repository: Repository | str = "processes", kommune: str | None = None,
                 *, seed: int = DEFAULT_SEED) -> None:
        self.repo = repository if isinstance(repository, Repository) else \
            Repository.load(repository)
        self.seed = seed
        members = self.repo.kommunen.sort_values("name")
        self.kommune = w.Dropdown(description="Kommune", options=[
            (r.name, r.schluessel) for r in members.itertuples()])
        if kommune:
            self.kommune.value = str(self.repo.kommune(kommune)["schluessel"])
        elif "033560005" in set(members["schluessel"]):
            self.kommune.value = "033560005"
        wide = {"style": {"description_width": "200px"}, "layout": w.Layout(width="480px")}
        self.factor = w.FloatSlider(value=1.0, min=0.5, max=2.0, step=0.05,
                                    description="Fallzahl × (alle Leistungen)",
                                    continuous_update=False, readout_format=".2f", **wide)
        self.soll = w.Checkbox(value=False, description="SOLL-Prozesse statt IST")
        self.staff_box = w.VBox()
        self.staff: dict[str, w.FloatSlider] = {}
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, description="Fortschritt",
                                        layout=w.Layout(width="480px"))
        self.status = w.Label("")
        self.button = w.Button(description="Simulieren", icon="play", button_style="primary")
        self.output = w.HTML()
        self.result: dict[str, Any] | None = None
        for widget, css in ((self.soll, "wb-sim-soll"), (self.factor, "wb-sim-fallzahl"),
                            (self.progress, "wb-sim-fortschritt"), (self.status, "wb-sim-status"),
                            (self.button, "wb-sim-start"), (self.output, "wb-sim-ergebnis")):
            widget.add_class(css)
        self.button.on_click(lambda _: self.run())
        self.kommune.observe(lambda _: self._staff_sliders(), names="value")
        self._staff_sliders()
        self.widget = w.VBox([
            self.kommune, self.factor, self.soll,
            w.HTML("<b>Besetzung je Rolle (VZÄ für die simulierten Leistungen)</b>"),
            self.staff_box, w.HBox([self.button, self.progress, self.status]), self.output])

    def _staff_sliders(self) -> None:
        prepared = prepare(self.repo, self.kommune.value, default_plan(seed=self.seed))
        self.default_vzae = dict(prepared.default_vzae)
        self.staff = {
            role: w.FloatSlider(value=vzae, min=0.1, max=max(2.0, round(vzae * 3, 1)), step=0.1,
                                description=role, continuous_update=False,
                                readout_format=".1f", style={"description_width": "200px"},
                                layout=w.Layout(width="480px"))
            for role, vzae in sorted(self.default_vzae.items())}
        self.staff_box.children = tuple(self.staff.values())

    def plan(self) -> Plan:
        """Two scenarios: the standard staffing with the IST, and the sliders' setting."""
        changed = tuple((role, round(s.value, 1)) for role, s in self.staff.items()
                        if abs(s.value - self.default_vzae[role]) > 1e-9)
        own = Scenario(OWN, fallzahl_faktor=float(self.factor.value), vzae=changed,
                       soll="alle" if self.soll.value else ())
        return Plan((Scenario(BASE), own), seed=self.seed, name="Werkstatt")

    def run(self) -> dict[str, Any]:
        """Simulate, with the progress bar moving month by month; shows and returns the result."""
        self.button.disabled = True
        self.progress.value = 0.0

        def step(fraction: float, text: str) -> None:
            self.progress.value = min(1.0, fraction)
            self.status.value = text

        try:
            self.result = simulate(self.repo, self.kommune.value, self.plan(), progress=step)
        finally:
            self.button.disabled = False
        self.output.value = result_html(self.result)
        return self.result


def _de(digits: int, unit: str = ""):
    return lambda v: german_number(v, digits, unit)


def _percent(value: object) -> str:
    return "–" if value is None or value != value else german_number(float(value) * 100, 0, "%")


def _safe(styler: Any) -> str:
    """Styler HTML with escaped row and column labels (names come from the knowledge base)."""
    return styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1).to_html()


def result_html(result: dict[str, Any]) -> str:
    """Tables and chart of a result as HTML for the notebook (German number format)."""
    totals = scenario_table(result).rename(columns=SCENARIO_COLUMNS).set_index("Szenario")
    totals.index.name = None
    styled = totals.style.format({
        "Fälle": _de(0), "Durchlaufzeit Ø (Tage)": _de(1), "Durchlaufzeit P90 (Tage)": _de(1),
        "Rückstand 31.12.": _de(0), "Personalkosten (€)": _de(0, "€"),
        "Auslastung Engpass": _percent}, na_rep="–", escape="html")
    styled = _safe(styled)
    notes = "".join(f"<li>{html.escape(line)}</li>" for line in result["annahmen"])
    return (f"<h3>{html.escape(result['kommune_name'])}: Szenarien im Vergleich</h3>{styled}"
            f"{lead_time_svg(result)}<h4>Durchlaufzeit je Leistung (Tage, Mittel)</h4>"
            f"{_safe(leistung_table(result).style.format(_de(1), na_rep='–', escape='html'))}"
            "<h4>Auslastung je Rolle</h4>"
            f"{_safe(role_table(result).style.format(_percent, na_rep='–', escape='html'))}"
            f"<details><summary>Annahmen</summary><ul>{notes}</ul></details>")
