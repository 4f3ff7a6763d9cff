"""Levels of a model: processes and the sub-processes inside them (drill-down).

The activities of a FIM model are collapsed sub-processes without content; once a Verbund
details one, it holds steps of its own. This module

- lists the levels of a model (:func:`levels`) and finds a sub-process by id or name
  (:func:`find_sub_process`, German :class:`LevelError` otherwise),
- cuts a level out as a model of its own (:func:`level_model`): its content becomes the one
  process of a new document, with the diagram the author drew for it (the sub-process's own
  plane, or the shapes inside it on the main plane), so maps and metrics work on it unchanged,
- adds up the expected handling minutes of a sub-process's inner flow from the visits the
  metrics computed (:func:`inner_totals`): what a collapsed sub-process costs per execution.

Pure functions over the XML view; nothing here computes visits (that is ``workbench.markov``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from . import namespaces as ns
from .elements import Activity, Process, SubProcess
from .model import Definitions

_B = "{" + ns.BPMN + "}"
_DI = "{" + ns.BPMNDI + "}"
#: Children of a sub-process that belong to the activity, not to its content.
_ACTIVITY_ONLY = frozenset({
    "incoming", "outgoing", "ioSpecification", "property", "dataInputAssociation",
    "dataOutputAssociation", "standardLoopCharacteristics", "multiInstanceLoopCharacteristics",
    "extensionElements", "completionCondition",
})
#: Root elements a level model does not take over (it gets a process and diagram of its own).
_NOT_SHARED = frozenset({"process", "collaboration", "BPMNDiagram"})
_LIST_LIMIT = 12


class LevelError(ValueError):
    """A sub-process that is not there, not unique or has no content (German message)."""


@dataclass(frozen=True, slots=True)
class Level:
    """A process or a sub-process with content: one level of the drill-down."""

    id: str
    name: str
    kind: str  # German type label: Prozess, Teilprozess, Ereignis-Teilprozess, Transaktion …
    depth: int
    parent: str | None
    steps: int  # activities directly inside


@dataclass(frozen=True, slots=True)
class LevelTotal:
    """Expected handling minutes of a sub-process's inner flow."""

    executions: float  # expected executions of the sub-process per case
    minutes_per_case: float  # Σ visits · minutes of the work-carrying activities inside
    missing_minutes: int  # activities inside without minutes and without standard value (0)
    standard_minutes_per_case: float = 0.0  # part of minutes_per_case from standard values

    @property
    def minutes_per_execution(self) -> float | None:
        """Minutes of one execution; None when the sub-process is never reached."""
        return self.minutes_per_case / self.executions if self.executions > 1e-12 else None


def has_content(node: SubProcess) -> bool:
    """True when the sub-process contains flow nodes (without, it counts as one activity)."""
    return bool(node.flow_nodes)


def label(text: str) -> str:
    """A name as people compare it: whitespace (line breaks of the modeler) collapsed."""
    return " ".join(str(text or "").split())


def _kind(node: SubProcess | Process) -> str:
    if isinstance(node, Process):
        return "Prozess"
    if node.triggered_by_event:
        return "Ereignis-Teilprozess"
    return node.type_label


def levels(defs: Definitions) -> list[Level]:
    """Every process with content and every sub-process with content, depth first."""
    out: list[Level] = []

    def walk(container: Process | SubProcess, depth: int, parent: str | None) -> None:
        nodes = container.flow_nodes
        out.append(Level(container.id, label(container.name), _kind(container), depth, parent,
                         sum(isinstance(n, Activity) for n in nodes)))
        for node in nodes:
            if isinstance(node, SubProcess) and has_content(node):
                walk(node, depth + 1, container.id)

    for process in defs.processes:
        if process.flow_nodes:
            walk(process, 0, None)
    return out


def sub_processes(defs: Definitions) -> list[SubProcess]:
    """All sub-processes of the model (with or without content), in document order."""
    return [n for n in defs.flow_nodes() if isinstance(n, SubProcess)]


def find_sub_process(defs: Definitions, key: str) -> SubProcess:
    """The sub-process with this id, else with this name (case and line breaks ignored)."""
    found = defs.get(key)
    if isinstance(found, SubProcess):
        return found
    candidates = sub_processes(defs)
    wanted = label(key).casefold()
    named = [n for n in candidates if label(n.name).casefold() == wanted]
    if len(named) == 1:
        return named[0]
    if named:
        ids = ", ".join(n.id for n in named)
        raise LevelError(f"Mehrere Teilprozesse heißen „{label(key)}“ ({ids}); bitte mit der ID "
                         "wählen.")
    if not candidates:
        raise LevelError(f"Teilprozess „{label(key)}“ nicht gefunden: das Modell hat keine "
                         "Teilprozesse.")
    names = [f"„{label(n.name) or n.id}“" for n in candidates[:_LIST_LIMIT]]
    more = f" und {len(candidates) - _LIST_LIMIT} weitere" if len(candidates) > _LIST_LIMIT else ""
    raise LevelError(f"Teilprozess „{label(key)}“ nicht gefunden. Vorhanden: "
                     f"{', '.join(names)}{more}.")


