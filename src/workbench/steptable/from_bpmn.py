"""BPMN → step table: any model, flattened where a table cannot express it (with findings)."""

from __future__ import annotations

import heapq
import os
import re
from dataclasses import dataclass, field

import pandas as pd

from .. import bpmn
from ..bpmn.errors import Finding
from ..bpmn.model import Activity, Definitions, Event, FlowNode, Gateway, Process, SubProcess
from ..bpmn.order import back_edges
from .model import ALLOWS_DEFAULT, DEFAULT_MARK, ELEMENTS, NODE_PREFIX, StepRow, StepTable
from .parse import is_default_label

BpmnSource = Definitions | Process | str | bytes | os.PathLike[str]
_TASK_LABELS = {e.tag: label for label, e in ELEMENTS.items() if e.category == "task"}
_GATEWAY_LABELS = {"exclusive": "Entscheidung", "parallel": "Parallel", "inclusive": "Oder",
                   "eventBased": "Entscheidung", "complex": "Oder"}
_EXT = {"minutes": "minutes", "waitDays": "wait_days", "medium": "medium", "system": "system",
        "phase": "phase", "automation": "automation", "activityType": "activity_type"}


def bpmn_to_step_table(source: BpmnSource) -> pd.DataFrame:
    """The step table of a model as DataFrame with exactly the table columns.

    Findings about constructs a table cannot express are in ``frame.attrs["findings"]``.
    """
    return step_table_from_bpmn(source).to_dataframe()


def step_table_from_bpmn(source: BpmnSource) -> StepTable:
    """The step table of a model (all processes of a document, or one process)."""
    if isinstance(source, Process):
        defs, processes = source.defs, [source]
    else:
        defs = source if isinstance(source, Definitions) else bpmn.read(source)
        processes = [p for p in defs.processes if p.flow_nodes]
    return _Converter(defs, processes).convert()


@dataclass
class _Node:
    node: FlowNode
    row: StepRow
    successors: list[tuple[str, str, float | None, bool]] = field(default_factory=list)


