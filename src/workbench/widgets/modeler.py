"""The BPMN modeler widget: bpmn-js on the canvas, our reader and metrics behind it.

>>> m = BpmnModeler("processes/hundeanmeldung/ist.bpmn")   # doctest: +SKIP
>>> m                                                       # shows the canvas in JupyterLab/Voilà
>>> m.changes()                                             # what would be saved  # doctest: +SKIP
>>> m.save()                                                # only the edits, patched into the file

The JavaScript (``static/bpmn-modeler.js``, built from ``js/`` with a lockfile) talks to this class
through one message format:

* Python → canvas: the traits ``xml`` (imported whenever it differs from what the canvas sent
  last), ``analysis`` (overlays, summary, reader and metric findings; see
  :mod:`.modeler_analysis`), ``findings`` (lint, sent right after the overlays), ``status``
  (``{"kind": "saved"|"error"|"info"|"busy", "text": …}``), ``schema`` (see :mod:`.modeler_schema`),
  ``candidates`` (IST elements a SOLL element may replace) and the layout flags ``workshop``,
  ``panel_open``, ``fullscreen``, ``height``, ``title``.
* canvas → Python: custom messages ``{"type": "edit", "xml", "seq"}`` after every change
  (debounced by ``debounce_ms``), ``{"type": "save", "seq"}`` and
  ``{"type": "imported", "ok", "baseline", "warnings"|"error"}`` (``baseline``: bpmn-js's XML of
  the model right after import, for the three-way merge).

The canvas XML is never written as it is: :meth:`save` patches the semantic differences into the
original file (:func:`workbench.edit.merge_canvas_xml`), so everything the edit did not touch stays
byte for byte, and an edit that would lose content is refused with a German message.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t
from lxml import etree

from ..bpmn import BpmnRejected, Definitions
from ..bpmn import read as read_bpmn
from ..bpmn import to_bytes as bpmn_bytes
from ..fileio import atomic_write_bytes
from .modeler_analysis import Analysis, analyse, lint_findings
from .modeler_schema import panel_schema

STATIC = Path(__file__).parent / "static"
#: The bpmn-js NavigatedViewer for pages without a kernel (see docs/modellierer.md).
VIEWER_JS = STATIC / "bpmn-viewer.js"
VIEWER_CSS = STATIC / "bpmn-viewer.css"

Source = str | bytes | os.PathLike[str] | Definitions
SaveHandler = Callable[[bytes], str]


class SaveRefused(RuntimeError):
    """Saving is not possible (no target, content would be lost …); the message is German."""


def blank_model(name: str = "Neuer Prozess", pool: str = "Verwaltung") -> bytes:
    """A small valid model to start drawing from: start event, one task, end event in a lane."""
    import pandas as pd

    from ..steptable import read_step_table, step_table_to_bpmn

    table = pd.DataFrame([
        {"Nr": "1", "Schritt": "Antrag eingegangen", "Element": "Start",
         "Rolle": "Sachbearbeitung"},
        {"Nr": "2", "Schritt": "Antrag prüfen", "Element": "Aufgabe", "Rolle": "Sachbearbeitung"},
        {"Nr": "3", "Schritt": "Erledigt", "Element": "Ende", "Rolle": "Sachbearbeitung"},
    ])
    defs = step_table_to_bpmn(read_step_table(table), name=name, pool=pool, process_id="prozess")
    return bpmn_bytes(defs)


def _source_bytes(source: Source | None) -> tuple[bytes, Path | None]:
    if source is None:
        return blank_model(), None
    if isinstance(source, Definitions):
        return bpmn_bytes(source), Path(source.source) if source.source else None
    if isinstance(source, bytes):
        return source, None
    if isinstance(source, str) and source.lstrip("\ufeff \t\r\n").startswith("<"):
        return source.encode("utf-8"), None
    path = Path(source)
    try:
        return path.read_bytes(), path
    except OSError as err:
        raise BpmnRejected(f"Datei kann nicht gelesen werden ({err.strerror}).",
                           source=str(path)) from None


class BpmnModeler(anywidget.AnyWidget):
    """bpmn-js Modeler with a German side panel and live metric overlays (see module doc)."""

    _esm = STATIC / "bpmn-modeler.js"
    _css = STATIC / "bpmn-modeler.css"

    xml = t.Unicode("").tag(sync=True)
    load_id = t.Int(0).tag(sync=True)  # which load() the canvas's "imported" message answers
    schema = t.Dict().tag(sync=True)
    analysis = t.Dict().tag(sync=True)
    findings = t.List().tag(sync=True)
    status = t.Dict().tag(sync=True)
    candidates = t.List().tag(sync=True)
    title = t.Unicode("").tag(sync=True)
    workshop = t.Bool(False).tag(sync=True)
    panel_open = t.Bool(True).tag(sync=True)
    fullscreen = t.Bool(False).tag(sync=True)
    height = t.Unicode("640px").tag(sync=True)
    debounce_ms = t.Int(60).tag(sync=True)

    def __init__(self, source: Source | None = None, *, path: str | os.PathLike[str] | None = None,
                 title: str | None = None, on_save: SaveHandler | None = None,
                 **kwargs: Any) -> None:
        super().__init__(schema=panel_schema(), **kwargs)
        self.original = b""
        self.baseline: str | None = None
        self.path: Path | None = None
        self.on_save = on_save
        self.last_import: dict[str, Any] = {}
        self.result: Analysis = Analysis({})
        self.reference: tuple[Definitions, str, str] | None = None
        self._listeners: list[Callable[[Analysis], None]] = []
        self.on_msg(self._on_message)
        self.load(source, path=path, title=title)

    # ------------------------------------------------------------------ loading
    def load(self, source: Source | None = None, *, path: str | os.PathLike[str] | None = None,
             title: str | None = None) -> None:
        """Show a model (file, bytes, XML text, Definitions; None: a blank one) on the canvas.

        Raises :class:`~workbench.bpmn.BpmnRejected` (German reason) when it cannot be read.
        """
        data, source_path = _source_bytes(source)
        name = str(path or source_path or "Canvas")
        defs = read_bpmn(data, name=name)
        self.original = data
        self.path = Path(path) if path else source_path
        if title is not None:
            self.title = title
        elif not self.title:
            self.title = defs.name or (self.path.name if self.path else "")
        self.status = {}
        # bpmn-js reads text; our tree re-serialized is the same model in UTF-8 whatever the
        # file's encoding (the file itself is only ever patched, see save()).
        text = etree.tostring(defs.root, encoding="unicode")
        with self.hold_sync():
            self._analyse(data, seq=None)
            if text != self.xml:  # the canvas imports it and reports its new baseline
                self.baseline = None
                self.load_id += 1
                self.xml = text

    @property
    def definitions(self) -> Definitions | None:
        """The model as our reader sees the current canvas (None while it cannot be read)."""
        return self.result.definitions

    def compare_with(self, reference: Definitions | None, *, reference_label: str = "IST",
                     label: str = "SOLL") -> None:
        """Show the differences to ``reference`` on the canvas (None: stop comparing)."""
        wanted = (reference, reference_label, label) if reference is not None else None
        if wanted == self.reference:
            return
        self.reference = wanted
        if self.xml:
            self._analyse(self.xml, seq=self.analysis.get("seq"))

    def on_change(self, callback: Callable[[Analysis], None]) -> None:
        """Call ``callback(analysis)`` after every edit on the canvas has been read."""
        self._listeners.append(callback)

    # ------------------------------------------------------------------ messages
    def _on_message(self, _widget: object, content: dict[str, Any], _buffers: object) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "edit" and isinstance(content.get("xml"), str):
            self.receive(content["xml"], seq=content.get("seq"))
        elif kind == "save":
            self.save_from_canvas(content.get("seq"))
        elif kind == "imported":
            self.last_import = {k: v for k, v in content.items() if k != "baseline"}
            baseline = content.get("baseline")
            if content.get("load_id") == self.load_id:  # not the answer to an older load()
                self.baseline = baseline if isinstance(baseline, str) and content.get("ok") \
                    else None

    def receive(self, xml: str, *, seq: int | None = None) -> Analysis:
        """An edit from the canvas: keep its XML, read it, recompute, send the overlays back."""
        started = time.perf_counter()
        with self._lock_property(xml=xml):  # the canvas has it already: no echo
            self.xml = xml
        result = self._analyse(xml, seq=seq, started=started)
        for listener in self._listeners:
            listener(result)
        return result

    def _analyse(self, xml: str | bytes, *, seq: int | None, started: float | None = None
                 ) -> Analysis:
        result = analyse(xml, seq=seq, name=self.path.name if self.path else None)
        if self.reference is not None and result.definitions is not None:
            from .modeler_diff import diff_payload, merge_into

            reference, reference_label, label = self.reference
            merge_into(result.payload, diff_payload(reference, result.definitions,
                                                    reference_label=reference_label, label=label))
        if started is not None:
            result.payload["kernel_ms"] = round((time.perf_counter() - started) * 1000, 2)
        if result.definitions is not None or not self.result.payload:
            self.result = result
        self.analysis = result.payload  # the overlays go out first …
        self.findings = lint_findings(result.definitions)  # … the modelling findings follow
        return result

    # ------------------------------------------------------------------ saving
    def merged(self) -> Any:
        """The original file with the canvas edits patched in (``.xml`` bytes, ``.changes``).

        Three-way when the canvas reported its baseline (what bpmn-js made of the original before
        any edit), so content bpmn-js did not load stays untouched. Raises the German refusal
        error of :mod:`workbench.edit` when content would be lost.
        """
        from ..edit import merge_canvas_xml

        return merge_canvas_xml(self.original, self.xml, baseline=self.baseline)

    def changes(self) -> list[str]:
        """What saving now would change, in German (empty: nothing to save)."""
        return list(self.merged().changes)

    def save(self, path: str | os.PathLike[str] | None = None) -> str:
        """Patch the edits into the original and write it atomically; returns a German message.

        Raises :class:`SaveRefused` (or the refusal error of :mod:`workbench.edit`) with a German
        message; nothing is written then.
        """
        merged = self.merged()
        try:
            read_bpmn(merged.xml, name=str(path or self.path or "Canvas"))
        except BpmnRejected as err:  # never write what our own reader rejects
            raise SaveRefused(f"Nicht gespeichert: {err.reason}") from None
        if path is None and self.on_save is not None:
            message = self.on_save(merged.xml)
        else:
            target = Path(path) if path else self.path
            if target is None:
                raise SaveRefused("Nicht gespeichert: kein Speicherort angegeben "
                                  "(save(path=…) oder BpmnModeler(…, path=…)).")
            atomic_write_bytes(target, merged.xml)
            self.path = target
            message = f"Gespeichert: {target.name}"
        self.original = merged.xml
        self.baseline = self.xml  # the canvas now shows what the file holds
        changes = list(merged.changes)
        if changes:
            message += f" – {len(changes)} Änderung(en): " + "; ".join(changes[:5]) + \
                (" …" if len(changes) > 5 else "")
        else:
            message += " – keine inhaltlichen Änderungen."
        return message

    def save_from_canvas(self, seq: int | None = None) -> None:
        """The canvas's Save button: save and report the outcome in the toolbar."""
        try:
            text = self.save()
        except Exception as err:  # a refusal must reach the person at the canvas, never a trace
            self.status = {"kind": "error", "text": _message(err), "seq": seq}
            return
        self.status = {"kind": "saved", "text": text, "seq": seq}

    # ------------------------------------------------------------------ static output
    def static_html(self) -> str:
        """The current model as a static SVG (for nbconvert/papermill HTML, where no kernel runs)."""
        from .. import maps

        defs = self.definitions
        if defs is None:
            return _static("<p>Das Modell kann nicht dargestellt werden.</p>")
        try:
            svg = maps.process_map(defs, style="di").svg
        except Exception as err:  # a picture must never break the notebook output
            return _static(f"<p>Karte nicht darstellbar: {html.escape(str(err))}</p>")
        caption = html.escape(self.title or defs.name or "BPMN-Modell")
        return _static(f"<figure><div style='overflow:auto'>{svg}</div>"
                       f"<figcaption>{caption} – statische Ansicht; bearbeiten im Modellierer "
                       "(JupyterLab oder Voilà).</figcaption></figure>")

    def _ipython_display_(self, **kwargs: Any) -> None:
        show_with_static(self, self.static_html())


def _static(body: str) -> str:
    return f"<div class='wb-modeler-static'>{body}</div>"


def show_with_static(widget: Any, static: str) -> None:
    """Display the static picture and the widget as two outputs of the cell.

    Where the widget renders (JupyterLab, Voilà) the widget's CSS hides the picture. nbconvert and
    papermill HTML render no widgets without a kernel (their widget manager would come from a CDN),
    so the picture is what such a page shows.
    """
    from IPython.display import HTML, display

    display(HTML(static))
    bundle = widget._repr_mimebundle_()
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    display(data, metadata=metadata or {}, raw=True)


def _message(err: Exception) -> str:
    text = str(err)
    return text if text.startswith("Nicht gespeichert") else f"Nicht gespeichert: {text}"
