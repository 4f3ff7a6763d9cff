"""The modeler bound to the knowledge base: choose Leistung, IST/SOLL and Kommune, draw, save.

``ModelerWorkspace(...).widget`` is the first thing ``notebooks/00_modellierer.ipynb`` shows. Saving
patches the edits into the model file of the knowledge base (``<leistung>/ist[.<kommune>].bpmn`` or
``soll.bpmn``); a Kommune editing the shared Verbund IST gets its own variant file.
"""

from __future__ import annotations

import html

import ipywidgets as w

from ..bpmn import Activity, Definitions
from ..repository import Repository
from .common import model_target, repository_of
from .modeler import BpmnModeler, blank_model, show_with_static


class _WorkspaceBox(w.VBox):
    """The workspace layout; without a kernel (nbconvert, papermill HTML) the model as SVG."""

    def __init__(self, children: list[w.Widget], modeler: BpmnModeler) -> None:
        super().__init__(children)
        self._modeler = modeler

    def _ipython_display_(self, **kwargs: object) -> None:
        show_with_static(self, self._modeler.static_html())


class ModelerWorkspace:
    """Knowledge-base selection above a :class:`BpmnModeler`; ``.widget`` shows both."""

    def __init__(self, repository: Repository | str = "processes", leistung: str | None = None,
                 variant: str = "ist", kommune: str | None = None, *, workshop: bool = False,
                 height: str = "680px") -> None:
        self.repo = repository_of(repository)
        modelled = self.repo.leistungen.sort_values(["erfassung", "name"])
        self.leistung = w.Dropdown(options=[(r.name, r.id) for r in modelled.itertuples()],
                                   description="Leistung", layout=w.Layout(width="380px"))
        self.variant = w.ToggleButtons(options=[("IST", "ist"), ("SOLL", "soll")], value=variant,
                                       style={"button_width": "64px"})
        self.kommune = w.Dropdown(description="Kommune", options=[("Verbund (gemeinsam)", "")] + [
            (r.name, r.schluessel) for r in self.repo.kommunen.itertuples()])
        self.note = w.HTML()
        self.note.add_class("wb-modeler-quelle")
        self.compare = w.ToggleButton(description="Unterschiede zeigen", icon="columns",
                                      layout=w.Layout(width="auto"),
                                      tooltip="Unterschiede zum IST (im SOLL) oder zum IST des "
                                              "Verbunds (im IST einer Kommune) auf der Leinwand")
        self.compare.add_class("wb-vergleich")
        if leistung:
            self.leistung.value = leistung
        if kommune:
            self.kommune.value = kommune
        self.modeler = BpmnModeler(workshop=workshop, fullscreen=workshop, height=height,
                                   on_save=self._write)
        for selector in (self.leistung, self.variant, self.kommune):
            selector.observe(lambda _: self.load(), names="value")
        self.compare.observe(lambda _: self._compare(), names="value")
        head = w.HBox([self.leistung, self.variant, self.kommune, self.compare])
        self.widget = _WorkspaceBox([head, self.note, self.modeler], self.modeler)
        self.widget.add_class("wb-modeler-arbeitsplatz")
        self.load()

    @property
    def target(self) -> tuple[str, str, str | None]:
        """(Leistung, variant, Kommune) the canvas saves to; SOLL is shared by the Verbund."""
        return model_target(self.leistung.value, self.variant.value, self.kommune.value)

    def load(self) -> None:
        """Show the selected model (a Kommune's IST falls back to the Verbund IST)."""
        leistung, variant, kommune = self.target
        name = f"{self.repo.leistung(leistung)['name']} – {variant.upper()}"
        source = self.repo.model_source(leistung, variant, kommune)
        if source is None:
            pool = self.repo.kommune(kommune)["name"] if kommune else self.repo.verbund.name
            self.modeler.load(blank_model(name, str(pool)), title=name)
            self.note.value = ("<span>Noch kein Modell – eine Vorlage ist geladen; Speichern legt "
                               f"<code>{html.escape(self._relative(leistung, variant, kommune))}"
                               "</code> an.</span>")
        else:
            self.modeler.load(self.repo.root / source, title=name)
            note = f"Geladen: <code>{html.escape(source)}</code>"
            if kommune and f".{kommune}." not in source:
                note += (" (gemeinsames IST des Verbunds; Speichern legt eine eigene Variante "
                         f"<code>{html.escape(self._relative(leistung, variant, kommune))}</code>"
                         " an)")
            self.note.value = f"<span>{note}</span>"
        self.modeler.candidates = self._replace_candidates(leistung, variant, kommune)
        self._compare()

    def reference(self) -> tuple[Definitions, str] | None:
        """What the canvas is compared with: the IST for a SOLL, the Verbund IST for a
        Kommune's own IST (None: nothing to compare)."""
        leistung, variant, kommune = self.target
        if variant == "soll":
            ist = self.repo.model(leistung, "ist", self.kommune.value or None)
            return (ist, "IST") if ist is not None else None
        source = self.repo.model_source(leistung, "ist", kommune)
        if kommune and source and f".{kommune}." in source:
            shared = self.repo.model(leistung, "ist")
            return (shared, "Verbund-IST") if shared is not None else None
        return None

    def _compare(self) -> None:
        reference = self.reference() if self.compare.value else None
        self.compare.disabled = self.reference() is None
        label = "SOLL" if self.target[1] == "soll" else "IST der Kommune"
        self.modeler.compare_with(reference[0] if reference else None,
                                  reference_label=reference[1] if reference else "IST",
                                  label=label)

    def _relative(self, leistung: str, variant: str, kommune: str | None) -> str:
        return str(self.repo.model_path(leistung, variant, kommune).relative_to(self.repo.root))

    def _replace_candidates(self, leistung: str, variant: str, kommune: str | None
                            ) -> list[list[str]]:
        """For a SOLL: the IST activities a SOLL step may replace (id, German label)."""
        if variant != "soll":
            return []
        ist = self.repo.model(leistung, "ist", kommune)
        if ist is None:
            return []
        out = []
        for node in ist.flow_nodes():
            if isinstance(node, Activity):
                lane = node.lane
                label = node.name or node.id
                out.append([node.id, f"{label} ({lane.name})" if lane and lane.name else label])
        return out

    def _write(self, data: bytes) -> str:
        leistung, variant, kommune = self.target
        path = self.repo.save_model_bytes(leistung, variant, data, kommune)
        relative = path.relative_to(self.repo.root)
        self.note.value = f"<span>Gespeichert: <code>{html.escape(str(relative))}</code></span>"
        return f"Gespeichert: {relative}"
