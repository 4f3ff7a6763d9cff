"""What the modeler shows over the canvas: our reader's verdict and the metrics of the model.

:func:`analyse` takes the XML that came from the canvas, reads it with :func:`workbench.bpmn.read`
(the same lenient, safe reader as every import), lints it and computes
:func:`workbench.metrics.compute` for every pool's process. The result is plain JSON for the
front end: per element the medium (fill colour), badges (minutes, expected visits on loops) and
markers (waste), per sequence flow the Medienbruch and manual re-entry (Neuerfassung) marks, a
German summary line and the findings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from threadpoolctl import ThreadpoolController

from .. import indicators, metrics
from ..bpmn import Activity, BpmnRejected, Definitions, Gateway, SubProcess
from ..bpmn import read as read_bpmn
from ..bpmn.lint import lint
from ..maps.flows import break_flows
from ..maps.scene import Scene, SceneFlow, SceneNode
from ..maps.shapes import format_minutes, short_reason
from ..markov import has_content
from ..text import german_number

#: Expected visits that differ from 1 by more than this get a badge ("1,3×").
VISIT_TOLERANCE = 0.005
_LEVEL = {"error": "error", "warning": "warning", "info": "info"}
_SEVERITY = {"error": "Fehler", "warning": "Warnung", "info": "Hinweis"}
#: The Markov chains of one model are small: BLAS threads only cost time there (much time on a
#: loaded machine), so the analysis runs BLAS single-threaded.
_BLAS = ThreadpoolController()


@dataclass
class Analysis:
    """The reader's result and the JSON payload for the canvas."""

    payload: dict[str, Any]
    definitions: Definitions | None = None
    metrics: list[metrics.ModelMetrics] = field(default_factory=list)


def _finding(severity: str, message: str, element: str | None = None) -> dict[str, Any]:
    return {"level": _LEVEL.get(severity, "info"), "severity": _SEVERITY.get(severity, ""),
            "message": message, "element": element}


def _visits_text(value: float) -> str:
    return f"{german_number(value, 2).rstrip('0').rstrip(',')}×"


def _process_metrics(defs: Definitions, findings: list[dict[str, Any]]
                     ) -> list[metrics.ModelMetrics]:
    """Metrics of every process that has activities; a process that cannot be computed yields a
    German finding instead (e.g. while it is still being drawn and has no end yet)."""
    results = []
    for process in defs.processes:
        if not any(isinstance(n, Activity) for n in process.all_flow_nodes):
            continue
        try:
            results.append(metrics.compute(process))
        except metrics.MetricsError as err:
            findings.append(_finding("warning", f"Kennzahlen für „{process.name or process.id}“ "
                                     f"nicht berechenbar: {err}"))
    return results


def _element_payload(defs: Definitions, computed: list[metrics.ModelMetrics]
                     ) -> dict[str, dict[str, Any]]:
    visits: dict[str, float] = {}
    waste: set[str] = set()
    for m in computed:
        visits.update(m.visits)
        waste.update(m.waste_steps)
    elements: dict[str, dict[str, Any]] = {}
    for node in defs.flow_nodes():
        if not isinstance(node, Activity):
            continue
        info: dict[str, Any] = {"badges": [], "markers": []}
        if node.medium:
            info["medium"] = str(node.medium)
        container = isinstance(node, SubProcess) and has_content(node)
        if node.minutes is not None:
            info["badges"].append({"kind": "minutes", "text": format_minutes(float(node.minutes)),
                                   "title": "Bearbeitungszeit je Ausführung"})
        elif not container:
            info["badges"].append({"kind": "nominutes", "text": "? Min.",
                                   "title": "Keine Bearbeitungszeit angegeben (zählt mit 0)"})
        seen = visits.get(node.id)
        if seen is not None and abs(seen - 1.0) > VISIT_TOLERANCE and not container:
            title = ("Erwartete Ausführungen je Fall (Schleife)" if seen > 1
                     else "Anteil der Fälle, die diesen Schritt erreichen")
            info["badges"].append({"kind": "visits", "text": _visits_text(seen), "title": title})
        if node.id in waste:
            info["markers"].append("wb-waste")
        elements[node.id] = info
    return elements


def _flow_title(reason: str, count: float) -> str:
    if abs(count - 1.0) > VISIT_TOLERANCE:
        return f"{reason} – erwartet {_visits_text(count)} je Fall"
    return reason


