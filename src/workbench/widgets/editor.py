"""The workshop editor: a step table edited with widgets, the map redrawn on every change.

Choose Leistung, variant and Kommune; select a step, change its fields, add, remove or move
steps. Every change re-reads the table, rebuilds the model, lints it and redraws the map. Save
applies the table to the existing model as patches (:mod:`workbench.edit.steps`): names,
attributes, types, lanes and flows change in place, new steps get a shape near their
neighbours, and everything the table does not show (pools, message flows, sub-processes,
vendor extensions, the diagram) stays as it was. An edit that would lose content is refused
with a German message and nothing is written. A new model is built with the automatic layout.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd

from ..bpmn.lint import lint
from ..bpmn.model import Definitions
from ..bpmn.write import check_readable
from ..edit import EditRefused
from ..edit.steps import apply_step_table
from ..repository import Repository
from ..steptable import StepTableError, bpmn_to_step_table, read_step_table, step_table_to_bpmn
from ..steptable.links import replaces_as_numbers, resolve_replaces
from ..steptable.model import ELEMENTS
from .common import findings_html, map_html, model_target, repository_of

_MEDIA = ["", "Papier", "persönlich", "Telefon", "E-Mail", "Scan", "Fachverfahren",
          "Online-Portal", "automatisch"]
_PHASES = ["", "Antrag", "Bearbeitung", "Bezahlung", "Bescheid", "Archivierung"]
_AUTOMATION = ["", "keine", "assistiert", "regelbasiert", "ki"]
_FIELDS = {  # table column → (widget factory, css class)
    "Schritt": (lambda: w.Text(description="Schritt"), "wb-feld-schritt"),
    "Element": (lambda: w.Dropdown(options=list(ELEMENTS), description="Element"),
                "wb-feld-element"),
    "Rolle": (lambda: w.Combobox(description="Rolle", ensure_option=False), "wb-feld-rolle"),
    "Aktivitätstyp": (lambda: w.Dropdown(description="Typ"), "wb-feld-typ"),
    "Medium": (lambda: w.Dropdown(options=_MEDIA, description="Medium"), "wb-feld-medium"),
    "Minuten": (lambda: w.BoundedFloatText(min=0, max=100000, step=0.5, description="Minuten"),
                "wb-feld-minuten"),
    "Wartezeit (Tage)": (lambda: w.BoundedFloatText(min=0, max=10000, step=0.5,
                                                    description="Wartezeit (Tage)"),
                         "wb-feld-wartezeit"),
    "System": (lambda: w.Text(description="System"), "wb-feld-system"),
    "Phase": (lambda: w.Dropdown(options=_PHASES, description="Phase"), "wb-feld-phase"),
    "Automatisierung": (lambda: w.Dropdown(options=_AUTOMATION, description="Automatisierung"),
                        "wb-feld-automatisierung"),
    "Weiter": (lambda: w.Text(description="Weiter", placeholder="leer = nächste Zeile; 5|7"),
               "wb-feld-weiter"),
    "Bedingungen": (lambda: w.Text(description="Bedingungen", placeholder="ja|nein (sonst)"),
                    "wb-feld-bedingungen"),
    "Wahrscheinlichkeiten": (lambda: w.Text(description="Wahrsch.", placeholder="0,8|0,2"),
                             "wb-feld-wahrscheinlichkeiten"),
    "Ersetzt": (lambda: w.Text(description="Ersetzt (IST)",
                               placeholder="nur SOLL: IST-Nrn oder -IDs, z. B. 3 5"),
                "wb-feld-ersetzt"),
}
_NUMERIC = ("Minuten", "Wartezeit (Tage)")


class ModelEditor:
    """Edit a process of the knowledge base as a step table; ``.widget`` shows it."""

    def __init__(self, repository: Repository | str = "processes", leistung: str | None = None,
                 variant: str = "ist", kommune: str | None = None, *, workshop: bool = False
                 ) -> None:
        from ..activity_types import ACTIVITY_TYPES

        self.repo = repository_of(repository)
        modelled = self.repo.leistungen.sort_values(["erfassung", "name"])
        self.leistung = w.Dropdown(options=[(r.name, r.id) for r in modelled.itertuples()],
                                   description="Leistung", layout=w.Layout(width="420px"))
        self.variant = w.ToggleButtons(options=[("IST", "ist"), ("SOLL", "soll")], value=variant)
        self.kommune = w.Dropdown(description="Kommune", options=[("Verbund (gemeinsam)", "")] + [
            (r.name, r.schluessel) for r in self.repo.kommunen.itertuples()])
        self.steps = w.Select(rows=16, layout=w.Layout(width="100%"))
        self.steps.add_class("wb-schritte")
        buttons = {"add": ("Schritt einfügen", "plus", "wb-einfuegen"),
                   "remove": ("Entfernen", "trash", "wb-entfernen"),
                   "up": ("Nach oben", "arrow-up", "wb-hoch"),
                   "down": ("Nach unten", "arrow-down", "wb-runter")}
        self.buttons: dict[str, w.Button] = {}
        for key, (label, icon, css) in buttons.items():
            button = w.Button(description=label, icon=icon, layout=w.Layout(width="auto"))
            button.add_class(css)
            self.buttons[key] = button
        self.fields: dict[str, w.Widget] = {}
        for column, (factory, css) in _FIELDS.items():
            widget = factory()
            widget.add_class(css)
            widget.layout = w.Layout(width="98%")
            widget.style = {"description_width": "120px"}
            self.fields[column] = widget
        self.fields["Aktivitätstyp"].options = [("", "")] + [
            (t.label, t.key) for t in ACTIVITY_TYPES.values()]
        self.compare = w.ToggleButton(description="IST/SOLL-Vergleich", icon="columns")
        self.compare.add_class("wb-vergleich")
        self.save_button = w.Button(description="Speichern", icon="save", button_style="primary")
        self.save_button.add_class("wb-speichern")
        self.status = w.HTML()
        self.status.add_class("wb-status")
        self.findings = w.HTML()
        self.findings.add_class("wb-befunde")
        self.map = w.HTML()
        self.map.add_class("wb-karte")
        self.table = pd.DataFrame()
        self.original: Definitions | None = None
        self.original_bytes: bytes | None = None  # the file ``original`` was read from
        self.origin: dict[str, str] = {}
        self.current: Definitions | None = None
        self.revision = 0
        self.workshop = workshop
        self.wrap: int | str = "auto"  # columns per row of the map (workshop: fitted to the pane)
        self._wrap_for: tuple[str, str, str | None] | None = None
        self._quiet = False
        self._wire()
        if leistung:
            self.leistung.value = leistung
        if kommune:
            self.kommune.value = kommune
        self.widget = self._layout(workshop)
        self.load()

    # ------------------------------------------------------------------ layout and wiring
    def _layout(self, workshop: bool) -> w.Widget:
        head = w.HBox([self.leistung, self.variant, self.kommune])
        tools = w.HBox(list(self.buttons.values()))
        actions = w.HBox([self.compare, self.save_button])
        form = w.VBox(list(self.fields.values()), layout=w.Layout(width="100%"))
        if workshop:  # projector: editor left, the map scaled to fit its column right
            self.steps.rows = 10
            self.compare.layout.width = "auto"
            self.kommune.style = {"description_width": "initial"}
            for field in self.fields.values():  # projector font: labels in full
                field.style = {"description_width": "165px"}
            left = w.VBox([tools, self.steps, form], layout=w.Layout(width="27%"))
            left.add_class("wb-workshop-formular")
            right = w.VBox([self.map, self.findings], layout=w.Layout(width="73%"))
            right.add_class("wb-workshop-karte")
            box = w.VBox([w.HBox([head, actions, self.status]), w.HBox([left, right])])
            box.add_class("wb-workshop")
        else:
            left = w.VBox([tools, self.steps, form], layout=w.Layout(width="34%"))
            right = w.VBox([actions, self.status, self.map, self.findings],
                           layout=w.Layout(width="66%"))
            box = w.VBox([head, w.HBox([left, right])])
        box.add_class("wb-editor")
        return box

    def _wire(self) -> None:
        for selector in (self.leistung, self.variant, self.kommune):
            selector.observe(lambda _: self.load(), names="value")
        self.steps.observe(self._on_select, names="value")
        for column, widget in self.fields.items():
            widget.observe(lambda change, c=column: self._on_field(c, change["new"]),
                           names="value")
        self.buttons["add"].on_click(lambda _: self.insert_step())
        self.buttons["remove"].on_click(lambda _: self.remove_step())
        self.buttons["up"].on_click(lambda _: self.move_step(-1))
        self.buttons["down"].on_click(lambda _: self.move_step(1))
        self.compare.observe(lambda _: self.refresh(), names="value")
        self.save_button.on_click(lambda _: self.save())

    # ------------------------------------------------------------------ data
    @property
    def target(self) -> tuple[str, str, str | None]:
        return model_target(self.leistung.value, self.variant.value, self.kommune.value)

    def load(self) -> None:
        """(Re)load the selected model into the table."""
        self._wrap_for = None
        leistung, variant, kommune = self.target
        self.original = self.repo.model(leistung, variant, kommune)
        source = self.repo.model_source(leistung, variant, kommune)
        self.original_bytes = self._file_bytes(source)
        if self.original is None:
            self.table = pd.DataFrame([
                {"Nr": "1", "Schritt": "Start", "Element": "Start", "Rolle": "Bürger:in"},
                {"Nr": "2", "Schritt": "Antrag prüfen", "Element": "Aufgabe",
                 "Rolle": "Sachbearbeitung", "Minuten": 5.0},
                {"Nr": "3", "Schritt": "Erledigt", "Element": "Ende", "Rolle": "Sachbearbeitung"},
            ]).reindex(columns=["Nr", *_FIELDS])
            self.origin = {}
            note = "Noch kein Modell – eine Vorlage mit drei Schritten ist geladen."
        else:
            self.table = bpmn_to_step_table(self.original)
            self.origin = dict(self.table.attrs.get("origin", {}))
            if variant == "soll":  # „Ersetzt“ shows the Nrs of the IST table
                self.table = replaces_as_numbers(self.table, self.repo.model(leistung, "ist"))
            note = f"Geladen: {html.escape(source or '')}"
            if kommune and source and f".{kommune}." not in source:
                note += (" (gemeinsames IST des Verbunds; Speichern legt eine eigene Variante "
                         f"<code>ist.{html.escape(kommune)}.bpmn</code> an)")
        self.status.value = f"<span>{note}</span>"
        self._fill_steps(0)
        self.refresh()

    def _labels(self) -> list[tuple[str, int]]:
        def text(value: object) -> str:
            return "" if value is None or value != value else str(value)

        return [(f"{text(r['Nr'])} · {text(r['Schritt']) or text(r['Element'])}", i)
                for i, r in self.table.iterrows()]

    def _fill_steps(self, index: int) -> None:
        self._quiet = True
        self.steps.options = self._labels()
        self.steps.value = min(index, len(self.table) - 1) if len(self.table) else None
        roles = sorted({str(r) for r in self.table["Rolle"].dropna() if str(r)})
        self.fields["Rolle"].options = roles
        self._quiet = False
        self._on_select({"new": self.steps.value})

    def _on_select(self, change: dict[str, Any]) -> None:
        index = change["new"]
        if index is None or self._quiet:
            return
        self._quiet = True
        row = self.table.iloc[index]
        for column, widget in self.fields.items():
            value = row.get(column)
            if column in _NUMERIC:
                widget.value = float(value) if value == value and value is not None else 0.0
            elif isinstance(widget, w.Dropdown):
                text = "" if value is None or value != value else str(value)
                keys = [o[1] if isinstance(o, tuple) else o for o in widget.options]
                widget.value = text if text in keys else keys[0]
            else:
                widget.value = "" if value is None or value != value else str(value)
        self._quiet = False

    def _on_field(self, column: str, value: Any) -> None:
        if self._quiet or self.steps.value is None:
            return
        index = self.steps.value
        if column in _NUMERIC:
            value = float(value) if value else None
        self.table.at[self.table.index[index], column] = value if value != "" else None
        if column == "Schritt":
            self._quiet = True
            self.steps.options = self._labels()
            self.steps.value = index
            self._quiet = False
        self.refresh()

    # ------------------------------------------------------------------ editing steps
    def insert_step(self) -> None:
        """Insert a new task after the selected step."""
        index = (self.steps.value if self.steps.value is not None else len(self.table) - 1) + 1
        taken = set(self.table["Nr"].astype(str))
        number = 1
        while str(number) in taken:
            number += 1
        role = self.table.iloc[index - 1]["Rolle"] if index > 0 else None
        row = pd.DataFrame([{"Nr": str(number), "Schritt": "Neuer Schritt", "Element": "Aufgabe",
                             "Rolle": role, "Minuten": 0.0}])
        self.table = pd.concat([self.table.iloc[:index], row, self.table.iloc[index:]],
                               ignore_index=True)
        self._fill_steps(index)
        self.refresh()

    def remove_step(self) -> None:
        """Remove the selected step (references to it in 'Weiter' must be edited)."""
        if self.steps.value is None or len(self.table) <= 1:
            return
        index = self.steps.value
        self.table = self.table.drop(self.table.index[index]).reset_index(drop=True)
        self._fill_steps(max(index - 1, 0))
        self.refresh()

    def move_step(self, offset: int) -> None:
        """Move the selected step up (-1) or down (+1) in the table order."""
        index = self.steps.value
        if index is None or not 0 <= index + offset < len(self.table):
            return
        order = list(range(len(self.table)))
        order[index], order[index + offset] = order[index + offset], order[index]
        self.table = self.table.iloc[order].reset_index(drop=True)
        self._fill_steps(index + offset)
        self.refresh()

    # ------------------------------------------------------------------ model, map, save
    def build(self) -> Definitions:
        """The model the current table describes (raises StepTableError with a German reason)."""
        leistung, variant, kommune = self.target
        name = self.repo.leistung(leistung)["name"]
        pool = self.repo.kommune(kommune)["name"] if kommune else self.repo.verbund.name
        table = read_step_table(self.table)
        suffix = f"_{kommune}" if kommune else ""
        return step_table_to_bpmn(table, name=f"{name} – {variant.upper()}", pool=str(pool),
                                  process_id=f"{leistung}_{variant}{suffix}")

    def refresh(self) -> None:
        """Rebuild model, lint and map from the table."""
        try:
            self.current = self.build()
        except StepTableError as err:
            self.findings.value = findings_html([("Fehler", str(err))])
            return
        self.revision += 1
        findings = [("Fehler" if f.severity == "error" else "Warnung", str(f.message))
                    for f in lint(self.current)]
        self.findings.value = findings_html(findings)
        if self.workshop and self._wrap_for != self.target:  # a model was (re)loaded
            self.wrap = self._fitted_wrap(self.current)
            self._wrap_for = self.target
        self.map.value = map_html(self.repo, self.current, self.target, compare=self.compare.value,
                                  revision=self.revision, wrap=self.wrap)

    @staticmethod
    def _fitted_wrap(model: Definitions) -> int | str:
        """Columns per row that show the map largest in the workshop pane (once per model;
        edits keep it, so the map does not jump between layouts while one types)."""
        from .. import maps
        from .fit import best_wrap

        try:
            return best_wrap(model, lambda wrap: maps.process_map(model, style="auto",
                                                                    wrap=wrap).svg)
        except Exception:  # the map itself reports what is wrong (map_html)
            return "auto"

    def _file_bytes(self, source: str | None) -> bytes | None:
        try:
            return (self.repo.root / source).read_bytes() if source else None
        except OSError:
            return None

    def save(self) -> str:
        """Write the model atomically; returns (and shows) what was written."""
        leistung, variant, kommune = self.target
        try:
            built = self.build()
            if self.original is not None:
                table = read_step_table(self.table)
                resolve_replaces(table, self.repo.model(leistung, "ist") if variant == "soll"
                                 else None)
                patched = apply_step_table(self.original, table, original=self.original_bytes)
                model, changes, data = patched.model, patched.changes, patched.xml
            else:
                model, changes, data = built, [], None
        except (StepTableError, EditRefused) as err:
            self.status.value = f"<b>Nicht gespeichert:</b> {html.escape(str(err))}"
            return self.status.value
        target = self.repo.model_path(leistung, variant, kommune)
        if self.original is not None and not changes and target.exists():
            self.status.value = "Keine Änderung – nichts gespeichert."
            return self.status.value
        problems = [f for f in lint(model) if f.severity == "error"]
        try:
            if data is None:
                path = self.repo.save_model(leistung, variant, model, kommune)
            else:  # the original file with only the changes written in
                check_readable(data, str(target))
                path = self.repo.save_model_bytes(leistung, variant, data, kommune)
        except (ValueError, OSError) as err:  # refused (unreadable result) or not writable
            self.status.value = f"<b>Nicht gespeichert:</b> {html.escape(str(err))}"
            return self.status.value
        how = (f"{len(changes)} Änderung(en) am vorhandenen Modell, alles Übrige unverändert"
               if self.original is not None else "Diagramm automatisch angeordnet")
        count = len(model.flow_nodes())
        message = (f"Gespeichert: <code>{html.escape(str(path))}</code> – {count} Elemente, "
                   f"{how}.")
        if changes:
            message += "<ul>" + "".join(f"<li>{html.escape(c)}</li>" for c in changes[:12]) + \
                "</ul>"
        if problems:
            message += f" Achtung: {len(problems)} Modellierungsfehler (siehe Befunde)."
        self.status.value = message
        self.original = self.repo.model(leistung, variant, kommune)
        self.original_bytes = self._file_bytes(self.repo.model_source(leistung, variant, kommune))
        self.origin = dict(bpmn_to_step_table(self.original).attrs.get("origin", {})) \
            if self.original is not None else {}
        return message