class _Converter:
    def __init__(self, defs: Definitions, processes: list[Process]) -> None:
        self.defs, self.processes = defs, processes
        self.findings: list[Finding] = []
        self.nodes: dict[str, _Node] = {}

    def lost(self, code: str, message: str, element: str | None = None) -> None:
        self.findings.append(Finding(code, message, severity="warning", element_id=element,
                                     file=self.defs.source))

    def convert(self) -> StepTable:
        if not self.processes:
            self.lost("no-process", "Das Modell enthält keinen Prozess mit Schritten.")
        several = len(self.processes) > 1
        for process in self.processes:
            pool = process.participant.name if process.participant else ""
            pool = pool or process.name or process.id
            if several:
                self.lost("pool-merged", f"Pool „{pool}“ wurde mit den anderen Pools in eine "
                          "Tabelle übernommen (Rolle = Lane bzw. Pool).", process.id)
            for node in process.flow_nodes:
                self.nodes[node.id] = _Node(node, self.row(node, pool if several else None))
            self.flows(process)
        self.collaboration_losses()
        order = self.order()
        numbered = self.numbers(order)
        rows = []
        for node_id in order:
            item = self.nodes[node_id]
            row = item.row
            row.nr = numbered[node_id]
            row.successors = tuple(numbered[t] for t, *_ in item.successors)
            row.conditions = tuple(label for _, label, _, _ in item.successors)
            row.probabilities = tuple(p for _, _, p, _ in item.successors)
            defaults = [i for i, (*_, is_default) in enumerate(item.successors) if is_default]
            row.default = defaults[0] if defaults and row.element in ALLOWS_DEFAULT else None
            if row.default is not None and not row.conditions[row.default]:
                labels = list(row.conditions)
                labels[row.default] = DEFAULT_MARK
                row.conditions = tuple(labels)
            rows.append(row)
        origin = {numbered[node_id]: node_id for node_id in order}
        return StepTable(rows, self.findings, self.defs.source, origin)

    # ---- nodes
    def row(self, node: FlowNode, pool: str | None) -> StepRow:
        lane = node.lane
        if lane is not None and lane.depth > 0:
            self.lost("nested-lane", f"{_who(node)}: verschachtelte Lanes; übernommen wird die "
                      f"innerste Lane „{lane.name or lane.id}“ als Rolle.", node.id)
        role = (lane.name or lane.id) if lane is not None else pool
        row = StepRow(nr="", step=node.name, element=self.element(node), role=role or None)
        for key, value in node.ext.items():
            if key in _EXT:
                setattr(row, _EXT[key], value)
        row.replaces = tuple(str(node.ext.get("replaces", "")).split())
        if isinstance(node, Activity) and node.loop:
            self.lost("loop-marker", f"{_who(node)}: die Schleifen-/Mehrfach-Markierung "
                      f"({node.loop}) wurde nicht übernommen.", node.id)
        if node.documentation:
            self.lost("documentation", f"{_who(node)}: die Dokumentation wurde nicht "
                      "übernommen.", node.id)
        return row

    def element(self, node: FlowNode) -> str:
        local = node.local_name
        if local in _TASK_LABELS:
            return _TASK_LABELS[local]
        if isinstance(node, SubProcess):
            inner = len(node.all_flow_nodes)
            how = "unverbundene Aufgabe" if node.triggered_by_event else "Aufgabe"
            rest = f"; seine {inner} inneren Elemente fehlen in der Tabelle" if inner else ""
            self.lost("sub-process", f"{_who(node)} wurde als {how} übernommen{rest}.", node.id)
            return "Aufgabe"
        if isinstance(node, Activity):
            self.lost("call-activity", f"{_who(node)} wurde als Aufgabe übernommen.", node.id)
            return "Aufgabe"
        if isinstance(node, Gateway):
            label = _GATEWAY_LABELS.get(node.gateway_type, "Entscheidung")
            if node.gateway_type not in ("exclusive", "parallel", "inclusive"):
                self.lost("gateway-type", f"{_who(node)} wurde als „{label}“ übernommen.",
                          node.id)
            return label
        if isinstance(node, Event):
            return self.event(node)
        self.lost("unknown-node", f"{_who(node)} wurde als Aufgabe übernommen.", node.id)
        return "Aufgabe"

    def event(self, node: Event) -> str:
        kinds = node.event_definitions
        kind = kinds[0] if kinds else None
        local = node.local_name
        if local in ("startEvent", "endEvent"):
            base = "Start" if local == "startEvent" else "Ende"
            label = f"{base} (Nachricht)" if kind == "message" else base
            if kind not in (None, "message") or len(kinds) > 1:
                self.lost("event-definition", f"{_who(node)} ({', '.join(kinds)}) wurde als "
                          f"„{label}“ übernommen.", node.id)
            return label
        label = ("Zwischenereignis (Zeit)" if kind == "timer"
                 else "Zwischenereignis (Nachricht)")
        if local == "boundaryEvent":
            return label  # reported with its flow in flows()
        if local != "intermediateCatchEvent" or kind not in ("timer", "message") or len(kinds) > 1:
            what = ", ".join(kinds) or "ohne Auslöser"
            self.lost("event-definition", f"{_who(node)} ({what}) wurde als „{label}“ "
                      "übernommen.", node.id)
        return label

    # ---- flows
    def flows(self, process: Process) -> None:
        for flow in process.sequence_flows:
            source, target = self.nodes.get(flow.source_id), self.nodes.get(flow.target_id)
            if source is None or target is None:
                self.lost("flow-outside", f"{_who(flow)} verbindet Elemente außerhalb der "
                          "Tabelle und wurde nicht übernommen.", flow.id)
                continue
            if source.row.spec.category == "end" or target.row.spec.category == "start":
                self.lost("flow-invalid", f"{_who(flow)} führt aus einem Ende oder in einen "
                          "Start und wurde nicht übernommen.", flow.id)
                continue
            source.successors.append((flow.target_id, self.label(flow), flow.probability,
                                      flow.is_default))
        for node in process.flow_nodes:
            if isinstance(node, Event) and node.attached_to:
                host = self.nodes.get(node.attached_to)
                if host is None or host.row.spec.category == "end":
                    self.lost("boundary-event", f"{_who(node)} hängt an keinem Schritt der "
                              "Tabelle und steht unverbunden.", node.id)
                    continue
                host.successors.append((node.id, "", None, False))
                item = self.nodes[node.id]
                item.row.role = item.row.role if node.lane else host.row.role
                self.lost("boundary-event", f"{_who(node)} an „{host.node.label}“ wurde als "
                          "Zwischenereignis übernommen, das auf diesen Schritt folgt.", node.id)

    def label(self, flow: bpmn.SequenceFlow) -> str:
        name, condition = flow.name, flow.condition
        label = name or condition or ""
        if name and condition and name != condition:
            self.lost("condition-expression", f"{_who(flow)}: der Bedingungsausdruck "
                      f"„{condition}“ wurde nicht übernommen (nur die Beschriftung).", flow.id)
        if "|" in label or "\n" in label:
            label = re.sub(r"\s*\n\s*", " ", label.replace("|", "/"))
            self.lost("condition-text", f"{_who(flow)}: „|“ und Zeilenumbrüche in der "
                      "Beschriftung wurden ersetzt.", flow.id)
        if not flow.is_default and is_default_label(label):
            self.lost("condition-sonst", f"{_who(flow)} heißt „{label}“, ist aber kein "
                      "Standardfluss; beim Einlesen der Tabelle würde er einer.", flow.id)
        return label.strip()

    def collaboration_losses(self) -> None:
        if self.defs.message_flows:
            self.lost("message-flows", f"{len(self.defs.message_flows)} Nachrichtenfluss/"
                      "-flüsse wurden nicht übernommen (eine Tabelle kennt nur Sequenzflüsse).")
        included = {p.id for p in self.processes}
        for part in self.defs.participants:
            if part.process_id not in included:
                self.lost("pool-skipped", f"Pool „{part.label}“ hat keine Schritte in der "
                          "Tabelle und wurde nicht übernommen.", part.id)
        for process in self.processes:
            for code, elements, what in (
                ("data", process.data_elements, "Datenobjekte/-speicher"),
                ("artifact", process.artifacts, "Anmerkungen, Gruppen und Assoziationen"),
            ):
                if elements:
                    self.lost(code, f"{len(elements)} {what} im Prozess „{process.label}“ "
                              "wurden nicht übernommen.", process.id)

    # ---- order and numbers
    def from_table(self) -> bool:
        """True when every node id is ``Schritt_<Nr>`` (the model was built from a table)."""
        return bool(self.nodes) and all(_table_nr(i) for i in self.nodes)

    def order(self) -> list[str]:
        """Document order for models built from a table, else flow order (topological)."""
        document = list(self.nodes)
        if self.from_table():
            return document
        index = {n: i for i, n in enumerate(document)}
        succ = {n: [t for t, *_ in self.nodes[n].successors] for n in document}
        back = back_edges(document, succ)
        indegree = dict.fromkeys(document, 0)
        for source, targets in succ.items():
            for target in targets:
                if (source, target) not in back:
                    indegree[target] += 1
        heap = [(index[n], n) for n in document if indegree[n] == 0]
        heapq.heapify(heap)
        out: list[str] = []
        while heap:
            _, node = heapq.heappop(heap)
            out.append(node)
            for target in succ[node]:
                if (node, target) in back:
                    continue
                indegree[target] -= 1
                if indegree[target] == 0:
                    heapq.heappush(heap, (index[target], target))
        return out

    def numbers(self, order: list[str]) -> dict[str, str]:
        """Nr from ``Schritt_<Nr>`` ids; other nodes get the next free whole numbers."""
        out = {n: _table_nr(n) for n in order if _table_nr(n)}
        taken = set(out.values())
        number = 0
        for node in order:
            if node not in out:
                number += 1
                while str(number) in taken:
                    number += 1
                out[node] = str(number)
        return out


def _table_nr(node_id: str) -> str:
    return node_id[len(NODE_PREFIX):] if node_id.startswith(NODE_PREFIX) else ""


def _who(element: bpmn.Element) -> str:
    name = f" „{element.name}“" if element.name else ""
    return f"{element.type_label}{name} ({element.id})"