def _flow_payload(defs: Definitions, computed: list[metrics.ModelMetrics],
                  elements: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per sequence flow: the Medienbrüche and, among them, the manual re-entries.

    A transition between two activities may pass gateways and events: every flow on the way
    gets the line style, the last one the label. A Medienbruch where a person types the data
    in again (händische Neuerfassung, :mod:`workbench.indicators`, the same list the reports
    count) gets its own marker and label; a step that is a re-entry by its activity type gets
    a badge.
    """
    breaks: dict[tuple[str, str], tuple[str, float]] = {}
    reentries: dict[tuple[str, str], str] = {}
    for m in computed:
        for t in m.break_transitions:
            breaks.setdefault((t.source_activity_id, t.target_activity_id),
                              (t.reason_de, t.expected_count))
        for r in indicators.compute(defs, m).reentry_list:
            if not r.source_id:  # typing over by its activity type: the step itself
                info = elements.setdefault(r.target_id, {"badges": [], "markers": []})
                info["badges"].append({"kind": "reentry", "text": "Neuerfassung",
                                       "title": f"Händische Neuerfassung: {r.reason_de}"})
            else:
                reentries.setdefault((r.source_id, r.target_id), r.reason_de)
    if not breaks:
        return {}
    scene = _flow_scene(defs)
    flows: dict[str, dict[str, Any]] = {}
    for pair, (reason, count) in sorted(breaks.items()):
        reentry = pair in reentries
        labelled, styled, missing = break_flows(scene, {pair: reason})
        for flow_id in styled:
            info = flows.setdefault(flow_id, {"kind": "medienbruch",
                                              "markers": ["wb-medienbruch"]})
            if reentry and "wb-neuerfassung" not in info["markers"]:
                info["markers"].append("wb-neuerfassung")
                info["kind"] = "neuerfassung"
        title = f"Medienbruch: {reason}"
        if reentry:
            title = f"Händische Neuerfassung {reentries[pair]}; {title}"
        for flow_id in labelled:
            if "text" in flows[flow_id] and not reentry:
                continue  # a re-entry's label wins over a plain Medienbruch on the same flow
            flows[flow_id].update(text="Neuerfassung" if reentry else "Medienbruch",
                                  title=_flow_title(title, count))
        for _source, target, _reason in missing:  # no sequence-flow path: mark the target step
            info = elements.setdefault(target, {"badges": [], "markers": []})
            info["badges"].append({"kind": "reentry" if reentry else "break",
                                   "text": "Neuerfassung" if reentry else "Medienbruch",
                                   "title": short_reason(reason)})
    return dict(sorted(flows.items()))


def _flow_scene(defs: Definitions) -> Scene:
    """Just what :func:`break_flows` walks: sequence flows and which nodes it may pass."""
    scene = Scene()
    for process in defs.processes:
        for node in process.all_flow_nodes:
            kind = "activity" if isinstance(node, Activity) else \
                "gateway" if isinstance(node, Gateway) else "event"
            scene.nodes[node.id] = SceneNode(node.id, node, kind, band=0)
        scene.flows += [SceneFlow(f.id, f.source_id, f.target_id, "sequence")
                        for f in process.all_sequence_flows]
    return scene


def _summary(defs: Definitions, computed: list[metrics.ModelMetrics]) -> list[list[str]]:
    """The main process's figures, the same as ``workbench bpmn metrics`` prints."""
    try:
        main = defs.main_process()
    except ValueError:
        return []
    m = next((m for m in computed if m.process_id == main.id), None)
    if m is None:
        return []
    share = "–" if m.digital_share is None else f"{m.digital_share * 100:.0f} %"
    summary = [
        ["Bearbeitung je Fall", format_minutes(m.expected_minutes) or "0 Min.",
         "Erwartete Bearbeitungszeit je Fall (Schleifen mit ihrer Wahrscheinlichkeit)"],
        ["Liegezeit", german_number(m.expected_wait_days, 1, "Tage"),
         "Erwartete Liege- und Wartezeit je Fall"],
        ["Medienbrüche", german_number(m.media_breaks, 1), "Erwartete Medienbrüche je Fall"],
        ["digital", share, "Digitaler Anteil der Bearbeitungszeit"],
    ]
    if len(computed) > 1:
        summary.insert(0, ["Pool", main.name or main.id, "Die Kennzahlen gelten für diesen Pool"])
    return summary


def analyse(xml: str | bytes, *, seq: int | None = None, name: str | None = None) -> Analysis:
    """Read and measure one canvas state; never raises for a user's model.

    The lint findings are not part of it (see :func:`lint_findings`): the overlays go back to
    the canvas first, the findings follow.
    """
    started = time.perf_counter()
    try:
        defs = read_bpmn(xml if isinstance(xml, bytes) else xml.encode("utf-8"), name=name)
    except BpmnRejected as err:
        payload = {"seq": seq, "ok": False, "findings": [_finding("error", err.reason)],
                   "compute_ms": (time.perf_counter() - started) * 1000}
        return Analysis(payload)
    findings = [_finding(f.severity, f.message, f.element_id) for f in defs.warnings
                if f.severity != "info"]
    with _BLAS.limit(limits=1, user_api="blas"):
        computed = _process_metrics(defs, findings)
    for m in computed:
        findings += [_finding("info", text) for text in m.warnings]
    elements = _element_payload(defs, computed)
    flows = _flow_payload(defs, computed, elements)
    payload = {
        "seq": seq, "ok": True, "elements": elements, "flows": flows,
        "summary": _summary(defs, computed), "findings": findings,
        "compute_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    return Analysis(payload, defs, computed)


def lint_findings(defs: Definitions | None) -> list[dict[str, Any]]:
    """The modelling findings of :func:`workbench.bpmn.lint.lint` in the canvas's JSON form."""
    if defs is None:
        return []
    return [_finding(f.severity, f.message, f.element_id) for f in lint(defs)]