def level_model(defs: Definitions, key: str) -> Definitions:
    """The content of a sub-process as a model of its own (one process, id and name of the
    sub-process), with its diagram where the author drew one; the source stays unchanged."""
    from .read import read

    node = find_sub_process(defs, key)
    if not has_content(node):
        raise LevelError(f"Teilprozess „{label(node.name) or node.id}“ ({node.id}) ist "
                         "zugeklappt und hat keinen Inhalt – es gibt keine Ebene darunter. "
                         "Schritte im Teilprozess modellieren (Modellierungswerkzeug) oder die "
                         "Angaben am Teilprozess selbst pflegen.")
    source = defs.root
    root = etree.Element(source.tag, attrib=dict(source.attrib), nsmap=source.nsmap)
    root.set("name", label(node.name) or node.id)  # the title of its map
    for child in source:
        if not isinstance(child.tag, str) or ns.local_name(child.tag) not in _NOT_SHARED:
            root.append(copy.deepcopy(child))  # messages, item definitions, errors …
    process = etree.SubElement(root, _B + "process", id=node.id, isExecutable="false")
    if node.name:
        process.set("name", node.name)
    for child in node.element:
        if isinstance(child.tag, str) and ns.local_name(child.tag) in _ACTIVITY_ONLY:
            continue
        process.append(copy.deepcopy(child))
    diagram = _level_diagram(defs, node)
    if diagram is not None:
        root.append(diagram)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    name = f"{defs.source or 'Modell'} – Teilprozess {label(node.name) or node.id}"
    return read(data, name=name)


def _level_diagram(defs: Definitions, node: SubProcess) -> etree._Element | None:
    """The sub-process's own plane (a collapsed sub-process drawn on a page of its own), else
    the shapes and edges of its content on the other planes, on a new plane."""
    for diagram in defs.diagrams:
        if diagram.plane_element == node.id:
            return copy.deepcopy(diagram.element)
    inner = {el.get("id") for el in node.element.iter(_B + "*") if el.get("id")}
    inner.discard(node.id)
    drawn = [el for diagram in defs.diagrams
             for el in diagram.element.iter(_DI + "BPMNShape", _DI + "BPMNEdge")
             if el.get("bpmnElement") in inner]
    if not drawn:
        return None
    nsmap = {"bpmndi": ns.BPMNDI}
    diagram_el = etree.Element(_DI + "BPMNDiagram", id=f"{node.id}_ebene", nsmap=nsmap)
    plane = etree.SubElement(diagram_el, _DI + "BPMNPlane", id=f"{node.id}_ebene_plane",
                             bpmnElement=node.id)
    for el in drawn:
        plane.append(copy.deepcopy(el))
    return diagram_el


def content_drawn(defs: Definitions, node: SubProcess, plane_ids: set[str]) -> bool:
    """Whether any flow node inside the sub-process has a shape in the given diagram."""
    return any(n.id in plane_ids for n in node.flow_nodes)


def inner_totals(defs: Definitions, visits: Mapping[str, float],
                 standard: Mapping[str, float] | None = None) -> dict[str, LevelTotal]:
    """Per sub-process with content: expected executions per case and the expected handling
    minutes of everything inside (nested levels included), from the metrics' visits; a step
    without minutes counts with its ``standard`` value (activity id → minutes) when the metrics
    assumed one, else with 0."""
    standard = standard or {}
    out: dict[str, LevelTotal] = {}
    for node in sub_processes(defs):
        if not has_content(node) or node.id not in visits:
            continue
        total, assumed, missing = 0.0, 0.0, 0
        for inner in node.all_flow_nodes:
            if not isinstance(inner, Activity):
                continue
            if isinstance(inner, SubProcess) and has_content(inner):
                continue  # its content is counted, not the container
            seen = float(visits.get(inner.id, 0.0))
            if inner.minutes is not None:
                total += seen * float(inner.minutes)
            elif inner.id in standard:
                total += seen * float(standard[inner.id])
                assumed += seen * float(standard[inner.id])
            else:
                missing += seen > 1e-12
        out[node.id] = LevelTotal(float(visits[node.id]), total, missing, assumed)
    return out
